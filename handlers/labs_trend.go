package handlers

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/oppslag/oppslag/clients/labs"
	"github.com/oppslag/oppslag/handlers/request"
	"github.com/oppslag/oppslag/views"
	"github.com/oppslag/oppslag/views/i18n"
)

// analysisCode is the shape of an analysis code in a trend URL: NLK codes
// (NPU12345, NOR05432) and the like. Anything else is never looked up.
var analysisCode = regexp.MustCompile(`^[A-Za-z0-9.-]{1,32}$`)

var (
	errTrendAnalysis = errors.New("labs: trend: no such analysis")
	errPeriod        = errors.New("labs: unknown period")
)

// period is a period the results and trend pages show, counted back from
// now (?range=1m|1y|5y|all).
type period struct {
	Key           string
	Years, Months int // both 0 for the whole history
}

// periods are the periods of the selector, in its order.
var periods = []period{
	{Key: "1m", Months: 1},
	{Key: "1y", Years: 1},
	{Key: "5y", Years: 5},
	{Key: "all"},
}

// periodOf returns the period of key.
func periodOf(key string) (period, bool) {
	i := slices.IndexFunc(periods, func(t period) bool { return t.Key == key })
	if i < 0 {
		return period{}, false
	}
	return periods[i], true
}

// from is the period's first instant, on the calendar in Oslo; zero for
// the whole history.
func (t period) from(now time.Time) time.Time {
	if t.Years == 0 && t.Months == 0 {
		return time.Time{}
	}
	return now.In(i18n.Oslo()).AddDate(-t.Years, -t.Months, 0)
}

// checkPeriod refuses a ?range= that names no period; "" is the default.
func checkPeriod(key string) error {
	if _, ok := periodOf(key); key != "" && !ok {
		return Errorf(http.StatusBadRequest, "labs.trend.error.range", errPeriod)
	}
	return nil
}

// periodLinks is the period selector with key current; link makes a
// period's URL.
func periodLinks(ctx context.Context, key string, link func(string) string) []views.LabsRange {
	out := make([]views.LabsRange, 0, len(periods))
	for _, t := range periods {
		out = append(out, views.LabsRange{Key: t.Key, Label: i18n.T(ctx, "labs.trend.range."+t.Key),
			URL: link(t.Key), Current: t.Key == key})
	}
	return out
}

// trendURL is the trend page of analysis code for the patient whose page is
// personBase ("/person/{handle}"); rangeKey "" leaves the period to the
// default. The results page links here for every numeric result.
func trendURL(personBase, code, rangeKey string) string {
	u := personBase + "/labs/trend?analysis=" + url.QueryEscape(code)
	if rangeKey != "" {
		u += "&range=" + url.QueryEscape(rangeKey)
	}
	return u
}

// Trend shows one analysis over time (F8): GET
// /person/{handle}/labs/trend?analysis=<code>&range=1m|1y|5y|all. It starts
// as View does: nothing is fetched before a basis is bound, and without one
// the request is refused with the chooser (S16). A malformed code is a 404 and an unknown range a
// 400, both before anything is fetched; a well-formed code the patient has
// no result for is a 404 after the (audited, action "trend") search.
//
// The default period is one year when that year holds at least two points
// to draw a line through, otherwise the whole history: a patient tested
// once a year or less should see a trend, not a lone point.
//
// The document title is the generic
// "lab result trend", never the analysis, since titles land in browser
// history.
func (h Labs) Trend(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	nin, bound, ok, err := h.boundBasis(w, r, "trend")
	if !ok {
		return err
	}
	q := r.URL.Query()
	code := q.Get("analysis")
	if !analysisCode.MatchString(code) {
		return Errorf(http.StatusNotFound, "labs.trend.error.analysis", errTrendAnalysis)
	}
	key := q.Get("range")
	if err := checkPeriod(key); err != nil {
		return err
	}
	ld := h.labsData(r, bound)
	data := views.LabsTrendData{
		ResultsURL: labsBase(r) + "/labs",
		Basis:      views.LabsTrendBasis{Basis: ld.Basis, Role: ld.Role, Until: ld.Until, ChangeURL: ld.ChangeURL},
		Emergency:  ld.Emergency,
	}
	res, ferr := h.fetch(ctx, nin, bound, "trend")
	if isAuditError(ferr) {
		return ferr
	}
	switch {
	case errors.Is(ferr, labs.ErrNothingMore):
		data.NothingMore = true
	case ferr != nil:
		if e := AsError(ferr); h.Log != nil {
			h.Log.ErrorContext(ctx, "labs trend failed", "status", e.Status, "err", e.Err,
				"correlation_id", request.CorrelationID(ctx))
		}
		d := ErrorView(ctx, ferr)
		data.Error = &d
	default:
		results := collectTrend(res, code)
		if len(results) == 0 {
			return Errorf(http.StatusNotFound, "labs.trend.error.analysis", errTrendAnalysis)
		}
		now := h.now()
		if key == "" {
			key = defaultTrendRange(ctx, results, now)
		}
		fillTrend(ctx, &data, res, results, key, now, func(k string) string { return trendURL(labsBase(r), code, k) })
	}
	return Render(w, r, http.StatusOK, views.LabsTrendPage(h.Site.Base(r, "labs.trend.title"), data))
}

// trendResult is one result of the analysis and the date it is shown at.
type trendResult struct {
	At time.Time // the report's effective time, else its issue time; zero when it has neither
	A  labs.Analysis
}

