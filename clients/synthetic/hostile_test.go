package synthetic

import (
	"strings"
	"testing"

	"github.com/oppslag/oppslag/clients/person/nin"
)

// TestHostilePersons: the hostile-strings corpus has valid synthetic
// numbers that no generated person holds, carries every hostile string,
// and is the same on every call.
func TestHostilePersons(t *testing.T) {
	p, err := defaultPopulation()
	if err != nil {
		t.Fatal(err)
	}
	hs := HostilePersons()
	if len(hs) == 0 {
		t.Fatal("no hostile persons")
	}
	var all strings.Builder
	for i, h := range hs {
		n := h.CurrentNIN()
		parsed, err := nin.Parse(n)
		if err != nil || !parsed.Synthetic {
			t.Errorf("person %d: %s is not a valid synthetic number (%v)", i, n, err)
		}
		if _, taken := p.ByNIN(n); taken {
			t.Errorf("person %d: %s belongs to a generated person", i, n)
		}
		if again := HostilePersons()[i].CurrentNIN(); again != n {
			t.Errorf("person %d: %s, then %s", i, n, again)
		}
		name := h.CurrentName()
		all.WriteString(name.GivenName + name.FamilyName + h.CommonContactRegisterInformation.ContactInformation.Email)
	}
	for _, s := range hostileStrings {
		if !strings.Contains(all.String(), s) {
			t.Errorf("no person carries %q", s)
		}
	}
	if !strings.Contains(all.String(), strings.Repeat("Å", HostileLongName)) {
		t.Error("no person has the long name")
	}
}
