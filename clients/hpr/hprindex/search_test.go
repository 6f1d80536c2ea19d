package hprindex

import (
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/oppslag/oppslag/clients/hpr"
)

func TestSearchNorwegianFolding(t *testing.T) {
	ix := buildFixture(t)
	tests := []struct {
		want    int
		queries []string
	}{
		{nBjornHansen, []string{"bjorn", "bjoern", "Bjørn", "BJØRN", "bjørn hansen", "Bjoern Hansen"}},
		{nAseSaether, []string{"aase", "ase", "Åse", "åse", "saether", "sather", "Sæther", "SAETHER", "aase saether"}},
		{nHansMuller, []string{"muller", "mueller", "Müller", "MÜLLER", "hans muller"}},
		{nOyvindOdegard, []string{"oyvind", "oeyvind", "Øyvind", "odegard", "oedegaard", "Ødegård", "ødegaard", "oyvind odegard"}},
		{nOlaAs, []string{"Ås", "aas", "ola as", "ola ås", "Ola Aas"}},
		{nKristinAas, []string{"aas", "ås", "kristin aas"}},
		{nAnneLiseHB, []string{"Hansen-Berg", "hansen-berg", "hansenberg", "hansen berg", "berg", "Anne-Lise", "annelise", "anne lise", "lise", "anne-lise hansen-berg"}},
		{nTorErikSorensen, []string{"tor-erik", "torerik", "erik sorensen", "Sørensen", "soerensen"}},
		{nJoseGarcia, []string{"jose", "José", "JOSE", "garcia", "García", "jose garcia"}},
		{nSeanOBrien, []string{"obrien", "O'Brien", "o’brien", "sean", "Seán"}},
		{nPietVanDerBerg, []string{"van der berg", "vanderberg", "piet berg"}},
		{nErlingHaaland, []string{"haaland", "håland", "haland"}},
		{nErlingHaland, []string{"haaland", "håland", "haland"}},
		{nKariHauglandOl, []string{"kari haugland", "haugland olsen", "kari olsen"}},
	}
	for _, tt := range tests {
		for _, q := range tt.queries {
			t.Run(q, func(t *testing.T) {
				hits, err := ix.Search(context.Background(), q, 50)
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Contains(numbers(hits), tt.want) {
					t.Errorf("Search(%q) = %v, want it to include %d", q, numbers(hits), tt.want)
				}
			})
		}
	}
}

func TestSearchTypos(t *testing.T) {
	ix := buildFixture(t)
	tests := []struct {
		q    string
		want int
	}{
		{"Haugladn", nKariHaugland},      // swap
		{"Johansne", nPerJohansen},       // swap
		{"Johansen", nPerJohansen},       // exact, for contrast
		{"Jonansen", nPerJohansen},       // substitution
		{"Johanssen", nPerJohansen},      // insertion
		{"Haugeland", nKariHaugland},     // insertion
		{"Ødegåd", nOyvindOdegard},       // deletion, folded
		{"kari haugladn", nKariHaugland}, // typo in one word of two
		{"Bjørnstda", nLiseBjornstad},
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			hits, err := ix.Search(context.Background(), tt.q, 20)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Contains(numbers(hits), tt.want) {
				t.Errorf("Search(%q) = %v, want it to include %d", tt.q, numbers(hits), tt.want)
			}
		})
	}

	// Words under five letters get no typo tolerance: "Hnas" is no Hans.
	for _, q := range []string{"hnas", "mooe", "xyzzy", "qqqqqqq"} {
		t.Run("none/"+q, func(t *testing.T) {
			hits, err := ix.Search(context.Background(), q, 20)
			if err != nil {
				t.Fatal(err)
			}
			if len(hits) != 0 {
				t.Errorf("Search(%q) = %v, want no hits", q, numbers(hits))
			}
		})
	}
}

func TestSearchPrefix(t *testing.T) {
	ix := buildFixture(t)
	tests := []struct {
		q    string
		want []int // all must be present
		not  []int
	}{
		{"hau", []int{nKariHaugland, nIngridHaugen, nKariHauglandOl}, []int{nBjornHansen}},
		{"haug", []int{nKariHaugland, nIngridHaugen}, nil},
		{"haugl", []int{nKariHaugland, nKariHauglandOl}, []int{nIngridHaugen}},
		{"bjø", []int{nBjornHansen, nLiseBjornstad}, nil},
		{"øde", []int{nOyvindOdegard}, nil},
		{"oede", []int{nOyvindOdegard}, nil},
		{"johanse", []int{nPerJohansen}, nil},
		{"anne-li", []int{nAnneLiseHB}, []int{nAnneHansen}},
		{"hansenbe", []int{nAnneLiseHB}, []int{nAnneHansen}},
		{"k h", []int{nKariHaugland, nKariHauglandOl}, []int{nKariMo}},
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			hits, err := ix.Search(context.Background(), tt.q, 50)
			if err != nil {
				t.Fatal(err)
			}
			got := numbers(hits)
			for _, w := range tt.want {
				if !slices.Contains(got, w) {
					t.Errorf("Search(%q) = %v, want it to include %d", tt.q, got, w)
				}
			}
			for _, w := range tt.not {
				if slices.Contains(got, w) {
					t.Errorf("Search(%q) = %v, want it without %d", tt.q, got, w)
				}
			}
		})
	}
}

