// Package trend is the lab trend rule (F8): which results of one analysis
// make its series, which of them share a chart, and which period a page
// shows by default. The results page shares its periods.
//
// It lives under clients/labs, beside the model it reads, and has no HTTP,
// no language and no view model: it returns the results and the numbers,
// and the handler words and dates them for the page.
package trend

import (
	"regexp"
	"slices"
	"time"

	"github.com/oppslag/oppslag/clients/labs"
)

// codeShape is the shape of an analysis code the trend looks up: NLK codes
// (NPU12345, NOR05432) and the like.
var codeShape = regexp.MustCompile(`^[A-Za-z0-9.-]{1,32}$`)

// ValidCode reports whether code has the shape of an analysis code. A code
// of any other shape comes from no result, so it is never looked up.
func ValidCode(code string) bool { return codeShape.MatchString(code) }

// Linkable reports whether a has a trend: a number under a well-formed
// code.
func Linkable(a labs.Analysis) bool { return a.Value.Quantity != nil && ValidCode(a.Code.Code) }

// Entry is one result of the analysis and the date it is shown at.
type Entry struct {
	At       time.Time // the report's effective time, else its issue time; zero when it has neither
	Analysis labs.Analysis
	// Restricted is set when the result's report was restricted by the
	// patient and is shown because the basis is elevated (package
	// restricted tells which; see CollectMarked).
	Restricted bool
}

// Collect returns every result of analysis code in res, panel members
// included at any depth, oldest first. A panel's own entry is left out
// when it has no value of its own; an observation that two reports share
// (same id) counts once. A withdrawn result (cancelled, entered in error)
// is no point of the series: the client has dropped its value.
func Collect(res *labs.Result, code string) []Entry {
	return CollectMarked(res, code, nil)
}

// CollectMarked is Collect with each entry's Restricted set from its
// report by restricted; a nil restricted marks nothing.
func CollectMarked(res *labs.Result, code string, restricted func(labs.Report) bool) []Entry {
	var out []Entry
	seen := map[string]bool{}
	opened := false
	var walk func(at time.Time, as []labs.Analysis)
	walk = func(at time.Time, as []labs.Analysis) {
		for _, a := range as {
			if a.Code.Code == code && !a.Withdrawn && !(len(a.Members) > 0 && a.Value == (labs.AnalysisValue{})) && (a.ID == "" || !seen[a.ID]) {
				if a.ID != "" {
					seen[a.ID] = true
				}
				out = append(out, Entry{At: at, Analysis: a, Restricted: opened})
			}
			walk(at, a.Members)
		}
	}
	for _, rep := range res.Reports {
		if rep.Withdrawn {
			continue
		}
		opened = restricted != nil && restricted(rep)
		walk(When(rep), rep.Analyses)
	}
	slices.SortStableFunc(out, func(a, b Entry) int { return a.At.Compare(b.At) })
	return out
}

// Point is where the chart draws a result.
type Point struct {
	At         time.Time
	Value      float64
	Comparator string   // "<" or ">" for a value beyond a measuring limit, drawn at the limit
	Flag       string   // the result's interpretation level
	Low, High  *float64 // the reference limits, when given
}

// Row is one result of the period as the table lists it.
type Row struct {
	Entry
	Point *Point // nil when the result is in the table only
}

// Series is the analysis in one period: what the table lists and, through
// Points, what the chart draws.
type Series struct {
	Name, Unit string
	Rows       []Row // every result of the period, newest first
	OtherUnits int   // numeric results in another unit than Unit
}

// Points are the charted results, oldest first.
func (s Series) Points() []Point {
	var out []Point
	for i := len(s.Rows) - 1; i >= 0; i-- {
		if p := s.Rows[i].Point; p != nil {
			out = append(out, *p)
		}
	}
	return out
}

// Build picks the entries at or after from (every entry when from is zero)
// out of entries (oldest first).
//
// Only numbers in one unit share a chart: the unit of the period's latest
// numeric result, else of the latest of all. A result in another unit (the
// laboratory changed method or unit) is listed in the table, not drawn on
// the same axis. Results that are not numbers, and results without a date,
// are in the table only. The name is the latest display name, else the
// code.
func Build(entries []Entry, from time.Time) Series {
	var s Series
	for i := len(entries) - 1; i >= 0 && s.Name == ""; i-- {
		s.Name = entries[i].Analysis.Code.Display
	}
	if s.Name == "" && len(entries) > 0 {
		s.Name = entries[0].Analysis.Code.Code
	}
	var in []Entry
	for _, e := range entries {
		if from.IsZero() || !e.At.Before(from) {
			in = append(in, e)
		}
	}
	unit := latestMeasure(in)
	if unit == nil {
		unit = latestMeasure(entries)
	}
	if unit != nil {
		s.Unit = unit.Unit
	}
	for _, e := range in {
		row := Row{Entry: e}
		switch q := e.Analysis.Value.Quantity; {
		case q == nil || e.At.IsZero():
		case !sameUnit(q, unit):
			s.OtherUnits++
		default:
			row.Point = point(e, q)
		}
		s.Rows = append(s.Rows, row)
	}
	slices.Reverse(s.Rows)
	return s
}

func point(e Entry, q *labs.Measure) *Point {
	p := &Point{At: e.At, Value: q.Value, Comparator: q.Comparator, Flag: e.Analysis.Interpretation}
	if ref := e.Analysis.Reference; ref != nil {
		if ref.Low != nil {
			v := ref.Low.Value
			p.Low = &v
		}
		if ref.High != nil {
			v := ref.High.Value
			p.High = &v
		}
	}
	return p
}

// latestMeasure is the quantity of the latest dated numeric result.
func latestMeasure(es []Entry) *labs.Measure {
	for i := len(es) - 1; i >= 0; i-- {
		if q := es[i].Analysis.Value.Quantity; q != nil && !es[i].At.IsZero() {
			return q
		}
	}
	return nil
}

// sameUnit compares UCUM codes when both have one, display units otherwise.
func sameUnit(a, b *labs.Measure) bool {
	if a == nil || b == nil {
		return a == b
	}
	if a.Code != "" && b.Code != "" {
		return a.Code == b.Code
	}
	return a.Unit == b.Unit
}

// DefaultPeriod is the period key the trend page shows when none is asked
// for: the last year when it holds at least two charted points to draw a
// line through, otherwise the whole history. A patient tested once a year
// or less should see a trend, not a lone point.
func DefaultPeriod(entries []Entry, now time.Time) string {
	year, _ := PeriodOf(KeyYear)
	if len(Build(entries, year.From(now)).Points()) >= 2 {
		return KeyYear
	}
	return KeyAll
}
