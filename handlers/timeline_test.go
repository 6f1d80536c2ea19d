package handlers

import (
	"bytes"
	"context"
	"errors"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/oppslag/oppslag/clients/audit"
	"github.com/oppslag/oppslag/clients/person"
	"github.com/oppslag/oppslag/clients/person/nin"
	"github.com/oppslag/oppslag/clients/person/personsim"
	"github.com/oppslag/oppslag/clients/tolerant"
	"github.com/oppslag/oppslag/handlers/request"
	"github.com/oppslag/oppslag/views"
	"github.com/oppslag/oppslag/views/i18n"
)

var tlNow = time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)

// tlMeta is an item's metadata: valid from from (YYYY-MM-DD) to to ("" open).
func tlMeta(from, to string) person.Meta {
	m := person.Meta{Source: "Skatteetaten", IsValid: person.Bool(to == "")}
	if from != "" {
		d, _ := person.ParseDateTime(from)
		m.ValidFrom, m.RegisteredAt = d, d
	}
	if to != "" {
		d, _ := person.ParseDateTime(to)
		m.ValidTo = d
	}
	return m
}

func tlDay(s string) person.DateTime {
	d, err := person.ParseDateTime(s)
	if err != nil {
		panic(err)
	}
	return d
}

// tlTestNIN returns a valid synthetic identity number for a birth date.
func tlTestNIN(t *testing.T, birth string, seed uint64) string {
	t.Helper()
	b, err := time.Parse(time.DateOnly, birth)
	if err != nil {
		t.Fatal(err)
	}
	n, err := nin.Generate(rand.New(rand.NewPCG(seed, seed+1)), b, seed%2 == 0, nin.Fodselsnummer, true)
	if err != nil {
		t.Fatalf("generate: %v", err)
	}
	return n
}

// tlStreet is a residential address on a street in Oslo.
func tlStreet(m person.Meta, name, number, postcode, city string) person.ResidentialAddress {
	return person.ResidentialAddress{
		Meta: m,
		StreetAddress: &person.StreetAddress{
			AddressName: name, AddressNumber: &person.AddressNumber{HouseNumber: number},
			MunicipalityNumber: "0301", MunicipalityName: "Oslo", CountyName: "Oslo",
			City: &person.City{PostalCode: postcode, CityName: city},
		},
		District: person.District{BasicStatisticalUnitName: "Grünerløkka vest", UrbanDistrictName: "Grünerløkka"},
	}
}

// tlLifePerson is a person with an entry of every kind.
func tlLifePerson(t *testing.T) *person.Person {
	t.Helper()
	self := tlTestNIN(t, "1980-03-12", 1)
	child := tlTestNIN(t, "2010-06-01", 2)
	return &person.Person{
		NorwegianIdentificationNumber: []person.NorwegianIdentificationNumber{
			{Meta: tlMeta("1980-03-12", ""), IdentificationNumber: self, IdentificationNumberType: person.NationalIdentityNumber, Status: person.IdentificationInUse},
		},
		Birth: []person.Birth{{Meta: tlMeta("1980-03-12", ""), BirthDate: tlDay("1980-03-12"), BirthMunicipalityName: "Bergen", BirthCountry: "NOR"}},
		Status: []person.PersonStatus{
			{Meta: tlMeta("1980-03-12", "2001-01-01"), Status: person.StatusResident},
			{Meta: tlMeta("2001-01-01", "2004-01-01"), Status: person.StatusEmigrated},
			{Meta: tlMeta("2004-01-01", ""), Status: person.StatusResident},
		},
		EmigrationFromNorway: []person.EmigrationFromNorway{{Meta: tlMeta("2001-01-01", ""), EmigratedToCountry: "SWE"}},
		ImmigrationToNorway:  []person.ImmigrationToNorway{{Meta: tlMeta("2004-01-01", ""), ImmigratedFromCountry: "SWE"}},
		Name: []person.PersonName{
			{Meta: tlMeta("1980-03-12", "2008-07-05"), GivenName: "Kari", FamilyName: "Hansen"},
			{Meta: tlMeta("2008-07-05", ""), GivenName: "Kari", MiddleName: "Hansen", FamilyName: "Nordmann"},
		},
		MaritalStatus: []person.MaritalStatus{
			{Meta: tlMeta("1980-03-12", "2008-07-05"), Status: person.MaritalUnmarried},
			{Meta: tlMeta("2008-07-05", ""), Status: person.MaritalMarried, StatusDate: tlDay("2008-07-05"), RelatedByMaritalStatus: tlTestNIN(t, "1978-01-01", 4)},
		},
		ResidentialAddress: []person.ResidentialAddress{
			tlStreet(tlMeta("1980-03-12", "1999-08-01"), "Bergensgata", "1", "5003", "BERGEN"),
			tlStreet(tlMeta("1999-08-01", "2001-01-01"), "Thorvald Meyers gate", "10", "0555", "OSLO"),
			tlStreet(tlMeta("2004-01-01", ""), "Markveien", "35B", "0554", "OSLO"),
		},
		PostalAddress: []person.ContactAddress{
			{Meta: tlMeta("2015-01-01", ""), PostBoxAddress: &person.PostBoxAddress{PostBoxIdentification: "123", City: &person.City{PostalCode: "0102", CityName: "OSLO"}}},
		},
		Citizenship: []person.Citizenship{{Meta: tlMeta("1980-03-12", ""), CountryCode: "NOR"}},
		AddressProtection: []person.AddressProtection{
			{Meta: tlMeta("1980-03-12", ""), ProtectionLevel: person.Unclassified},
		},
		FamilyRelation: []person.FamilyRelation{
			{Meta: tlMeta("2010-06-01", ""), RelatedPerson: child, RelatedPersonsRole: person.RelationChild, MyRoleForRelatedPerson: person.RelationMother},
		},
	}
}

