package synthetic

import (
	"crypto/sha256"
	"encoding/json"
	"errors"
	"maps"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/oppslag/oppslag/clients/person"
	"github.com/oppslag/oppslag/clients/person/nin"
)

// Failure messages name persons by their Person API id, never by identity
// number: numbers must not reach logs, synthetic or not.

// defaultPopulation is the default population (seed 1, 20,000 persons),
// generated once for the tests that only read it.
var defaultPopulation = sync.OnceValues(func() (*Population, error) {
	return Generate(Options{Seed: 1})
})

// defaultDocs are its documents, built once.
var defaultDocs = sync.OnceValue(func() []*person.Person {
	p, err := defaultPopulation()
	if err != nil {
		return nil
	}
	return p.All()
})

func population(t *testing.T) (*Population, []*person.Person) {
	t.Helper()
	p, err := defaultPopulation()
	if err != nil {
		t.Fatalf("Generate: %v", err)
	}
	return p, defaultDocs()
}

// digest hashes the JSON of every person of p, in order.
func digest(t *testing.T, p *Population) [32]byte {
	t.Helper()
	h := sha256.New()
	var err error
	p.Each(func(x *person.Person) bool {
		var b []byte
		if b, err = json.Marshal(x); err != nil {
			return false
		}
		h.Write(b)
		h.Write([]byte{'\n'})
		return true
	})
	if err != nil {
		t.Fatalf("json.Marshal: %v", err)
	}
	for _, e := range p.Events() {
		b, _ := json.Marshal(e)
		h.Write(b)
	}
	return [32]byte(h.Sum(nil))
}

func TestGenerate_Deterministic(t *testing.T) {
	a, err := Generate(Options{Seed: 7, Persons: 3000})
	if err != nil {
		t.Fatalf("Generate: %v", err)
	}
	b, err := Generate(Options{Seed: 7, Persons: 3000})
	if err != nil {
		t.Fatalf("Generate: %v", err)
	}
	if got, want := digest(t, b), digest(t, a); got != want {
		t.Errorf("second generation with the same options differs: digest %x, want %x", got[:8], want[:8])
	}
	c, err := Generate(Options{Seed: 8, Persons: 3000})
	if err != nil {
		t.Fatalf("Generate: %v", err)
	}
	if digest(t, c) == digest(t, a) {
		t.Errorf("seeds 7 and 8 gave the same population")
	}
	// The default population: documents are built from the records alone,
	// so equal records give equal documents; JSON of a sample confirms it.
	p, docs := population(t)
	q, err := Generate(Options{Seed: 1})
	if err != nil {
		t.Fatalf("Generate: %v", err)
	}
	if !reflect.DeepEqual(q.recs, p.recs) || !reflect.DeepEqual(q.addrs, p.addrs) ||
		!reflect.DeepEqual(q.marital, p.marital) || !reflect.DeepEqual(q.statuses, p.statuses) ||
		!reflect.DeepEqual(q.children, p.children) || !reflect.DeepEqual(q.strs, p.strs) ||
		!reflect.DeepEqual(q.events, p.events) {
		t.Fatalf("two generations of the default population differ")
	}
	for i := 0; i < len(docs); i += 37 {
		want, _ := json.Marshal(docs[i])
		got, _ := json.Marshal(q.build(i))
		if string(got) != string(want) {
			t.Fatalf("person %d differs between two generations", i)
		}
	}
}

func TestGenerate_PrefixStable(t *testing.T) {
	// A larger population starts with the same persons: units are drawn
	// from their own streams, so size only decides where generation stops.
	small, err := Generate(Options{Seed: 3, Persons: 3000})
	if err != nil {
		t.Fatalf("Generate: %v", err)
	}
	large, err := Generate(Options{Seed: 3, Persons: 6000})
	if err != nil {
		t.Fatalf("Generate: %v", err)
	}
	// The last unit of the small population may have been cut to singles.
	for i := range small.Len() - maxUnit {
		a, b := small.recs[i], large.recs[i]
		a.lastSeq, b.lastSeq = 0, 0 // the event feed depends on everyone
		if a != b {
			t.Fatalf("person %d differs between 3,000 and 6,000 persons", i)
		}
	}
}

