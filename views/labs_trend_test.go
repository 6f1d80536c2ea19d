package views

import (
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/oppslag/oppslag/views/i18n"
)

func ptr(v float64) *float64 { return &v }

// day is noon in Oslo on the date s (YYYY-MM-DD).
func day(t *testing.T, s string) time.Time {
	t.Helper()
	d, err := time.ParseInLocation(time.DateOnly, s, i18n.Oslo())
	if err != nil {
		t.Fatal(err)
	}
	return d.Add(12 * time.Hour)
}

func TestNiceTicks(t *testing.T) {
	tests := []struct {
		lo, hi   float64
		want     []float64
		wantStep float64
	}{
		{0, 10, []float64{0, 2, 4, 6, 8, 10}, 2},
		{3.4, 5.1, []float64{3, 3.5, 4, 4.5, 5, 5.5}, 0.5},
		{3.5, 5.0, []float64{3.5, 4, 4.5, 5}, 0.5},
		{0.05, 1.02, []float64{0, 0.25, 0.5, 0.75, 1, 1.25}, 0.25},
		{120, 480, []float64{100, 200, 300, 400, 500}, 100},
		{-2.3, 1.7, []float64{-3, -2, -1, 0, 1, 2}, 1},
		{7, 7, []float64{6, 6.5, 7, 7.5, 8}, 0.5},   // one value: widened by 10 %
		{0, 0, []float64{-1, -0.5, 0, 0.5, 1}, 0.5}, // zero: widened by one
		{10, 0, []float64{0, 2, 4, 6, 8, 10}, 2},    // reversed
		{35000, 36500, []float64{35000, 35500, 36000, 36500}, 500},
	}
	for _, tt := range tests {
		got, step := NiceTicks(tt.lo, tt.hi)
		if !slices.Equal(got, tt.want) || step != tt.wantStep {
			t.Errorf("NiceTicks(%v, %v) = %v step %v, want %v step %v", tt.lo, tt.hi, got, step, tt.want, tt.wantStep)
		}
	}
}

// TestNiceTicksProperties sweeps many ranges: always four to six ticks,
// evenly spaced by a 1/2/2.5/5 step, covering the range.
func TestNiceTicksProperties(t *testing.T) {
	for _, lo := range []float64{-50, -1.3, 0, 0.004, 0.3, 1, 2.7, 9.9, 44, 130, 999, 12345} {
		for _, span := range []float64{0.001, 0.017, 0.1, 0.33, 1, 1.9, 2.6, 3.1, 4.4, 7, 9.9, 12, 27, 61, 99, 150, 333, 1000, 4321} {
			hi := lo + span
			got, step := NiceTicks(lo, hi)
			if n := len(got); n < 4 || n > 6 {
				t.Errorf("NiceTicks(%v, %v): %d ticks %v, want 4 to 6", lo, hi, n, got)
				continue
			}
			if got[0] > lo+1e-9 || got[len(got)-1] < hi-1e-9 {
				t.Errorf("NiceTicks(%v, %v) = %v, does not cover the range", lo, hi, got)
			}
			m := step / math.Pow(10, math.Floor(math.Log10(step)))
			if !slices.ContainsFunc([]float64{1, 2, 2.5, 5}, func(w float64) bool { return math.Abs(m-w) < 1e-9 }) {
				t.Errorf("NiceTicks(%v, %v) step %v, want 1, 2, 2.5 or 5 times a power of ten", lo, hi, step)
			}
			for i := 1; i < len(got); i++ {
				if d := got[i] - got[i-1]; math.Abs(d-step) > step*1e-6 {
					t.Errorf("NiceTicks(%v, %v) = %v: gap %v, want %v", lo, hi, got, d, step)
				}
			}
		}
	}
}

