package handlers

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/oppslag/oppslag/clients/hpr"
	"github.com/oppslag/oppslag/clients/upstream"
	"github.com/oppslag/oppslag/views"
	"github.com/oppslag/oppslag/views/i18n"
)

// The card's handler picks messages and data; these check what it picks,
// worded in bokmål as the view words it.

func TestHPRDate(t *testing.T) {
	tests := []struct {
		name string
		d    hpr.Date
		want string
	}{
		{"a day", hpr.NewDate(2010, 8, 1), "01.08.2010"},
		{"absent", hpr.Date{}, ""},
		{"unreadable, as received and marked", hpr.Date{Raw: "mars 2022"}, "mars 2022 — ukjent format"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := hprDate(tt.d)
			if s := got.Lang(i18n.NB); s != tt.want {
				t.Errorf("got %q, want %q", s, tt.want)
			}
			if got.IsZero() != (tt.want == "") {
				t.Errorf("IsZero = %v; only an absent day is zero", got.IsZero())
			}
		})
	}
}

func TestLimitOf(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want int // seconds; 0 for no limit
	}{
		{"the client's wait", fmt.Errorf("hpr: by number: %w", &hpr.RateLimitError{RetryAfter: 42 * time.Second}), 42},
		{"HPR's own 429 is a minute", fmt.Errorf("hpr: %w", upstream.ErrRateLimited), 60},
		{"another failure is no limit", errors.New("boom"), 0},
		{"no error", nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := limitOf(tt.err)
			switch {
			case tt.want == 0 && got != nil:
				t.Errorf("got %+v, want nil", got)
			case tt.want != 0 && (got == nil || got.Seconds != tt.want):
				t.Errorf("got %+v, want %d s", got, tt.want)
			}
		})
	}
}

// TestStaleText: an older copy shown because of the rate limit never says
// HPR is not answering.
func TestStaleText(t *testing.T) {
	when := views.DateTime(time.Date(2026, 11, 21, 9, 42, 0, 0, time.UTC))
	tests := []struct {
		name    string
		limited *views.HPRLimit
		key     string
	}{
		{"limited", &views.HPRLimit{Seconds: 5}, "hpr.stale.limited"},
		{"not answering", nil, "hpr.stale"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, want := staleText(tt.limited, when).Lang(i18n.NB), i18n.TL(i18n.NB, tt.key, "21.11.2026 kl. 10.42")
			if got != want {
				t.Errorf("got %q, want %q", got, want)
			}
		})
	}
}

// TestCardOfApprovals: the card's approvals carry their standing as data
// and their expiry as a message with the days left and the date.
func TestCardOfApprovals(t *testing.T) {
	day := hpr.NewDate(2026, 11, 16)
	p := hpr.Personnel{
		HPRNumber: 1000001,
		Person:    hpr.PersonData{GivenName: "Kari", FamilyName: "Nordmann", BirthDate: hpr.NewDate(1979, 5, 12)},
		Approvals: []hpr.Approval{
			{Category: hpr.Code{Value: "SP", Name: "Sykepleier"}, Period: hpr.Period{From: hpr.NewDate(2000, 1, 1), To: hpr.NewDate(2005, 1, 1)}},
			{Category: hpr.Code{Value: "LE", Name: "Lege"}, Period: hpr.Period{From: hpr.NewDate(2005, 8, 1), To: hpr.NewDate(2026, 12, 31)}},
		},
	}
	c := cardOf(p, day)
	if c.StatusKind != "active" || c.Birth.Lang(i18n.NB) != "12.05.1979" || !c.Death.IsZero() {
		t.Errorf("card = %q, %q, %q; want active, born 12.05.1979, not dead", c.StatusKind, c.Birth.Lang(i18n.NB), c.Death.Lang(i18n.NB))
	}
	if len(c.Approvals) != 2 {
		t.Fatalf("got %d approvals, want 2", len(c.Approvals))
	}
	cur, old := c.Approvals[0], c.Approvals[1]
	if cur.Category != (views.HPRCategory{Code: "LE", Name: "Lege"}) || !cur.Valid || cur.Suspended {
		t.Errorf("current approval = %+v; want LE first, valid", cur)
	}
	if got, want := cur.ExpiringText.Lang(i18n.NB), "Utløper om 45 dager (31.12.2026)"; !cur.Expiring || got != want {
		t.Errorf("expiring = %v, %q; want %q", cur.Expiring, got, want)
	}
	if got, want := cur.Period.From.Lang(i18n.NB)+" / "+cur.Period.To.Lang(i18n.NB), "01.08.2005 / 31.12.2026"; got != want {
		t.Errorf("period = %q, want %q", got, want)
	}
	if old.Category.Code != "SP" || old.Valid || old.Expiring {
		t.Errorf("old approval = %+v; want SP, not valid, not expiring", old)
	}
}
