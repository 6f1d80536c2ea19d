package auditgen

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/oppslag/oppslag/clients/audit"
)

// The sizes of the synthetic region: a few thousand clinicians in a few
// hundred organisations, and a patient population they look up.
const (
	clinicians    = 3000
	organisations = 300
	patients      = 200_000
	clientIPs     = 500
)

var (
	firstNames = []string{"Kari", "Ola", "Ingrid", "Lars", "Astrid", "Nils", "Sigrid", "Bjørn", "Marit", "Håkon", "Liv", "Erik", "Åse", "Olav", "Tone", "Per", "Silje", "Jon", "Hilde", "Øystein"}
	lastNames  = []string{"Nordmann", "Hansen", "Johansen", "Olsen", "Larsen", "Andersen", "Pedersen", "Nilsen", "Kristiansen", "Jensen", "Karlsen", "Johnsen", "Pettersen", "Eriksen", "Berg", "Haugen", "Hagen", "Jacobsen", "Dahl", "Lie", "Bakken", "Strand", "Solberg", "Moen", "Aas"}
	roles      = []string{"LE", "SP", "HF", "JO", "FT"}
)

// kind is one sort of record with its weight in the mix.
type kind struct {
	weight           int
	resource, action string
	patient          bool // names a patient
	search           bool // returns results
}

var kinds = []kind{
	{40, "person", "view", true, false},
	{12, "person", "search", false, true},
	{8, "krr", "view", true, false},
	{6, "family", "view", true, false},
	{6, "address", "view", true, false},
	{10, "lab", "view", true, false},
	{3, "hpr", "search", false, false},
	{6, "session", "login", false, false},
	{5, "session", "logout", false, false},
	{2, "person", "print", true, false},
	{1, "person", "access_basis", true, false},
	{1, "lab", audit.ActionEmergency, true, false},
}

// clinician is one actor of the log.
type clinician struct {
	pid, name, hpr, role, orgParent, orgChild string
}

// world is the generator's population and its random source.
type world struct {
	rng        *rand.Rand
	clinicians []clinician
	patients   []string
	ips        []string
	kindTotal  int
}

func newWorld(seed uint64) *world {
	rng := rand.New(rand.NewPCG(seed, 0x0a0d17))
	w := &world{rng: rng}
	orgs := make([][2]string, organisations)
	for i := range orgs {
		// Sub-units of 30 legal entities; the numbers are made up, nine
		// digits as organisation numbers are.
		orgs[i] = [2]string{strconv.Itoa(900_000_000 + (i%30)*1000), strconv.Itoa(910_000_000 + i)}
	}
	for i := range clinicians {
		o := orgs[rng.IntN(len(orgs))]
		w.clinicians = append(w.clinicians, clinician{
			pid:       fmt.Sprintf("0101%02d%05d", 50+i%40, 10_000+i),
			name:      firstNames[rng.IntN(len(firstNames))] + " " + lastNames[rng.IntN(len(lastNames))],
			hpr:       strconv.Itoa(1_000_000 + i*7),
			role:      roles[rng.IntN(len(roles))],
			orgParent: o[0], orgChild: o[1],
		})
	}
	for i := range patients {
		w.patients = append(w.patients, fmt.Sprintf("%02d%02d%02d%05d", 1+i%28, 1+i%12, i%100, 20_000+i%80_000))
	}
	for i := range clientIPs {
		w.ips = append(w.ips, fmt.Sprintf("10.%d.%d.%d", i/250, i%250, 1+i%7))
	}
	for _, k := range kinds {
		w.kindTotal += k.weight
	}
	return w
}

// pick chooses a record kind by weight.
func (w *world) pick() kind {
	n := w.rng.IntN(w.kindTotal)
	for _, k := range kinds {
		if n < k.weight {
			return k
		}
		n -= k.weight
	}
	return kinds[0]
}

// event makes the record at seq, at time at. A clinician's activity is
// skewed: a tenth of them write half the log, as a busy ward's do.
func (w *world) event(seq int64, at time.Time) audit.Event {
	r := w.rng
	var c clinician
	if r.IntN(2) == 0 {
		c = w.clinicians[r.IntN(clinicians/10)]
	} else {
		c = w.clinicians[r.IntN(clinicians)]
	}
	k := w.pick()
	e := audit.Event{
		Time:          at,
		CorrelationID: fmt.Sprintf("gen-%012x", seq),
		Actor: audit.Actor{
			PID: c.pid, Name: c.name, HPRNumber: c.hpr, HPRRole: c.role,
			SecurityLevel: "4", OrgParent: c.orgParent, OrgChild: c.orgChild,
		},
		Resource: k.resource,
		Action:   k.action,
		Outcome:  audit.Granted,
		ClientIP: w.ips[r.IntN(len(w.ips))],
	}
	if k.patient {
		e.Patient = w.patients[r.IntN(len(w.patients))]
		switch n := r.IntN(1000); {
		case k.action == audit.ActionEmergency || n < 5:
			e.AccessBasis, e.Reason = "AKUTT", "bevisstløs pasient i mottak"
		case n < 7:
			e.AccessBasis, e.Reason = "FORHOYET_AKUTT", "akutt, skjermet pasient"
		case n < 60:
			e.AccessBasis = "SAMTYKKE"
		case n < 70:
			e.AccessBasis = "UNNTAK"
		}
		switch n := r.IntN(1000); {
		case n < 10:
			e.Outcome, e.Reason = audit.Denied, "no access basis"
		case n < 15:
			e.Outcome = audit.Restricted
		case n < 25:
			e.Outcome = audit.UpstreamError
		}
	}
	if k.search {
		e.Fields = []string{"nin"}
		for range r.IntN(3) {
			e.Results = append(e.Results, w.patients[r.IntN(len(w.patients))])
		}
		if len(e.Results) == 0 {
			e.Fields = []string{"name", "birth_date"}
		}
	}
	if k.resource == "session" {
		e.Outcome = audit.Success
		if k.action == "login" && r.IntN(100) == 0 {
			e.Outcome = audit.Failure
		}
	}
	return e
}