func TestFormatNumber(t *testing.T) {
	tests := []struct {
		l        i18n.Lang
		v        float64
		decimals int
		want     string
	}{
		{i18n.NB, 5.25, -1, "5,25"},
		{i18n.NN, 5.25, -1, "5,25"},
		{i18n.EN, 5.25, -1, "5.25"},
		{i18n.NB, 0.30000000000000004, 1, "0,3"},
		{i18n.NB, 4, 1, "4,0"},
		{i18n.EN, 100, 0, "100"},
		{i18n.NB, -2.5, 1, "-2,5"},
		{i18n.NB, math.Copysign(0, -1), 0, "0"},
		{i18n.EN, -0.001, 1, "0.0"},
	}
	for _, tt := range tests {
		if got := FormatNumber(tt.l, tt.v, tt.decimals); got != tt.want {
			t.Errorf("FormatNumber(%s, %v, %d) = %q, want %q", tt.l, tt.v, tt.decimals, got, tt.want)
		}
	}
}

func TestTimeTicks(t *testing.T) {
	tests := []struct {
		name     string
		l        i18n.Lang
		from, to string
		want     []string
	}{
		// A month: weekly, on Mondays.
		{"month nb", i18n.NB, "2026-10-21", "2026-11-21", []string{"26. okt.", "2. nov.", "9. nov.", "16. nov."}},
		{"month en", i18n.EN, "2026-10-21", "2026-11-21", []string{"26 Oct", "2 Nov", "9 Nov", "16 Nov"}},
		// A year: every second month, on the first.
		{"year nb", i18n.NB, "2025-11-21", "2026-11-21", []string{"jan. 2026", "mars 2026", "mai 2026", "juli 2026", "sep. 2026", "nov. 2026"}},
		{"year nn", i18n.NN, "2025-11-21", "2026-11-21", []string{"jan. 2026", "mars 2026", "mai 2026", "juli 2026", "sep. 2026", "nov. 2026"}},
		{"year en", i18n.EN, "2025-11-21", "2026-11-21", []string{"Jan 2026", "Mar 2026", "May 2026", "Jul 2026", "Sep 2026", "Nov 2026"}},
		// Five years: yearly, on 1 January.
		{"five years", i18n.NB, "2021-11-21", "2026-11-21", []string{"2022", "2023", "2024", "2025", "2026"}},
		// Twenty years: every five.
		{"twenty years", i18n.EN, "2006-03-02", "2026-11-21", []string{"2010", "2015", "2020", "2025"}},
		// Two days: daily.
		{"two days", i18n.NB, "2026-11-19", "2026-11-21", []string{"20. nov.", "21. nov."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, tk := range timeTicks(tt.l, day(t, tt.from), day(t, tt.to)) {
				got = append(got, tk.label)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("labels %q, want %q", got, tt.want)
			}
		})
	}
}

func TestTimeTicksProperties(t *testing.T) {
	from := time.Date(2001, 2, 3, 4, 5, 6, 0, time.UTC)
	for _, span := range []time.Duration{48 * time.Hour, 5 * 24 * time.Hour, 20 * 24 * time.Hour, 45 * 24 * time.Hour,
		100 * 24 * time.Hour, 200 * 24 * time.Hour, 400 * 24 * time.Hour, 800 * 24 * time.Hour, 3000 * 24 * time.Hour, 9000 * 24 * time.Hour} {
		to := from.Add(span)
		ticks := timeTicks(i18n.NB, from, to)
		if n := len(ticks); n < 1 || n > 6 {
			t.Errorf("span %v: %d ticks, want 1 to 6", span, n)
		}
		for i, tk := range ticks {
			if tk.at.Before(from) || tk.at.After(to) {
				t.Errorf("span %v: tick %v outside [%v, %v]", span, tk.at, from, to)
			}
			if h, m, _ := tk.at.In(i18n.Oslo()).Clock(); h != 0 || m != 0 {
				t.Errorf("span %v: tick %v not at midnight in Oslo", span, tk.at)
			}
			if i > 0 && !tk.at.After(ticks[i-1].at) {
				t.Errorf("span %v: ticks not increasing", span)
			}
		}
	}
}

