package synthetic

import (
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/oppslag/oppslag/clients/person"
)

// walkMeta calls fn with every item's metadata of x, named by its JSON part.
func walkMeta(x *person.Person, fn func(part string, m person.Meta)) {
	metaType := reflect.TypeFor[person.Meta]()
	v := reflect.ValueOf(x).Elem()
	t := v.Type()
	for k := range t.NumField() {
		f := v.Field(k)
		name, _, _ := strings.Cut(t.Field(k).Tag.Get("json"), ",")
		visit := func(e reflect.Value) {
			if e.Kind() == reflect.Struct {
				if m := e.FieldByName("Meta"); m.IsValid() && m.Type() == metaType {
					fn(name, m.Interface().(person.Meta))
				}
			}
		}
		switch f.Kind() {
		case reflect.Slice:
			for j := range f.Len() {
				visit(f.Index(j))
			}
		case reflect.Pointer:
			if !f.IsNil() {
				visit(f.Elem())
			}
		}
	}
}

// index maps current and historic numbers to documents.
func index(docs []*person.Person) map[string]*person.Person {
	m := make(map[string]*person.Person, len(docs))
	for _, x := range docs {
		for _, n := range x.NorwegianIdentificationNumber {
			m[n.IdentificationNumber] = x
		}
	}
	return m
}

func TestConsistency_Items(t *testing.T) {
	p, docs := population(t)
	ref := p.Reference()
	for _, x := range docs {
		birth := x.CurrentBirth()
		if birth == nil {
			t.Errorf("person %s: no current birth", x.ID)
			continue
		}
		// Exactly one current item in the parts with cardinality 1.
		counts := map[string]int{
			"name":   len(person.Valid(x.Name)),
			"gender": len(person.Valid(x.Gender)),
			"status": len(person.Valid(x.Status)),
			"birth":  len(person.Valid(x.Birth)),
			"identity (in use)": func() int {
				n := 0
				for _, id := range person.Valid(x.NorwegianIdentificationNumber) {
					if id.Status == person.IdentificationInUse {
						n++
					}
				}
				return n
			}(),
		}
		for part, n := range counts {
			if n != 1 {
				t.Errorf("person %s: %d current %s items, want 1", x.ID, n, part)
			}
		}
		// At most one current item in the 0..1 parts.
		for part, n := range map[string]int{
			"residentialAddress":   len(person.Valid(x.ResidentialAddress)),
			"presentAddress":       len(person.Valid(x.PresentAddress)),
			"sharedResidence":      len(person.Valid(x.SharedResidence)),
			"postalAddress":        len(person.Valid(x.PostalAddress)),
			"foreignPostalAddress": len(person.Valid(x.ForeignPostalAddress)),
			"addressProtection":    len(person.Valid(x.AddressProtection)),
			"maritalStatus":        len(person.Valid(x.MaritalStatus)),
		} {
			if n > 1 {
				t.Errorf("person %s: %d current %s items, want at most 1", x.ID, n, part)
			}
		}
		// Metadata: from before to, history has an end, nothing before birth
		// or after the reference day.
		born := birth.BirthDate.Time
		walkMeta(x, func(part string, m person.Meta) {
			if m.IsValid == nil || m.Source != Source || m.ValidFrom.IsZero() || m.RegisteredAt.IsZero() {
				t.Errorf("person %s: %s item with incomplete metadata", x.ID, part)
				return
			}
			if !m.ValidTo.IsZero() && m.ValidTo.Before(m.ValidFrom.Time) {
				t.Errorf("person %s: %s item valid from %s to %s", x.ID, part, m.ValidFrom.DateOnly(), m.ValidTo.DateOnly())
			}
			if *m.IsValid == !m.ValidTo.IsZero() && part != "residencePermit" {
				t.Errorf("person %s: %s item isValid %t with validTo %q", x.ID, part, *m.IsValid, m.ValidTo.DateOnly())
			}
			if m.ValidFrom.Before(born) || m.ValidFrom.After(ref) {
				t.Errorf("person %s: %s item valid from %s, born %s", x.ID, part, m.ValidFrom.DateOnly(), birth.BirthDate.DateOnly())
			}
			if m.RegisteredAt.Before(m.ValidFrom.Time) {
				t.Errorf("person %s: %s item registered before it was valid", x.ID, part)
			}
		})
		// Lists are newest first and items follow each other.
		checkChain(t, x.ID, "status", x.Status)
		checkChain(t, x.ID, "maritalStatus", x.MaritalStatus)
		checkChain(t, x.ID, "name", x.Name)
		checkChain(t, x.ID, "norwegianIdentificationNumber", x.NorwegianIdentificationNumber)
	}
}