func tlIDs(es []TimelineEntry) []string {
	var out []string
	for _, e := range es {
		out = append(out, e.ID)
	}
	return out
}

func tlFind(es []TimelineEntry, id string) (TimelineEntry, bool) {
	for _, e := range es {
		if e.ID == id {
			return e, true
		}
	}
	return TimelineEntry{}, false
}

func TestBuildTimeline_Order(t *testing.T) {
	es := buildTimeline(tlLifePerson(t), tlNow)
	for i := 1; i < len(es); i++ {
		a, b := es[i-1].Date, es[i].Date
		if !a.IsZero() && !b.IsZero() && a.After(b.Time) {
			t.Errorf("entry %d (%s, %s) after entry %d (%s, %s)", i-1, es[i-1].ID, a.DateOnly(), i, es[i].ID, b.DateOnly())
		}
	}
	if got, want := es[0].ID, "birth-0"; got != want {
		t.Errorf("first entry %q, want %q (the birth sorts before the other items of that day by kind)", got, want)
	}
	// Every ID is unique, so a and b pick exactly one entry.
	seen := map[string]bool{}
	for _, id := range tlIDs(es) {
		if seen[id] {
			t.Errorf("duplicate id %q", id)
		}
		seen[id] = true
	}
	// Building twice gives the same ids in the same order.
	if got, want := tlIDs(buildTimeline(tlLifePerson(t), tlNow)), tlIDs(es); !slices.Equal(got, want) {
		t.Errorf("ids not stable:\n%v\n%v", got, want)
	}
}

func TestBuildTimeline_Undated(t *testing.T) {
	p := &person.Person{
		Name: []person.PersonName{
			{GivenName: "Udatert"},
			{Meta: tlMeta("2000-01-01", ""), GivenName: "Datert"},
		},
	}
	es := buildTimeline(p, tlNow)
	if got, want := tlIDs(es), []string{"name-1", "name-0"}; !slices.Equal(got, want) {
		t.Errorf("ids %v, want %v (undated last)", got, want)
	}
	v := tlEntryView(i18n.NB, es[1], timelineQuery{})
	if v.Date != "" || v.DateISO != "" {
		t.Errorf("undated entry shows date %q", v.Date)
	}
}

