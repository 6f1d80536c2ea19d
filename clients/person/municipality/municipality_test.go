package municipality

import (
	"slices"
	"strings"
	"testing"
)

func numbers(ms []Municipality) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.Number)
	}
	return out
}

func TestLookup(t *testing.T) {
	tests := []struct {
		words string
		want  []string
	}{
		{"Sandefjord", []string{"3907"}},
		{"sandefjord", []string{"3907"}},
		{"Bærum", []string{"3201"}},
		{"Baerum", []string{"3201"}},
		{"BARUM", []string{"3201"}},
		{"Kautokeino", []string{"5612"}},
		{"Guovdageaidnu", []string{"5612"}},
		{"Guovdageaidnu - Kautokeino", nil}, // one name at a time
		{"Kárášjohka", []string{"5610"}},
		{"Karasjohka", []string{"5610"}},
		{"Porsáŋgu", []string{"5622"}},
		{"Porsanki", []string{"5622"}},
		{"Tråante", []string{"5001"}},
		{"Trondheim", []string{"5001"}},
		{"Herøy", []string{"1515", "1818"}},
		{"Heroy", []string{"1515", "1818"}},
		{"Herøy Nordland", []string{"1818"}},
		{"Herøy (Møre og Romsdal)", []string{"1515"}},
		{"Våler", []string{"3114", "3419"}},
		{"Våler Innlandet", []string{"3419"}},
		{"Nord-Fron", []string{"3436"}},
		{"Nord Fron", []string{"3436"}},
		{"nordfron", []string{"3436"}},
		{"Aas", []string{"3218"}},
		{"Ås", []string{"3218"}},
		{"Lund", []string{"1112"}},
		{"Bø", []string{"1867"}},
		{"Nordmann", nil},
		{"Sandefjor", nil}, // no prefixes
		{"Nordland", nil},  // a county is not a municipality
		{"", nil},
		{"  - ", nil},
	}
	for _, tt := range tests {
		t.Run(tt.words, func(t *testing.T) {
			if got := numbers(Lookup(tt.words)); !slices.Equal(got, tt.want) {
				t.Errorf("Lookup(%q) = %v, want %v", tt.words, got, tt.want)
			}
		})
	}
}

func TestName(t *testing.T) {
	tests := []struct {
		number, want string
		ok           bool
	}{
		{"0301", "Oslo", true},
		{"3907", "Sandefjord", true},
		{"5612", "Guovdageaidnu - Kautokeino", true},
		{"1818", "Herøy (Nordland)", true},
		{"5622", "Porsanger - Porsáŋgu - Porsanki", true},
		{"1201", "", false}, // Bergen before 2020
		{"", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.number, func(t *testing.T) {
			got, ok := Name(tt.number)
			if got != tt.want || ok != tt.ok {
				t.Errorf("Name(%q) = %q, %v, want %q, %v", tt.number, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestNamesAndQualifier(t *testing.T) {
	tests := []struct {
		m         Municipality
		names     []string
		qualifier string
	}{
		{Municipality{"5612", "Guovdageaidnu - Kautokeino"}, []string{"Guovdageaidnu", "Kautokeino"}, ""},
		{Municipality{"5538", "Storfjord - Omasvuotna - Omasvuono"}, []string{"Storfjord", "Omasvuotna", "Omasvuono"}, ""},
		{Municipality{"1515", "Herøy (Møre og Romsdal)"}, []string{"Herøy"}, "Møre og Romsdal"},
		{Municipality{"3414", "Nord-Odal"}, []string{"Nord-Odal"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.m.Name, func(t *testing.T) {
			if got := tt.m.Names(); !slices.Equal(got, tt.names) {
				t.Errorf("Names() = %q, want %q", got, tt.names)
			}
			if got := tt.m.Qualifier(); got != tt.qualifier {
				t.Errorf("Qualifier() = %q, want %q", got, tt.qualifier)
			}
		})
	}
}

// TestTable checks the register's shape: the 357 municipalities of 2024,
// each found by every one of its names, and no two sharing a name but the
// homonyms KLASS qualifies.
func TestTable(t *testing.T) {
	all := All()
	if len(all) != 357 {
		t.Errorf("%d municipalities, want 357", len(all))
	}
	for i, m := range all {
		if len(m.Number) != 4 || strings.Trim(m.Number, "0123456789") != "" {
			t.Errorf("number %q is not four digits", m.Number)
		}
		if i > 0 && all[i-1].Number >= m.Number {
			t.Errorf("%s after %s: not in number order", m.Number, all[i-1].Number)
		}
		for _, n := range m.Names() {
			found := Lookup(n)
			if !slices.Contains(found, m) {
				t.Errorf("Lookup(%q) = %v, lacks %s", n, numbers(found), m.Number)
			}
			if len(found) > 1 && m.Qualifier() == "" {
				t.Errorf("Lookup(%q) = %v: ambiguous without a qualifier", n, numbers(found))
			}
		}
	}
}
