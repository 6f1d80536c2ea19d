package views

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/oppslag/oppslag/views/i18n"
)

// LabsTrendData is the trend page of one analysis under a bound access
// basis (F8): a chart of the numeric results with their reference range,
// and a table with every result of the period. It carries data and
// messages; the view words them (and lays out the chart, Chart) in the
// user's language.
type LabsTrendData struct {
	ResultsURL   string // the lab results page
	Basis        LabsTrendBasis
	Error        *ErrorData
	NothingMore  bool
	Truncated    bool
	Emergency    *LabsEmergency // the countdown banner, when the basis is an emergency one
	Restrictions []LabsRestriction
	Name         string // the analysis as the latest result names it
	Unit         string // the charted unit; "" when no result has one
	Ranges       []LabsRange
	// From and To bound the chart's time axis (TrendSeries).
	From, To   time.Time
	Rows       []LabsTrendRow // every result of the period, newest first
	OtherUnits int            // numeric results in another unit than Unit: in the table, not the chart
	// RestrictedUnknown is set when the results the patient restricted
	// could not be told (the comparison search failed).
	RestrictedUnknown bool
}

// anyRestricted reports whether a row is from a report the patient
// restricted.
func (d LabsTrendData) anyRestricted() bool {
	return slices.ContainsFunc(d.Rows, func(r LabsTrendRow) bool { return r.Restricted })
}

// Chart lays out the chart of d's charted rows in language l, each point
// labelled with what its row says; nil when no row is charted.
func (d LabsTrendData) Chart(l i18n.Lang) *TrendChart {
	var points []TrendPoint
	for _, r := range slices.Backward(d.Rows) { // oldest first
		if r.Point == nil {
			continue
		}
		p := *r.Point
		p.Text = r.Value.Lang(l)
		p.Label = i18n.Date(l, r.At) + ": " + p.Text
		if !r.FlagText.IsZero() {
			p.Label += ", " + r.FlagText.Lang(l)
		}
		if r.Restricted {
			p.Label += ", " + i18n.TL(l, "labs.trend.restricted")
		}
		points = append(points, p)
	}
	return NewTrendChart(l, TrendSeries{Name: d.Name, Unit: LabsUnit(l, d.Unit), From: d.From, To: d.To, Points: points})
}

// LabsTrendBasis is the bound access basis line, as the results page shows it.
type LabsTrendBasis struct {
	Basis     Text
	Role      string    // the requester's HPR profession code; "" for none
	Until     time.Time // shown as a clock time
	ChangeURL string
}

// LabsRange is one link of the period selector.
type LabsRange struct {
	Key     string
	Label   Text
	URL     string
	Current bool
}

// LabsTrendRow is one result in the trend table.
type LabsTrendRow struct {
	At         time.Time // zero when the result has no date
	Value      LabsValue
	Reference  *LabsInterval
	FlagSymbol string // "" when not flagged
	FlagText   Text   // zero when not flagged
	// Point is where the chart draws the result (its Text and Label are
	// the row's words, Chart); nil when it is not a number in the charted
	// unit, or undated.
	Point *TrendPoint
	// Restricted is set when the result's report was restricted by the
	// patient and is shown because the basis is elevated.
	Restricted bool
}

// TrendSeries is what a trend chart is drawn from.
type TrendSeries struct {
	Name, Unit string
	// From and To bound the time axis; a zero From starts at the first
	// point, a zero To ends at the last. Points outside widen the axis.
	From, To time.Time
	Points   []TrendPoint
}

// TrendPoint is one numeric result.
type TrendPoint struct {
	At         time.Time
	Value      float64
	Comparator string   // "<", "<=", ">=", ">" for a value beyond a measuring limit, else ""
	Low, High  *float64 // the reference limits given with this result; nil when absent
	Flag       string   // kodeverk 8244 interpretation: H, HH, L, LL, A, ...; "" or "N" for none
	Text       string   // the value with its unit as the table shows it; "" to format Value here
	Label      string   // the marker's tooltip, e.g. "21.11.2026: 5,4 mmol/L, Høy"
}