func TestBuildTimeline_Kinds(t *testing.T) {
	es := buildTimeline(tlLifePerson(t), tlNow)
	tests := []struct {
		id    string
		kind  TimelineKind
		title string // bokmål
		after string
		want  string // Before, "" for none
	}{
		{"birth-0", TimelineStatus, "Født", "12.03.1980, Bergen, Norge", ""},
		{"residentialaddress-0", TimelineMove, "Bostedsadresse registrert", "Bergensgata 1, 5003 BERGEN", ""},
		{"residentialaddress-1", TimelineMove, "Flyttet", "Thorvald Meyers gate 10, 0555 OSLO", "Bergensgata 1, 5003 BERGEN"},
		{"residentialaddress-2", TimelineMove, "Flyttet", "Markveien 35B, 0554 OSLO", "Thorvald Meyers gate 10, 0555 OSLO"},
		{"postaladdress-0", TimelinePostal, "Postadresse registrert", "Postboks 123, 0102 OSLO", ""},
		{"name-1", TimelineName, "Navneendring", "Kari Hansen Nordmann", "Kari Hansen"},
		{"maritalstatus-1", TimelineMarital, "Sivilstand: gift", "gift", "ugift"},
		{"status-1", TimelineStatus, "Personstatus: utflyttet", "utflyttet", "bosatt"},
		{"emigrationfromnorway-0", TimelineStatus, "Utflyttet til Sverige", "Sverige", ""},
		{"immigrationtonorway-0", TimelineStatus, "Innflyttet fra Sverige", "Sverige", ""},
		{"norwegianidentificationnumber-0", TimelineIdentity, "Identitetsnummer tildelt", "", ""},
		{"citizenship-0", TimelineCitizenship, "Statsborgerskap: Norge", "Norge", ""},
		{"addressprotection-0", TimelineProtection, "Adressebeskyttelse: ugradert", "ugradert", ""},
		{"familyrelation-0", TimelineFamily, "Familierelasjon registrert: barn", "barn", ""},
		{"familyrelation-0-birth", TimelineFamily, "Fødsel: barn", "01.06.2010", ""},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			e, ok := tlFind(es, tt.id)
			if !ok {
				t.Fatalf("no entry %q in %v", tt.id, tlIDs(es))
			}
			if e.Kind != tt.kind {
				t.Errorf("kind %q, want %q", e.Kind, tt.kind)
			}
			if got := e.Title.In(i18n.NB); got != tt.title {
				t.Errorf("title %q, want %q", got, tt.title)
			}
			if tt.after != "" {
				if got := e.After.In(i18n.NB); got != tt.after {
					t.Errorf("after %q, want %q", got, tt.after)
				}
			}
			if got := e.Before.In(i18n.NB); got != tt.want {
				t.Errorf("before %q, want %q", got, tt.want)
			}
			if strings.Contains(e.Title.In(i18n.NB), "timeline.") || strings.Contains(e.After.In(i18n.NB), "timeline.") {
				t.Errorf("untranslated key in %q / %q", e.Title.In(i18n.NB), e.After.In(i18n.NB))
			}
		})
	}
}

func TestBuildTimeline_DeathFutureAndUnknownEnum(t *testing.T) {
	p := &person.Person{
		Death:  &person.Death{Meta: person.Meta{RegisteredAt: tlDay("2024-02-03")}, DeceasedDate: tlDay("2024-02-01")},
		Status: []person.PersonStatus{{Meta: tlMeta("2024-02-01", ""), Status: "Vanished"}},
		ResidentialAddress: []person.ResidentialAddress{
			tlStreet(tlMeta("2027-01-01", ""), "Framtidsveien", "1", "0150", "OSLO"),
		},
	}
	es := buildTimeline(p, tlNow)
	death, ok := tlFind(es, "death-0")
	if !ok {
		t.Fatalf("no death entry in %v", tlIDs(es))
	}
	if got, want := death.Date.DateOnly(), "2024-02-01"; got != want {
		t.Errorf("death dated %s, want the deceased date %s", got, want)
	}
	st, _ := tlFind(es, "status-0")
	if got, want := st.Title.In(i18n.EN), "Person status: unknown value (Vanished)"; got != want {
		t.Errorf("unknown status title %q, want %q", got, want)
	}
	fut, _ := tlFind(es, "residentialaddress-0")
	if !fut.Future {
		t.Errorf("address valid from 2027 not marked future")
	}
	if death.Future {
		t.Errorf("death in 2024 marked future")
	}
}

func TestBuildTimeline_RelativeWithoutIdentifier(t *testing.T) {
	p := &person.Person{FamilyRelation: []person.FamilyRelation{
		{Meta: tlMeta("2019-05-05", ""), RelatedPersonsRole: person.RelationChild,
			RelatedPersonWithoutIdentifier: &person.RelatedPersonWithoutIdentifier{
				Name: &person.Name{GivenName: "Ola", FamilyName: "Utlending"}, BirthDate: tlDay("2019-04-30")}},
		// A parent without a date of birth: no birth event, nothing guessed.
		{Meta: tlMeta("", ""), RelatedPersonsRole: person.RelationMother,
			RelatedPersonWithoutIdentifier: &person.RelatedPersonWithoutIdentifier{Name: &person.Name{GivenName: "Mor"}}},
	}}
	es := buildTimeline(p, tlNow)
	birth, ok := tlFind(es, "familyrelation-0-birth")
	if !ok {
		t.Fatalf("no birth event in %v", tlIDs(es))
	}
	if got, want := birth.After.In(i18n.NB), "Ola Utlending, 30.04.2019"; got != want {
		t.Errorf("birth %q, want %q", got, want)
	}
	if birth.Diffable() {
		t.Errorf("a derived birth event must not be diffable")
	}
	if _, ok := tlFind(es, "familyrelation-1-birth"); ok {
		t.Errorf("birth event for a relative without a birth date")
	}
}

