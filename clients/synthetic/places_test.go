package synthetic

import (
	"strings"
	"testing"
)

func TestGeography_Tables(t *testing.T) {
	g, err := buildGeography()
	if err != nil {
		t.Fatalf("buildGeography: %v", err)
	}
	if got, want := len(counties), 15; got != want {
		t.Errorf("%d counties, want %d (2024 division)", got, want)
	}
	if got, want := len(g.munis), 357; got != want {
		t.Errorf("%d municipalities, want %d (2024 division)", got, want)
	}
	perCounty := map[string]int{}
	for _, m := range g.munis {
		perCounty[counties[m.county].number]++
		if len(m.number) != 4 || m.number[:2] != counties[m.county].number {
			t.Errorf("municipality %s in county %s", m.number, counties[m.county].number)
		}
		if len(m.areas) == 0 {
			t.Errorf("municipality %s has no basic statistical units", m.number)
		}
		units := map[string]bool{}
		for _, a := range m.areas {
			if len(a.unitNumber) != 8 || a.unitNumber[:4] != m.number || a.unitName == "" {
				t.Errorf("municipality %s: basic statistical unit %q %q", m.number, a.unitNumber, a.unitName)
			}
			if units[a.unitNumber] {
				t.Errorf("municipality %s: basic statistical unit %s twice", m.number, a.unitNumber)
			}
			units[a.unitNumber] = true
			if len(a.post.code) != 4 || a.post.city == "" || strings.ToUpper(a.post.city) != a.post.city {
				t.Errorf("municipality %s: postal code %q town %q", m.number, a.post.code, a.post.city)
			}
		}
	}
	// Municipalities per county in 2024 (SSB KLASS 131).
	want := map[string]int{
		"03": 1, "11": 23, "15": 27, "18": 41, "31": 12, "32": 21, "33": 18, "34": 46,
		"39": 6, "40": 17, "42": 25, "46": 43, "50": 38, "55": 21, "56": 18,
	}
	for c, n := range want {
		if perCounty[c] != n {
			t.Errorf("county %s has %d municipalities, want %d", c, perCounty[c], n)
		}
	}
	// Postal codes belong to one municipality.
	owner := map[string]string{}
	for _, m := range g.munis {
		for _, a := range m.areas {
			if o, ok := owner[a.post.code]; ok && o != m.number {
				t.Errorf("postal code %s in %s and %s", a.post.code, o, m.number)
			}
			owner[a.post.code] = m.number
		}
	}
}

func TestGeography_OfficialNames(t *testing.T) {
	tests := []struct {
		number, name, plain, county string
	}{
		{"0301", "Oslo", "Oslo", "Oslo"},
		{"5001", "Trondheim - Tråante", "Trondheim", "Trøndelag - Trööndelage"},
		{"5503", "Harstad - Hárstták", "Harstad", "Troms - Romsa - Tromssa"},
		{"5612", "Guovdageaidnu - Kautokeino", "Kautokeino", "Finnmark - Finnmárku - Finmarkku"},
		{"5610", "Kárášjohka - Karasjok", "Karasjok", "Finnmark - Finnmárku - Finmarkku"},
		{"5628", "Deatnu - Tana", "Tana", "Finnmark - Finnmárku - Finmarkku"},
		{"5636", "Unjárga - Nesseby", "Nesseby", "Finnmark - Finnmárku - Finmarkku"},
		{"5622", "Porsanger - Porsáŋgu - Porsanki", "Porsanger", "Finnmark - Finnmárku - Finmarkku"},
		{"5540", "Gáivuotna - Kåfjord - Kaivuono", "Kåfjord", "Troms - Romsa - Tromssa"},
		{"1875", "Hábmer - Hamarøy", "Hamarøy", "Nordland - Nordlánnda"},
		{"1833", "Rana - Raane", "Rana", "Nordland - Nordlánnda"},
		{"5041", "Snåase - Snåsa", "Snåsa", "Trøndelag - Trööndelage"},
		{"1508", "Ålesund", "Ålesund", "Møre og Romsdal"},
		{"1580", "Haram", "Haram", "Møre og Romsdal"},
		{"1515", "Herøy (Møre og Romsdal)", "Herøy", "Møre og Romsdal"},
		{"3205", "Lillestrøm", "Lillestrøm", "Akershus"},
		{"3301", "Drammen", "Drammen", "Buskerud"},
		{"3905", "Tønsberg", "Tønsberg", "Vestfold"},
		{"4003", "Skien", "Skien", "Telemark"},
		{"3107", "Fredrikstad", "Fredrikstad", "Østfold"},
	}
	for _, tt := range tests {
		t.Run(tt.number, func(t *testing.T) {
			i, ok := geo.byNum[tt.number]
			if !ok {
				t.Fatalf("municipality %s missing", tt.number)
			}
			m := geo.munis[i]
			if m.name != tt.name || m.plain != tt.plain || counties[m.county].name != tt.county {
				t.Errorf("municipality %s = %q (%q) in %q, want %q (%q) in %q",
					tt.number, m.name, m.plain, counties[m.county].name, tt.name, tt.plain, tt.county)
			}
		})
	}
}

