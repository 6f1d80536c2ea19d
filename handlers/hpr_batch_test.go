package handlers

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/oppslag/oppslag/clients/hpr"
	"github.com/oppslag/oppslag/clients/hpr/batch"
	"github.com/oppslag/oppslag/clients/hpr/standing"
	"github.com/oppslag/oppslag/clients/upstream"
	"github.com/oppslag/oppslag/views"
	"github.com/oppslag/oppslag/views/i18n"
)

// The batch rules and their tests are in clients/hpr/batch; these test what
// the handler makes of a check, worded as the download words it.

// parseBatch is batch.Parse under the name hardening_test.go's S42 test
// uses.
func parseBatch(text string) ([]int, []string) { return batch.Parse(text) }

func TestBatchLimit(t *testing.T) {
	wait := func(s int) error {
		return fmt.Errorf("hpr: by number: %w", &hpr.RateLimitError{RetryAfter: time.Duration(s) * time.Second})
	}
	tests := []struct {
		name string
		rows []batch.Row
		want int // seconds; 0 for no limit
	}{
		{"nothing refused", []batch.Row{{Kind: standing.Active}, {Kind: batch.NotFound}}, 0},
		{"an upstream failure is no limit", []batch.Row{{Kind: batch.Unchecked, Err: errors.New("boom")}}, 0},
		{"the longest wait", []batch.Row{{Kind: batch.Unchecked, Err: wait(5)}, {Kind: batch.Unchecked, Err: wait(42)},
			{Kind: batch.Unchecked, Err: wait(7)}}, 42},
		{"a limit without a wait is a minute", []batch.Row{{Kind: batch.Unchecked, Err: upstream.ErrRateLimited}}, 60},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := batchLimit(tt.rows)
			switch {
			case tt.want == 0 && got != nil:
				t.Errorf("batchLimit = %+v; want nil", got)
			case tt.want != 0 && (got == nil || got.Seconds != tt.want):
				t.Errorf("batchLimit = %+v; want %d s", got, tt.want)
			}
		})
	}
}

func TestBatchRowOf(t *testing.T) {
	ctx := i18n.WithLang(context.Background(), i18n.NB)
	day := hpr.NewDate(2026, 3, 2)
	p := hpr.Personnel{
		HPRNumber: 565501872,
		Person:    hpr.PersonData{GivenName: "Ingrid", MiddleName: "Marie", FamilyName: "Haugland"},
		Approvals: []hpr.Approval{{
			Category:   hpr.Code{Value: "LE", CodeSet: hpr.CodeSet{ID: hpr.CodeSetCategory}},
			Period:     hpr.Period{From: hpr.NewDate(2005, 8, 1), To: hpr.NewDate(2026, 12, 31)},
			Conditions: []hpr.Condition{{Type: hpr.Code{Name: "Begrenset til stilling"}}},
		}},
		Reactions: []hpr.Reaction{{Type: hpr.Code{Value: "5", Name: "Suspensjon"}, Period: hpr.Period{From: hpr.NewDate(2026, 1, 1)}}},
	}
	st := hpr.StatusOn(p, day)
	tests := []struct {
		name                          string
		row                           batch.Row
		wantNumber, wantKind, wantURL string
		wantExpiry, wantRestrictions  string
	}{
		{"found", batch.Row{Number: p.HPRNumber, Kind: standing.Of(st), Personnel: p, Status: st},
			"565501872", "suspended", "/hpr/565501872", "31.12.2026", "Suspensjon (01.01.2026 –); Begrenset til stilling"},
		{"not found", batch.Row{Number: 9, Kind: batch.NotFound}, "9", "notfound", "", "", ""},
		{"not checked", batch.Row{Number: 8, Kind: batch.Unchecked, Err: upstream.ErrRateLimited}, "8", "unchecked", "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := batchRowOf(tt.row)
			_, records := views.HPRBatchCSV(ctx, views.HPRBatch{Rows: []views.HPRBatchRow{got}})
			rec := records[0]
			if got.Number != tt.wantNumber || got.StatusKind != tt.wantKind || got.URL != tt.wantURL ||
				rec[4] != tt.wantExpiry || rec[5] != tt.wantRestrictions {
				t.Errorf("batchRowOf = %+v, worded %q; want number %s, kind %s, URL %q, expiry %q, restrictions %q",
					got, rec, tt.wantNumber, tt.wantKind, tt.wantURL, tt.wantExpiry, tt.wantRestrictions)
			}
			if want := i18n.T(ctx, "hpr.status."+tt.wantKind); rec[3] != want {
				t.Errorf("status text %q; want %q", rec[3], want)
			}
		})
	}
}