// TrendChart is a trend chart's geometry and texts in SVG user units,
// computed in Go so the page needs no script and no inline style (CSP).
//
// The reference band is a step band: each result's own reference range
// holds from that result until the next one, the first also reaches back
// to the left edge and the last forward to the right edge. Ranges that
// depend on age or sex, or change with a new method, are then drawn as they
// were when each result was given, never with today's range over old
// results. A result without a reference range leaves a gap in the band.
type TrendChart struct {
	Width, Height float64
	Plot          ChartRect // the data area inside the axes
	Title, Desc   string
	Unit          string
	YTicks        []ChartTick // bottom to top
	XTicks        []ChartTick // left to right
	Bands         []ChartRect // reference band segments, left to right
	Line          string      // polyline points; "" with fewer than two points
	Markers       []ChartMarker
}

// ChartRect is a rectangle in SVG user units.
type ChartRect struct{ X, Y, W, H float64 }

// ChartTick is an axis tick: its position along the axis and its label.
type ChartTick struct {
	Pos   float64
	Label string
}

// MarkerShape is how a point is drawn. Flags are told apart by shape, so
// the chart never depends on colour alone.
type MarkerShape string

// The marker shapes.
const (
	MarkerCircle  MarkerShape = "circle"  // not flagged
	MarkerUp      MarkerShape = "up"      // H, HH: triangle pointing up
	MarkerDown    MarkerShape = "down"    // L, LL: triangle pointing down
	MarkerDiamond MarkerShape = "diamond" // A and any other flag
)

// ChartMarker is one point on the chart.
type ChartMarker struct {
	X, Y     float64
	Shape    MarkerShape
	Flag     string
	Critical bool   // HH or LL: drawn larger
	Censored bool   // a value beyond a measuring limit, drawn at the limit, hollow
	Path     string // the marker outline as SVG path data
	Label    string
}

// Flagged reports whether the marker stands for a flagged result.
func (m ChartMarker) Flagged() bool { return m.Shape != MarkerCircle }

// Chart layout in SVG user units. The viewBox scales to the container.
const (
	trendWidth, trendHeight = 640.0, 300.0
	trendLeft, trendRight   = 64.0, 36.0
	trendTop, trendBottom   = 28.0, 40.0
	trendInset              = 12.0 // keeps the first and last markers off the axes
	trendMaxTicks           = 6
	trendMinSpan            = 48 * time.Hour
)

// Marker sizes: a circle's radius, a triangle's or diamond's half height.
const (
	markerRadius   = 4.5
	markerSize     = 7.0
	markerCritical = 10.0
)

