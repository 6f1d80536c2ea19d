package timeline

import (
	"fmt"
	"strings"
	"testing"

	"github.com/oppslag/oppslag/clients/person"
)

// dump is everything an entry would show, in the catalog's terms.
func dump(e Entry) string {
	s := fmt.Sprintf("%s|%s|%s|%s|%s", e.Title, e.Before, e.After, e.Reason, e.Source)
	for _, f := range e.Fields {
		s += "|" + f.Value.String()
	}
	return s
}

func TestS19_ProtectedAddress(t *testing.T) {
	for _, level := range []person.AddressConfidentiality{person.Confidential, person.StrictlyConfidential, "SomethingNew"} {
		t.Run(string(level), func(t *testing.T) {
			p := protectedPerson(t, level)
			var addresses int
			for _, e := range Build(p, now) {
				switch e.Kind {
				case KindMove, KindPostal:
					addresses++
					if !e.Protected || !e.Before.IsZero() || !e.After.IsZero() || len(e.Fields) != 0 || e.Reason != "" {
						t.Errorf("%s carries address data: %+v", e.ID, e)
					}
					if got, want := e.Title.String(), "timeline.event.address_protected(timeline.part."+strings.ToLower(string(e.Part))+")"; got != want {
						t.Errorf("%s title %q, want %q", e.ID, got, want)
					}
					if e.Diffable() {
						t.Errorf("%s is diffable", e.ID)
					}
				}
				for _, s := range addressData {
					if d := dump(e); strings.Contains(d, s) {
						t.Errorf("%s shows address data %q: %s", e.ID, s, d)
					}
				}
			}
			if addresses != 7 {
				t.Errorf("%d address entries, want 7 (each change is still shown, masked)", addresses)
			}
			for _, day := range []string{"1990-01-01", "2000-01-01", "2020-01-01", "2026-11-21"} {
				for _, r := range AsOf(p, day) {
					for _, v := range r.Values {
						for _, s := range addressData {
							if strings.Contains(v.String(), s) {
								t.Errorf("as of %s, %s shows address data %q", day, r.Label, s)
							}
						}
					}
				}
				if got, want := asOfValue(AsOf(p, day), "timeline.part.residentialaddress"), "timeline.protected_address"; got != want {
					t.Errorf("as of %s the residential address reads %q, want %q", day, got, want)
				}
			}
		})
	}
}

func TestS19_HistoricProtection(t *testing.T) {
	// Protected from 2000 to 2003, unclassified now: addresses of that
	// period stay hidden, later ones show.
	p := historicPerson(t)
	es := Build(p, now)
	tests := []struct {
		id        string
		protected bool
		before    string
	}{
		{"residentialaddress-0", false, ""},
		{"residentialaddress-1", true, ""},                            // 1999–2001 overlaps 2000–2003
		{"residentialaddress-2", false, "timeline.protected_address"}, // its predecessor stays hidden
		{"postaladdress-0", true, ""},                                 // graded on its own
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			e := mustFind(t, es, tt.id)
			if e.Protected != tt.protected {
				t.Errorf("protected %v, want %v", e.Protected, tt.protected)
			}
			if got := e.Before.String(); got != tt.before {
				t.Errorf("before %q, want %q", got, tt.before)
			}
		})
	}
	asOf := []struct {
		day, want string
	}{
		{"1999-07-31", "Bergensgata 1, 5003 BERGEN, 0301 Oslo"},
		{"2000-06-01", "timeline.protected_address"},
		{"2026-01-01", "Markveien 35B, 0554 OSLO, 0301 Oslo"},
	}
	for _, tt := range asOf {
		t.Run("as of "+tt.day, func(t *testing.T) {
			if got := asOfValue(AsOf(p, tt.day), "timeline.part.residentialaddress"); got != tt.want {
				t.Errorf("residential address %q, want %q", got, tt.want)
			}
		})
	}
}
