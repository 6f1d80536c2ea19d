package timeline

import (
	"slices"
	"strings"
	"testing"

	"github.com/oppslag/oppslag/clients/person"
)

// asOfValue is the values of the row labelled label, joined by " | ", or
// "(no row)".
func asOfValue(rows []AsOfRow, label string) string {
	for _, r := range rows {
		if r.Label == label {
			var vs []string
			for _, v := range r.Values {
				vs = append(vs, v.String())
			}
			return strings.Join(vs, " | ")
		}
	}
	return "(no row)"
}

func TestAsOf(t *testing.T) {
	p := lifePerson(t)
	p.Death = &person.Death{DeceasedDate: day("2030-01-01")}
	tests := []struct {
		day, label, want string
	}{
		{"2008-07-04", "timeline.part.name", "Kari Hansen"},                        // the day before the change
		{"2008-07-05", "timeline.part.name", "Kari Hansen Nordmann"},               // validFrom is inclusive
		{"2008-07-05", "timeline.part.maritalstatus", "timeline.marital[Married]"}, // same day, other part
		{"1999-07-31", "timeline.part.residentialaddress", "Bergensgata 1, 5003 BERGEN, 0301 Oslo"},
		{"1999-08-01", "timeline.part.residentialaddress", "Thorvald Meyers gate 10, 0555 OSLO, 0301 Oslo"}, // validTo is exclusive
		{"2002-06-01", "timeline.part.residentialaddress", ""},                                              // abroad: no address then
		{"2002-06-01", "timeline.part.status", "timeline.status[Emigrated]"},
		{"2026-01-01", "timeline.part.residentialaddress", "Markveien 35B, 0554 OSLO, 0301 Oslo"},
		{"2026-01-01", "timeline.part.postaladdress", "timeline.postbox(123), 0102 OSLO"},
		{"2026-01-01", "timeline.part.presentaddress", ""},
		{"2026-01-01", "timeline.part.citizenship", "NOR"},
		{"2026-01-01", "timeline.part.addressprotection", "timeline.level[Unclassified]"},
		{"2026-01-01", "timeline.part.death", "(no row)"},
		{"2030-01-01", "timeline.part.death", "timeline.asof.deceased(2030-01-01)"},
		{"1970-01-01", "timeline.asof.note", "timeline.asof.unborn"},
		{"1970-01-01", "timeline.part.name", ""},
		{"1970-01-01", "timeline.part.addressprotection", "timeline.level[Unclassified]"}, // none registered yet
	}
	for _, tt := range tests {
		t.Run(tt.day+"/"+tt.label, func(t *testing.T) {
			if got := asOfValue(AsOf(p, tt.day), tt.label); got != tt.want {
				t.Errorf("%s on %s = %q, want %q", tt.label, tt.day, got, tt.want)
			}
		})
	}
}

func TestPickOn(t *testing.T) {
	// A historic item without validTo must not win over its successor.
	names := []person.PersonName{
		{Meta: person.Meta{ValidFrom: day("2000-01-01"), IsValid: person.Bool(false)}, GivenName: "Old"},
		{Meta: person.Meta{ValidFrom: day("2010-01-01")}, GivenName: "New"},
	}
	// Several citizenships at once are all kept.
	citizenships := []person.Citizenship{
		{Meta: meta("1980-01-01", ""), CountryCode: "NOR"},
		{Meta: meta("1990-01-01", "2000-01-01"), CountryCode: "SWE"},
		{Meta: meta("1995-01-01", ""), CountryCode: "DNK"},
	}
	tests := []struct {
		name string
		got  []int
		want []int
	}{
		{"one, after the change", pickOn(names, "2015-01-01", true), []int{1}},
		{"one, before the change", pickOn(names, "2005-01-01", true), []int{0}},
		{"one, before either", pickOn(names, "1990-01-01", true), nil},
		{"all, three at once", pickOn(citizenships, "1996-01-01", false), []int{0, 1, 2}},
		{"all, one ended", pickOn(citizenships, "2000-01-01", false), []int{0, 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !slices.Equal(tt.got, tt.want) {
				t.Errorf("picked %v, want %v", tt.got, tt.want)
			}
		})
	}
}