func TestTimelineAsOf(t *testing.T) {
	p := tlLifePerson(t)
	value := func(rows []timelineAsOfRow, label string) string {
		for _, r := range rows {
			if r.label == label {
				var vs []string
				for _, v := range r.values {
					vs = append(vs, v.In(i18n.NB))
				}
				return strings.Join(vs, " | ")
			}
		}
		return "(no row)"
	}
	tests := []struct {
		day, label, want string
	}{
		{"2008-07-04", "timeline.part.name", "Kari Hansen"},          // the day before the change
		{"2008-07-05", "timeline.part.name", "Kari Hansen Nordmann"}, // validFrom is inclusive
		{"2008-07-05", "timeline.part.maritalstatus", "gift"},        // same day, other part
		{"1999-07-31", "timeline.part.residentialaddress", "Bergensgata 1, 5003 BERGEN, 0301 Oslo"},
		{"1999-08-01", "timeline.part.residentialaddress", "Thorvald Meyers gate 10, 0555 OSLO, 0301 Oslo"}, // validTo is exclusive
		{"2002-06-01", "timeline.part.residentialaddress", ""},                                              // abroad: no address then
		{"2002-06-01", "timeline.part.status", "utflyttet"},
		{"2026-01-01", "timeline.part.residentialaddress", "Markveien 35B, 0554 OSLO, 0301 Oslo"},
		{"2026-01-01", "timeline.part.addressprotection", "ugradert"},
		{"1970-01-01", "timeline.asof.note", "Personen var ikke født på denne datoen."},
		{"1970-01-01", "timeline.part.name", ""},
	}
	for _, tt := range tests {
		t.Run(tt.day+"/"+tt.label, func(t *testing.T) {
			if got := value(timelineAsOf(p, tt.day, tlNow), tt.label); got != tt.want {
				t.Errorf("%s on %s = %q, want %q", tt.label, tt.day, got, tt.want)
			}
		})
	}
}

func TestTlValidOn_OpenItemWithoutEnd(t *testing.T) {
	// A historic item without validTo must not win over its successor.
	items := []person.PersonName{
		{Meta: person.Meta{ValidFrom: tlDay("2000-01-01"), IsValid: person.Bool(false)}, GivenName: "Old"},
		{Meta: person.Meta{ValidFrom: tlDay("2010-01-01")}, GivenName: "New"},
	}
	if got := tlPickOn(items, "2015-01-01", true); !slices.Equal(got, []int{1}) {
		t.Errorf("picked %v, want [1]", got)
	}
	if got := tlPickOn(items, "2005-01-01", true); !slices.Equal(got, []int{0}) {
		t.Errorf("picked %v, want [0]", got)
	}
}

func TestTimelineDiff_Names(t *testing.T) {
	es := buildTimeline(tlLifePerson(t), tlNow)
	a, _ := tlFind(es, "name-0")
	b, _ := tlFind(es, "name-1")
	rows := timelineDiff(a, b, i18n.NB)
	got := map[string]views.TimelineDiffRow{}
	for _, r := range rows {
		got[r.Label] = r
	}
	tests := []struct {
		label   string
		a, b    string
		changed bool
	}{
		{"Fornavn", "Kari", "Kari", false},
		{"Mellomnavn", "", "Hansen", true},
		{"Etternavn", "Hansen", "Nordmann", true},
		{"Gyldig fra", "12.03.1980", "05.07.2008", true},
		{"Gyldig til", "05.07.2008", "", true},
		{"Gjeldende", "Nei", "Ja", true},
		{"Kilde", "Skatteetaten", "Skatteetaten", false},
	}
	for _, tt := range tests {
		r, ok := got[tt.label]
		if !ok {
			t.Errorf("no row %q in %v", tt.label, rows)
			continue
		}
		if r.A != tt.a || r.B != tt.b || r.Changed != tt.changed {
			t.Errorf("%s: got %q → %q changed %v, want %q → %q changed %v", tt.label, r.A, r.B, r.Changed, tt.a, tt.b, tt.changed)
		}
	}
	if _, ok := got["Forkortet navn"]; ok {
		t.Errorf("a field empty on both sides is shown")
	}
}