func TestGenerate_Options(t *testing.T) {
	tests := []struct {
		name    string
		opts    Options
		wantLen int
		wantErr bool
	}{
		{"default size", Options{Seed: 1}, DefaultPersons, false},
		{"one person", Options{Seed: 1, Persons: 1}, 1, false},
		{"small", Options{Seed: 2, Persons: 37}, 37, false},
		{"negative size", Options{Persons: -1}, 0, true},
		{"too large", Options{Persons: MaxPersons + 1}, 0, true},
		{"reference too early", Options{Persons: 10, Reference: time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)}, 0, true},
		{"reference 2030", Options{Seed: 1, Persons: 500, Reference: time.Date(2030, 6, 15, 12, 0, 0, 0, time.UTC)}, 500, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.name == "default size" {
				p, err := defaultPopulation()
				if err != nil {
					t.Fatalf("Generate: %v", err)
				}
				if got := p.Len(); got != tt.wantLen {
					t.Errorf("Len = %d, want %d", got, tt.wantLen)
				}
				if got, want := p.Reference(), DefaultReference; !got.Equal(want) {
					t.Errorf("Reference = %v, want %v", got, want)
				}
				return
			}
			p, err := Generate(tt.opts)
			if (err != nil) != tt.wantErr {
				t.Fatalf("Generate error = %v, want error %t", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			if got := p.Len(); got != tt.wantLen {
				t.Errorf("Len = %d, want %d", got, tt.wantLen)
			}
			if got := len(p.All()); got != tt.wantLen {
				t.Errorf("len(All()) = %d, want %d", got, tt.wantLen)
			}
		})
	}
}

func TestGenerate_ReferenceBoundsEveryDate(t *testing.T) {
	ref := time.Date(2030, 6, 15, 0, 0, 0, 0, time.UTC)
	p, err := Generate(Options{Seed: 4, Persons: 3000, Reference: ref})
	if err != nil {
		t.Fatalf("Generate: %v", err)
	}
	limit := ref.Add(24 * time.Hour)
	for _, x := range p.All() {
		walkMeta(x, func(part string, m person.Meta) {
			if m.ValidFrom.After(ref) || m.ValidTo.After(ref) || m.RegisteredAt.After(limit) {
				t.Errorf("person %s: %s item after the reference day: from %v to %v registered %v",
					x.ID, part, m.ValidFrom, m.ValidTo, m.RegisteredAt)
			}
		})
	}
}

func TestNumbers_ValidSyntheticUnique(t *testing.T) {
	p, docs := population(t)
	seen := make(map[string]string)
	wantKind := map[person.IdentificationNumberType]nin.Kind{
		person.NationalIdentityNumber:        nin.Fodselsnummer,
		person.DNumber:                       nin.DNumber,
		person.AlternateIdentificationNumber: nin.FellesHjelpenummer,
	}
	for _, x := range docs {
		birth := x.CurrentBirth().BirthDate.DateOnly()
		gender := "male"
		if x.CurrentGender() == person.GenderFemale {
			gender = "female"
		}
		for _, n := range x.NorwegianIdentificationNumber {
			num, err := nin.Parse(n.IdentificationNumber)
			if err != nil {
				t.Errorf("person %s: a %s number does not parse: %v", x.ID, n.IdentificationNumberType, err)
				continue
			}
			want, ok := wantKind[n.IdentificationNumberType]
			if !ok || num.Kind != want {
				t.Errorf("person %s: number kind %v, type %s", x.ID, num.Kind, n.IdentificationNumberType)
			}
			if num.Kind != nin.FellesHjelpenummer {
				if !num.Synthetic {
					t.Errorf("person %s: %s number is not synthetic (month + 80)", x.ID, n.IdentificationNumberType)
				}
				if d, ok := num.BirthDate(); !ok || d.Format(time.DateOnly) != birth {
					t.Errorf("person %s: number's birth date %v (ok %t), birth item %s", x.ID, d, ok, birth)
				}
				if g, _ := num.Gender(); g != gender {
					t.Errorf("person %s: number's gender %s, gender item %s", x.ID, g, gender)
				}
			}
			if other, dup := seen[n.IdentificationNumber]; dup {
				t.Errorf("persons %s and %s share an identity number", other, x.ID)
			}
			seen[n.IdentificationNumber] = x.ID
		}
		// Every number, current or replaced, resolves to the person.
		for _, n := range x.NorwegianIdentificationNumber {
			got, ok := p.ByNIN(n.IdentificationNumber)
			if !ok || got.ID != x.ID {
				t.Errorf("person %s: ByNIN of its %s number gives %v", x.ID, n.Status, ok)
			}
		}
	}
	if got, want := len(p.NINs()), p.Len(); got != want {
		t.Errorf("len(NINs()) = %d, want %d", got, want)
	}
}