func TestGeography_UrbanDistricts(t *testing.T) {
	tests := []struct {
		muni             string
		geographical     int
		service          int
		first, firstName string
	}{
		{"0301", 17, 15, "030101", "Gamle Oslo"},
		{"4601", 8, 8, "460101", "Arna"},
		{"5001", 4, 4, "500101", "Midtbyen"},
		{"1103", 7, 7, "110301", "Hundvåg"},
	}
	for _, tt := range tests {
		t.Run(tt.muni, func(t *testing.T) {
			m := geo.munis[geo.byNum[tt.muni]]
			service := 0
			for _, d := range m.districts {
				if len(d.code) != 6 || d.code[:4] != tt.muni {
					t.Errorf("district %s of %s", d.code, tt.muni)
				}
				if d.service {
					service++
				}
			}
			if len(m.districts) != tt.geographical || service != tt.service {
				t.Errorf("%d districts, %d service districts; want %d and %d", len(m.districts), service, tt.geographical, tt.service)
			}
			if m.districts[0].code != tt.first || m.districts[0].name != tt.firstName {
				t.Errorf("first district %s %s, want %s %s", m.districts[0].code, m.districts[0].name, tt.first, tt.firstName)
			}
			// Every area is served by a service district; only Oslo's
			// Sentrum and Marka are served by another.
			for _, a := range m.areas {
				g, s := m.districts[a.geo], m.districts[a.service]
				if !s.service {
					t.Errorf("area %s served by %s, not a service district", a.unitNumber, s.code)
				}
				if g.code != s.code && g.code != "030116" && g.code != "030117" {
					t.Errorf("area %s: geographical %s, service %s", a.unitNumber, g.code, s.code)
				}
				if (g.code == "030116" || g.code == "030117") && g.code == s.code {
					t.Errorf("area %s in %s served by itself", a.unitNumber, g.name)
				}
			}
		})
	}
	for code, name := range map[string]string{"030116": "Sentrum", "030117": "Marka", "030115": "Søndre Nordstrand", "110303": "Eiganes og Våland", "460108": "Åsane", "500104": "Heimdal"} {
		found := false
		for _, m := range geo.munis {
			for _, d := range m.districts {
				if d.code == code && d.name == name {
					found = true
				}
			}
		}
		if !found {
			t.Errorf("district %s %s missing", code, name)
		}
	}
}

func TestTables_NoDuplicates(t *testing.T) {
	lists := map[string][]string{"family names": familyNames, "streets": streetStems}
	for i, e := range nameEras {
		lists["female names "+itoaTest(i)] = e.female
		lists["male names "+itoaTest(i)] = e.male
	}
	for name, list := range lists {
		seen := map[string]bool{}
		for _, s := range list {
			if seen[s] {
				t.Errorf("%s: %q twice", name, s)
			}
			seen[s] = true
		}
	}
	if len(familyNames) < 200 {
		t.Errorf("%d family names, want a few hundred", len(familyNames))
	}
}

func itoaTest(i int) string { return string(rune('0' + i)) }

func TestAsciiFold(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Åse Bjørg", "asebjorg"},
		{"Sæther", "saether"},
		{"Wiśniewski", "wisniewski"},
		{"Kazlauskienė", "kazlauskiene"},
		{"Müller", "muller"},
		{"Berg-Hansen", "berghansen"},
	}
	for _, tt := range tests {
		if got := asciiFold(tt.in); got != tt.want {
			t.Errorf("asciiFold(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestWords(t *testing.T) {
	got := words("Storgata Nordre gate Haakon VIIs gate Ivar Aasens veg Bygdøy allé")
	want := []string{"Storgata", "Nordre gate", "Haakon VIIs gate", "Ivar Aasens veg", "Bygdøy allé"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("words = %q, want %q", got, want)
	}
}
