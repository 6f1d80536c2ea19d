package lookups

import (
	"reflect"
	"testing"
	"time"

	"github.com/oppslag/oppslag/clients/audit"
)

var t0 = time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)

// rec is one record of the actor "A"; seq is filled in by recs.
func rec(min int, cid, patient, resource, action, basis string) audit.Record {
	return audit.Record{Event: audit.Event{Time: t0.Add(time.Duration(min) * time.Minute), CorrelationID: cid,
		Actor: audit.Actor{PID: "A"}, Patient: patient, Resource: resource, Action: action, AccessBasis: basis,
		Outcome: audit.Granted}}
}

func recs(rs ...audit.Record) []audit.Record {
	for i := range rs {
		rs[i].Seq = int64(i + 1)
	}
	return rs
}

func denied(r audit.Record) audit.Record { r.Outcome = audit.Denied; return r }

func failed(r audit.Record) audit.Record { r.Outcome = audit.UpstreamError; return r }

// overview is the records of one overview request: person, KRR, family.
func overview(min int, cid, patient string) []audit.Record {
	return []audit.Record{rec(min, cid, patient, "person", "view", ""), rec(min, cid, patient, "krr", "view", ""),
		rec(min, cid, patient, "family", "view", "")}
}

func join(parts ...[]audit.Record) []audit.Record {
	var out []audit.Record
	for _, p := range parts {
		out = append(out, p...)
	}
	return recs(out...)
}

func one(rs ...audit.Record) []audit.Record { return rs }