func TestTimelineData_Diff(t *testing.T) {
	p := tlLifePerson(t)
	tests := []struct {
		name    string
		a, b    string
		status  int
		wantErr string
	}{
		{"two names", "name-0", "name-1", http.StatusOK, ""},
		{"only a", "name-0", "", http.StatusUnprocessableEntity, "Velg to oppføringer: én som A og én som B."},
		{"unknown", "name-0", "name-9", http.StatusUnprocessableEntity, "Fant ikke oppføringen du valgte. Last inn siden på nytt og prøv igjen."},
		{"different parts", "name-0", "status-1", http.StatusUnprocessableEntity, "Du kan bare sammenligne to oppføringer av samme slag, for eksempel to navn eller to bostedsadresser."},
		{"derived", "familyrelation-0", "familyrelation-0-birth", http.StatusUnprocessableEntity, "Denne oppføringen kan ikke sammenlignes med en annen."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := parseTimelineQuery(url.Values{"a": {tt.a}, "b": {tt.b}})
			d, status := timelineData(i18n.NB, p, "h1", q, tlNow)
			if status != tt.status {
				t.Errorf("status %d, want %d", status, tt.status)
			}
			if d.DiffError != tt.wantErr {
				t.Errorf("diff error %q, want %q", d.DiffError, tt.wantErr)
			}
			if (d.Diff != nil) != (tt.wantErr == "") {
				t.Errorf("diff %v, want one only without error", d.Diff)
			}
		})
	}
}

func TestParseTimelineQuery(t *testing.T) {
	tests := []struct {
		name    string
		query   string
		kinds   []TimelineKind
		asOf    string
		asOfErr string
	}{
		{"first visit shows all", "", timelineKinds, "", ""},
		{"form with two kinds", "f=1&kind=name&kind=move", []TimelineKind{TimelineMove, TimelineName}, "", ""},
		{"form with none", "f=1", nil, "", ""},
		{"unknown kind ignored", "f=1&kind=labs&kind=name", []TimelineKind{TimelineName}, "", ""},
		{"as of", "asof=2010-05-17", timelineKinds, "2010-05-17", ""},
		{"as of trimmed", "asof=+2010-05-17+", timelineKinds, "2010-05-17", ""},
		{"as of Norwegian form", "asof=17.05.2010", timelineKinds, "", "timeline.asof.invalid"},
		{"as of impossible day", "asof=2010-02-30", timelineKinds, "", "timeline.asof.invalid"},
		{"as of too early", "asof=1700-01-01", timelineKinds, "", "timeline.asof.range"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := url.ParseQuery(tt.query)
			if err != nil {
				t.Fatal(err)
			}
			q := parseTimelineQuery(v)
			var got []TimelineKind
			for _, k := range timelineKinds {
				if q.kinds[k] {
					got = append(got, k)
				}
			}
			if !slices.Equal(got, tt.kinds) {
				t.Errorf("kinds %v, want %v", got, tt.kinds)
			}
			if q.asOf != tt.asOf || q.asOfErr != tt.asOfErr {
				t.Errorf("asof %q err %q, want %q err %q", q.asOf, q.asOfErr, tt.asOf, tt.asOfErr)
			}
		})
	}
}

func TestTimelineData_Filter(t *testing.T) {
	d, status := timelineData(i18n.NB, tlLifePerson(t), "h1", parseTimelineQuery(url.Values{"f": {"1"}, "kind": {"name"}}), tlNow)
	if status != http.StatusOK {
		t.Errorf("status %d", status)
	}
	if got, want := len(d.Entries), 2; got != want {
		t.Errorf("%d entries, want %d", got, want)
	}
	for _, e := range d.Entries {
		if e.Kind != string(TimelineName) {
			t.Errorf("entry %s of kind %s passed the name filter", e.ID, e.Kind)
		}
	}
	if d.Total <= len(d.Entries) {
		t.Errorf("total %d not above the filtered %d", d.Total, len(d.Entries))
	}
	if got, want := d.Action, "/person/h1/timeline"; got != want {
		t.Errorf("action %q, want %q", got, want)
	}
}

// tlProtectedPerson has addresses of every kind although the person is
// protected: the upstream sent them anyway, and none may reach the page.
func tlProtectedPerson(t *testing.T, level person.AddressConfidentiality) *person.Person {
	p := tlLifePerson(t)
	p.AddressProtection = []person.AddressProtection{
		{Meta: tlMeta("1980-03-12", "2012-01-01"), ProtectionLevel: person.Unclassified},
		{Meta: tlMeta("2012-01-01", ""), ProtectionLevel: level},
	}
	p.PresentAddress = []person.PresentAddress{{Meta: tlMeta("2013-01-01", ""),
		StreetAddress: &person.StreetAddress{AddressName: "Hemmeligveien", AddressNumber: &person.AddressNumber{HouseNumber: "7"},
			City: &person.City{PostalCode: "9990", CityName: "BÅTSFJORD"}}}}
	p.SharedResidence = []person.SharedResidence{{Meta: tlMeta("2014-01-01", ""),
		StreetAddress: &person.StreetAddress{AddressName: "Delteveien", City: &person.City{PostalCode: "9991", CityName: "SKJULT"}}}}
	p.PostalAddress = []person.ContactAddress{{Meta: tlMeta("2015-01-01", ""),
		StreetAddress: &person.StreetAddressForPost{AddressName: "Postveien", City: &person.City{PostalCode: "9992", CityName: "POSTSTED"}}}}
	p.ForeignPostalAddress = []person.ForeignContactAddress{{Meta: tlMeta("2016-01-01", ""),
		ForeignAddress: &person.InternationalAddress{AddressName: "Utlandsgatan 3", PostCode: "S-11122", CityOrPlaceName: "Stockholm", CountryCode: "SE"}}}
	p.ResidentialAddress[2].Reason = "Flyttet til Markveien 35B"
	return p
}

