package reviewqueue

import (
	"slices"
	"testing"
	"time"

	"github.com/oppslag/oppslag/clients/audit"
	"github.com/oppslag/oppslag/clients/audit/lookups"
)

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func rec(seq int64, min int, pid, patient, corr, resource, action string, out audit.Outcome) audit.Record {
	return audit.Record{Seq: seq, Event: audit.Event{Time: t0.Add(time.Duration(min) * time.Minute), CorrelationID: corr,
		Actor: audit.Actor{PID: pid}, Patient: patient, Resource: resource, Action: action, Outcome: out}}
}

func TestPending(t *testing.T) {
	a := rec(1, 0, "doc", "p1", "c1", "lab", audit.ActionEmergency, audit.Granted)
	b := rec(5, 10, "doc", "p2", "c2", "lab", audit.ActionEmergency, audit.Granted)
	refused := rec(3, 5, "doc", "p3", "c3", "lab", audit.ActionEmergency, audit.Denied)
	tests := []struct {
		name    string
		opened  []audit.Record
		reviews map[int64]audit.Record
		want    []int64
	}{
		{"none", nil, nil, nil},
		{"oldest first", []audit.Record{b, a}, nil, []int64{1, 5}},
		{"a reviewed one leaves", []audit.Record{a, b}, map[int64]audit.Record{1: {Seq: 9}}, []int64{5}},
		{"a refused attempt is no item", []audit.Record{a, refused}, nil, []int64{1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []int64
			for _, r := range Pending(tt.opened, tt.reviews) {
				got = append(got, r.Seq)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestItemOf(t *testing.T) {
	opening := rec(10, 0, "doc", "p1", "c1", "lab", audit.ActionEmergency, audit.Granted)
	labs := rec(11, 0, "doc", "p1", "c2", "lab", "view", audit.Granted)
	person := rec(12, 5, "doc", "p1", "c3", "person", "view", audit.Granted)
	krr := rec(13, 5, "doc", "p1", "c3", "krr", "view", audit.Granted)
	labsAgain := rec(14, 6, "doc", "p1", "c4", "lab", "view", audit.Granted)
	other := rec(15, 7, "doc", "p2", "c5", "person", "view", audit.Granted)
	someoneElse := rec(16, 8, "nurse", "p1", "c6", "lab", "view", audit.Granted)
	refused := rec(17, 9, "doc", "p1", "c7", "lab", "trend", audit.Denied)
	late := rec(18, 5*60, "doc", "p1", "c8", "timeline", "view", audit.Granted)
	logout := rec(19, 30, "doc", "", "c9", "session", "logout", audit.Success)
	afterLogout := rec(20, 31, "doc", "p1", "c10", "timeline", "view", audit.Granted)
	before := rec(9, -1, "doc", "p1", "c0", "timeline", "view", audit.Granted)
	window := 4 * time.Hour
	tests := []struct {
		name   string
		recs   []audit.Record
		end    time.Time
		opened []lookups.Opened
		pages  int
	}{
		{"nothing opened", nil, t0.Add(window), nil, 0},
		{"pages in the window, distinct, in order",
			[]audit.Record{krr, labsAgain, labs, person, other, someoneElse, refused, late, before},
			t0.Add(window), []lookups.Opened{{Kind: lookups.Labs}, {Kind: lookups.Overview}}, 3},
		{"a logout ends the window",
			[]audit.Record{labs, logout, afterLogout},
			t0.Add(30 * time.Minute), []lookups.Opened{{Kind: lookups.Labs}}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ItemOf(opening, tt.recs, window, t0.Add(10*time.Hour))
			if !got.End.Equal(tt.end) {
				t.Errorf("end: got %v, want %v", got.End, tt.end)
			}
			if !slices.Equal(got.Opened, tt.opened) {
				t.Errorf("opened: got %v, want %v", got.Opened, tt.opened)
			}
			if got.Pages != tt.pages {
				t.Errorf("pages: got %d, want %d", got.Pages, tt.pages)
			}
		})
	}
}

func TestVerdict(t *testing.T) {
	tests := []struct {
		in      string
		want    Verdict
		ok      bool
		comment string
		note    string
	}{
		{"justified", Justified, true, "  ok, patient unconscious ", "justified ok, patient unconscious"},
		{"follow_up", FollowUp, true, "", "follow_up"},
		{"", "", false, "", ""},
		{"fine", "", false, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := ParseVerdict(tt.in)
			if ok != tt.ok || (ok && got != tt.want) {
				t.Fatalf("ParseVerdict(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
			}
			if ok {
				if n := Note(got, tt.comment); n != tt.note {
					t.Errorf("note: got %q, want %q", n, tt.note)
				}
			}
		})
	}
}