// checkChain checks that items are newest first and that each historic item
// ends when the next one begins.
func checkChain[T interface{ GetMeta() person.Meta }](t *testing.T, id, part string, items []T) {
	t.Helper()
	for k := 1; k < len(items); k++ {
		newer, older := items[k-1].GetMeta(), items[k].GetMeta()
		if older.ValidFrom.After(newer.ValidFrom.Time) {
			t.Errorf("person %s: %s items not newest first", id, part)
		}
		if !older.ValidTo.Equal(newer.ValidFrom.Time) {
			t.Errorf("person %s: %s item ends %s, the next begins %s", id, part, older.ValidTo.DateOnly(), newer.ValidFrom.DateOnly())
		}
	}
}

func TestConsistency_LifeEvents(t *testing.T) {
	p, docs := population(t)
	ref := p.Reference()
	for _, x := range docs {
		status := x.CurrentStatus()
		if (x.Death != nil) != (status == person.StatusDeceased) {
			t.Errorf("person %s: death %v but status %s", x.ID, x.Death != nil, status)
		}
		if x.Death != nil {
			d := x.Death.DeceasedDate.Time
			if !d.After(x.CurrentBirth().BirthDate.Time) || d.After(ref) {
				t.Errorf("person %s: died %s, born %s", x.ID, x.Death.DeceasedDate.DateOnly(), x.CurrentBirth().BirthDate.DateOnly())
			}
		}
		id := person.First(x.NorwegianIdentificationNumber)
		switch id.IdentificationNumberType {
		case person.DNumber:
			if len(x.ResidentialAddress) > 0 {
				t.Errorf("person %s: D-number holder with a residential address", x.ID)
			}
			if len(x.PresentAddress) == 0 {
				t.Errorf("person %s: D-number holder without a present address", x.ID)
			}
			if status != person.StatusTemporary && status != person.StatusInactive && status != person.StatusDeceased {
				t.Errorf("person %s: D-number holder with status %s", x.ID, status)
			}
		case person.AlternateIdentificationNumber:
			if status != person.StatusActive && status != person.StatusDeceased {
				t.Errorf("person %s: FH number with status %s", x.ID, status)
			}
		}
		if status == person.StatusResident && x.CurrentResidentialAddress() == nil {
			t.Errorf("person %s: resident without a current residential address", x.ID)
		}
		if status == person.StatusEmigrated {
			if x.CurrentResidentialAddress() != nil {
				t.Errorf("person %s: emigrated with a current residential address", x.ID)
			}
			if len(x.EmigrationFromNorway) == 0 || len(person.Valid(x.ForeignPostalAddress)) != 1 {
				t.Errorf("person %s: emigrated without emigration or foreign postal address", x.ID)
			}
		}
		// Protection reaches the addresses.
		if lvl := x.Protection(); lvl != "" {
			if lvl != person.Confidential && lvl != person.StrictlyConfidential {
				t.Errorf("person %s: protection level %s", x.ID, lvl)
			}
			if a := x.CurrentResidentialAddress(); a != nil && a.AddressConfidentiality != lvl {
				t.Errorf("person %s: protected %s, current address %q", x.ID, lvl, a.AddressConfidentiality)
			}
		}
		for _, a := range x.ResidentialAddress {
			checkAddress(t, x.ID, a.StreetAddress, a.CadastralAddress, a.District)
		}
	}
}