func TestMarkerFor(t *testing.T) {
	tests := []struct {
		flag         string
		want         MarkerShape
		wantCritical bool
	}{
		{"", MarkerCircle, false},
		{"N", MarkerCircle, false},
		{"H", MarkerUp, false},
		{"HH", MarkerUp, true},
		{"L", MarkerDown, false},
		{"LL", MarkerDown, true},
		{"A", MarkerDiamond, false},
		{"AA", MarkerDiamond, false},
	}
	for _, tt := range tests {
		got, critical := MarkerFor(tt.flag)
		if got != tt.want || critical != tt.wantCritical {
			t.Errorf("MarkerFor(%q) = %s, %v; want %s, %v", tt.flag, got, critical, tt.want, tt.wantCritical)
		}
	}
}

func TestMarkerPath(t *testing.T) {
	tests := []struct {
		shape    MarkerShape
		critical bool
		want     string
	}{
		{MarkerUp, false, "M100,43 L107,55.3 L93,55.3 Z"},          // apex above the centre
		{MarkerDown, false, "M100,57 L107,44.8 L93,44.8 Z"},        // apex below
		{MarkerDiamond, false, "M100,43 L107,50 L100,57 L93,50 Z"}, // four corners
		{MarkerUp, true, "M100,40 L110,57.5 L90,57.5 Z"},           // critical: larger
		{MarkerCircle, false, "M95.5,50 A4.5,4.5 0 1,0 104.5,50 A4.5,4.5 0 1,0 95.5,50 Z"},
	}
	for _, tt := range tests {
		if got := MarkerPath(tt.shape, tt.critical, 100, 50); got != tt.want {
			t.Errorf("MarkerPath(%s, %v) = %q, want %q", tt.shape, tt.critical, got, tt.want)
		}
	}
}

func TestNewTrendChartEmpty(t *testing.T) {
	if c := NewTrendChart(i18n.NB, TrendSeries{Name: "Hb"}); c != nil {
		t.Errorf("no points: got a chart, want nil")
	}
	if c := NewTrendChart(i18n.NB, TrendSeries{Name: "Hb", Points: []TrendPoint{{At: day(t, "2026-11-21"), Value: math.NaN()}}}); c != nil {
		t.Errorf("only NaN: got a chart, want nil")
	}
}

func TestNewTrendChartOnePoint(t *testing.T) {
	at := day(t, "2026-11-01")
	c := NewTrendChart(i18n.NB, TrendSeries{Name: "Kalium", Unit: "mmol/L", From: at.AddDate(-1, 0, 0), To: day(t, "2026-11-21"),
		Points: []TrendPoint{{At: at, Value: 4.1, Low: ptr(3.5), High: ptr(5.0), Text: "4,1 mmol/L"}}})
	if c == nil {
		t.Fatal("got nil, want a chart")
	}
	if c.Line != "" {
		t.Errorf("Line = %q, want none for one point", c.Line)
	}
	if len(c.Markers) != 1 || c.Markers[0].Shape != MarkerCircle {
		t.Fatalf("markers %+v, want one circle", c.Markers)
	}
	if len(c.Bands) != 1 {
		t.Fatalf("bands %+v, want one", c.Bands)
	}
	if b := c.Bands[0]; b.X != c.Plot.X || b.X+b.W != c.Plot.X+c.Plot.W {
		t.Errorf("band %+v, want the plot's full width %v..%v", b, c.Plot.X, c.Plot.X+c.Plot.W)
	}
	if got, want := c.Desc, "Ett resultat, 01.11.2026. Siste verdi: 4,1 mmol/L. Ingen er markert med avvik."; got != want {
		t.Errorf("Desc = %q, want %q", got, want)
	}
}

