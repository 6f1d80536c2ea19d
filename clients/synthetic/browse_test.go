package synthetic

import (
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
)

// browser is a Browser over the default population (the demo's seed and
// size), warmed once per test binary.
var browser = sync.OnceValues(func() (*Browser, error) {
	p, err := defaultPopulation()
	if err != nil {
		return nil, err
	}
	b := NewBrowser(p)
	b.Warm()
	return b, nil
})

func testBrowser(t *testing.T) *Browser {
	t.Helper()
	b, err := browser()
	if err != nil {
		t.Fatalf("Generate: %v", err)
	}
	return b
}

func ages(lo, hi int) (*int, *int) { return &lo, &hi }

// TestBrowse_Filters: every filter selects exactly the persons it names,
// filters combine with AND, and Total counts them all.
func TestBrowse_Filters(t *testing.T) {
	b := testBrowser(t)
	p := b.Population()
	min18, max30 := ages(18, 30)
	tests := []struct {
		name string
		q    Query
		want func(r Row) bool
	}{
		{"everyone", Query{}, func(Row) bool { return true }},
		{"one kind", Query{Kinds: []string{"dnumber"}}, func(r Row) bool { return slices.Contains(r.Kinds, "dnumber") }},
		{"two kinds", Query{Kinds: []string{"reserved", "abnormal-labs"}}, func(r Row) bool {
			return slices.Contains(r.Kinds, "reserved") && slices.Contains(r.Kinds, "abnormal-labs")
		}},
		{"municipality number", Query{Municipality: "0301"}, func(r Row) bool { return r.MunicipalityNumber == "0301" }},
		{"municipality name, folded", Query{Municipality: "baerum"}, func(r Row) bool { return r.MunicipalityNumber == "3201" }},
		{"age range", Query{MinAge: min18, MaxAge: max30}, func(r Row) bool { return r.Age >= 18 && r.Age <= 30 }},
		{"all at once", Query{Kinds: []string{"parent"}, Municipality: "Oslo", MinAge: min18, MaxAge: max30},
			func(r Row) bool {
				return slices.Contains(r.Kinds, "parent") && r.MunicipalityNumber == "0301" && r.Age <= 30
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.q.Limit = MaxLimit
			res, err := b.Browse(tt.q)
			if err != nil {
				t.Fatal(err)
			}
			if res.Total == 0 {
				t.Fatalf("no person matches")
			}
			if got, want := len(res.Rows), min(res.Total, MaxLimit); got != want {
				t.Errorf("got %d rows, want %d", got, want)
			}
			for _, r := range res.Rows {
				if !tt.want(r) {
					t.Errorf("row %s (%v, %d, %s) does not match", r.Name, r.Kinds, r.Age, r.MunicipalityNumber)
				}
				if got := p.Kinds(r.NIN); !slices.Equal(got, r.Kinds) {
					t.Errorf("row %s kinds %v, Kinds says %v", r.Name, r.Kinds, got)
				}
			}
		})
	}
	all, _ := b.Browse(Query{})
	if all.Total != p.Len() {
		t.Errorf("empty query: total %d, want %d", all.Total, p.Len())
	}
}

// TestBrowse_Counts: each kind's count is the total of the query with that
// kind added, and a kind's count on the empty query is Count.
func TestBrowse_Counts(t *testing.T) {
	b := testBrowser(t)
	base := Query{Kinds: []string{"child"}}
	res, err := b.Browse(base)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"shared-residence", "protected", "sibling", "child", "health-personnel"} {
		q := base
		q.Kinds = append(slices.Clone(base.Kinds), k)
		with, err := b.Browse(q)
		if err != nil {
			t.Fatal(err)
		}
		if res.Counts[k] != with.Total {
			t.Errorf("count of %s = %d, but adding it leaves %d", k, res.Counts[k], with.Total)
		}
	}
	if got := res.Counts["child"]; got != res.Total {
		t.Errorf("count of a kind already chosen = %d, want the total %d", got, res.Total)
	}
	everyone, _ := b.Browse(Query{})
	if len(everyone.Counts) != len(AllKinds()) {
		t.Errorf("counts for %d kinds, want %d", len(everyone.Counts), len(AllKinds()))
	}
	for _, k := range []string{"deceased", "hpr-valid"} {
		if got, want := everyone.Counts[k], b.Population().Count(k); got != want {
			t.Errorf("count of %s = %d, Count says %d", k, got, want)
		}
	}
}

// TestBrowse_Paging: pages follow each other without overlap, in
// population order.
func TestBrowse_Paging(t *testing.T) {
	b := testBrowser(t)
	q := Query{Kinds: []string{"deceased"}, Limit: 7}
	first, err := b.Browse(q)
	if err != nil {
		t.Fatal(err)
	}
	q.Offset = 7
	second, _ := b.Browse(q)
	q.Offset, q.Limit = 0, 14
	both, _ := b.Browse(q)
	var got []string
	for _, r := range append(first.Rows, second.Rows...) {
		got = append(got, r.NIN)
	}
	var want []string
	for _, r := range both.Rows {
		want = append(want, r.NIN)
	}
	if !slices.Equal(got, want) {
		t.Errorf("pages 1+2 = %v, want %v", got, want)
	}
	q.Offset = first.Total
	past, _ := b.Browse(q)
	if len(past.Rows) != 0 || past.Total != first.Total {
		t.Errorf("past the end: %d rows, total %d", len(past.Rows), past.Total)
	}
	none, _ := b.Browse(Query{})
	if len(none.Rows) != DefaultLimit {
		t.Errorf("default page size %d, want %d", len(none.Rows), DefaultLimit)
	}
}