func TestSearchMoreWordsNarrow(t *testing.T) {
	ix := buildFixture(t)
	tests := []struct {
		q    string
		want []int // exactly, in order
	}{
		{"hansen", []int{nAnneHansen, nBjornHansen, nMariaHansen, nAnneLiseHB}},
		{"anne hansen", []int{nAnneHansen, nAnneLiseHB}},
		{"hansen anne", []int{nAnneHansen, nAnneLiseHB}},
		{"anne lise hansen", []int{nAnneLiseHB}},
		{"bjørn hansen", []int{nBjornHansen}},
		{"kari", []int{nKariHaugland, nKariMo, nKariMoe, nKariHauglandOl}},
		{"kari olsen", []int{nKariHauglandOl}},
		{"kari haugland olsen", []int{nKariHauglandOl}},
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			hits, err := ix.Search(context.Background(), tt.q, 50)
			if err != nil {
				t.Fatal(err)
			}
			// Only the exact tier is compared: prefix and typo hits may follow.
			var exact []int
			for _, h := range hits {
				if h.Match == MatchExact {
					exact = append(exact, h.HPRNumber)
				}
			}
			if !slices.Equal(exact, tt.want) {
				t.Errorf("Search(%q) exact hits = %v, want %v", tt.q, exact, tt.want)
			}
		})
	}
}

