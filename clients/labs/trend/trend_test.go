package trend

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/oppslag/oppslag/clients/labs"
	"github.com/oppslag/oppslag/clients/tolerant"
)

// now is the tests' clock: 21 November 2026, 10:00 in Oslo.
var now = time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)

// day is 08:00 in Oslo on date s (YYYY-MM-DD).
func day(t *testing.T, s string) time.Time {
	t.Helper()
	d, err := time.ParseInLocation(time.DateOnly, s, tolerant.Oslo)
	if err != nil {
		t.Fatal(err)
	}
	return d.Add(8 * time.Hour)
}

func qty(v float64, unit string) labs.AnalysisValue {
	return labs.AnalysisValue{Quantity: &labs.Measure{Value: v, Unit: unit, Code: unit}}
}

const potassium = "NPU03230"

// k is a potassium result in mmol/L with reference 3.5–5.0.
func k(id string, v float64, flag string) labs.Analysis {
	return labs.Analysis{ID: id, Code: labs.Coding{Code: potassium, Display: "P-Kalium"}, Value: qty(v, "mmol/L"),
		Reference:      &labs.Interval{Low: &labs.Measure{Value: 3.5, Unit: "mmol/L"}, High: &labs.Measure{Value: 5.0, Unit: "mmol/L"}},
		Interpretation: flag}
}

func ids(es []Entry) []string {
	var out []string
	for _, e := range es {
		out = append(out, e.Analysis.ID)
	}
	return out
}

func TestCollect(t *testing.T) {
	res := &labs.Result{Reports: []labs.Report{ // newest first, as the service sends them
		{ID: "r3", Issued: day(t, "2026-10-01"), Analyses: []labs.Analysis{ // no effective time: issued
			{Code: labs.Coding{Code: "PANEL"}, Members: []labs.Analysis{
				{Code: labs.Coding{Code: "SUB"}, Members: []labs.Analysis{k("o3", 5.6, "H")}}, // two levels down
			}},
		}},
		{ID: "r2", Effective: day(t, "2026-05-01"), Issued: day(t, "2026-05-03"), Analyses: []labs.Analysis{
			k("o2", 4.4, ""),
			{ID: "o9", Code: labs.Coding{Code: "NPU01234"}, Value: qty(140, "mmol/L")}, // another analysis
		}},
		{ID: "r2b", Effective: day(t, "2026-05-01"), Analyses: []labs.Analysis{k("o2", 4.4, "")}}, // same observation again
		{ID: "r1", Effective: day(t, "2026-01-10"), Analyses: []labs.Analysis{
			// A panel with the analysis's own code and no value of its own is not a result.
			{ID: "p1", Code: labs.Coding{Code: potassium}, Members: []labs.Analysis{k("o1", 3.9, "")}},
		}},
		{ID: "r0", Effective: day(t, "2025-12-01"), Withdrawn: true, Analyses: []labs.Analysis{k("w1", 9, "")}},
		{ID: "r-1", Effective: day(t, "2025-11-01"), Analyses: []labs.Analysis{
			{ID: "w2", Code: labs.Coding{Code: potassium}, Withdrawn: true},
			{Code: labs.Coding{Code: potassium}, Value: qty(4.0, "mmol/L")}, // no id: never a duplicate
			{Code: labs.Coding{Code: potassium}, Value: qty(4.0, "mmol/L")},
		}},
	}}
	tests := []struct {
		name, code string
		wantIDs    []string
		wantDates  []string
	}{
		{"potassium", potassium, []string{"", "", "o1", "o2", "o3"},
			[]string{"2025-11-01", "2025-11-01", "2026-01-10", "2026-05-01", "2026-10-01"}},
		{"sodium", "NPU01234", []string{"o9"}, []string{"2026-05-01"}},
		{"a panel's code alone", "SUB", nil, nil},
		{"unknown code", "NOPE", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Collect(res, tt.code)
			if got, want := ids(got), tt.wantIDs; !slices.Equal(got, want) {
				t.Errorf("ids %q, want %q (oldest first; panels, withdrawn results and duplicates out)", got, want)
			}
			var dates []string
			for _, e := range got {
				dates = append(dates, e.At.In(tolerant.Oslo).Format(time.DateOnly))
			}
			if got, want := dates, tt.wantDates; !slices.Equal(got, want) {
				t.Errorf("dates %v, want %v (effective, else issued)", got, want)
			}
		})
	}
}