// tlAddressData is every piece of address in protectedPerson.
var tlAddressData = []string{
	"Bergensgata", "5003", "BERGEN", "Thorvald Meyers", "0555", "Markveien", "35B", "0554",
	"Hemmeligveien", "9990", "BÅTSFJORD", "Delteveien", "9991", "SKJULT", "Postveien", "9992", "POSTSTED",
	"Utlandsgatan", "S-11122", "Stockholm", "Grünerløkka", "Postboks", "0102", "0301",
}

func TestS19_TimelineProtectedAddress(t *testing.T) {
	for _, level := range []person.AddressConfidentiality{person.Confidential, person.StrictlyConfidential, "SomethingNew"} {
		t.Run(string(level), func(t *testing.T) {
			p := tlProtectedPerson(t, level)
			es := buildTimeline(p, tlNow)
			var addresses int
			for _, e := range es {
				switch e.Kind {
				case TimelineMove, TimelinePostal:
					addresses++
					if !e.Protected || !e.Before.IsZero() || !e.After.IsZero() || len(e.Fields) != 0 || e.Reason != "" {
						t.Errorf("%s carries address data: %+v", e.ID, e)
					}
				}
			}
			if addresses != 7 {
				t.Errorf("%d address entries, want 7 (each change is still shown, masked)", addresses)
			}

			// The whole page, with an as-of date inside the protected period
			// and a diff asked for between two addresses.
			for _, lang := range i18n.Supported() {
				q := parseTimelineQuery(url.Values{"asof": {"2020-01-01"}, "a": {"residentialaddress-1"}, "b": {"residentialaddress-2"}})
				d, status := timelineData(lang, p, "h1", q, tlNow)
				if status != http.StatusUnprocessableEntity || d.Diff != nil {
					t.Errorf("%s: diff of protected addresses: status %d diff %v", lang, status, d.Diff)
				}
				d.Family = buildFamilyGraph(p, nil, nil)
				html := tlRender(t, lang, d)
				for _, s := range tlAddressData {
					if strings.Contains(html, s) {
						t.Errorf("%s: page contains address data %q", lang, s)
					}
				}
				if d.ProtectionNote == "" {
					t.Errorf("%s: no note says why the addresses are hidden", lang)
				}
			}
			html := tlRender(t, i18n.EN, func() views.TimelineData {
				d, _ := timelineData(i18n.EN, p, "h1", parseTimelineQuery(nil), tlNow)
				return d
			}())
			if !strings.Contains(html, "Residential address changed (protected address)") {
				t.Errorf("the page does not say the address changed")
			}
		})
	}
}

func TestS19_TimelineHistoricProtection(t *testing.T) {
	// Protected from 2000 to 2003, unclassified now: addresses of that
	// period stay hidden, later ones show.
	p := tlLifePerson(t)
	p.AddressProtection = []person.AddressProtection{
		{Meta: tlMeta("2000-01-01", "2003-01-01"), ProtectionLevel: person.StrictlyConfidential},
		{Meta: tlMeta("2003-01-01", ""), ProtectionLevel: person.Unclassified},
	}
	// An item graded on its own, though the person is not protected.
	p.PostalAddress[0].AddressConfidentiality = person.Confidential
	es := buildTimeline(p, tlNow)
	tests := []struct {
		id        string
		protected bool
		before    string
	}{
		{"residentialaddress-0", false, ""},
		{"residentialaddress-1", true, ""},                   // 1999–2001 overlaps 2000–2003
		{"residentialaddress-2", false, "Beskyttet adresse"}, // its predecessor stays hidden
		{"postaladdress-0", true, ""},
	}
	for _, tt := range tests {
		e, ok := tlFind(es, tt.id)
		if !ok {
			t.Fatalf("no %s", tt.id)
		}
		if e.Protected != tt.protected {
			t.Errorf("%s protected %v, want %v", tt.id, e.Protected, tt.protected)
		}
		if got := e.Before.In(i18n.NB); got != tt.before {
			t.Errorf("%s before %q, want %q", tt.id, got, tt.before)
		}
	}
	rows := timelineAsOf(p, "2000-06-01", tlNow)
	for _, r := range rows {
		for _, v := range r.values {
			if s := v.In(i18n.NB); strings.Contains(s, "Thorvald") {
				t.Errorf("as-of shows a protected address: %q", s)
			}
		}
	}
}