// checkAddress checks an address's enrichment.
func checkAddress(t *testing.T, id string, s *person.StreetAddress, c *person.CadastralAddress, d person.District) {
	t.Helper()
	var muni, county string
	var city *person.City
	switch {
	case s != nil:
		muni, county, city = s.MunicipalityNumber, s.CountyNumber, s.City
		if s.AddressName == "" || s.AddressNumber == nil || s.MunicipalityName == "" || s.CountyName == "" {
			t.Errorf("person %s: incomplete street address", id)
		}
	case c != nil && c.CadastralNumber != nil:
		muni, county, city = c.CadastralNumber.MunicipalityNumber, c.CadastralNumber.CountyNumber, c.City
	default:
		t.Errorf("person %s: address without street or cadastral part", id)
		return
	}
	if len(muni) != 4 || muni[:2] != county {
		t.Errorf("person %s: municipality %s in county %s", id, muni, county)
	}
	if city == nil || len(city.PostalCode) != 4 || city.CityName == "" {
		t.Errorf("person %s: address without postal code and town", id)
	}
	if len(d.FullBasicStatisticalUnitNumber) != 8 || d.FullBasicStatisticalUnitNumber[:4] != muni || d.BasicStatisticalUnitName == "" {
		t.Errorf("person %s: basic statistical unit %q in %s", id, d.FullBasicStatisticalUnitNumber, muni)
	}
	city4 := muni == "0301" || muni == "4601" || muni == "5001" || muni == "1103"
	if city4 != (d.GeographicalUrbanDistrictCode != "") || city4 != (d.UrbanDistrictCode != "") {
		t.Errorf("person %s: urban district %q/%q in %s", id, d.UrbanDistrictCode, d.GeographicalUrbanDistrictCode, muni)
	}
	if city4 && (d.UrbanDistrictCode[:4] != muni || d.GeographicalUrbanDistrictCode[:4] != muni) {
		t.Errorf("person %s: urban district of another municipality", id)
	}
}

func TestConsistency_Marriages(t *testing.T) {
	_, docs := population(t)
	byNIN := index(docs)
	paired := map[person.MaritalStatusType]bool{
		person.MaritalMarried: true, person.MaritalSeparated: true, person.MaritalDivorced: true,
		person.MaritalRegisteredPartner: true, person.MaritalSeparatedPartner: true, person.MaritalDivorcedPartner: true,
	}
	for _, x := range docs {
		self := x.CurrentNIN()
		for _, m := range x.MaritalStatus {
			if m.RelatedByMaritalStatus == "" {
				if paired[m.Status] || m.Status == person.MaritalWidowOrWidower {
					// Married abroad before arrival is fine only with a partner.
					t.Errorf("person %s: %s without a related person", x.ID, m.Status)
				}
				continue
			}
			y, ok := byNIN[m.RelatedByMaritalStatus]
			if !ok {
				t.Errorf("person %s: %s with a person outside the population", x.ID, m.Status)
				continue
			}
			switch {
			case paired[m.Status]:
				// The spouse has the same item, pointing back.
				found := false
				for _, n := range y.MaritalStatus {
					if n.Status == m.Status && n.StatusDate.Equal(m.StatusDate.Time) && n.RelatedByMaritalStatus == self {
						found = true
					}
				}
				if !found {
					t.Errorf("person %s: %s on %s not mirrored by the partner %s", x.ID, m.Status, m.StatusDate.DateOnly(), y.ID)
				}
				if x.CurrentGender() == y.CurrentGender() && (m.Status == person.MaritalMarried) && m.StatusDate.Year() < 2009 {
					t.Errorf("person %s: same-sex marriage in %d", x.ID, m.StatusDate.Year())
				}
			case m.Status == person.MaritalWidowOrWidower || m.Status == person.MaritalSurvivingPartner:
				if y.Death == nil || !y.Death.DeceasedDate.Equal(m.StatusDate.Time) {
					t.Errorf("person %s: widowed on %s, the spouse %s did not die then", x.ID, m.StatusDate.DateOnly(), y.ID)
				}
				last := person.First(y.MaritalStatus)
				if last == nil || last.RelatedByMaritalStatus != self || (last.Status != person.MaritalMarried && last.Status != person.MaritalRegisteredPartner) {
					t.Errorf("person %s: widowed, but the late spouse %s was not married to them", x.ID, y.ID)
				}
			}
		}
		// A current marriage is current on both sides.
		if m := person.First(x.MaritalStatus); m != nil && m.Status == person.MaritalMarried && x.Death == nil {
			y := byNIN[m.RelatedByMaritalStatus]
			n := person.First(y.MaritalStatus)
			if y.Death == nil && (n == nil || n.Status != person.MaritalMarried || n.RelatedByMaritalStatus != self) {
				t.Errorf("person %s: married, but the living spouse %s is not married to them", x.ID, y.ID)
			}
		}
	}
}