// series is the fixture of TestBuild: six results of potassium, oldest
// first, one of them in another unit and one not a number.
func series(t *testing.T) []Entry {
	return []Entry{
		{At: day(t, "2020-03-01"), Analysis: k("a", 4.0, "")},
		{At: day(t, "2026-01-10"), Analysis: k("b", 4.2, "")},
		{At: day(t, "2026-03-20"), Analysis: labs.Analysis{ID: "text", Code: labs.Coding{Code: potassium}, Value: labs.AnalysisValue{Text: "hemolysert"}}},
		{At: day(t, "2026-04-01"), Analysis: labs.Analysis{ID: "mg", Code: labs.Coding{Code: potassium}, Value: qty(16, "mg/dL")}},
		{At: day(t, "2026-06-01"), Analysis: k("c", 5.6, "H")},
		{At: day(t, "2026-09-15"), Analysis: labs.Analysis{ID: "d", Code: labs.Coding{Code: potassium, Display: "Kalium"},
			Value:     labs.AnalysisValue{Quantity: &labs.Measure{Value: 3.1, Comparator: "<", Unit: "mmol/L", Code: "mmol/L"}},
			Reference: &labs.Interval{Low: &labs.Measure{Value: 3.6, Unit: "mmol/L"}}, Interpretation: "LL"}},
	}
}

func TestBuild(t *testing.T) {
	all := series(t)
	undated := []Entry{{Analysis: k("x", 4.1, "")}, {At: day(t, "2026-02-02"), Analysis: k("y", 4.3, "")}}
	tests := []struct {
		name       string
		entries    []Entry
		from       time.Time
		wantName   string
		wantUnit   string
		wantOther  int
		wantRows   string    // ids, newest first; * marks a charted row
		wantValues []float64 // the points, oldest first
	}{
		{"last year: one unit, numbers only", all, now.AddDate(-1, 0, 0), "Kalium", "mmol/L", 1,
			"d* c* mg text b*", []float64{4.2, 5.6, 3.1}},
		{"whole history", all, time.Time{}, "Kalium", "mmol/L", 1,
			"d* c* mg text b* a*", []float64{4.0, 4.2, 5.6, 3.1}},
		{"an undated result is in the table only", undated, time.Time{}, "P-Kalium", "mmol/L", 0,
			"y* x", []float64{4.3}},
		{"nothing in the period keeps name and unit for the heading", all[:1], now.AddDate(-1, 0, 0), "P-Kalium", "mmol/L", 0,
			"", nil},
		{"no display name: the code", all[2:4], time.Time{}, potassium, "mg/dL", 0,
			"mg* text", []float64{16}},
		{"nothing", nil, time.Time{}, "", "", 0, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := Build(tt.entries, tt.from)
			if s.Name != tt.wantName || s.Unit != tt.wantUnit || s.OtherUnits != tt.wantOther {
				t.Errorf("name, unit, other units = %q, %q, %d; want %q, %q, %d",
					s.Name, s.Unit, s.OtherUnits, tt.wantName, tt.wantUnit, tt.wantOther)
			}
			var rows []string
			for _, r := range s.Rows {
				id := r.Analysis.ID
				if r.Point != nil {
					id += "*"
				}
				rows = append(rows, id)
			}
			if got := strings.Join(rows, " "); got != tt.wantRows {
				t.Errorf("rows %q, want %q", got, tt.wantRows)
			}
			var values []float64
			for _, p := range s.Points() {
				values = append(values, p.Value)
			}
			if !slices.Equal(values, tt.wantValues) {
				t.Errorf("points %v, want %v", values, tt.wantValues)
			}
		})
	}
}

