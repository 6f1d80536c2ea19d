package trend

import (
	"slices"
	"time"

	"github.com/oppslag/oppslag/clients/labs"
	"github.com/oppslag/oppslag/clients/tolerant"
)

// Period is a span the results and trend pages show, counted back from now
// (?range=1m|1y|5y|all).
type Period struct {
	Key           string
	Years, Months int // both 0 for the whole history
}

// The keys of the periods the default rules choose between.
const (
	KeyYear = "1y"
	KeyAll  = "all"
)

// periods are the periods of the selector, in its order.
var periods = []Period{
	{Key: "1m", Months: 1},
	{Key: KeyYear, Years: 1},
	{Key: "5y", Years: 5},
	{Key: KeyAll},
}

// Periods returns the periods of the selector, in its order.
func Periods() []Period { return slices.Clone(periods) }

// PeriodOf returns the period of key; false when key names none ("" is
// not a period: the pages choose their default for it).
func PeriodOf(key string) (Period, bool) {
	i := slices.IndexFunc(periods, func(p Period) bool { return p.Key == key })
	if i < 0 {
		return Period{}, false
	}
	return periods[i], true
}

// From is the period's first instant. It counts on the calendar in Oslo,
// so "a year" ends on the same date a Norwegian reader sees; zero for the
// whole history.
func (p Period) From(now time.Time) time.Time {
	if p.Years == 0 && p.Months == 0 {
		return time.Time{}
	}
	return now.In(tolerant.Oslo).AddDate(-p.Years, -p.Months, 0)
}

// When is when a report's results were taken: the effective time, else
// the issue time; zero when it has neither.
func When(rep labs.Report) time.Time {
	if rep.Effective.IsZero() {
		return rep.Issued
	}
	return rep.Effective
}

// ResultsPeriod is the period key the results page shows: key, or when key
// is "" the default, the last year when it holds a report and older
// reports exist, else everything. A clinician sees what is current first,
// and a patient whose last report is old still sees it without a click.
// An undated report counts as current, since it cannot be called old.
func ResultsPeriod(res *labs.Result, key string, now time.Time) string {
	if key != "" {
		return key
	}
	if res == nil {
		return KeyAll
	}
	year, _ := PeriodOf(KeyYear)
	from := year.From(now)
	recent, older := false, false
	for _, rep := range res.Reports {
		if when := When(rep); !when.IsZero() && when.Before(from) {
			older = true
		} else {
			recent = true
		}
	}
	if recent && older {
		return KeyYear
	}
	return KeyAll
}