func TestLookups(t *testing.T) {
	p, docs := population(t)
	x := docs[123]
	tests := []struct {
		name   string
		lookup func() (*person.Person, bool)
		wantID string
	}{
		{"by current number", func() (*person.Person, bool) { return p.ByNIN(x.CurrentNIN()) }, x.ID},
		{"by id", func() (*person.Person, bool) { return p.ByID(x.ID) }, x.ID},
		{"unknown number", func() (*person.Person, bool) { return p.ByNIN("01010112345") }, ""},
		{"not digits", func() (*person.Person, bool) { return p.ByNIN("0101011234x") }, ""},
		{"short", func() (*person.Person, bool) { return p.ByNIN("123") }, ""},
		{"id of another seed", func() (*person.Person, bool) { return p.ByID(newIDCodec(99).encode(5)) }, ""},
		{"id out of range", func() (*person.Person, bool) { return p.ByID(p.ids.encode(p.Len())) }, ""},
		{"id not hex", func() (*person.Person, bool) { return p.ByID(string(make([]byte, 64))) }, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := tt.lookup()
			if ok != (tt.wantID != "") {
				t.Fatalf("found = %t, want %t", ok, tt.wantID != "")
			}
			if ok && got.ID != tt.wantID {
				t.Errorf("ID = %s, want %s", got.ID, tt.wantID)
			}
		})
	}
	// Documents are fresh: changing one does not change the population.
	a, _ := p.ByID(x.ID)
	a.Name[0].GivenName = "Endret"
	b, _ := p.ByID(x.ID)
	if b.Name[0].GivenName == "Endret" {
		t.Errorf("a change to a returned document reached the population")
	}
}

func TestKinds_EachHasPersons(t *testing.T) {
	p, _ := population(t)
	for _, k := range AllKinds() {
		t.Run(k, func(t *testing.T) {
			got := p.Where(k, 3)
			if len(got) == 0 {
				t.Fatalf("Where(%q, 3) is empty at %d persons", k, p.Len())
			}
			if len(got) > 3 {
				t.Errorf("Where(%q, 3) returned %d persons", k, len(got))
			}
			for _, x := range got {
				if !slices.Contains(p.Kinds(x.CurrentNIN()), k) {
					t.Errorf("person %s from Where(%q) lacks the kind in Kinds", x.ID, k)
				}
			}
		})
	}
	if got := p.Where("no-such-kind", 1); got != nil {
		t.Errorf("Where(unknown) = %d persons, want nil", len(got))
	}
	if got := p.Kinds("01010112345"); got != nil {
		t.Errorf("Kinds(unknown number) = %v, want nil", got)
	}
	if err := CheckKind("no-such-kind"); !errors.Is(err, ErrUnknownKind) {
		t.Errorf("CheckKind(unknown) = %v, want ErrUnknownKind", err)
	}
	if err := CheckKind("protected"); err != nil {
		t.Errorf("CheckKind(protected) = %v", err)
	}
	if got, want := len(p.Where("deceased", 0)), p.Count("deceased"); got != want {
		t.Errorf("len(Where(deceased, 0)) = %d, Count = %d", got, want)
	}
}