// NewTrendChart lays out the chart of s for language l; nil when s has no
// point. Points need not be sorted; NaN and infinite values are dropped.
func NewTrendChart(l i18n.Lang, s TrendSeries) *TrendChart {
	var pts []TrendPoint
	for _, p := range s.Points {
		if !math.IsNaN(p.Value) && !math.IsInf(p.Value, 0) {
			pts = append(pts, p)
		}
	}
	if len(pts) == 0 {
		return nil
	}
	slices.SortStableFunc(pts, func(a, b TrendPoint) int { return a.At.Compare(b.At) })

	c := &TrendChart{
		Width: trendWidth, Height: trendHeight, Unit: s.Unit,
		Plot: ChartRect{X: trendLeft, Y: trendTop, W: trendWidth - trendLeft - trendRight, H: trendHeight - trendTop - trendBottom},
	}

	// Time axis.
	from, to := s.From, s.To
	if first := pts[0].At; from.IsZero() || first.Before(from) {
		from = first
	}
	if last := pts[len(pts)-1].At; to.IsZero() || last.After(to) {
		to = last
	}
	if to.Sub(from) < trendMinSpan {
		mid := from.Add(to.Sub(from) / 2)
		from, to = mid.Add(-trendMinSpan/2), mid.Add(trendMinSpan/2)
	}
	x := func(t time.Time) float64 {
		f := float64(t.Sub(from)) / float64(to.Sub(from))
		return c.Plot.X + trendInset + f*(c.Plot.W-2*trendInset)
	}
	for _, t := range timeTicks(l, from, to) {
		c.XTicks = append(c.XTicks, ChartTick{Pos: x(t.at), Label: t.label})
	}

	// Value axis: values and reference limits all fit.
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, p := range pts {
		for _, v := range []*float64{&p.Value, p.Low, p.High} {
			if v != nil && !math.IsNaN(*v) && !math.IsInf(*v, 0) {
				lo, hi = min(lo, *v), max(hi, *v)
			}
		}
	}
	ticks, step := NiceTicks(lo, hi)
	ymin, ymax := ticks[0], ticks[len(ticks)-1]
	y := func(v float64) float64 {
		return c.Plot.Y + c.Plot.H - (v-ymin)/(ymax-ymin)*c.Plot.H
	}
	dec := decimalsFor(step)
	for _, v := range ticks {
		c.YTicks = append(c.YTicks, ChartTick{Pos: y(v), Label: FormatNumber(l, v, dec)})
	}

	// Reference band, one step per result, equal neighbours merged.
	type span struct {
		x0, x1    float64
		low, high *float64
	}
	var spans []span
	for i, p := range pts {
		x0, x1 := x(p.At), c.Plot.X+c.Plot.W
		if i == 0 {
			x0 = c.Plot.X
		}
		if i+1 < len(pts) {
			x1 = x(pts[i+1].At)
		}
		if n := len(spans); n > 0 && sameLimit(spans[n-1].low, p.Low) && sameLimit(spans[n-1].high, p.High) {
			spans[n-1].x1 = x1
			continue
		}
		spans = append(spans, span{x0, x1, p.Low, p.High})
	}
	for _, sp := range spans {
		if sp.low == nil && sp.high == nil || sp.x1 <= sp.x0 {
			continue
		}
		top, bottom := c.Plot.Y, c.Plot.Y+c.Plot.H
		if sp.high != nil {
			top = y(*sp.high)
		}
		if sp.low != nil {
			bottom = y(*sp.low)
		}
		if bottom < top {
			top, bottom = bottom, top
		}
		c.Bands = append(c.Bands, ChartRect{X: sp.x0, Y: top, W: sp.x1 - sp.x0, H: bottom - top})
	}

	// Line and markers.
	var line []string
	flagged := 0
	for _, p := range pts {
		px, py := x(p.At), y(p.Value)
		line = append(line, svgNum(px)+","+svgNum(py))
		shape, critical := MarkerFor(p.Flag)
		if shape != MarkerCircle {
			flagged++
		}
		c.Markers = append(c.Markers, ChartMarker{
			X: px, Y: py, Shape: shape, Flag: p.Flag, Critical: critical, Censored: p.Comparator != "",
			Path: MarkerPath(shape, critical, px, py), Label: p.Label,
		})
	}
	if len(line) > 1 {
		c.Line = strings.Join(line, " ")
	}

	// Texts for assistive technology: the title names the chart, the
	// description says what a sighted reader takes from it.
	c.Title = i18n.TL(l, "labs.trend.chart.title", s.Name)
	first, last := pts[0], pts[len(pts)-1]
	var desc []string
	if len(pts) == 1 {
		desc = append(desc, i18n.TL(l, "labs.trend.desc.one", i18n.Date(l, first.At)))
	} else {
		desc = append(desc, i18n.TL(l, "labs.trend.desc.many", len(pts), i18n.Date(l, first.At), i18n.Date(l, last.At)))
	}
	latest := last.Text
	if latest == "" {
		latest = last.Comparator + FormatNumber(l, last.Value, -1)
		if s.Unit != "" {
			latest += " " + s.Unit
		}
	}
	desc = append(desc, i18n.TL(l, "labs.trend.desc.latest", latest))
	if flagged == 0 {
		desc = append(desc, i18n.TL(l, "labs.trend.desc.flagged.none"))
	} else {
		desc = append(desc, i18n.TL(l, "labs.trend.desc.flagged", flagged))
	}
	c.Desc = strings.Join(desc, " ")
	return c
}

func sameLimit(a, b *float64) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

// MarkerFor returns the shape for a kodeverk 8244 interpretation and
// whether it is critical. "" and "N" (normal) are not flagged.
func MarkerFor(flag string) (MarkerShape, bool) {
	switch flag {
	case "", "N":
		return MarkerCircle, false
	case "H":
		return MarkerUp, false
	case "HH":
		return MarkerUp, true
	case "L":
		return MarkerDown, false
	case "LL":
		return MarkerDown, true
	}
	return MarkerDiamond, false
}

