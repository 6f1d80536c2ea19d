package hpr_test

import (
	"slices"
	"testing"
	"time"

	"github.com/oppslag/oppslag/clients/hpr"
)

func code(set int, value string) hpr.Code {
	return hpr.Code{Value: value, CodeSet: hpr.CodeSet{ID: set}}
}

func period(from, to hpr.Date) hpr.Period { return hpr.Period{From: from, To: to} }

var (
	d        = hpr.NewDate
	open     = hpr.Date{}
	catLE    = code(hpr.CodeSetCategory, "LE")
	catSP    = code(hpr.CodeSetCategory, "SP")
	aut      = code(hpr.CodeSetAuthorization, "1")
	endedFor = code(7705, "3")
)

func suspension(value string, p hpr.Period) hpr.Reaction {
	return hpr.Reaction{Type: code(7706, value), Period: p}
}

func TestStatusOn(t *testing.T) {
	today := d(2026, 3, 2)
	replacement := 4242
	type approvalWant struct {
		category     string
		valid        bool
		expires      string
		daysLeft     int
		expiringSoon bool
		suspended    bool
		specialities int
	}
	tests := []struct {
		name           string
		p              hpr.Personnel
		day            hpr.Date
		wantApprovals  []approvalWant
		wantCurrent    []string
		wantSuspended  bool
		wantDeceased   bool
		wantReplaced   int
		wantAuthorised bool
	}{
		{
			name: "open-ended authorisation",
			p:    hpr.Personnel{Approvals: []hpr.Approval{{Category: catLE, Authorization: aut, Period: period(d(2005, 8, 1), open)}}},
			day:  today, wantApprovals: []approvalWant{{category: "LE", valid: true}},
			wantCurrent: []string{"LE"}, wantAuthorised: true,
		},
		{
			name: "licence ending in 90 days is expiring",
			p:    hpr.Personnel{Approvals: []hpr.Approval{{Category: catLE, Period: period(d(2025, 6, 1), d(2026, 5, 31))}}},
			day:  today, wantApprovals: []approvalWant{{category: "LE", valid: true, expires: "2026-05-31", daysLeft: 90, expiringSoon: true}},
			wantCurrent: []string{"LE"}, wantAuthorised: true,
		},
		{
			name: "licence ending in 91 days is not yet expiring",
			p:    hpr.Personnel{Approvals: []hpr.Approval{{Category: catLE, Period: period(d(2025, 6, 1), d(2026, 6, 1))}}},
			day:  today, wantApprovals: []approvalWant{{category: "LE", valid: true, expires: "2026-06-01", daysLeft: 91}},
			wantCurrent: []string{"LE"}, wantAuthorised: true,
		},
		{
			name: "last day is still valid",
			p:    hpr.Personnel{Approvals: []hpr.Approval{{Category: catLE, Period: period(d(2025, 6, 1), today)}}},
			day:  today, wantApprovals: []approvalWant{{category: "LE", valid: true, expires: "2026-03-02", daysLeft: 0, expiringSoon: true}},
			wantCurrent: []string{"LE"}, wantAuthorised: true,
		},
		{
			name: "expired yesterday",
			p:    hpr.Personnel{Approvals: []hpr.Approval{{Category: catLE, Period: period(d(2025, 6, 1), d(2026, 3, 1))}}},
			day:  today, wantApprovals: []approvalWant{{category: "LE", expires: "2026-03-01"}},
		},
		{
			name: "starts tomorrow",
			p:    hpr.Personnel{Approvals: []hpr.Approval{{Category: catLE, Period: period(d(2026, 3, 3), open)}}},
			day:  today, wantApprovals: []approvalWant{{category: "LE"}},
		},
		{
			name: "ended without an end date is not valid",
			p:    hpr.Personnel{Approvals: []hpr.Approval{{Category: catLE, Period: period(d(2005, 1, 1), open), Ended: &endedFor}}},
			day:  today, wantApprovals: []approvalWant{{category: "LE"}},
		},
		{
			name: "suspended on the person covers every approval",
			p: hpr.Personnel{
				Approvals: []hpr.Approval{{Category: catLE, Period: period(d(2005, 1, 1), open)}, {Category: catSP, Period: period(d(2000, 1, 1), open)}},
				Reactions: []hpr.Reaction{suspension("5", period(d(2026, 1, 1), open))},
			},
			day:           today,
			wantApprovals: []approvalWant{{category: "LE", valid: true, suspended: true}, {category: "SP", valid: true, suspended: true}},
			wantCurrent:   []string{"LE", "SP"}, wantSuspended: true,
		},
		{
			name: "suspended on one approval only",
			p: hpr.Personnel{Approvals: []hpr.Approval{
				{Category: catLE, Period: period(d(2005, 1, 1), open), Reactions: []hpr.Reaction{suspension("8", period(d(2026, 2, 1), d(2026, 4, 1)))}},
				{Category: catSP, Period: period(d(2000, 1, 1), open)},
			}},
			day:           today,
			wantApprovals: []approvalWant{{category: "LE", valid: true, suspended: true}, {category: "SP", valid: true}},
			wantCurrent:   []string{"LE", "SP"}, wantSuspended: true, wantAuthorised: true,
		},
		{
			name: "past suspension and a reaction that is no suspension",
			p: hpr.Personnel{
				Approvals: []hpr.Approval{{Category: catLE, Period: period(d(2005, 1, 1), open)}},
				Reactions: []hpr.Reaction{suspension("1", period(d(2010, 1, 1), d(2010, 6, 30))), suspension("2", period(d(2026, 1, 1), open))},
			},
			day: today, wantApprovals: []approvalWant{{category: "LE", valid: true}},
			wantCurrent: []string{"LE"}, wantAuthorised: true,
		},
		{
			name: "suspension starting tomorrow",
			p: hpr.Personnel{
				Approvals: []hpr.Approval{{Category: catLE, Period: period(d(2005, 1, 1), open)}},
				Reactions: []hpr.Reaction{suspension("1", period(d(2026, 3, 3), open))},
			},
			day: today, wantApprovals: []approvalWant{{category: "LE", valid: true}},
			wantCurrent: []string{"LE"}, wantAuthorised: true,
		},
		{
			name: "deceased",
			p: hpr.Personnel{
				Person:    hpr.PersonData{DeathDate: d(2025, 6, 1)},
				Approvals: []hpr.Approval{{Category: catSP, Period: period(d(2001, 1, 1), open)}},
			},
			day: today, wantApprovals: []approvalWant{{category: "SP", valid: true}},
			wantCurrent: []string{"SP"}, wantDeceased: true,
		},
		{
			name: "death date after the day asked about",
			p: hpr.Personnel{
				Person:    hpr.PersonData{DeathDate: d(2025, 6, 1)},
				Approvals: []hpr.Approval{{Category: catSP, Period: period(d(2001, 1, 1), open)}},
			},
			day: d(2024, 1, 1), wantApprovals: []approvalWant{{category: "SP", valid: true}},
			wantCurrent: []string{"SP"}, wantAuthorised: true,
		},
		{
			name: "replaced",
			p:    hpr.Personnel{ReplacedBy: &replacement},
			day:  today, wantReplaced: replacement,
		},
		{
			name: "specialities valid on the day",
			p: hpr.Personnel{Approvals: []hpr.Approval{{
				Category: catLE, Period: period(d(2005, 1, 1), open),
				Specialities: []hpr.Right{
					{Type: code(7426, "1"), Period: period(d(2012, 1, 1), open)},
					{Type: code(7426, "40"), Period: period(d(2008, 1, 1), d(2011, 12, 31))},
					{Type: code(7426, "2"), Period: period(d(2012, 1, 1), open), Ended: &endedFor},
				},
			}}},
			day: today, wantApprovals: []approvalWant{{category: "LE", valid: true, specialities: 1}},
			wantCurrent: []string{"LE"}, wantAuthorised: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := hpr.StatusOn(tt.p, tt.day)
			var got []approvalWant
			for _, a := range s.Approvals {
				got = append(got, approvalWant{
					category: a.Category().Value, valid: a.ValidOn, expires: a.Expires.String(),
					daysLeft: a.DaysLeft, expiringSoon: a.ExpiringSoon, suspended: a.Suspended,
					specialities: len(a.Specialities),
				})
			}
			if !slices.Equal(got, tt.wantApprovals) {
				t.Errorf("approvals:\n got %+v\nwant %+v", got, tt.wantApprovals)
			}
			var current []string
			for _, a := range s.Current() {
				current = append(current, a.Category().Value)
			}
			if !slices.Equal(current, tt.wantCurrent) {
				t.Errorf("current: got %v, want %v", current, tt.wantCurrent)
			}
			if s.Suspended != tt.wantSuspended || s.Suspended != (len(s.Suspensions) > 0) {
				t.Errorf("suspended: got %v (%d reactions), want %v", s.Suspended, len(s.Suspensions), tt.wantSuspended)
			}
			if s.Deceased != tt.wantDeceased {
				t.Errorf("deceased: got %v, want %v", s.Deceased, tt.wantDeceased)
			}
			if s.Replaced != (tt.wantReplaced != 0) || s.ReplacedBy != tt.wantReplaced {
				t.Errorf("replaced: got %v %d, want %d", s.Replaced, s.ReplacedBy, tt.wantReplaced)
			}
			if got := s.Authorised(); got != tt.wantAuthorised {
				t.Errorf("Authorised: got %v, want %v", got, tt.wantAuthorised)
			}
			if !s.Day.Equal(tt.day.Time) {
				t.Errorf("Day: got %v, want %v", s.Day, tt.day)
			}
		})
	}
}

func TestToday_IsNorwegianDay(t *testing.T) {
	tests := []struct {
		now  time.Time
		want string
	}{
		{time.Date(2026, 3, 1, 22, 59, 0, 0, time.UTC), "2026-03-01"},
		{time.Date(2026, 3, 1, 23, 0, 0, 0, time.UTC), "2026-03-02"},  // midnight in Oslo (CET)
		{time.Date(2026, 6, 30, 22, 0, 0, 0, time.UTC), "2026-07-01"}, // midnight in Oslo (CEST)
	}
	for _, tt := range tests {
		if got := hpr.Today(tt.now).String(); got != tt.want {
			t.Errorf("Today(%v): got %s, want %s", tt.now, got, tt.want)
		}
	}
}