func TestKinds_MeanWhatTheySay(t *testing.T) {
	p, _ := population(t)
	ref := p.Reference()
	current := func(x *person.Person) person.MaritalStatusType {
		if m := person.First(x.MaritalStatus); m != nil {
			return m.Status
		}
		return ""
	}
	tests := []struct {
		kind  string
		check func(x *person.Person) bool
	}{
		{"protected", func(x *person.Person) bool { return x.Protection() != "" }},
		{"strictly-confidential", func(x *person.Person) bool { return x.Protection() == person.StrictlyConfidential }},
		{"confidential", func(x *person.Person) bool { return x.Protection() == person.Confidential }},
		{"client-address", func(x *person.Person) bool {
			a := x.CurrentResidentialAddress()
			return a != nil && a.AddressConfidentiality == person.ClientAddress
		}},
		{"deceased", func(x *person.Person) bool { return x.Death != nil && x.CurrentStatus() == person.StatusDeceased }},
		{"dnumber", func(x *person.Person) bool {
			return person.First(x.NorwegianIdentificationNumber).IdentificationNumberType == person.DNumber
		}},
		{"fh-number", func(x *person.Person) bool {
			return person.First(x.NorwegianIdentificationNumber).IdentificationNumberType == person.AlternateIdentificationNumber &&
				(x.CurrentStatus() == person.StatusActive || x.CurrentStatus() == person.StatusDeceased)
		}},
		{"emigrated", func(x *person.Person) bool {
			return x.CurrentStatus() == person.StatusEmigrated && len(x.EmigrationFromNorway) > 0 && len(x.ForeignPostalAddress) > 0
		}},
		{"immigrated", func(x *person.Person) bool { return len(x.ImmigrationToNorway) > 0 }},
		{"reserved", func(x *person.Person) bool {
			k := x.CommonContactRegisterInformation
			return k != nil && k.Reservation == person.ReservationYes && k.NotificationStatus == person.CanNotBeNotified
		}},
		{"krr-not-registered", func(x *person.Person) bool {
			return x.CommonContactRegisterInformation.Status == person.KRRNotRegistered
		}},
		{"krr-deleted", func(x *person.Person) bool { return x.CommonContactRegisterInformation.Status == person.KRRDeleted }},
		{"cannot-be-notified", func(x *person.Person) bool {
			k := x.CommonContactRegisterInformation
			return k.Status == person.KRRActive && k.NotificationStatus == person.CanNotBeNotified
		}},
		{"old-verification", func(x *person.Person) bool {
			c := x.CommonContactRegisterInformation.ContactInformation
			limit := ref.AddDate(0, -18, 0)
			return c != nil && (c.EmailLastVerified.IsZero() || c.EmailLastVerified.Before(limit)) &&
				(c.PhoneNumberLastVerified.IsZero() || c.PhoneNumberLastVerified.Before(limit)) &&
				x.CommonContactRegisterInformation.NotificationStatus == person.CanNotBeNotified
		}},
		{"digital-post", func(x *person.Person) bool {
			d := x.CommonContactRegisterInformation.DigitalPost
			return d != nil && d.DigitalPostAddress != "" && (d.DigitalPostVendorAddress == "digipost" || d.DigitalPostVendorAddress == "eboks")
		}},
		{"family", func(x *person.Person) bool { return len(x.FamilyRelation) > 0 }},
		{"child", func(x *person.Person) bool {
			return len(x.ParentalResponsibility) > 0 && x.CurrentBirth().BirthDate.AddDate(18, 0, 0).After(ref)
		}},
		{"co-mother", func(x *person.Person) bool {
			for _, r := range x.FamilyRelation {
				if r.RelatedPersonsRole == person.RelationCoMother || r.MyRoleForRelatedPerson == person.RelationCoMother {
					return true
				}
			}
			return false
		}},
		{"shared-residence", func(x *person.Person) bool { return len(person.Valid(x.SharedResidence)) == 1 }},
		{"married", func(x *person.Person) bool { return current(x) == person.MaritalMarried }},
		{"divorced", func(x *person.Person) bool {
			s := current(x)
			return s == person.MaritalDivorced || s == person.MaritalDivorcedPartner
		}},
		{"widowed", func(x *person.Person) bool {
			s := current(x)
			return s == person.MaritalWidowOrWidower || s == person.MaritalSurvivingPartner
		}},
		{"replaced-nin", func(x *person.Person) bool {
			return len(x.NorwegianIdentificationNumber) == 2 && len(person.History(x.NorwegianIdentificationNumber)) == 1
		}},
		{"name-change", func(x *person.Person) bool { return len(person.History(x.Name)) == 1 }},
		{"present-address", func(x *person.Person) bool { return len(x.PresentAddress) > 0 }},
		{"sami", func(x *person.Person) bool { return len(x.UseOfSamiLanguage) > 0 }},
		{"twin", func(x *person.Person) bool {
			// A sibling with the same mother and the same birth date.
			for _, rel := range x.FamilyRelation {
				if rel.RelatedPersonsRole != person.RelationMother {
					continue
				}
				mother, _ := p.ByNIN(rel.RelatedPerson)
				for _, c := range mother.FamilyRelation {
					sib, _ := p.ByNIN(c.RelatedPerson)
					if c.RelatedPersonsRole == person.RelationChild && sib.ID != x.ID &&
						sib.CurrentBirth().BirthDate.Equal(x.CurrentBirth().BirthDate.Time) {
						return true
					}
				}
			}
			return false
		}},
		{"half-sibling", func(x *person.Person) bool {
			// A parent has a child whose other parent is not the person's.
			mine := map[string]bool{}
			for _, rel := range x.FamilyRelation {
				if rel.MyRoleForRelatedPerson == person.RelationChild {
					mine[rel.RelatedPerson] = true
				}
			}
			for parent := range mine {
				pd, _ := p.ByNIN(parent)
				for _, c := range pd.FamilyRelation {
					sib, _ := p.ByNIN(c.RelatedPerson)
					if c.RelatedPersonsRole != person.RelationChild || sib.ID == x.ID {
						continue
					}
					theirs := map[string]bool{}
					for _, sr := range sib.FamilyRelation {
						if sr.MyRoleForRelatedPerson == person.RelationChild {
							theirs[sr.RelatedPerson] = true
						}
					}
					if !maps.Equal(mine, theirs) {
						return true
					}
				}
			}
			return false
		}},
	}
	for _, tt := range tests {
		t.Run(tt.kind, func(t *testing.T) {
			for _, x := range p.Where(tt.kind, 25) {
				if !tt.check(x) {
					t.Errorf("person %s of kind %s does not look like one", x.ID, tt.kind)
				}
			}
		})
	}
}