func TestConsistency_Families(t *testing.T) {
	p, docs := population(t)
	byNIN := index(docs)
	ref := p.Reference()
	rank := map[person.AddressConfidentiality]int{"": 0, person.Confidential: 1, person.StrictlyConfidential: 2}
	for _, x := range docs {
		self := x.CurrentNIN()
		born := x.CurrentBirth().BirthDate.Time
		minor := x.Death == nil && born.AddDate(18, 0, 0).After(ref)
		parents := 0
		for _, rel := range x.FamilyRelation {
			y, ok := byNIN[rel.RelatedPerson]
			if !ok {
				t.Errorf("person %s: relation to a person outside the population", x.ID)
				continue
			}
			// The relative has the mirrored relation.
			mirrored := false
			for _, back := range y.FamilyRelation {
				if back.RelatedPerson == self && back.RelatedPersonsRole == rel.MyRoleForRelatedPerson &&
					back.MyRoleForRelatedPerson == rel.RelatedPersonsRole {
					mirrored = true
				}
			}
			if !mirrored {
				t.Errorf("person %s: %s relation to %s not mirrored", x.ID, rel.RelatedPersonsRole, y.ID)
			}
			if rel.MyRoleForRelatedPerson != person.RelationChild {
				continue
			}
			parents++
			yBorn := y.CurrentBirth().BirthDate.Time
			if yBorn.AddDate(15, 0, 0).After(born) {
				t.Errorf("person %s: parent %s born %s, child born %s", x.ID, y.ID, y.CurrentBirth().BirthDate.DateOnly(), x.CurrentBirth().BirthDate.DateOnly())
			}
			wantGender := person.GenderFemale
			if rel.RelatedPersonsRole == person.RelationFather {
				wantGender = person.GenderMale
			}
			if y.CurrentGender() != wantGender {
				t.Errorf("person %s: %s %s is %s", x.ID, rel.RelatedPersonsRole, y.ID, y.CurrentGender())
			}
			// Protection of minors is at least their parents'.
			if minor && rank[x.Protection()] < rank[y.Protection()] {
				t.Errorf("person %s: minor protected %q, parent %s %q", x.ID, x.Protection(), y.ID, y.Protection())
			}
		}
		// Parental responsibility: minors have it from their living parents,
		// and the parents have the same item.
		if minor && parents > 0 {
			valid := person.Valid(x.ParentalResponsibility)
			if len(valid) == 0 {
				t.Errorf("person %s: minor with parents but no parental responsibility", x.ID)
			}
			for _, pr := range valid {
				if pr.SubjectOfResponsibility != self {
					t.Errorf("person %s: responsibility for another subject", x.ID)
				}
				y := byNIN[pr.Responsible]
				if y == nil || y.Death != nil {
					t.Errorf("person %s: responsible parent missing or dead", x.ID)
					continue
				}
				found := false
				for _, q := range y.ParentalResponsibility {
					if q.SubjectOfResponsibility == self && q.Responsible == pr.Responsible && q.ResponsibilityType == pr.ResponsibilityType && q.Current() {
						found = true
					}
				}
				if !found {
					t.Errorf("person %s: responsibility not on the parent %s", x.ID, y.ID)
				}
			}
		}
		if !minor && len(person.Valid(x.ParentalResponsibility)) > 0 {
			// Adults only carry responsibilities for their minor children.
			for _, pr := range person.Valid(x.ParentalResponsibility) {
				if pr.Responsible != self {
					t.Errorf("person %s: adult under parental responsibility", x.ID)
				}
			}
		}
		// Shared residence is the other parent's current address.
		if sr := person.First(x.SharedResidence); sr != nil {
			found := false
			for _, rel := range x.FamilyRelation {
				y := byNIN[rel.RelatedPerson]
				if rel.MyRoleForRelatedPerson != person.RelationChild || y == nil {
					continue
				}
				if a := y.CurrentResidentialAddress(); a != nil && sameStreet(a.StreetAddress, sr.StreetAddress) {
					found = true
				}
			}
			if !found || !minor {
				t.Errorf("person %s: shared residence not at a parent's address (minor %t)", x.ID, minor)
			}
			if sr.ContractValidFrom.Before(born) {
				t.Errorf("person %s: shared residence before birth", x.ID)
			}
		}
	}
}

// sameStreet compares two street addresses.
func sameStreet(a, b *person.StreetAddress) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.MunicipalityNumber == b.MunicipalityNumber && a.AddressName == b.AddressName &&
		*a.AddressNumber == *b.AddressNumber && a.SeparatelyOccupiedUnitNumber == b.SeparatelyOccupiedUnitNumber
}