func TestNewTrendChartGeometry(t *testing.T) {
	from, to := day(t, "2025-11-21"), day(t, "2026-11-21")
	pts := []TrendPoint{ // out of order on purpose
		{At: day(t, "2026-06-01"), Value: 5.6, Low: ptr(3.5), High: ptr(5.0), Flag: "H"},
		{At: day(t, "2026-01-10"), Value: 4.2, Low: ptr(3.5), High: ptr(5.0)},
		{At: day(t, "2026-09-15"), Value: 3.1, Low: ptr(3.6), High: ptr(4.6), Flag: "L"},
		{At: day(t, "2026-11-01"), Value: 2.4, Low: ptr(3.6), High: ptr(4.6), Flag: "LL", Comparator: "<"},
	}
	c := NewTrendChart(i18n.EN, TrendSeries{Name: "Potassium", Unit: "mmol/L", From: from, To: to, Points: pts})
	if c == nil {
		t.Fatal("got nil")
	}
	if got := c.viewBox(); got != "0 0 640 300" {
		t.Errorf("viewBox %q", got)
	}

	// Markers oldest first, left to right, inside the plot, higher values higher up.
	if len(c.Markers) != 4 {
		t.Fatalf("%d markers, want 4", len(c.Markers))
	}
	wantShapes := []MarkerShape{MarkerCircle, MarkerUp, MarkerDown, MarkerDown}
	for i, m := range c.Markers {
		if m.Shape != wantShapes[i] {
			t.Errorf("marker %d shape %s, want %s", i, m.Shape, wantShapes[i])
		}
		if m.X < c.Plot.X || m.X > c.Plot.X+c.Plot.W || m.Y < c.Plot.Y || m.Y > c.Plot.Y+c.Plot.H {
			t.Errorf("marker %d at %v,%v outside the plot %+v", i, m.X, m.Y, c.Plot)
		}
		if i > 0 && m.X <= c.Markers[i-1].X {
			t.Errorf("marker %d not right of marker %d", i, i-1)
		}
	}
	if !(c.Markers[1].Y < c.Markers[0].Y && c.Markers[0].Y < c.Markers[2].Y) {
		t.Errorf("y order wrong: 5.6→%v, 4.2→%v, 3.1→%v", c.Markers[1].Y, c.Markers[0].Y, c.Markers[2].Y)
	}
	if m := c.Markers[3]; !m.Critical || !m.Censored || !m.Flagged() {
		t.Errorf("LL with comparator: %+v, want critical, censored, flagged", m)
	}
	if c.Markers[0].Flagged() {
		t.Errorf("unflagged marker reports Flagged")
	}

	// The whole window is on the axis: a marker's x is proportional to its date.
	frac := float64(day(t, "2026-06-01").Sub(from)) / float64(to.Sub(from))
	wantX := c.Plot.X + trendInset + frac*(c.Plot.W-2*trendInset)
	if got := c.Markers[1].X; math.Abs(got-wantX) > 1e-6 {
		t.Errorf("marker x = %v, want %v", got, wantX)
	}

	// Line through every point in order.
	if got := strings.Count(c.Line, ","); got != 4 {
		t.Errorf("Line %q has %d points, want 4", c.Line, got)
	}
	if !strings.HasPrefix(c.Line, svgNum(c.Markers[0].X)+","+svgNum(c.Markers[0].Y)+" ") {
		t.Errorf("Line %q does not start at the oldest point", c.Line)
	}

	// Y axis: nice ticks covering every value and limit, labels in English.
	if n := len(c.YTicks); n < 4 || n > 6 {
		t.Errorf("%d y ticks, want 4 to 6", n)
	}
	var labels []string
	for i, tk := range c.YTicks {
		labels = append(labels, tk.Label)
		if i > 0 && tk.Pos >= c.YTicks[i-1].Pos {
			t.Errorf("y ticks not bottom to top")
		}
	}
	if want := []string{"2", "3", "4", "5", "6"}; !slices.Equal(labels, want) {
		t.Errorf("y labels %q, want %q", labels, want)
	}
	if first, last := c.YTicks[0].Pos, c.YTicks[len(c.YTicks)-1].Pos; first != c.Plot.Y+c.Plot.H || last != c.Plot.Y {
		t.Errorf("y ticks span %v..%v, want the plot %v..%v", first, last, c.Plot.Y+c.Plot.H, c.Plot.Y)
	}

	// Step band: the range changed between the 2nd and 3rd result.
	if len(c.Bands) != 2 {
		t.Fatalf("bands %+v, want two steps", c.Bands)
	}
	b0, b1 := c.Bands[0], c.Bands[1]
	if b0.X != c.Plot.X || math.Abs(b0.X+b0.W-c.Markers[2].X) > 1e-9 || b1.X != b0.X+b0.W || b1.X+b1.W != c.Plot.X+c.Plot.W {
		t.Errorf("bands %+v, want plot start → 3rd result → plot end", c.Bands)
	}
	if !(b1.Y > b0.Y && b1.H < b0.H) {
		t.Errorf("second band %+v should be narrower and lower than %+v", b1, b0)
	}

	if got, want := c.Desc, "4 results from 10 Jan 2026 to 1 Nov 2026. Latest value: <2.4 mmol/L. 3 outside the reference range or flagged as abnormal."; got != want {
		t.Errorf("Desc = %q, want %q", got, want)
	}
	if got, want := c.Title, "Trend for Potassium"; got != want {
		t.Errorf("Title = %q, want %q", got, want)
	}
}