func TestVisits(t *testing.T) {
	tests := []struct {
		name string
		recs []audit.Record
		want []Visit
	}{
		{"nothing", nil, nil},
		{
			"an overview is one page, not three",
			join(overview(0, "c1", "P1")),
			[]Visit{{Patient: "P1", First: t0, Last: t0, Opened: []Opened{{Kind: Overview}}, Pages: 1}},
		},
		{
			"one patient's overview, labs, trend and print are one visit",
			join(overview(0, "c1", "P1"), one(rec(1, "c2", "P1", "lab", "access_basis", "SAMTYKKE")),
				one(rec(1, "c3", "P1", "lab", "view", "SAMTYKKE")), one(rec(2, "c4", "P1", "lab", "trend", "SAMTYKKE")),
				one(rec(3, "c5", "P1", "lab", "print", "SAMTYKKE")), one(rec(4, "c6", "P1", "lab", "view", "SAMTYKKE"))),
			[]Visit{{Patient: "P1", First: t0, Last: t0.Add(4 * time.Minute), Pages: 6, Opened: []Opened{
				{Kind: Overview}, {Kind: Basis, Basis: "SAMTYKKE"}, {Kind: Labs, Basis: "SAMTYKKE"},
				{Kind: Trend, Basis: "SAMTYKKE"}, {Kind: LabsPrint, Basis: "SAMTYKKE"}}}},
		},
		{
			"another patient in between makes three visits, newest first",
			join(overview(0, "c1", "P1"), overview(5, "c2", "P2"), one(rec(9, "c3", "P1", "timeline", "view", ""))),
			[]Visit{
				{Patient: "P1", First: t0.Add(9 * time.Minute), Last: t0.Add(9 * time.Minute), Opened: []Opened{{Kind: Timeline}}, Pages: 1},
				{Patient: "P2", First: t0.Add(5 * time.Minute), Last: t0.Add(5 * time.Minute), Opened: []Opened{{Kind: Overview}}, Pages: 1},
				{Patient: "P1", First: t0, Last: t0, Opened: []Opened{{Kind: Overview}}, Pages: 1},
			},
		},
		{
			"a pause longer than VisitGap starts a new visit",
			join(overview(0, "c1", "P1"), overview(31, "c2", "P1")),
			[]Visit{
				{Patient: "P1", First: t0.Add(31 * time.Minute), Last: t0.Add(31 * time.Minute), Opened: []Opened{{Kind: Overview}}, Pages: 1},
				{Patient: "P1", First: t0, Last: t0, Opened: []Opened{{Kind: Overview}}, Pages: 1},
			},
		},
		{
			"a pause of exactly VisitGap does not",
			join(overview(0, "c1", "P1"), overview(30, "c2", "P1")),
			[]Visit{{Patient: "P1", First: t0, Last: t0.Add(30 * time.Minute), Opened: []Opened{{Kind: Overview}}, Pages: 2}},
		},
		{
			"a panel alone is a panel; the address panel too",
			join(overview(0, "c1", "P1"), one(rec(1, "c2", "P1", "person", "view", "")), one(rec(2, "c3", "P1", "address", "view", ""))),
			[]Visit{{Patient: "P1", First: t0, Last: t0.Add(2 * time.Minute), Opened: []Opened{{Kind: Overview}, {Kind: Panel}}, Pages: 3}},
		},
		{
			"a refused lab view opened nothing; a failed one was still asked for",
			join(one(denied(rec(0, "c1", "P1", "lab", "view", ""))), one(failed(rec(1, "c2", "P2", "lab", "view", "UNNTAK")))),
			[]Visit{{Patient: "P2", First: t0.Add(time.Minute), Last: t0.Add(time.Minute), Opened: []Opened{{Kind: Labs, Basis: "UNNTAK"}}, Pages: 1}},
		},
		{
			"searches, logins, this list and reviews are no lookups",
			join(one(rec(0, "c1", "", "session", "login", "")), one(rec(1, "c2", "", "person", "search", "")),
				one(rec(2, "c3", "", "person", "lookups", "")), one(rec(3, "c4", "P9", "audit", "review", ""))),
			nil,
		},
		{
			"an emergency opening and its end",
			join(one(rec(0, "c1", "P1", "lab", audit.ActionEmergency, "AKUTT")), one(rec(1, "c2", "P1", "lab", "view", "AKUTT")),
				one(rec(2, "c3", "P1", "lab", "access_basis_end", "AKUTT"))),
			[]Visit{{Patient: "P1", First: t0, Last: t0.Add(2 * time.Minute), Pages: 3, Opened: []Opened{
				{Kind: Emergency, Basis: "AKUTT"}, {Kind: Labs, Basis: "AKUTT"}, {Kind: BasisEnd, Basis: "AKUTT"}}}},
		},
		{
			"the overview's print",
			join(one(rec(0, "c1", "P1", "person", "print", ""))),
			[]Visit{{Patient: "P1", First: t0, Last: t0, Opened: []Opened{{Kind: Print}}, Pages: 1}},
		},
		{
			"an action not known yet",
			join(one(rec(0, "c1", "P1", "person", "export", "")), one(rec(1, "c2", "P1", "lab", "share", "SAMTYKKE"))),
			[]Visit{{Patient: "P1", First: t0, Last: t0.Add(time.Minute), Pages: 2, Opened: []Opened{{Kind: Other}, {Kind: Other, Basis: "SAMTYKKE"}}}},
		},
		{
			"records without a correlation id are pages of their own",
			join(one(rec(0, "", "P1", "person", "view", "")), one(rec(0, "", "P1", "krr", "view", ""))),
			[]Visit{{Patient: "P1", First: t0, Last: t0, Opened: []Opened{{Kind: Panel}}, Pages: 2}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Visits(tt.recs); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Visits:\n got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestRecent(t *testing.T) {
	v := func(p string, min int) Visit {
		return Visit{Patient: p, Last: t0.Add(time.Duration(min) * time.Minute)}
	}
	visits := []Visit{v("P1", 9), v("P2", 8), v("P1", 7), v("P3", 6), v("P4", 5)}
	tests := []struct {
		name string
		n    int
		want []Visit
	}{
		{"each patient once, at their latest visit", 10, []Visit{v("P1", 9), v("P2", 8), v("P3", 6), v("P4", 5)}},
		{"at most n", 2, []Visit{v("P1", 9), v("P2", 8)}},
		{"none", 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Recent(visits, tt.n); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Recent: got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestPatients(t *testing.T) {
	got := Patients([]Visit{{Patient: "P1"}, {Patient: "P2"}, {Patient: "P1"}}, []Opening{{Patient: "P3"}, {Patient: "P2"}})
	if want := []string{"P1", "P2", "P3"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Patients: got %v, want %v", got, want)
	}
}

func TestDay(t *testing.T) {
	oslo, err := time.LoadLocation("Europe/Oslo")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		now      time.Time
		from, to time.Time
	}{
		{"winter: Oslo is UTC+1", time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC),
			time.Date(2026, 11, 20, 23, 0, 0, 0, time.UTC), time.Date(2026, 11, 21, 23, 0, 0, 0, time.UTC)},
		{"just after midnight in Oslo, still yesterday in UTC", time.Date(2026, 11, 20, 23, 30, 0, 0, time.UTC),
			time.Date(2026, 11, 20, 23, 0, 0, 0, time.UTC), time.Date(2026, 11, 21, 23, 0, 0, 0, time.UTC)},
		{"summer: Oslo is UTC+2", time.Date(2026, 6, 10, 12, 0, 0, 0, time.UTC),
			time.Date(2026, 6, 9, 22, 0, 0, 0, time.UTC), time.Date(2026, 6, 10, 22, 0, 0, 0, time.UTC)},
		{"the day clocks go forward has 23 hours", time.Date(2026, 3, 29, 12, 0, 0, 0, time.UTC),
			time.Date(2026, 3, 28, 23, 0, 0, 0, time.UTC), time.Date(2026, 3, 29, 22, 0, 0, 0, time.UTC)},
		{"the day clocks go back has 25 hours", time.Date(2026, 10, 25, 12, 0, 0, 0, time.UTC),
			time.Date(2026, 10, 24, 22, 0, 0, 0, time.UTC), time.Date(2026, 10, 25, 23, 0, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			from, to := Day(tt.now, oslo)
			if !from.Equal(tt.from) || !to.Equal(tt.to) {
				t.Errorf("Day(%v): got [%v, %v), want [%v, %v)", tt.now, from.UTC(), to.UTC(), tt.from, tt.to)
			}
		})
	}
}

func TestOpenings(t *testing.T) {
	const window = time.Hour
	open := func(seq int64, min int, patient string) audit.Record {
		r := rec(min, "", patient, "lab", audit.ActionEmergency, "AKUTT")
		r.Seq, r.Reason = seq, "unconscious: brought in"
		return r
	}
	later := func(seq int64, min int, patient, resource, action string) audit.Record {
		r := rec(min, "", patient, resource, action, "")
		r.Seq = seq
		return r
	}
	other := func(r audit.Record) audit.Record { r.Actor.PID = "B"; return r }
	review := audit.Record{Seq: 99, Event: audit.Event{Time: t0.Add(3 * time.Hour), Action: audit.ActionReview}}
	now := t0.Add(30 * time.Minute)
	at := func(min int) time.Time { return t0.Add(time.Duration(min) * time.Minute) }
	tests := []struct {
		name    string
		opened  []audit.Record
		later   []audit.Record
		reviews map[int64]audit.Record
		now     time.Time
		want    []State
		ended   []time.Time
	}{
		{"within its window", []audit.Record{open(1, 0, "P1")}, nil, nil, now, []State{Active}, []time.Time{{}}},
		{"window lapsed", []audit.Record{open(1, 0, "P1")}, nil, nil, t0.Add(window), []State{Lapsed}, []time.Time{{}}},
		{"ended by the clinician", []audit.Record{open(1, 0, "P1")},
			[]audit.Record{later(2, 10, "P1", "lab", "access_basis_end")}, nil, now, []State{Ended}, []time.Time{at(10)}},
		{"the end of another patient's basis does not end it", []audit.Record{open(1, 0, "P1")},
			[]audit.Record{later(2, 10, "P2", "lab", "access_basis_end")}, nil, now, []State{Active}, []time.Time{{}}},
		{"an end before the opening does not end it", []audit.Record{open(2, 5, "P1")},
			[]audit.Record{later(1, 0, "P1", "lab", "access_basis_end")}, nil, now, []State{Active}, []time.Time{{}}},
		{"an end after the window lapsed is not its end", []audit.Record{open(1, 0, "P1")},
			[]audit.Record{later(2, 70, "P1", "lab", "access_basis_end")}, nil, t0.Add(2 * time.Hour), []State{Lapsed}, []time.Time{{}}},
		{"a new opening for the patient replaces it", []audit.Record{open(1, 0, "P1"), open(2, 20, "P1")},
			[]audit.Record{open(2, 20, "P1")}, nil, now, []State{Active, Ended}, []time.Time{{}, at(20)}},
		{"a basis chosen for the patient replaces it", []audit.Record{open(1, 0, "P1")},
			[]audit.Record{later(2, 15, "P1", "lab", "access_basis")}, nil, now, []State{Ended}, []time.Time{at(15)}},
		{"a logout ends every opening", []audit.Record{open(1, 0, "P1"), open(2, 1, "P2")},
			[]audit.Record{later(3, 12, "", "session", "logout")}, nil, now, []State{Ended, Ended}, []time.Time{at(12), at(12)}},
		{"the first ending counts", []audit.Record{open(1, 0, "P1")},
			[]audit.Record{later(3, 25, "", "session", "logout"), later(2, 11, "P1", "lab", "access_basis_end")}, nil, now,
			[]State{Ended}, []time.Time{at(11)}},
		{"another clinician's ending is not theirs", []audit.Record{open(1, 0, "P1")},
			[]audit.Record{other(later(2, 10, "P1", "lab", "access_basis_end"))}, nil, now, []State{Active}, []time.Time{{}}},
		{"a refused record is no opening", []audit.Record{denied(open(1, 0, "P1"))}, nil, nil, now, []State{}, []time.Time{}},
		{"reviewed", []audit.Record{open(1, 0, "P1")}, nil, map[int64]audit.Record{1: review}, t0.Add(4 * time.Hour),
			[]State{Lapsed}, []time.Time{{}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Openings(tt.opened, tt.later, tt.reviews, window, tt.now)
			states, ended := []State{}, []time.Time{}
			for _, o := range got {
				states, ended = append(states, o.State), append(ended, o.Ended)
				if o.Until != o.Opened.Add(window) {
					t.Errorf("seq %d: until %v; want the opening plus the window", o.Seq, o.Until)
				}
				if _, want := tt.reviews[o.Seq]; o.Reviewed != want || want && !o.Review.Equal(review.Time) {
					t.Errorf("seq %d: reviewed %v at %v; want %v", o.Seq, o.Reviewed, o.Review, want)
				}
				if o.Basis != "AKUTT" || o.Reason == "" || o.Patient == "" {
					t.Errorf("seq %d: %+v; want the basis, reason and patient of the record", o.Seq, o)
				}
			}
			if !reflect.DeepEqual(states, tt.want) || !reflect.DeepEqual(ended, tt.ended) {
				t.Errorf("Openings: states %v ended %v; want %v ended %v", states, ended, tt.want, tt.ended)
			}
		})
	}
}