// collectTrend returns every result of analysis code in res, panel members
// included at any depth, oldest first. A panel's own entry is left out
// when it has no value of its own; an observation that two reports share
// (same id) counts once.
func collectTrend(res *labs.Result, code string) []trendResult {
	var out []trendResult
	seen := map[string]bool{}
	var walk func(at time.Time, as []labs.Analysis)
	walk = func(at time.Time, as []labs.Analysis) {
		for _, a := range as {
			// A withdrawn result (cancelled, entered in error) is no
			// point of the series: the client has dropped its value.
			if a.Code.Code == code && !a.Withdrawn && !(len(a.Members) > 0 && a.Value == (labs.AnalysisValue{})) && (a.ID == "" || !seen[a.ID]) {
				if a.ID != "" {
					seen[a.ID] = true
				}
				out = append(out, trendResult{At: at, A: a})
			}
			walk(at, a.Members)
		}
	}
	for _, rep := range res.Reports {
		if rep.Withdrawn {
			continue
		}
		at := rep.Effective
		if at.IsZero() {
			at = rep.Issued
		}
		walk(at, rep.Analyses)
	}
	slices.SortStableFunc(out, func(a, b trendResult) int { return a.At.Compare(b.At) })
	return out
}

// trendSeries is the analysis in one period: what the chart draws and what
// the table lists.
type trendSeries struct {
	Name, Unit string
	Points     []views.TrendPoint   // the charted results, oldest first
	Rows       []views.LabsTrendRow // every result of the period, newest first
	OtherUnits int                  // numeric results in another unit than Unit
}

// buildTrend picks the results at or after from (every result when from is
// zero) out of results (oldest first).
//
// Only numbers in one unit share a chart: the unit of the period's latest
// numeric result. A result in another unit (the laboratory changed method
// or unit) is listed in the table, not drawn on the same axis. Results that
// are not numbers, and results without a date, are in the table only. A
// value beyond a measuring limit ("<5") is drawn at the limit, marked.
func buildTrend(ctx context.Context, results []trendResult, from time.Time) trendSeries {
	l := i18n.From(ctx)
	var s trendSeries
	for i := len(results) - 1; i >= 0 && s.Name == ""; i-- {
		s.Name = results[i].A.Code.Display
	}
	if s.Name == "" && len(results) > 0 {
		s.Name = results[0].A.Code.Code
	}
	var in []trendResult
	for _, r := range results {
		if from.IsZero() || !r.At.Before(from) {
			in = append(in, r)
		}
	}
	unit := latestMeasure(in)
	if unit == nil {
		unit = latestMeasure(results)
	}
	if unit != nil {
		s.Unit = unit.Unit
	}
	for _, r := range in {
		q := r.A.Value.Quantity
		row := views.LabsTrendRow{
			Date:      i18n.T(ctx, "labs.trend.nodate"),
			Value:     valueText(ctx, r.A.Value),
			Reference: intervalText(l, r.A.Reference),
		}
		if !r.At.IsZero() {
			row.Date, row.DateISO = i18n.Date(l, r.At), r.At.In(i18n.Oslo()).Format("2006-01-02")
		}
		row.FlagSymbol, row.FlagText, _ = flagView(ctx, analysisFlag(r.A))
		switch {
		case q == nil || r.At.IsZero():
		case !sameUnit(q, unit):
			s.OtherUnits++
		default:
			row.Charted = true
			p := views.TrendPoint{At: r.At, Value: q.Value, Comparator: q.Comparator, Flag: r.A.Interpretation,
				Text: row.Value, Label: row.Date + ": " + row.Value}
			if row.FlagText != "" {
				p.Label += ", " + row.FlagText
			}
			if ref := r.A.Reference; ref != nil {
				if ref.Low != nil {
					v := ref.Low.Value
					p.Low = &v
				}
				if ref.High != nil {
					v := ref.High.Value
					p.High = &v
				}
			}
			s.Points = append(s.Points, p)
		}
		s.Rows = append(s.Rows, row)
	}
	slices.Reverse(s.Rows)
	return s
}

// latestMeasure is the quantity of the latest dated numeric result.
func latestMeasure(rs []trendResult) *labs.Measure {
	for i := len(rs) - 1; i >= 0; i-- {
		if q := rs[i].A.Value.Quantity; q != nil && !rs[i].At.IsZero() {
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

// defaultTrendRange is "1y" when the last year holds at least two charted
// points, else "all".
func defaultTrendRange(ctx context.Context, results []trendResult, now time.Time) string {
	year, _ := periodOf("1y")
	if len(buildTrend(ctx, results, year.from(now)).Points) >= 2 {
		return "1y"
	}
	return "all"
}

// fillTrend fills the page from the search result and the analysis's
// results for the period key. link makes a period's URL.
func fillTrend(ctx context.Context, d *views.LabsTrendData, res *labs.Result, results []trendResult, key string, now time.Time, link func(string) string) {
	d.Truncated = res.Truncated
	for _, code := range res.Restrictions {
		d.Restrictions = append(d.Restrictions, views.LabsRestriction{
			Text:  enumOr(ctx, "labs.restricted."+strings.ToLower(code), code),
			Opens: enumOr(ctx, "labs.restricted."+strings.ToLower(code)+".opens", ""),
		})
	}
	d.Ranges = periodLinks(ctx, key, link)
	rng, _ := periodOf(key)
	from := rng.from(now)
	s := buildTrend(ctx, results, from)
	d.Name, d.Unit, d.Rows, d.OtherUnits = s.Name, s.Unit, s.Rows, s.OtherUnits
	d.Chart = views.NewTrendChart(i18n.From(ctx), views.TrendSeries{Name: s.Name, Unit: s.Unit, From: from, To: now, Points: s.Points})
}
