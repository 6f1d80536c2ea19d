// Package abnormal is the "only abnormal" rule of the lab results (issue
// 12): which results deviate, a search result cut down to them, and the
// summary at the top of the results page, the latest deviation of each
// analysis with its date.
//
// It lives under clients/labs beside the model it reads, with no HTTP and
// no language: the handlers word and date what it returns. The reports
// view, the sheet and the summary ask it, so "abnormal" means one thing on
// every lab page.
package abnormal

import (
	"slices"
	"time"

	"github.com/oppslag/oppslag/clients/labs"
	"github.com/oppslag/oppslag/clients/labs/marking"
	"github.com/oppslag/oppslag/clients/labs/trend"
)

// Is reports whether a is marked as a deviation: any flag but normal and
// susceptible (S is the answer hoped for), a code the client does not
// know included, since an unknown mark must be seen rather than hidden. A
// withdrawn result deviates from nothing: its value is gone.
func Is(a labs.Analysis) bool {
	f := marking.FlagOf(a)
	return !a.Withdrawn && f.Flagged() && f.Level != labs.LevelSusceptible
}

// Key is the analysis a result belongs to across reports: its code, as
// the trend looks it up, else its name. Results under one key are one row
// of the sheet and one line of the summary.
func Key(a labs.Analysis) string {
	if a.Code.Code != "" {
		return a.Code.Code
	}
	return "name:" + a.Code.Display
}

// Filter keeps of each report the deviating results and the panels,
// groups and organisms that hold them, so a deviation is still read under
// its panel. A report with no deviation is left out and counted in hidden;
// so is a withdrawn one. Text reports (pathology, imaging) carry no flags
// and are left out too: "only abnormal" cannot vouch for their text.
func Filter(reports []labs.Report) (kept []labs.Report, hidden int) {
	for _, rep := range reports {
		if rep.Withdrawn {
			hidden++
			continue
		}
		as := prune(rep.Analyses)
		if len(as) == 0 {
			hidden++
			continue
		}
		rep.Analyses = as
		kept = append(kept, rep)
	}
	return kept, hidden
}

// prune keeps the analyses that deviate or hold a member that does, with
// their members pruned alike.
func prune(as []labs.Analysis) []labs.Analysis {
	var out []labs.Analysis
	for _, a := range as {
		ms := prune(a.Members)
		if !Is(a) && len(ms) == 0 {
			continue
		}
		a.Members = ms
		out = append(out, a)
	}
	return out
}

// Result is one result of an analysis and when it was taken.
type Result struct {
	At       time.Time // trend.When of its report; zero when the report has no date
	ReportID string
	Analysis labs.Analysis
}

// Entry is one analysis in the summary: its latest deviating result and,
// when a result of the same analysis was taken after it, the latest of
// those (which then does not deviate: the summary must not let an old
// deviation read as the state today).
type Entry struct {
	Key    string
	Latest Result  // the latest deviating result
	Later  *Result // the analysis' latest result, when newer than Latest; nil otherwise
}

// Summary is the latest deviation of each analysis among the reports taken
// at or after from (every report when from is zero), newest first. It
// reads what the page shows: withdrawn reports, text reports and cultures
// are not summed up (a susceptibility is read under its organism), and
// undated reports come after dated ones.
func Summary(reports []labs.Report, from time.Time) []Entry {
	var results []Result
	for _, rep := range NewestFirst(reports) {
		when := trend.When(rep)
		if rep.Withdrawn || !Tabular(rep) || !when.IsZero() && when.Before(from) {
			continue
		}
		Walk(rep.Analyses, func(a labs.Analysis) {
			results = append(results, Result{At: when, ReportID: rep.ID, Analysis: a})
		})
	}
	var out []Entry
	index := map[string]int{}      // key → position in out
	latest := map[string]*Result{} // key → newest result of any kind
	for i := range results {
		r := &results[i]
		k := Key(r.Analysis)
		if latest[k] == nil {
			latest[k] = r
		}
		if _, done := index[k]; done || !Is(r.Analysis) {
			continue
		}
		e := Entry{Key: k, Latest: *r}
		if l := latest[k]; l != r {
			c := *l
			e.Later = &c
		}
		index[k] = len(out)
		out = append(out, e)
	}
	return out
}

// Walk calls f for every result of a table report in order, panel members
// after their panel: a panel or group with no value of its own is no
// result, and an organism with its susceptibilities is skipped whole.
func Walk(as []labs.Analysis, f func(labs.Analysis)) {
	for _, a := range as {
		if a.Organism() {
			continue
		}
		if len(a.Members) == 0 || a.Value != (labs.AnalysisValue{}) && !a.Group() {
			f(a)
		}
		Walk(a.Members, f)
	}
}

// Tabular reports whether rep's results read as rows of values (a
// laboratory report), not as the text sections of a pathology or imaging
// report.
func Tabular(rep labs.Report) bool {
	k := rep.Kind()
	return k != labs.KindPathology && k != labs.KindImaging
}

// NewestFirst is reports by the time their results were taken
// (trend.When), newest first, undated last; the service's order is kept
// among equals.
func NewestFirst(reports []labs.Report) []labs.Report {
	out := slices.Clone(reports)
	slices.SortStableFunc(out, func(a, b labs.Report) int {
		wa, wb := trend.When(a), trend.When(b)
		switch {
		case wa.IsZero() && wb.IsZero():
			return 0
		case wa.IsZero():
			return 1
		case wb.IsZero():
			return -1
		}
		return wb.Compare(wa)
	})
	return out
}