func TestEvents(t *testing.T) {
	p, docs := population(t)
	evs := p.Events()
	if int64(len(evs)) != p.EventCount() || len(evs) < p.Len() {
		t.Fatalf("%d events, EventCount %d, persons %d", len(evs), p.EventCount(), p.Len())
	}
	byID := make(map[string]*person.Person, len(docs))
	for _, x := range docs {
		byID[x.ID] = x
	}
	feed := p.Reference().AddDate(-3, 0, 0)
	last := map[string]int64{}
	types := map[string]map[person.EventType]bool{}
	populated := true
	for k, e := range evs {
		if got, want := e.SequenceNumber, strconv.Itoa(k+1); got != want {
			t.Fatalf("event %d has sequence number %s", k, got)
		}
		if !e.EventType.Known() {
			t.Errorf("event %s: unknown type %s", e.SequenceNumber, e.EventType)
		}
		if _, ok := byID[e.PersonID]; !ok {
			t.Errorf("event %s: person id not in the population", e.SequenceNumber)
		}
		if e.EventType == person.EventPersonPopulated && !populated {
			t.Errorf("event %s: zero-day load after other events", e.SequenceNumber)
		}
		populated = e.EventType == person.EventPersonPopulated
		last[e.PersonID] = int64(k + 1)
		if types[e.PersonID] == nil {
			types[e.PersonID] = map[person.EventType]bool{}
		}
		types[e.PersonID][e.EventType] = true
	}
	since := func(d person.DateTime) bool { return !d.IsZero() && !d.Before(feed) }
	for _, x := range docs {
		if got, want := x.SequenceNumber, last[x.ID]; got != want {
			t.Errorf("person %s: sequenceNumber %d, latest event %d", x.ID, got, want)
		}
		ty := types[x.ID]
		// Changes in the feed are changes in the document.
		checks := []struct {
			event person.EventType
			ok    bool
		}{
			{person.EventPersonIsDeceased, x.Death != nil && since(x.Death.DeceasedDate)},
			{person.EventChangeInName, len(x.Name) > 1 && since(x.Name[0].ValidFrom)},
			{person.EventChangeInNorwegianIdentificationNumber, len(x.NorwegianIdentificationNumber) > 1 && since(x.NorwegianIdentificationNumber[1].ValidTo)},
			{person.EventChangeInAddressProtection, len(x.AddressProtection) > 0 && since(x.AddressProtection[0].ValidFrom)},
			{person.EventPersonIsEmigrated, len(x.EmigrationFromNorway) > 0 && since(x.EmigrationFromNorway[0].ValidFrom)},
			{person.EventChangeInMaritalStatus, len(x.MaritalStatus) > 0 && since(x.MaritalStatus[0].ValidFrom)},
			{person.EventChangeInResidentialAddress, len(x.ResidentialAddress) > 0 && since(x.ResidentialAddress[0].ValidFrom)},
		}
		for _, c := range checks {
			if ty[c.event] && !c.ok {
				t.Errorf("person %s: %s event without a matching change since the feed began", x.ID, c.event)
			}
		}
		if x.Death != nil && since(x.Death.DeceasedDate) && !since(person.First(x.Status).ValidFrom) {
			t.Errorf("person %s: recent death without a recent status", x.ID)
		}
		if x.Death != nil && since(x.Death.DeceasedDate) && !ty[person.EventPersonIsDeceased] {
			t.Errorf("person %s: died since the feed began but no PersonIsDeceased event", x.ID)
		}
	}
	// EventsFrom pages through the same feed.
	page := p.EventsFrom(5, 3)
	if len(page) != 3 || page[0] != evs[4] || page[2] != evs[6] {
		t.Errorf("EventsFrom(5, 3) = %v, want events 5–7", page)
	}
	deaths := p.EventsFrom(1, 10, person.EventPersonIsDeceased)
	for _, e := range deaths {
		if e.EventType != person.EventPersonIsDeceased {
			t.Errorf("EventsFrom filtered by type returned %s", e.EventType)
		}
	}
	if got := p.EventsFrom(p.EventCount()+1, 10); len(got) != 0 {
		t.Errorf("EventsFrom past the end returned %d events", len(got))
	}
}