func tlRender(t *testing.T, l i18n.Lang, d views.TimelineData) string {
	t.Helper()
	var buf bytes.Buffer
	ctx := i18n.WithLang(context.Background(), l)
	if err := views.TimelinePage(views.Base{Title: "x"}, d).Render(ctx, &buf); err != nil {
		t.Fatalf("render: %v", err)
	}
	return buf.String()
}

func TestTimelinePage_Render(t *testing.T) {
	p := tlLifePerson(t)
	q := parseTimelineQuery(url.Values{"asof": {"2009-01-01"}, "a": {"name-0"}, "b": {"name-1"}})
	for _, lang := range i18n.Supported() {
		d, status := timelineData(lang, p, "h1", q, tlNow)
		if status != http.StatusOK {
			t.Fatalf("status %d", status)
		}
		html := tlRender(t, lang, d)
		for _, want := range []string{`data-testid="timeline-asof"`, `data-testid="timeline-diff"`, `data-changed="true"`,
			`name="a" value="name-0" checked`, `hx-get="/person/h1/timeline"`, `action="/person/h1/timeline"`} {
			if !strings.Contains(html, want) {
				t.Errorf("%s: page lacks %s", lang, want)
			}
		}
		// Every message resolved: an unknown key renders as itself.
		for _, prefix := range []string{"timeline.", "familygraph."} {
			if i := strings.Index(html, prefix); i >= 0 {
				t.Errorf("%s: untranslated key near %q", lang, html[i:min(len(html), i+60)])
			}
		}
		if strings.Contains(html, " style=") {
			t.Errorf("%s: inline style attribute (CSP)", lang)
		}
	}
}

func TestTimelineResults_Fragment(t *testing.T) {
	d, _ := timelineData(i18n.NB, tlLifePerson(t), "h1", parseTimelineQuery(nil), tlNow)
	var buf bytes.Buffer
	if err := views.TimelineResults(d).Render(i18n.WithLang(context.Background(), i18n.NB), &buf); err != nil {
		t.Fatal(err)
	}
	html := buf.String()
	if !strings.HasPrefix(html, `<div id="timeline-results"`) {
		t.Errorf("fragment does not start with the swapped region: %.60s", html)
	}
	if strings.Contains(html, "<html") || strings.Contains(html, "<form") {
		t.Errorf("fragment carries page or form markup")
	}
}

// tlVerifier accepts every token with full access: the handler test is about
// the page, the token path is tested in the client and the web package.
type tlVerifier struct{}

func (tlVerifier) VerifyAccessToken(*http.Request, string, string, string) (map[string]any, error) {
	return map[string]any{"scope": person.FullAccess.OAuthScope()}, nil
}

type tlTokens struct{}

func (tlTokens) AccessToken(context.Context, string) (string, error) { return "token", nil }
func (tlTokens) Proof(string, string, string) (string, error)        { return "proof", nil }

type tlHandles map[string]string

func (h tlHandles) Handle(_ context.Context, n string) (string, error) {
	for k, v := range h {
		if v == n {
			return k, nil
		}
	}
	return "", errors.New("no handle")
}

func (h tlHandles) Resolve(_ context.Context, handle string) (string, bool) {
	n, ok := h[handle]
	return n, ok
}

// tlAudit records events in memory.
// tlAudit keeps the records in memory; the overview records from parallel
// fetches, so it locks.
// tlPersonAPI serves persons from the Person API simulator over loopback
// and returns a client of it; the server stops with the test.
func tlPersonAPI(t *testing.T, persons ...*person.Person) *person.Client {
	t.Helper()
	var sim *personsim.Server
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { sim.ServeHTTP(w, r) }))
	t.Cleanup(srv.Close)
	sim = personsim.New(srv.URL, personsim.NewMemoryRegistry(persons, nil), tlVerifier{})
	api, err := person.New(srv.URL, person.FullAccess, srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	return api
}

type tlAudit struct {
	mu     sync.Mutex
	events []audit.Event
}

func (a *tlAudit) Record(_ context.Context, e audit.Event) (audit.Record, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.events = append(a.events, e)
	return audit.Record{}, nil
}
func (a *tlAudit) Query(context.Context, audit.Filter) ([]audit.Record, error) { return nil, nil }
func (a *tlAudit) Verify(context.Context) (audit.Report, error)                { return audit.Report{}, nil }
func (a *tlAudit) Ping(context.Context) error                                  { return nil }
func (a *tlAudit) Close() error                                                { return nil }

