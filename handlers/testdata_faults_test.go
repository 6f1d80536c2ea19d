package handlers

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/oppslag/oppslag/clients/audit"
	"github.com/oppslag/oppslag/clients/simfault"
)

func TestFaults_AddAndClear(t *testing.T) {
	now := time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	store, err := audit.Open(context.Background(), "sqlite:"+filepath.Join(t.TempDir(), "audit.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })

	post := func(h Faults, fn func(Faults, http.ResponseWriter, *http.Request) error, form url.Values) (int, error) {
		req := httptest.NewRequest(http.MethodPost, "/testdata/faults", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		rec := httptest.NewRecorder()
		err := fn(h, rec, req)
		if err != nil {
			return AsError(err).Status, err
		}
		return rec.Code, nil
	}
	add, clear := Faults.Add, Faults.Clear

	cases := []struct {
		name       string
		form       url.Values
		failing    bool // the audit store is down
		wantStatus int
		wantActive int
		wantUntil  time.Time
	}{
		{"until cleared", url.Values{"upstream": {"person"}, "kind": {"503"}, "retry_after": {"90"}}, false, http.StatusSeeOther, 1, time.Time{}},
		{"five minutes", url.Values{"upstream": {"labs"}, "kind": {"latency"}, "latency_ms": {"1500"}, "duration": {"5m"}}, false, http.StatusSeeOther, 1, now.Add(5 * time.Minute)},
		{"part, any case", url.Values{"upstream": {"person"}, "kind": {"truncated"}, "route": {"name"}, "duration": {"1m"}}, false, http.StatusSeeOther, 1, now.Add(time.Minute)},
		{"unknown kind", url.Values{"upstream": {"person"}, "kind": {"418"}}, false, http.StatusUnprocessableEntity, 0, time.Time{}},
		{"retry-after too long", url.Values{"upstream": {"hpr"}, "kind": {"429"}, "retry_after": {"86400"}}, false, http.StatusUnprocessableEntity, 0, time.Time{}},
		{"negative latency", url.Values{"upstream": {"hpr"}, "kind": {"latency"}, "latency_ms": {"-5"}}, false, http.StatusUnprocessableEntity, 0, time.Time{}},
		{"audit down: nothing set", url.Values{"upstream": {"person"}, "kind": {"500"}}, true, http.StatusServiceUnavailable, 0, time.Time{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			reg := simfault.NewRegistry(clock)
			h := Faults{Registry: reg, Audit: Auditor{Store: store}, Now: clock}
			if tc.failing {
				h.Audit = Auditor{Store: audit.Failing()}
			}
			status, _ := post(h, add, tc.form)
			if status != tc.wantStatus {
				t.Errorf("status %d; want %d", status, tc.wantStatus)
			}
			active := reg.Active(now)
			if len(active) != tc.wantActive {
				t.Fatalf("%d faults active; want %d", len(active), tc.wantActive)
			}
			if tc.wantActive == 1 && !active[0].Until.Equal(tc.wantUntil) {
				t.Errorf("until %v; want %v", active[0].Until, tc.wantUntil)
			}
		})
	}

	t.Run("clear one, then all", func(t *testing.T) {
		reg := simfault.NewRegistry(clock)
		h := Faults{Registry: reg, Audit: Auditor{Store: store}, Now: clock}
		a, _ := reg.Set(simfault.Fault{Upstream: simfault.Person, Kind: simfault.KindHang})
		reg.Set(simfault.Fault{Upstream: simfault.HPR, Kind: simfault.KindHang})
		before, _ := store.Query(context.Background(), audit.Filter{Action: "fault_clear"})
		if status, err := post(h, clear, url.Values{"id": {a.ID}}); status != http.StatusSeeOther {
			t.Fatalf("clear one: status %d (%v)", status, err)
		}
		if n := len(reg.Active(now)); n != 1 {
			t.Errorf("%d left; want 1", n)
		}
		if status, _ := post(h, clear, url.Values{"id": {"all"}}); status != http.StatusSeeOther || len(reg.Active(now)) != 0 {
			t.Errorf("clear all: status %d, %d left; want 303, none", status, len(reg.Active(now)))
		}
		after, _ := store.Query(context.Background(), audit.Filter{Action: "fault_clear"})
		if got := len(after) - len(before); got != 2 {
			t.Errorf("%d fault_clear records; want 2", got)
		}
		if status, _ := post(h, clear, url.Values{}); status != http.StatusBadRequest {
			t.Errorf("clear without id: status %d; want 400", status)
		}
	})
}
