package handlers

import (
	"errors"
	"net/http"
	"net/url"
	"time"

	"github.com/oppslag/oppslag/clients/labs"
	"github.com/oppslag/oppslag/clients/labs/marking"
	"github.com/oppslag/oppslag/clients/labs/restricted"
	"github.com/oppslag/oppslag/clients/labs/trend"
	"github.com/oppslag/oppslag/handlers/request"
	"github.com/oppslag/oppslag/views"
)

var (
	errTrendAnalysis = errors.New("labs: trend: no such analysis")
	errPeriod        = errors.New("labs: unknown period")
)

// checkPeriod refuses a ?range= that names no period; "" is the default.
func checkPeriod(key string) error {
	if _, ok := trend.PeriodOf(key); key != "" && !ok {
		return Errorf(http.StatusBadRequest, "labs.trend.error.range", errPeriod)
	}
	return nil
}

// periodLinks is the period selector with key current; link makes a
// period's URL.
func periodLinks(key string, link func(string) string) []views.LabsRange {
	periods := trend.Periods()
	out := make([]views.LabsRange, 0, len(periods))
	for _, t := range periods {
		out = append(out, views.LabsRange{Key: t.Key, Label: views.Msg("labs.trend.range." + t.Key),
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
// The default period is trend.DefaultPeriod: a year when it holds a line,
// else the whole history.
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
	if !trend.ValidCode(code) {
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
	// Compared as the results page compares: under an elevated basis the
	// points from reports the patient restricted are marked (F7).
	got, ferr := h.fetch(ctx, nin, bound, "trend", true)
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
		entries := trend.CollectMarked(got.res, code, func(rep labs.Report) bool { return got.opened[restricted.Key(rep)] })
		if len(entries) == 0 {
			return Errorf(http.StatusNotFound, "labs.trend.error.analysis", errTrendAnalysis)
		}
		now := h.now()
		if key == "" {
			key = trend.DefaultPeriod(entries, now)
		}
		fillTrend(&data, got.res, entries, key, now, func(k string) string { return trendURL(labsBase(r), code, k) }, ld.ElevateURL)
		data.RestrictedUnknown = got.unmarked
	}
	return Render(w, r, http.StatusOK, views.LabsTrendPage(h.Site.Base(r, "labs.trend.title"), data))
}

// fillTrend fills the page from the search result and the analysis's
// entries for the period key. link makes a period's URL; elevate, under
// AKUTT, is where the restriction notice offers FORHOYET_AKUTT.
func fillTrend(d *views.LabsTrendData, res *labs.Result, entries []trend.Entry, key string, now time.Time, link func(string) string, elevate string) {
	d.Truncated = res.Truncated
	d.Restrictions = restrictions(res.Restrictions, elevate)
	d.Ranges = periodLinks(key, link)
	p, _ := trend.PeriodOf(key)
	d.From, d.To = p.From(now), now
	s := trend.Build(entries, d.From)
	d.Name, d.Unit, d.OtherUnits = s.Name, s.Unit, s.OtherUnits
	d.Rows = trendRows(s)
}

// trendRows is a series' table rows, newest first; each charted row holds
// its point, which the view labels with what the row says
// (LabsTrendData.Chart). A value beyond a measuring limit ("<5") is drawn
// at the limit, marked.
func trendRows(s trend.Series) []views.LabsTrendRow {
	var rows []views.LabsTrendRow
	for _, r := range s.Rows {
		a := r.Analysis
		row := views.LabsTrendRow{At: r.At, Value: labsValue(a.Value), Reference: labsInterval(a.Reference), Restricted: r.Restricted}
		row.FlagSymbol, row.FlagText, _ = flagView(marking.FlagOf(a))
		if p := r.Point; p != nil {
			row.Point = &views.TrendPoint{At: p.At, Value: p.Value, Comparator: p.Comparator, Flag: p.Flag, Low: p.Low, High: p.High}
		}
		rows = append(rows, row)
	}
	return rows
}