// MarkerPath is the SVG path data of a marker centred on (x, y).
func MarkerPath(shape MarkerShape, critical bool, x, y float64) string {
	s := markerSize
	if critical {
		s = markerCritical
	}
	pt := func(dx, dy float64) string { return svgNum(x+dx) + "," + svgNum(y+dy) }
	switch shape {
	case MarkerUp:
		return "M" + pt(0, -s) + " L" + pt(s, s*0.75) + " L" + pt(-s, s*0.75) + " Z"
	case MarkerDown:
		return "M" + pt(0, s) + " L" + pt(s, -s*0.75) + " L" + pt(-s, -s*0.75) + " Z"
	case MarkerDiamond:
		return "M" + pt(0, -s) + " L" + pt(s, 0) + " L" + pt(0, s) + " L" + pt(-s, 0) + " Z"
	}
	r := svgNum(markerRadius)
	return "M" + pt(-markerRadius, 0) + " A" + r + "," + r + " 0 1,0 " + pt(markerRadius, 0) +
		" A" + r + "," + r + " 0 1,0 " + pt(-markerRadius, 0) + " Z"
}

// trendLegendItem is one entry of the chart's key.
type trendLegendItem struct {
	Key      string // catalog key of the text
	Shape    MarkerShape
	Critical bool
	Censored bool
	Band     bool
}

// trendLegend is the chart's key: every shape the chart may use.
func trendLegend() []trendLegendItem {
	return []trendLegendItem{
		{Key: "labs.trend.legend.band", Band: true},
		{Key: "labs.trend.legend.normal", Shape: MarkerCircle},
		{Key: "labs.trend.legend.high", Shape: MarkerUp},
		{Key: "labs.trend.legend.low", Shape: MarkerDown},
		{Key: "labs.trend.legend.critical", Shape: MarkerUp, Critical: true},
		{Key: "labs.trend.legend.abnormal", Shape: MarkerDiamond},
		{Key: "labs.trend.legend.censored", Shape: MarkerCircle, Censored: true},
	}
}

// legendPath is a legend item's marker in a 24×24 box.
func legendPath(it trendLegendItem) string { return MarkerPath(it.Shape, it.Critical, 12, 12) }

// markerClass is the marker's classes: shape, flag, size and fill all show
// without colour; the colours come from app.css.
func markerClass(shape MarkerShape, critical, censored bool) string {
	cls := "app-trend__point app-trend__point--" + string(shape)
	if shape != MarkerCircle {
		cls += " app-trend__point--flagged"
	}
	if critical {
		cls += " app-trend__point--critical"
	}
	if censored {
		cls += " app-trend__point--censored"
	}
	return cls
}

func markerTestID(m ChartMarker) string {
	if m.Flagged() {
		return "labs-trend-flagged"
	}
	return "labs-trend-point"
}

// NiceTicks returns four to six evenly spaced round values (steps of 1, 2,
// 2.5 or 5 times a power of ten) from at or below lo to at or above hi, and
// the step. Equal or reversed bounds are widened around the value.
func NiceTicks(lo, hi float64) ([]float64, float64) {
	if hi < lo {
		lo, hi = hi, lo
	}
	if hi-lo < 1e-9*max(math.Abs(lo), math.Abs(hi)) || hi == lo {
		pad := math.Abs(lo) * 0.1
		if pad == 0 {
			pad = 1
		}
		lo, hi = lo-pad, hi+pad
	}
	count := func(step float64) (int, float64, float64) {
		a, b := math.Floor(lo/step+1e-9), math.Ceil(hi/step-1e-9)
		return int(b-a) + 1, a, b
	}
	exp := math.Floor(math.Log10(hi-lo)) - 2
	var fallback float64
	for e := exp; e <= exp+3; e++ {
		for _, m := range []float64{1, 2, 2.5, 5} {
			step := m * math.Pow(10, e)
			n, _, _ := count(step)
			if n > trendMaxTicks {
				continue
			}
			if fallback == 0 {
				fallback = step
			}
			if n >= 4 {
				return ticksOf(count, step), step
			}
		}
	}
	return ticksOf(count, fallback), fallback
}

func ticksOf(count func(float64) (int, float64, float64), step float64) []float64 {
	_, a, b := count(step)
	var out []float64
	for k := a; k <= b; k++ {
		// k*step, rounded so 3*0.1 is 0.3 and formats and compares as such.
		v := k * step
		if d := decimalsFor(step); d < 15 {
			p := math.Pow(10, float64(d))
			v = math.Round(v*p) / p
		}
		out = append(out, v)
	}
	return out
}