func TestTimeline_Handler(t *testing.T) {
	p := tlLifePerson(t)
	self := p.NorwegianIdentificationNumber[0].IdentificationNumber
	child := p.FamilyRelation[0].RelatedPerson
	kid := &person.Person{
		NorwegianIdentificationNumber: []person.NorwegianIdentificationNumber{{IdentificationNumber: child, Status: person.IdentificationInUse}},
		Name:                          []person.PersonName{{GivenName: "Emil", FamilyName: "Nordmann"}},
	}
	api := tlPersonAPI(t, p, kid)

	tests := []struct {
		name      string
		query     string
		htmx      bool
		status    int
		want      []string
		notWant   []string
		auditRsrc []string
	}{
		{"full page", "", false, http.StatusOK,
			[]string{"<html", `data-testid="timeline-list"`, `data-testid="family-graph"`, "Emil Nordmann", `href="/person/h2"`},
			[]string{self, child}, []string{"timeline", "family"}},
		{"fragment", "f=1&kind=name", true, http.StatusOK,
			[]string{`<div id="timeline-results"`, "Navneendring"},
			[]string{"<html", "family-graph", "Flyttet", self}, []string{"timeline"}},
		{"bad date", "asof=17.05.2010", false, http.StatusUnprocessableEntity,
			[]string{`data-testid="timeline-asof-error"`, `aria-invalid="true"`}, nil, []string{"timeline", "family"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			store := &tlAudit{}
			h := Person{API: api, Audit: Auditor{Store: store}, Now: func() time.Time { return tlNow }}
			r := httptest.NewRequest(http.MethodGet, "/person/h1/timeline?"+tt.query, nil)
			r.SetPathValue("handle", "h1")
			ctx := request.WithUser(r.Context(), &request.User{Name: "Lege"})
			ctx = request.WithHandles(ctx, tlHandles{"h1": self, "h2": child})
			ctx = request.WithTokens(ctx, tlTokens{})
			r = r.WithContext(i18n.WithLang(ctx, i18n.NB))
			if tt.htmx {
				r.Header.Set("HX-Request", "true")
			}
			w := httptest.NewRecorder()
			if err := h.Timeline(w, r); err != nil {
				t.Fatalf("Timeline: %v", err)
			}
			if w.Code != tt.status {
				t.Errorf("status %d, want %d", w.Code, tt.status)
			}
			if got := w.Header().Get("Vary"); got != "HX-Request" {
				t.Errorf("Vary %q, want HX-Request", got)
			}
			body := w.Body.String()
			for _, s := range tt.want {
				if !strings.Contains(body, s) {
					t.Errorf("body lacks %q", s)
				}
			}
			for _, s := range tt.notWant {
				if strings.Contains(body, s) {
					t.Errorf("body contains %q", s)
				}
			}
			var got []string
			for _, e := range store.events {
				got = append(got, e.Resource)
				if e.Patient != self {
					t.Errorf("audit patient is not the person looked at")
				}
			}
			if !slices.Equal(got, tt.auditRsrc) {
				t.Errorf("audited %v, want %v", got, tt.auditRsrc)
			}
		})
	}

	t.Run("unknown handle", func(t *testing.T) {
		store := &tlAudit{}
		h := Person{API: api, Audit: Auditor{Store: store}}
		r := httptest.NewRequest(http.MethodGet, "/person/nope/timeline", nil)
		r.SetPathValue("handle", "nope")
		r = r.WithContext(request.WithHandles(r.Context(), tlHandles{"h1": self}))
		err := h.Timeline(httptest.NewRecorder(), r)
		if e := AsError(err); e.Status != http.StatusNotFound {
			t.Errorf("error %v, want 404", err)
		}
		if len(store.events) != 0 {
			t.Errorf("audited %d events for a handle that resolves to no one", len(store.events))
		}
	})
}

// TestS44_TimelineUnreadableDate: a date the client could not read is shown
// as received, marked, and sorts with the undated entries, never as year 1.
func TestS44_TimelineUnreadableDate(t *testing.T) {
	odd := tolerant.Unreadable("mars 2022")
	if got, want := tlDate(i18n.NB, odd), "mars 2022 — ukjent format"; got != want {
		t.Errorf("tlDate = %q, want %q", got, want)
	}
	if got := tlCompareDates(odd, tlDay("2020-01-01")); got != 1 {
		t.Errorf("unreadable date sorts before a known one (%d)", got)
	}
	if tlStart(person.Meta{ValidFrom: odd}) != "" {
		t.Error("an unreadable validFrom must not give a start day")
	}
}
