package timeline

import (
	"errors"
	"testing"
)

func TestCompare_Names(t *testing.T) {
	es := Build(lifePerson(t), now)
	d, err := Compare(es, "name-0", "name-1")
	if err != nil {
		t.Fatal(err)
	}
	if d.A.ID != "name-0" || d.B.ID != "name-1" {
		t.Errorf("compared %s and %s, want name-0 and name-1", d.A.ID, d.B.ID)
	}
	type row struct{ label, a, b string }
	var got []row
	for _, r := range d.Rows {
		got = append(got, row{r.Label, r.A.String(), r.B.String()})
	}
	// The item's own fields in order, then the meta fields; a field empty
	// on both sides is still listed (the page leaves it out).
	want := []row{
		{"timeline.field.given", "Kari", "Kari"},
		{"timeline.field.middle", "", "Hansen"},
		{"timeline.field.family", "Hansen", "Nordmann"},
		{"timeline.field.shortname", "", ""},
		{"timeline.field.validfrom", "1980-03-12", "2008-07-05"},
		{"timeline.field.validto", "2008-07-05", ""},
		{"timeline.field.registered", "1980-03-12", "2008-07-05"},
		{"timeline.field.source", "Skatteetaten", "Skatteetaten"},
		{"timeline.field.reason", "", ""},
		{"timeline.field.current", "timeline.no", "timeline.yes"},
	}
	if len(got) != len(want) {
		t.Fatalf("rows %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("row %d: got %v, want %v", i, got[i], want[i])
		}
	}
}

func TestCompare_Refused(t *testing.T) {
	es := Build(protectedPerson(t, "Confidential"), now)
	tests := []struct {
		name string
		a, b string
		want error
	}{
		{"two names", "name-0", "name-1", nil},
		{"one with itself", "name-0", "name-0", nil},
		{"only a", "name-0", "", ErrPickTwo},
		{"only b", "", "name-1", ErrPickTwo},
		{"unknown", "name-0", "name-9", ErrNoSuchEntry},
		{"different parts", "name-0", "status-1", ErrOtherPart},
		{"protected addresses", "residentialaddress-1", "residentialaddress-2", ErrProtected},
		{"derived", "familyrelation-0", "familyrelation-0-birth", ErrDerived},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := Compare(es, tt.a, tt.b)
			if !errors.Is(err, tt.want) || (err == nil) != (tt.want == nil) {
				t.Errorf("error %v, want %v", err, tt.want)
			}
			if err != nil && d.Rows != nil {
				t.Errorf("rows %v with an error", d.Rows)
			}
		})
	}
}