// decimalsFor is how many decimals the multiples of step need.
func decimalsFor(step float64) int {
	for d := 0; d < 10; d++ {
		v := step * math.Pow(10, float64(d))
		if math.Abs(v-math.Round(v)) < 1e-6*max(1, v) {
			return d
		}
	}
	return 10
}

// FormatNumber formats v with decimals digits after the separator (-1 for
// as many as needed) with l's decimal separator, as i18n.Decimal does for
// the rest of the lab pages: "5,25" in bokmål and nynorsk, "5.25" in English.
func FormatNumber(l i18n.Lang, v float64, decimals int) string {
	if v == 0 {
		v = 0 // no "-0"
	}
	s := strconv.FormatFloat(v, 'f', decimals, 64)
	if strings.Trim(s, "-0.") == "" {
		s = strings.TrimPrefix(s, "-")
	}
	return i18n.Decimal(l, s)
}

// timeTick is a tick on the time axis.
type timeTick struct {
	at    time.Time
	label string
}

// timeStep is a calendar step between time ticks.
type timeStep struct{ days, months, years int }

// timeSteps are the steps the time axis may use, smallest first.
var timeSteps = []timeStep{
	{days: 1}, {days: 2}, {days: 7}, {days: 14},
	{months: 1}, {months: 2}, {months: 3}, {months: 6},
	{years: 1}, {years: 2}, {years: 5}, {years: 10}, {years: 25}, {years: 50}, {years: 100},
}

// timeTicks returns at most six ticks on calendar boundaries in Oslo
// between from and to, on the smallest step that fits: days and weeks
// (weeks start on Monday) are labelled with day and month, months with
// month and year, years with the year.
func timeTicks(l i18n.Lang, from, to time.Time) []timeTick {
	loc := i18n.Oslo()
	for i, s := range timeSteps {
		var ats []time.Time
		for t := firstTick(from.In(loc), s); !t.After(to) && len(ats) <= trendMaxTicks; t = t.AddDate(s.years, s.months, s.days) {
			ats = append(ats, t)
		}
		if len(ats) > trendMaxTicks && i < len(timeSteps)-1 {
			continue
		}
		out := make([]timeTick, 0, len(ats))
		for _, t := range ats[:min(len(ats), trendMaxTicks)] {
			out = append(out, timeTick{at: t, label: tickLabel(l, s, t)})
		}
		return out
	}
	return nil
}

// firstTick is the first boundary of step s at or after f (in f's zone).
func firstTick(f time.Time, s timeStep) time.Time {
	loc := f.Location()
	y, m, d := f.Date()
	switch {
	case s.years > 0:
		if time.Date(y, 1, 1, 0, 0, 0, 0, loc).Before(f) {
			y++
		}
		y = ceilMultiple(y, s.years)
		return time.Date(y, 1, 1, 0, 0, 0, 0, loc)
	case s.months > 0:
		mi := y*12 + int(m) - 1
		if time.Date(y, m, 1, 0, 0, 0, 0, loc).Before(f) {
			mi++
		}
		mi = ceilMultiple(mi, s.months)
		return time.Date(mi/12, time.Month(mi%12+1), 1, 0, 0, 0, 0, loc)
	}
	t := time.Date(y, m, d, 0, 0, 0, 0, loc)
	if t.Before(f) {
		t = t.AddDate(0, 0, 1)
	}
	if s.days%7 == 0 {
		for t.Weekday() != time.Monday {
			t = t.AddDate(0, 0, 1)
		}
	}
	return t
}

func ceilMultiple(n, k int) int {
	if r := n % k; r != 0 {
		n += k - r
	}
	return n
}

func tickLabel(l i18n.Lang, s timeStep, t time.Time) string {
	month := i18n.TL(l, "labs.trend.month."+strconv.Itoa(int(t.Month())))
	switch {
	case s.years > 0:
		return strconv.Itoa(t.Year())
	case s.months > 0:
		return i18n.TL(l, "labs.trend.tick.month", month, t.Year())
	}
	return i18n.TL(l, "labs.trend.tick.day", t.Day(), month)
}

// svgNum formats a coordinate with at most one decimal.
func svgNum(f float64) string {
	f = math.Round(f*10) / 10
	if f == 0 {
		f = 0 // no "-0"
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}

func (c *TrendChart) viewBox() string {
	return "0 0 " + svgNum(c.Width) + " " + svgNum(c.Height)
}
