package synthetic

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/oppslag/oppslag/clients/person"
)

func TestSearch(t *testing.T) {
	p, docs := population(t)
	// A living resident with a street address to search for.
	var x *person.Person
	for _, d := range docs {
		if a := d.CurrentResidentialAddress(); a != nil && a.StreetAddress != nil && d.Death == nil &&
			d.CurrentName().MiddleName == "" && !strings.Contains(d.CurrentName().GivenName, " ") {
			x = d
			break
		}
	}
	if x == nil {
		t.Fatal("no resident with a street address")
	}
	n := x.CurrentName()
	a := x.CurrentResidentialAddress().StreetAddress
	birth := x.CurrentBirth().BirthDate.DateOnly()
	tests := []struct {
		name string
		q    person.SearchQuery
		want bool // x among the results
	}{
		{"family name and birth date", person.SearchQuery{FamilyName: n.FamilyName, BirthDate: birth}, true},
		{"full name prefixes", person.SearchQuery{FullName: strings.ToLower(n.GivenName[:3] + " " + n.FamilyName[:3]), BirthDate: birth[:4]}, true},
		{"given name and municipality", person.SearchQuery{GivenName: n.GivenName, FamilyName: n.FamilyName, MunicipalityNumber: a.MunicipalityNumber}, true},
		{"street address", person.SearchQuery{FamilyName: n.FamilyName, StreetAddress: a.AddressName + " " + a.AddressNumber.HouseNumber}, true},
		{"postal code and town", person.SearchQuery{FamilyName: n.FamilyName, PostalCode: a.City.PostalCode, CityName: strings.ToLower(a.City.CityName)}, true},
		{"gender", person.SearchQuery{FamilyName: n.FamilyName, BirthDate: birth, Gender: x.CurrentGender()}, true},
		{"other gender", person.SearchQuery{FamilyName: n.FamilyName, BirthDate: birth, Gender: otherGender(x.CurrentGender())}, false},
		{"other birth date", person.SearchQuery{FamilyName: n.FamilyName, BirthDate: "1899"}, false},
		{"other municipality", person.SearchQuery{FamilyName: n.FamilyName, BirthDate: birth, MunicipalityNumber: "9999"}, false},
		{"other name", person.SearchQuery{FamilyName: "Zzzyx", BirthDate: birth}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := p.Search(tt.q)
			found := slices.ContainsFunc(got, func(y *person.Person) bool { return y.ID == x.ID })
			if found != tt.want {
				t.Errorf("found = %t among %d results, want %t", found, len(got), tt.want)
			}
			if len(got) > SearchLimit {
				t.Errorf("%d results, want at most %d", len(got), SearchLimit)
			}
		})
	}
	if got := p.Search(person.SearchQuery{FamilyName: "Hansen"}); len(got) != SearchLimit {
		t.Errorf("search for a common name gave %d results, want the limit %d", len(got), SearchLimit)
	}
}

func otherGender(g person.Gender) person.Gender {
	if g == person.GenderFemale {
		return person.GenderMale
	}
	return person.GenderFemale
}

func TestSearch_FHNumbersOnlyOnRequest(t *testing.T) {
	p, _ := population(t)
	fh := p.Where("fh-number", 1)
	if len(fh) == 0 {
		t.Fatal("no person with a felles hjelpenummer")
	}
	x := fh[0]
	q := person.SearchQuery{FamilyName: x.CurrentName().FamilyName, BirthDate: x.CurrentBirth().BirthDate.DateOnly()}
	contains := func(list []*person.Person) bool {
		return slices.ContainsFunc(list, func(y *person.Person) bool { return y.ID == x.ID })
	}
	if contains(p.Search(q)) {
		t.Errorf("FH person found without IncludeAinResults")
	}
	q.IncludeAinResults = true
	if !contains(p.Search(q)) {
		t.Errorf("FH person not found with IncludeAinResults")
	}
}

func TestDocument_JSONShape(t *testing.T) {
	p, _ := population(t)
	x := p.Where("replaced-nin", 1)[0]
	b, err := json.Marshal(x)
	if err != nil {
		t.Fatalf("json.Marshal: %v", err)
	}
	s := string(b)
	// v3 omits nulls and empty values.
	for _, bad := range []string{"null", `""`, "[]", "{}"} {
		if strings.Contains(s, bad) {
			t.Errorf("document contains %s", bad)
		}
	}
	// It decodes back to the same document.
	var y person.Person
	if err := json.Unmarshal(b, &y); err != nil {
		t.Fatalf("json.Unmarshal: %v", err)
	}
	c, _ := json.Marshal(&y)
	if string(c) != s {
		t.Errorf("document does not round-trip through JSON")
	}
	if len(x.ID) != 64 {
		t.Errorf("id %q is not 64 hex digits", x.ID)
	}
}
