package trend

import (
	"slices"
	"testing"
	"time"

	"github.com/oppslag/oppslag/clients/labs"
	"github.com/oppslag/oppslag/clients/tolerant"
)

func TestPeriodFrom(t *testing.T) {
	tests := []struct {
		key, want string
	}{
		{"1m", "2026-10-21"},
		{"1y", "2025-11-21"},
		{"5y", "2021-11-21"},
		{"all", ""},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			p, ok := PeriodOf(tt.key)
			if !ok {
				t.Fatalf("period %q unknown", tt.key)
			}
			got := ""
			if f := p.From(now); !f.IsZero() {
				got = f.In(tolerant.Oslo).Format(time.DateOnly)
			}
			if got != tt.want {
				t.Errorf("from %q, want %q", got, tt.want)
			}
		})
	}
}

// TestPeriodFromCountsInOslo: just after midnight in Oslo on 1 March is
// still 28 February in UTC; a month back is 1 February, the date the
// reader sees.
func TestPeriodFromCountsInOslo(t *testing.T) {
	at := time.Date(2026, 2, 28, 23, 30, 0, 0, time.UTC) // 00:30 on 1 March in Oslo
	p, _ := PeriodOf("1m")
	if got, want := p.From(at).In(tolerant.Oslo).Format("2006-01-02 15:04"), "2026-02-01 00:30"; got != want {
		t.Errorf("from %s, want %s", got, want)
	}
}

func TestPeriodOf(t *testing.T) {
	for _, bad := range []string{"", "2y", "ALL", "1Y", "1m "} {
		t.Run(bad, func(t *testing.T) {
			if _, ok := PeriodOf(bad); ok {
				t.Errorf("period %q accepted", bad)
			}
		})
	}
}

func TestPeriods(t *testing.T) {
	var keys []string
	for _, p := range Periods() {
		keys = append(keys, p.Key)
	}
	if got, want := keys, []string{"1m", "1y", "5y", "all"}; !slices.Equal(got, want) {
		t.Errorf("keys %q, want %q (the selector's order)", got, want)
	}
	Periods()[0].Key = "changed"
	if p, ok := PeriodOf("1m"); !ok || p.Months != 1 {
		t.Errorf("a caller changed the periods")
	}
}

func TestWhen(t *testing.T) {
	eff, iss := now.AddDate(0, -1, 0), now.AddDate(0, -1, 2)
	tests := []struct {
		name string
		rep  labs.Report
		want time.Time
	}{
		{"effective", labs.Report{Effective: eff, Issued: iss}, eff},
		{"issued when no effective time", labs.Report{Issued: iss}, iss},
		{"neither", labs.Report{}, time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := When(tt.rep); !got.Equal(tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestResultsPeriod(t *testing.T) {
	now := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	recent := labs.Report{Effective: now.AddDate(0, -2, 0)}
	old := labs.Report{Effective: now.AddDate(-3, 0, 0)}
	issuedOld := labs.Report{Issued: now.AddDate(-2, 0, 0)}
	undated := labs.Report{}
	result := func(rs ...labs.Report) *labs.Result { return &labs.Result{Reports: rs} }
	tests := []struct {
		name string
		res  *labs.Result
		key  string
		want string
	}{
		{"chosen period kept", result(recent, old), "5y", "5y"},
		{"no answer", nil, "", "all"},
		{"nothing", result(), "", "all"},
		{"only recent", result(recent), "", "all"},
		{"only old: still shown without a click", result(old), "", "all"},
		{"recent and old", result(recent, old), "", "1y"},
		{"issue time when no effective time", result(recent, issuedOld), "", "1y"},
		{"undated counts as current", result(undated, old), "", "1y"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ResultsPeriod(tt.res, tt.key, now); got != tt.want {
				t.Errorf("ResultsPeriod = %q, want %q", got, tt.want)
			}
		})
	}
}