func TestNewTrendChartBands(t *testing.T) {
	from, to := day(t, "2026-01-01"), day(t, "2026-12-31")
	at := func(m int) time.Time { return time.Date(2026, time.Month(m), 15, 12, 0, 0, 0, i18n.Oslo()) }
	tests := []struct {
		name string
		pts  []TrendPoint
		want int // band rects
		top  bool
		bot  bool
	}{
		{"equal ranges merge", []TrendPoint{{At: at(2), Value: 4, Low: ptr(3), High: ptr(5)}, {At: at(5), Value: 4.5, Low: ptr(3), High: ptr(5)}, {At: at(8), Value: 4.4, Low: ptr(3), High: ptr(5)}}, 1, false, false},
		{"no reference, no band", []TrendPoint{{At: at(2), Value: 4}, {At: at(5), Value: 5}}, 0, false, false},
		{"gap where a result has none", []TrendPoint{{At: at(2), Value: 4, Low: ptr(3), High: ptr(5)}, {At: at(5), Value: 4}, {At: at(8), Value: 4, Low: ptr(3), High: ptr(5)}}, 2, false, false},
		{"lower limit only reaches the top", []TrendPoint{{At: at(2), Value: 80, Low: ptr(60)}, {At: at(5), Value: 70, Low: ptr(60)}}, 1, true, false},
		{"upper limit only reaches the bottom", []TrendPoint{{At: at(2), Value: 3, High: ptr(5)}, {At: at(5), Value: 12, High: ptr(5)}}, 1, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := NewTrendChart(i18n.NB, TrendSeries{Name: "X", From: from, To: to, Points: tt.pts})
			if len(c.Bands) != tt.want {
				t.Fatalf("bands %+v, want %d", c.Bands, tt.want)
			}
			for _, b := range c.Bands {
				if b.W <= 0 || b.H <= 0 {
					t.Errorf("degenerate band %+v", b)
				}
				if tt.top && b.Y != c.Plot.Y {
					t.Errorf("band %+v does not reach the top %v", b, c.Plot.Y)
				}
				if tt.bot && b.Y+b.H != c.Plot.Y+c.Plot.H {
					t.Errorf("band %+v does not reach the bottom %v", b, c.Plot.Y+c.Plot.H)
				}
			}
		})
	}
}

