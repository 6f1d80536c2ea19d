package accesses

import (
	"testing"
	"time"

	"github.com/oppslag/oppslag/clients/audit"
	"github.com/oppslag/oppslag/clients/audit/lookups"
)

func TestOf(t *testing.T) {
	const nin, other = "12057900499", "31128012345"
	at := time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)
	kari := audit.Actor{Name: "Kari Lege", HPRNumber: "565501872"}
	revisor := audit.Actor{Name: "Rita Revisor"}
	rec := func(seq int64, cid string, a audit.Actor, patient, resource, action string, o audit.Outcome) audit.Record {
		return audit.Record{Seq: seq, Event: audit.Event{Time: at.Add(time.Duration(seq) * time.Minute), CorrelationID: cid,
			Actor: a, Patient: patient, Resource: resource, Action: action, Outcome: o}}
	}
	search := rec(1, "c1", kari, "", "person", "search", audit.Granted)
	search.Results = []string{other, nin}
	onlyOther := rec(2, "c2", kari, "", "person", "search", audit.Granted)
	onlyOther.Results = []string{other}
	person := rec(3, "c3", kari, nin, "person", "view", audit.Granted)
	krr := rec(4, "c3", kari, nin, "krr", "view", audit.UpstreamError)
	otherPatient := rec(5, "c5", kari, other, "person", "view", audit.Granted)
	emergency := rec(6, "c6", kari, nin, "lab", audit.ActionEmergency, audit.Granted)
	emergency.AccessBasis, emergency.Reason = "AKUTT", "unconscious: brought in by ambulance"
	refused := rec(7, "c7", kari, nin, "lab", "view", audit.Denied)
	list := rec(8, "c8", kari, "", "person", "lookups", audit.Granted)
	list.Results = []string{nin, other}
	noID := rec(9, "", kari, nin, "timeline", "view", audit.Granted)
	noID2 := rec(10, "", kari, nin, "timeline", "view", audit.Granted)
	family := rec(12, "c12", kari, other, "family", "view", audit.Granted)
	family.Results = []string{nin}
	lookup := rec(11, "c11", revisor, nin, "audit", "patient", audit.Success)
	recs := []audit.Record{family, lookup, search, onlyOther, person, krr, otherPatient, emergency, refused, list, noID, noID2}

	got := Of(recs, nin)
	want := []Access{
		{Seq: 12, Time: family.Time, Actor: kari, What: Relative, Outcome: audit.Granted},
		{Seq: 11, Time: lookup.Time, Actor: revisor, What: Audit, Outcome: audit.Success},
		{Seq: 10, Time: noID2.Time, Actor: kari, What: lookups.Timeline, Outcome: audit.Granted},
		{Seq: 9, Time: noID.Time, Actor: kari, What: lookups.Timeline, Outcome: audit.Granted},
		{Seq: 8, Time: list.Time, Actor: kari, What: List, Outcome: audit.Granted},
		{Seq: 7, Time: refused.Time, Actor: kari, What: lookups.Labs, Outcome: audit.Denied},
		{Seq: 6, Time: emergency.Time, Actor: kari, What: lookups.Emergency, Basis: "AKUTT", Reason: emergency.Reason, Outcome: audit.Granted},
		{Seq: 3, Time: person.Time, Actor: kari, What: lookups.Overview, Outcome: audit.UpstreamError},
		{Seq: 1, Time: search.Time, Actor: kari, What: Search, Outcome: audit.Granted},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d accesses, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		t.Run(string(want[i].What), func(t *testing.T) {
			if got[i] != want[i] {
				t.Errorf("got %+v,\nwant %+v", got[i], want[i])
			}
		})
	}
}

func TestOfNobody(t *testing.T) {
	recs := []audit.Record{{Seq: 1, Event: audit.Event{Resource: "session", Action: "login"}}}
	tests := []struct {
		name, patient string
	}{
		{"no number", ""},
		{"a number no record names", "12057900499"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Of(recs, tt.patient); len(got) != 0 {
				t.Errorf("got %+v, want none", got)
			}
		})
	}
}