func TestDistribution(t *testing.T) {
	p, docs := population(t)
	n := float64(p.Len())
	share := func(kind string) float64 { return float64(p.Count(kind)) / n }
	tests := []struct {
		kind   string
		lo, hi float64
	}{
		{"deceased", 0.05, 0.20},
		{"dnumber", 0.02, 0.08},
		{"emigrated", 0.01, 0.06},
		{"immigrated", 0.03, 0.15},
		{"protected", 0.002, 0.012},
		{"confidential", 0.0015, 0.009},
		{"strictly-confidential", 0.0005, 0.005},
		{"child", 0.10, 0.26},
		{"married", 0.15, 0.35},
		{"divorced", 0.03, 0.14},
		{"widowed", 0.01, 0.08},
		{"reserved", 0.005, 0.04},
		{"krr-not-registered", 0.02, 0.10},
		{"replaced-nin", 0.003, 0.03},
		{"name-change", 0.03, 0.15},
		{"shared-residence", 0.003, 0.04},
		{"digital-post", 0.15, 0.45},
	}
	for _, tt := range tests {
		t.Run(tt.kind, func(t *testing.T) {
			if got := share(tt.kind); got < tt.lo || got > tt.hi {
				t.Errorf("share of %s = %.4f, want %.4f–%.4f", tt.kind, got, tt.lo, tt.hi)
			}
		})
	}
	t.Run("statuses", func(t *testing.T) {
		got := map[person.PersonStatusType]int{}
		for _, x := range docs {
			got[x.CurrentStatus()]++
		}
		for _, s := range statusTypes {
			if got[s] == 0 {
				t.Errorf("no person with status %s", s)
			}
		}
		if r := float64(got[person.StatusResident]) / n; r < 0.7 || r > 0.92 {
			t.Errorf("share of residents = %.3f, want 0.70–0.92", r)
		}
	})
	t.Run("gender and age", func(t *testing.T) {
		women, living := 0, 0
		var ages []int
		ref := p.Reference()
		for _, x := range docs {
			if x.CurrentGender() == person.GenderFemale {
				women++
			}
			if x.Death == nil {
				living++
				ages = append(ages, ref.Year()-x.CurrentBirth().BirthDate.Year())
			}
		}
		if w := float64(women) / n; w < 0.45 || w > 0.55 {
			t.Errorf("share of women = %.3f, want 0.45–0.55", w)
		}
		slices.Sort(ages)
		if med := ages[len(ages)/2]; med < 28 || med > 50 {
			t.Errorf("median age of the living = %d, want 28–50", med)
		}
		if old := ages[len(ages)*99/100]; old < 85 {
			t.Errorf("99th percentile age = %d, want the oldest to be 85 or more", old)
		}
	})
	t.Run("geography", func(t *testing.T) {
		munis, counties := map[string]int{}, map[string]bool{}
		residents := 0
		for _, x := range docs {
			a := x.CurrentResidentialAddress()
			if a == nil || x.Death != nil {
				continue
			}
			residents++
			num := residenceMunicipality(a)
			munis[num]++
			counties[num[:2]] = true
		}
		if got := len(counties); got != 15 {
			t.Errorf("current addresses span %d counties, want 15", got)
		}
		if got := len(munis); got < 200 {
			t.Errorf("current addresses span %d municipalities, want at least 200", got)
		}
		if oslo := float64(munis["0301"]) / float64(residents); oslo < 0.08 || oslo > 0.25 {
			t.Errorf("share of residents in Oslo = %.3f, want 0.08–0.25", oslo)
		}
	})
}