// trendPageData is a page with every kind of row and marker; the newest
// result's value is markup, which must stay text in the table and the
// marker's tooltip.
func trendPageData(t *testing.T) LabsTrendData {
	mmol := func(v float64) LabsValue { return LabsValue{Quantity: &LabsMeasure{Value: v, Unit: "mmol/L"}} }
	ref := &LabsInterval{Low: &LabsMeasure{Value: 3.5, Unit: "mmol/L"}, High: &LabsMeasure{Value: 5.0, Unit: "mmol/L"}}
	point := func(at string, v float64, flag string) *TrendPoint {
		return &TrendPoint{At: day(t, at), Value: v, Low: ptr(3.5), High: ptr(5.0), Flag: flag}
	}
	return LabsTrendData{
		ResultsURL: "/person/h_4f2a/labs",
		Basis: LabsTrendBasis{Basis: Plain("Samtykke"), Role: "LE", Until: day(t, "2026-11-21").Add(2 * time.Hour),
			ChangeURL: "/person/h_4f2a/labs?change=1"},
		Name: "Kalium",
		Unit: "mmol/L",
		Ranges: []LabsRange{
			{Key: "1m", Label: Msg("labs.trend.range.1m"), URL: "/person/h_4f2a/labs/trend?analysis=NPU03230&range=1m"},
			{Key: "1y", Label: Msg("labs.trend.range.1y"), URL: "/person/h_4f2a/labs/trend?analysis=NPU03230&range=1y", Current: true},
			{Key: "5y", Label: Msg("labs.trend.range.5y"), URL: "/person/h_4f2a/labs/trend?analysis=NPU03230&range=5y"},
			{Key: "all", Label: Msg("labs.trend.range.all"), URL: "/person/h_4f2a/labs/trend?analysis=NPU03230&range=all"},
		},
		From: day(t, "2025-11-21"),
		To:   day(t, "2026-11-21"),
		Rows: []LabsTrendRow{
			{At: day(t, "2026-09-15"), Value: LabsValue{Text: Plain(`"><img src=x onerror=alert(1)>`)}, Reference: ref,
				FlagSymbol: "↓", FlagText: Msg("labs.flag.l"), Point: point("2026-09-15", 3.1, "L")},
			{At: day(t, "2026-06-01"), Value: mmol(5.6), Reference: ref, FlagSymbol: "↑", FlagText: Msg("labs.flag.h"),
				Point: point("2026-06-01", 5.6, "H")},
			{At: day(t, "2026-03-20"), Value: LabsValue{Text: Plain("hemolysert")}},
			{At: day(t, "2026-01-10"), Value: mmol(4.2), Reference: ref, Point: point("2026-01-10", 4.2, "")},
		},
	}
}

func TestLabsTrendPage(t *testing.T) {
	b := Base{User: signedIn(), CSRFToken: testToken, Path: "/person/h_4f2a/labs/trend"}
	for _, l := range i18n.Supported() {
		t.Run(string(l), func(t *testing.T) {
			out, doc := render(t, LabsTrendPage(b, trendPageData(t)), l, "")
			checkInert(t, out, doc)
			// Not checkNoCatalogKeys: its key pattern takes dates such as
			// "15.09.2026" for keys. Every literal key must be translated.
			for _, k := range i18n.Keys() {
				if strings.Contains(out, k) {
					t.Errorf("output contains catalog key %q", k)
				}
			}

			svgs := all(byAttr("data-testid", "labs-trend-chart"), doc)
			if len(svgs) != 1 {
				t.Fatalf("got %d charts, want 1", len(svgs))
			}
			svg := svgs[0]
			if svg.Data != "svg" {
				t.Errorf("chart is <%s>, want <svg>", svg.Data)
			}
			if role, _ := attr(svg, "role"); role != "img" {
				t.Errorf("chart role = %q, want img", role)
			}
			if vb, _ := attr(svg, "viewBox"); vb != "0 0 640 300" {
				t.Errorf("viewBox = %q", vb)
			}
			labelled, _ := attr(svg, "aria-labelledby")
			ids := strings.Fields(labelled)
			if len(ids) != 2 {
				t.Fatalf("aria-labelledby = %q, want a title and a desc", labelled)
			}
			for i, tag := range []string{"title", "desc"} {
				els := all(byAttr("id", ids[i]), svg)
				if len(els) != 1 || els[0].Data != tag || text(els[0]) == "" {
					t.Errorf("aria-labelledby %q: want a non-empty <%s> in the svg", ids[i], tag)
				}
			}

			if got := len(all(byAttr("data-testid", "labs-trend-flagged"), svg)); got != 2 {
				t.Errorf("got %d flagged markers, want 2", got)
			}
			if got := len(all(byAttr("data-testid", "labs-trend-point"), svg)); got != 1 {
				t.Errorf("got %d plain markers, want 1", got)
			}
			if got := len(all(byTag("polyline"), svg)); got != 1 {
				t.Errorf("got %d polylines, want 1", got)
			}
			if got := len(all(byAttr("class", "app-trend__band"), svg)); got != 1 {
				t.Errorf("got %d band rects, want 1", got)
			}

			var current []string
			for _, k := range []string{"1m", "1y", "5y", "all"} {
				links := all(byAttr("data-testid", "labs-trend-range-"+k), doc)
				if len(links) != 1 {
					t.Fatalf("range %s: got %d links, want 1", k, len(links))
				}
				if v, ok := attr(links[0], "aria-current"); ok {
					if v != "page" {
						t.Errorf("range %s aria-current = %q, want page", k, v)
					}
					current = append(current, k)
				}
			}
			if !slices.Equal(current, []string{"1y"}) {
				t.Errorf("aria-current on %v, want only 1y", current)
			}

			tables := all(byAttr("data-testid", "labs-trend-table"), doc)
			if len(tables) != 1 {
				t.Fatalf("got %d tables, want 1", len(tables))
			}
			rows := all(byAttr("data-testid", "labs-trend-row"), tables[0])
			if len(rows) != 4 {
				t.Fatalf("got %d rows, want 4", len(rows))
			}
			// A flag is a symbol and a word, never colour alone.
			if got, want := text(all(byAttr("data-testid", "labs-trend-flag"), rows[0])[0]), "↓ "+i18n.TL(l, "labs.flag.l"); got != want {
				t.Errorf("flag text %q, want %q", got, want)
			}
			if got := len(all(byAttr("data-testid", "labs-trend-not-charted"), tables[0])); got != 1 {
				t.Errorf("got %d not-charted notes, want 1 (the text result)", got)
			}
			if got := len(all(byAttr("data-testid", "labs-basis"), doc)); got != 1 {
				t.Errorf("got %d basis lines, want 1", got)
			}
			if got := all(byAttr("data-testid", "labs-trend-heading"), doc); len(got) != 1 || text(got[0]) != "Kalium (mmol/L)" {
				t.Errorf("heading wrong: %d", len(got))
			}
		})
	}
}