func TestSearchRanking(t *testing.T) {
	ix := buildFixture(t)
	ctx := context.Background()

	t.Run("exact before prefix before typo", func(t *testing.T) {
		hits, err := ix.Search(ctx, "bjørn", 50)
		if err != nil {
			t.Fatal(err)
		}
		if len(hits) < 2 || hits[0].HPRNumber != nBjornHansen || hits[0].Match != MatchExact {
			t.Fatalf("Search(bjørn) = %v, want Bjørn Hansen first as exact", hitsString(hits))
		}
		i := slices.IndexFunc(hits, func(h Hit) bool { return h.HPRNumber == nLiseBjornstad })
		if i < 0 || hits[i].Match != MatchPrefix {
			t.Fatalf("Search(bjørn) = %v, want Bjørnstad as a prefix hit", hitsString(hits))
		}
		for j := 1; j < len(hits); j++ {
			if hits[j].Match < hits[j-1].Match {
				t.Fatalf("Search(bjørn) = %v: match kinds out of order", hitsString(hits))
			}
		}
	})

	t.Run("typo after prefix", func(t *testing.T) {
		hits, err := ix.Search(ctx, "hauglan", 50)
		if err != nil {
			t.Fatal(err)
		}
		// Haugland starts with hauglan (prefix); nothing is exactly "hauglan".
		got := hitsString(hits)
		if len(hits) == 0 || hits[0].Match != MatchPrefix {
			t.Fatalf("Search(hauglan) = %v, want prefix hits first", got)
		}
		hits, err = ix.Search(ctx, "hansne", 50)
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range hits {
			if h.Match != MatchTypo {
				t.Fatalf("Search(hansne) = %v, want only typo hits", hitsString(hits))
			}
		}
		if !slices.Contains(numbers(hits), nAnneHansen) {
			t.Fatalf("Search(hansne) = %v, want the Hansens", hitsString(hits))
		}
	})

	t.Run("as written before folded", func(t *testing.T) {
		tests := []struct {
			q    string
			want []int
		}{
			{"moe", []int{nKariMoe, nKariMo}},
			{"haaland", []int{nErlingHaaland, nErlingHaland}},
			{"håland", []int{nErlingHaland, nErlingHaaland}},
			{"aas", []int{nKristinAas, nOlaAs}},
			{"ås", []int{nOlaAs, nKristinAas}},
		}
		for _, tt := range tests {
			hits, err := ix.Search(ctx, tt.q, 50)
			if err != nil {
				t.Fatal(err)
			}
			got := numbers(hits)
			if len(got) < len(tt.want) || !slices.Equal(got[:len(tt.want)], tt.want) {
				t.Errorf("Search(%q) = %v, want it to start %v", tt.q, hitsString(hits), tt.want)
			}
		}
	})

	t.Run("stable name order", func(t *testing.T) {
		a, err := ix.Search(ctx, "ha", 50)
		if err != nil {
			t.Fatal(err)
		}
		for range 3 {
			b, err := ix.Search(ctx, "ha", 50)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(numbers(a), numbers(b)) {
				t.Fatalf("Search(ha) changed order: %v then %v", numbers(a), numbers(b))
			}
		}
		// Family name, then given name, then HPR number: Haaland and
		// Håland (both "haland", both Erling); Hansen: Anne, Bjørn, Maria;
		// Hansen-Berg; Haugen; Haugland; then the given and middle names
		// starting "ha" under their family names: Hans Müller, Kari
		// Haugland Olsen.
		want := []int{nErlingHaaland, nErlingHaland, nAnneHansen, nBjornHansen, nMariaHansen, nAnneLiseHB,
			nIngridHaugen, nKariHaugland, nHansMuller, nKariHauglandOl}
		got := numbers(a)
		for _, h := range a {
			if h.Match != MatchPrefix {
				t.Fatalf("Search(ha) = %v, want prefix hits only", hitsString(a))
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("Search(ha) = %v, want %v", got, want)
		}
	})

	t.Run("limit", func(t *testing.T) {
		for _, tt := range []struct{ limit, want int }{{1, 1}, {3, 3}, {0, 10}, {-1, 10}, {1000, 10}} {
			hits, err := ix.Search(ctx, "ha", tt.limit)
			if err != nil {
				t.Fatal(err)
			}
			if len(hits) != tt.want {
				t.Errorf("Search(ha, %d) gave %d hits, want %d", tt.limit, len(hits), tt.want)
			}
		}
		// The limit cuts the best hits first: "bjørn" with limit 1 is Bjørn Hansen.
		hits, err := ix.Search(ctx, "bjørn", 1)
		if err != nil {
			t.Fatal(err)
		}
		if got := numbers(hits); !slices.Equal(got, []int{nBjornHansen}) {
			t.Errorf("Search(bjørn, 1) = %v, want [%d]", got, nBjornHansen)
		}
	})

	t.Run("no words", func(t *testing.T) {
		for _, q := range []string{"", "   ", "12345", "-- ,.", `"*" OR NEAR(`} {
			hits, err := ix.Search(ctx, q, 20)
			if err != nil || len(hits) != 0 {
				t.Errorf("Search(%q) = %v, %v, want no hits and no error", q, numbers(hits), err)
			}
		}
	})

	t.Run("FTS syntax is data", func(t *testing.T) {
		for _, q := range []string{`hansen OR moe`, `"hansen"`, `hansen*`, `NOT hansen`, `han^sen`, `(hansen)`} {
			if _, err := ix.Search(ctx, q, 20); err != nil {
				t.Errorf("Search(%q): %v", q, err)
			}
		}
		hits, _ := ix.Search(ctx, "hansen OR moe", 20)
		if len(hits) != 0 {
			t.Errorf(`Search("hansen OR moe") = %v, want none: OR is a word, not an operator`, numbers(hits))
		}
	})
}

func hitsString(hits []Hit) []string {
	out := make([]string, len(hits))
	for i, h := range hits {
		out[i] = h.GivenName + " " + h.FamilyName + " (" + h.Match.String() + ")"
	}
	return out
}

func TestHitFields(t *testing.T) {
	ps := fixture()
	day := hpr.DateOf(exportDay)
	expired := person(2001, "Gammel", "", "Lisens", hpr.NewDate(1950, 1, 1), "")
	expired.Approvals[0].Period.To = hpr.NewDate(2020, 1, 1)
	ended := person(2002, "Avsluttet", "", "Godkjenning", hpr.NewDate(1950, 1, 1), "")
	ended.Approvals[0].Ended = &hpr.Code{Name: "Tilbakekalt", Value: "2"}
	suspended := person(2003, "Suspendert", "", "Person", hpr.NewDate(1950, 1, 1), "")
	suspended.Reactions = []hpr.Reaction{{Type: hpr.Code{Name: "Suspensjon", Value: "1"}, Period: hpr.Period{From: hpr.NewDate(2025, 12, 1)}}}
	suspendedOnApproval := person(2004, "Suspendert", "", "Godkjenning", hpr.NewDate(1950, 1, 1), "")
	suspendedOnApproval.Approvals[0].Reactions = []hpr.Reaction{{Type: hpr.Code{Value: "5"}, Period: hpr.Period{From: hpr.NewDate(2025, 1, 1), To: hpr.NewDate(2026, 12, 31)}}}
	oldSuspension := person(2005, "Tidligere", "", "Suspendert", hpr.NewDate(1950, 1, 1), "")
	oldSuspension.Reactions = []hpr.Reaction{{Type: hpr.Code{Value: "1"}, Period: hpr.Period{From: hpr.NewDate(2010, 1, 1), To: hpr.NewDate(2011, 1, 1)}}}
	two := person(2006, "Dobbel", "", "Kategori", hpr.NewDate(1950, 1, 1), "")
	two.Approvals = append(two.Approvals,
		hpr.Approval{Category: codeLE, Authorization: auth1, Period: hpr.Period{From: hpr.NewDate(2010, 1, 1), To: hpr.NewDate(2027, 3, 1)}},
		hpr.Approval{Category: codeHP, Authorization: auth1, Period: hpr.Period{From: hpr.NewDate(2030, 1, 1)}}, // not yet
	)
	temp := person(2007, "Midlertidig", "", "Lisens", hpr.NewDate(1950, 1, 1), "")
	temp.Approvals[0].Period.To = hpr.NewDate(2026, 3, 31)
	dead := person(2008, "Avdød", "", "Person", hpr.NewDate(1940, 1, 1), "")
	dead.Person.DeathDate = hpr.NewDate(2024, 5, 5)
	replaced := person(2009, "Erstattet", "", "Nummer", hpr.NewDate(1950, 1, 1), "")
	repl := 2010
	replaced.ReplacedBy = &repl
	ps = append(ps, expired, ended, suspended, suspendedOnApproval, oldSuspension, two, temp, dead, replaced)
	ix := buildIndex(t, exportOf(t, 10, ps...))

	tests := []struct {
		n    int
		cats []string
		want Status
	}{
		{nBjornHansen, []string{"LE"}, Status{Active: true}},
		{2001, nil, Status{}},
		{2002, nil, Status{}},
		{2003, []string{"SP"}, Status{Active: true, Suspended: true}},
		{2004, []string{"SP"}, Status{Active: true, Suspended: true}},
		{2005, []string{"SP"}, Status{Active: true}},
		{2006, []string{"SP", "LE"}, Status{Active: true}}, // SP is open-ended, so no ValidTo
		{2007, []string{"SP"}, Status{Active: true, ValidTo: hpr.NewDate(2026, 3, 31)}},
		{2008, []string{"SP"}, Status{Active: true, Deceased: true}},
		{2009, []string{"SP"}, Status{Active: true, ReplacedBy: 2010}},
	}
	for _, tt := range tests {
		t.Run(strconv.Itoa(tt.n), func(t *testing.T) {
			p, ok, err := ix.ByNumber(context.Background(), tt.n)
			if err != nil || !ok {
				t.Fatalf("ByNumber(%d) = %v, %v", tt.n, ok, err)
			}
			hits, err := ix.Search(context.Background(), p.Person.GivenName+" "+p.Person.FamilyName, 20)
			if err != nil {
				t.Fatal(err)
			}
			i := slices.IndexFunc(hits, func(h Hit) bool { return h.HPRNumber == tt.n })
			if i < 0 {
				t.Fatalf("search for %d's name did not find it: %v", tt.n, numbers(hits))
			}
			h := hits[i]
			if !slices.Equal(h.Categories, tt.cats) {
				t.Errorf("categories = %v, want %v", h.Categories, tt.cats)
			}
			if !h.Status.ValidTo.Equal(tt.want.ValidTo.Time) || h.Status.Active != tt.want.Active ||
				h.Status.Suspended != tt.want.Suspended || h.Status.Deceased != tt.want.Deceased ||
				h.Status.ReplacedBy != tt.want.ReplacedBy {
				t.Errorf("status = %+v, want %+v (day %s)", h.Status, tt.want, day)
			}
			if !h.BirthDate.Equal(p.Person.BirthDate.Time) {
				t.Errorf("birth = %s, want %s", h.BirthDate, p.Person.BirthDate)
			}
			if !h.LastUpdated.Equal(p.LastUpdated.Time) {
				t.Errorf("last updated = %v, want %v", h.LastUpdated, p.LastUpdated.Time)
			}
			if !h.ExportedAt.Equal(exportDay) {
				t.Errorf("exported at = %v, want %v", h.ExportedAt, exportDay)
			}
		})
	}
}

func TestLookups(t *testing.T) {
	ps := fixture()
	ix := buildIndex(t, exportOf(t, 5, ps...))
	ctx := context.Background()

	t.Run("ByNumber gives the whole document", func(t *testing.T) {
		for _, want := range ps {
			got, ok, err := ix.ByNumber(ctx, want.HPRNumber)
			if err != nil || !ok {
				t.Fatalf("ByNumber(%d) = %v, %v", want.HPRNumber, ok, err)
			}
			gb, _ := json.Marshal(got)
			wb, _ := json.Marshal(want)
			if string(gb) != string(wb) {
				t.Errorf("ByNumber(%d)\n got %s\nwant %s", want.HPRNumber, gb, wb)
			}
		}
		if _, ok, err := ix.ByNumber(ctx, 999999); ok || err != nil {
			t.Errorf("ByNumber(999999) = %v, %v, want not found", ok, err)
		}
	})

	t.Run("ByNIN prefers the entry not replaced", func(t *testing.T) {
		const nin = "24917312345"
		old := person(3001, "Gammel", "", "Nummer", hpr.NewDate(1973, 11, 24), nin)
		repl := 2999
		old.ReplacedBy = &repl
		current := person(2999, "Gammel", "", "Nummer", hpr.NewDate(1973, 11, 24), nin)
		other := person(2998, "Gammel", "", "Nummer", hpr.NewDate(1973, 11, 24), nin)
		other.ReplacedBy = &repl
		ix := buildIndex(t, exportOf(t, 5, old, current, other))
		got, ok, err := ix.ByNIN(ctx, nin)
		if err != nil || !ok || got.HPRNumber != 2999 {
			t.Errorf("ByNIN = %d, %v, %v, want 2999", got.HPRNumber, ok, err)
		}
	})

	t.Run("ByNIN", func(t *testing.T) {
		tests := []struct {
			nin  string
			want int
		}{
			{ninBjorn, nBjornHansen},
			{" " + ninAse + " ", nAseSaether},
			{"01010112345", 0},
			{"", 0},
		}
		for _, tt := range tests {
			got, ok, err := ix.ByNIN(ctx, tt.nin)
			if err != nil {
				t.Fatal(err)
			}
			if ok != (tt.want != 0) || got.HPRNumber != tt.want {
				t.Errorf("ByNIN(case %d) = %d, %v, want %d", tt.want, got.HPRNumber, ok, tt.want)
			}
		}
	})

	t.Run("BySurnameAndBirth", func(t *testing.T) {
		b := hpr.NewDate
		tests := []struct {
			surname string
			birth   hpr.Date
			want    []int
		}{
			{"Sæther", b(1975, 6, 15), []int{nAseSaether}},
			{"saether", b(1975, 6, 15), []int{nAseSaether}},
			{"SATHER", b(1975, 6, 15), []int{nAseSaether}},
			{"Sæther", b(1975, 6, 16), nil},
			{"Hansen", b(1982, 2, 2), []int{nAnneLiseHB, nAnneHansen}}, // Hansen-Berg by its part; HPR number order
			{"Hansen-Berg", b(1982, 2, 2), []int{nAnneLiseHB}},
			{"hansenberg", b(1982, 2, 2), []int{nAnneLiseHB}},
			{"Berg", b(1982, 2, 2), []int{nAnneLiseHB}},
			{"Mo", b(1988, 8, 8), []int{nKariMo, nKariMoe}}, // folded: Moe is Mo
			{"Moe", b(1988, 8, 8), []int{nKariMo, nKariMoe}},
			{"van der Berg", b(1964, 4, 14), []int{nPietVanDerBerg}},
			{"", b(1964, 4, 14), nil},
			{"Berg", hpr.Date{}, nil},
		}
		for _, tt := range tests {
			t.Run(tt.surname+" "+tt.birth.String(), func(t *testing.T) {
				got, err := ix.BySurnameAndBirth(ctx, tt.surname, tt.birth)
				if err != nil {
					t.Fatal(err)
				}
				var ns []int
				for _, p := range got {
					ns = append(ns, p.HPRNumber)
				}
				if !slices.Equal(ns, tt.want) {
					t.Errorf("BySurnameAndBirth(%q, %s) = %v, want %v", tt.surname, tt.birth, ns, tt.want)
				}
			})
		}
	})

	t.Run("Info", func(t *testing.T) {
		got := ix.Info()
		want := Info{Entries: len(ps), BuiltAt: exportDay.Add(time.Minute), ExportedAt: exportDay}
		if got.Entries != want.Entries || !got.BuiltAt.Equal(want.BuiltAt) || !got.ExportedAt.Equal(want.ExportedAt) {
			t.Errorf("Info() = %+v, want %+v", got, want)
		}
	})
}