// residenceMunicipality returns the municipality number of an address.
func residenceMunicipality(a *person.ResidentialAddress) string {
	switch {
	case a.StreetAddress != nil:
		return a.StreetAddress.MunicipalityNumber
	case a.CadastralAddress != nil && a.CadastralAddress.CadastralNumber != nil:
		return a.CadastralAddress.CadastralNumber.MunicipalityNumber
	}
	return ""
}

func TestPersonRand_OwnStreams(t *testing.T) {
	p, _ := population(t)
	const domainLater = 9 // a register that does not exist yet
	a, b := p.personRand(domainLater, 10).Uint64(), p.personRand(domainLater, 10).Uint64()
	if a != b {
		t.Errorf("the stream of (domain, person) is not reproducible")
	}
	if c := p.personRand(domainLater, 11).Uint64(); c == a {
		t.Errorf("persons 10 and 11 share a stream")
	}
	if c := p.personRand(domainLater+1, 10).Uint64(); c == a {
		t.Errorf("domains share a stream")
	}
	// Drawing from a register's stream leaves the persons as they were.
	before, _ := json.Marshal(p.build(10))
	p.personRand(domainLater, 10).Uint64()
	after, _ := json.Marshal(p.build(10))
	if string(before) != string(after) {
		t.Errorf("a register's draw changed a person")
	}
}

func TestPopulation_ConcurrentReaders(t *testing.T) {
	p, err := Generate(Options{Seed: 5, Persons: 2000})
	if err != nil {
		t.Fatalf("Generate: %v", err)
	}
	nins := p.NINs()
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := w; i < len(nins); i += 4 {
				x, ok := p.ByNIN(nins[i])
				if !ok {
					t.Errorf("person %d not found", i)
					return
				}
				if _, ok := p.ByID(x.ID); !ok {
					t.Errorf("person %d not found by id", i)
					return
				}
				p.Kinds(nins[i])
			}
		})
	}
	wg.Wait()
}