// TestS23_TrendChartHasNoStyleAttribute guards the CSP (no
// 'unsafe-inline'): the chart's colours come from classes, so no element of
// the chart carries a style attribute and no <style> is inlined.
func TestS23_TrendChartHasNoStyleAttribute(t *testing.T) {
	out, nodes := renderFragment(t, labsTrendChart(trendPageData(t).Chart(i18n.NB)), i18n.NB)
	if strings.Contains(strings.ToLower(out), "style=") {
		t.Errorf("chart contains a style= attribute")
	}
	for _, n := range all(func(*html.Node) bool { return true }, nodes...) {
		if n.Data == "style" {
			t.Errorf("chart contains a <style> element")
		}
		for _, a := range n.Attr {
			switch strings.ToLower(a.Key) {
			case "style", "fill", "stroke", "color":
				t.Errorf("<%s %s=%q>: colours belong in app.css", n.Data, a.Key, a.Val)
			}
		}
	}
	if !strings.Contains(out, "app-trend__point--flagged") {
		t.Errorf("flagged markers have no class for their outline")
	}
}

func TestLabsTrendPageEmpty(t *testing.T) {
	b := Base{User: signedIn(), CSRFToken: testToken, Path: "/person/h_4f2a/labs/trend"}
	d := trendPageData(t)
	d.Rows = nil
	_, doc := render(t, LabsTrendPage(b, d), i18n.NB, "")
	if got := len(all(byAttr("data-testid", "labs-trend-chart"), doc)); got != 0 {
		t.Errorf("got %d charts, want none", got)
	}
	if got := len(all(byAttr("data-testid", "labs-trend-table"), doc)); got != 0 {
		t.Errorf("got %d tables, want none", got)
	}
	empty := all(byAttr("data-testid", "labs-trend-empty"), doc)
	if len(empty) != 1 || text(empty[0]) != i18n.TL(i18n.NB, "labs.trend.empty") {
		t.Errorf("want the empty message")
	}
	if got := len(all(byAttr("data-testid", "labs-trend-range-all"), doc)); got != 1 {
		t.Errorf("the period selector must stay to pick a longer period")
	}
}
