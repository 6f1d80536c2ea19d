package synthetic

import (
	"strconv"
	"sync"

	"github.com/oppslag/oppslag/clients/helseid/helseidsim"
	"github.com/oppslag/oppslag/clients/hpr"
	"github.com/oppslag/oppslag/clients/person/nin"
)

// The HelseID simulator's personas with an HPR number are in the register
// with exactly their hpr_details (number, categories, authorisation,
// specialities, requisition rights) and names, so that a persona's login
// and the portal's HPR look-up agree. They are not persons of the
// population: they are extra entries, found by their PID, and never in a
// kind.

// hprPersona is a persona's entry, as taken from helseidsim.Personas.
type hprPersona struct {
	pid                   string
	given, middle, family string
	number                int
	birth                 int32
	approvals             []helseidsim.Approval
}

// hprPersonas returns the personas with a numeric HPR number and a PID that
// carries a birth date, in the simulator's order.
var hprPersonas = sync.OnceValue(func() []hprPersona {
	var out []hprPersona
	for _, x := range helseidsim.Personas() {
		n, err := strconv.Atoi(x.HPRNumber)
		if err != nil || n <= 0 {
			continue
		}
		id, err := nin.Parse(x.PID)
		if err != nil {
			continue
		}
		b, ok := id.BirthDate()
		if !ok {
			continue
		}
		out = append(out, hprPersona{
			pid: x.PID, given: x.GivenName, middle: x.MiddleName, family: x.FamilyName,
			number: n, birth: dayOf(b.Date()), approvals: x.Approvals,
		})
	}
	return out
})

// personaPersonnel builds persona k's entry. The approvals run from the
// age a person of the category is first approved (hprCategories) until the
// age limit, valid on the reference day; specialities follow six years
// later. INFERENCE: hpr_details carries no dates, so these are drawn from
// nothing but the birth date; a reference day earlier than that moves them
// back to the day before it, since a persona must be able to work.
func (p *Population) personaPersonnel(k int) hpr.Personnel {
	x := hprPersonas()[k]
	limit := ageLimit(x.birth)
	out := hpr.Personnel{
		Person: hpr.PersonData{
			GivenName: x.given, MiddleName: x.middle, FamilyName: x.family,
			BirthDate: hprDate(x.birth), NIN: x.pid,
		},
		HPRNumber:    x.number,
		Approvals:    make([]hpr.Approval, 0, len(x.approvals)),
		Reactions:    []hpr.Reaction{},
		ValidForDate: hprDate(p.ref),
	}
	last := none
	for _, a := range x.approvals {
		name, age := a.Profession, 23.0
		for _, c := range hprCategories {
			if c.code == a.Profession {
				name, age = c.name, c.minAge+1.5
			}
		}
		from := min(x.birth+years(age), p.ref-1)
		ap := hpr.Approval{
			Category:          codeOf(hpr.CodeSetCategory, a.Profession, name),
			Authorization:     codeOf(hpr.CodeSetAuthorization, a.Authorization.Value, a.Authorization.Description),
			Period:            period(from, limit),
			RequisitionRights: make([]hpr.Right, 0, len(a.RequisitionRights)),
			Specialities:      make([]hpr.Right, 0, len(a.Specialities)),
			Competences:       []hpr.Right{},
			Conditions:        []hpr.Condition{},
			Reactions:         []hpr.Reaction{},
		}
		last = max(last, from)
		if a.Profession == hprCategories[catLE].code {
			ap.InternshipDate = hprDate(from - 1)
		}
		for _, c := range a.RequisitionRights {
			ap.RequisitionRights = append(ap.RequisitionRights, hpr.Right{
				Type: codeOf(codeSetRequisition, c.Value, c.Description), Period: period(from, limit)})
		}
		spec := min(addYears(from, 6), p.ref-1)
		for _, c := range a.Specialities {
			ap.Specialities = append(ap.Specialities, hpr.Right{
				Type: codeOf(codeSetSpeciality, c.Value, c.Description), Period: period(spec, limit)})
			last = max(last, spec)
		}
		out.Approvals = append(out.Approvals, ap)
	}
	if last == none {
		last = p.ref - 1
	}
	out.LastUpdated = p.hprUpdated(-1-k, last)
	return out
}