func TestBuildPoint(t *testing.T) {
	ps := Build(series(t), time.Time{}).Points()
	f := func(v float64) *float64 { return &v }
	eq := func(a, b *float64) bool { return a == nil && b == nil || a != nil && b != nil && *a == *b }
	tests := []struct {
		name              string
		got               Point
		wantAt            string
		wantComparator    string
		wantFlag          string
		wantLow, wantHigh *float64
	}{
		{"both limits", ps[2], "2026-06-01", "", "H", f(3.5), f(5.0)},
		{"beyond a measuring limit, lower limit only", ps[3], "2026-09-15", "<", "LL", f(3.6), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := tt.got
			if got := p.At.In(tolerant.Oslo).Format(time.DateOnly); got != tt.wantAt {
				t.Errorf("at %s, want %s", got, tt.wantAt)
			}
			if p.Comparator != tt.wantComparator || p.Flag != tt.wantFlag || !eq(p.Low, tt.wantLow) || !eq(p.High, tt.wantHigh) {
				t.Errorf("got %+v, want comparator %q, flag %q, limits %v–%v", p, tt.wantComparator, tt.wantFlag, tt.wantLow, tt.wantHigh)
			}
		})
	}
}

func TestSameUnit(t *testing.T) {
	m := func(unit, code string) *labs.Measure { return &labs.Measure{Unit: unit, Code: code} }
	tests := []struct {
		name string
		a, b *labs.Measure
		want bool
	}{
		{"same code", m("mmol/l", "mmol/L"), m("mmol/L", "mmol/L"), true},
		{"codes differ, display alike", m("mmol/L", "mmol/L"), m("mmol/L", "mg/dL"), false},
		{"one code missing: display", m("mmol/L", ""), m("mmol/L", "mmol/L"), true},
		{"no codes, displays differ", m("mmol/L", ""), m("mg/dL", ""), false},
		{"both nil", nil, nil, true},
		{"one nil", m("mmol/L", "mmol/L"), nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := sameUnit(tt.a, tt.b); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestDefaultPeriod(t *testing.T) {
	old := Entry{At: day(t, "2019-05-05"), Analysis: k("o", 4, "")}
	recent := func(s string) Entry { return Entry{At: day(t, s), Analysis: k(s, 4, "")} }
	tests := []struct {
		name    string
		entries []Entry
		want    string
	}{
		{"two in the last year", []Entry{old, recent("2026-01-01"), recent("2026-11-01")}, "1y"},
		{"one in the last year", []Entry{old, recent("2026-11-01")}, "all"},
		{"none in the last year", []Entry{old}, "all"},
		{"nothing", nil, "all"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := DefaultPeriod(tt.entries, now); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestValidCode(t *testing.T) {
	tests := []struct {
		code string
		want bool
	}{
		{"NPU03230", true},
		{"NOR05432", true},
		{"a", true},
		{"SCT.1234-5", true},
		{strings.Repeat("A", 32), true},
		{"", false},
		{strings.Repeat("A", 33), false},
		{"NPU 1", false},
		{"NPU/1", false},
		{"<script>", false},
		{"NPU1\n", false},
		{"æøå", false},
		{"a&b=c", false},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			if got := ValidCode(tt.code); got != tt.want {
				t.Errorf("ValidCode(%q) = %v, want %v", tt.code, got, tt.want)
			}
		})
	}
}

func TestLinkable(t *testing.T) {
	tests := []struct {
		name string
		a    labs.Analysis
		want bool
	}{
		{"number under a code", k("a", 4, ""), true},
		{"text", labs.Analysis{Code: labs.Coding{Code: potassium}, Value: labs.AnalysisValue{Text: "hemolysert"}}, false},
		{"malformed code", labs.Analysis{Code: labs.Coding{Code: "NPU 1"}, Value: qty(1, "g")}, false},
		{"no code", labs.Analysis{Value: qty(1, "g")}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Linkable(tt.a); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}