func TestBrowse_Errors(t *testing.T) {
	b := testBrowser(t)
	neg, ten := -1, 10
	hi, lo := ages(60, 20)
	tests := []struct {
		name string
		q    Query
		want error
	}{
		{"unknown kind", Query{Kinds: []string{"dnumber", "no-such-kind"}}, ErrUnknownKind},
		{"unknown municipality name", Query{Municipality: "Atlantis"}, ErrUnknownMunicipality},
		{"unknown municipality number", Query{Municipality: "9999"}, ErrUnknownMunicipality},
		{"negative age", Query{MinAge: &neg, MaxAge: &ten}, ErrAgeRange},
		{"inverted ages", Query{MinAge: hi, MaxAge: lo}, ErrAgeRange},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := b.Browse(tt.q); !errors.Is(err, tt.want) {
				t.Errorf("got %v, want %v", err, tt.want)
			}
		})
	}
}

// TestBrowse_ProtectedHidesMunicipality: a person with a protected address
// shows no municipality and is not found by one (S19).
func TestBrowse_ProtectedHidesMunicipality(t *testing.T) {
	b := testBrowser(t)
	res, err := b.Browse(Query{Kinds: []string{"protected"}, Limit: MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res.Rows {
		if r.Municipality != "" || r.MunicipalityNumber != "" {
			t.Errorf("protected %s shows municipality %q", r.Name, r.Municipality)
		}
	}
	oslo, _ := b.Browse(Query{Kinds: []string{"protected"}, Municipality: "0301"})
	if oslo.Total != 0 {
		t.Errorf("a municipality filter finds %d protected persons, want 0", oslo.Total)
	}
}

func TestBrowse_Rows(t *testing.T) {
	b := testBrowser(t)
	res, err := b.Browse(Query{Kinds: []string{"doctor"}, Limit: 5})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res.Rows {
		if n, ok := b.Population().HPRNumber(r.NIN); !ok || n != r.HPR {
			t.Errorf("%s: HPR %d, want %d", r.Name, r.HPR, n)
		}
		if len(r.NIN) != 11 || r.Name == "" || r.Birth.IsZero() || len(strings.Fields(r.Name)) < 2 {
			t.Errorf("row %+v is incomplete", r)
		}
	}
	kids, _ := b.Browse(Query{Kinds: []string{"child"}, Limit: 5})
	for _, r := range kids.Rows {
		if r.Age >= 18 || r.HPR != 0 {
			t.Errorf("child %s is %d with HPR %d", r.Name, r.Age, r.HPR)
		}
	}
}

// TestKindGroups_EveryKindOnce: the form shows every kind, in one group.
func TestKindGroups_EveryKindOnce(t *testing.T) {
	seen := map[string]string{}
	for _, g := range KindGroups() {
		for _, k := range g.Kinds {
			if err := CheckKind(k); err != nil {
				t.Errorf("group %s: %v", g.ID, err)
			}
			if prev, ok := seen[k]; ok {
				t.Errorf("kind %s in groups %s and %s", k, prev, g.ID)
			}
			seen[k] = g.ID
		}
	}
	for _, k := range AllKinds() {
		if _, ok := seen[k]; !ok {
			t.Errorf("kind %s is in no group", k)
		}
	}
}

// TestPresets_MatchTheDemoPopulation: every preset lands on at least one
// person of the demo population (its default seed and size), so the presets
// stay true when the generator changes.
func TestPresets_MatchTheDemoPopulation(t *testing.T) {
	b := testBrowser(t)
	ps := Presets()
	if len(ps) < 6 || len(ps) > 10 {
		t.Errorf("%d presets, want 6–10", len(ps))
	}
	ids := map[string]bool{}
	for _, s := range ps {
		t.Run(s.ID, func(t *testing.T) {
			if ids[s.ID] {
				t.Errorf("preset id %s twice", s.ID)
			}
			ids[s.ID] = true
			res, err := b.Browse(s.Query())
			if err != nil {
				t.Fatal(err)
			}
			if res.Total == 0 {
				t.Errorf("preset %s (%v) matches no one", s.ID, s.Kinds)
			}
			got, ok := PresetByID(s.ID)
			if !ok || !slices.Equal(got.Kinds, s.Kinds) {
				t.Errorf("PresetByID(%s) = %v, %v", s.ID, got, ok)
			}
		})
	}
	if _, ok := PresetByID("nope"); ok {
		t.Errorf("PresetByID(unknown) found one")
	}
}

// TestBrowse_Concurrent: queries share the browser (run with -race).
func TestBrowse_Concurrent(t *testing.T) {
	p, err := Generate(Options{Seed: 3, Persons: 300})
	if err != nil {
		t.Fatal(err)
	}
	b := NewBrowser(p)
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := b.Browse(Query{Kinds: []string{"family"}}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
}

func BenchmarkBrowse(b *testing.B) {
	p, err := defaultPopulation()
	if err != nil {
		b.Fatal(err)
	}
	br := NewBrowser(p)
	br.Warm()
	q := Query{Kinds: []string{"child"}, Municipality: "Oslo"}
	b.ResetTimer()
	for b.Loop() {
		if _, err := br.Browse(q); err != nil {
			b.Fatal(err)
		}
	}
}
