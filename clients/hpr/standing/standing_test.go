package standing

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/oppslag/oppslag/clients/hpr"
	"github.com/oppslag/oppslag/clients/hpr/hprindex"
)

var update = flag.Bool("update", false, "rewrite testdata/corpus.golden")

var (
	d     = hpr.NewDate
	open  = hpr.Date{}
	today = d(2026, 3, 2)
	catLE = hpr.Code{Value: "LE", CodeSet: hpr.CodeSet{ID: hpr.CodeSetCategory}}
	catSP = hpr.Code{Value: "SP", CodeSet: hpr.CodeSet{ID: hpr.CodeSetCategory}}
	catHE = hpr.Code{Value: "HE", CodeSet: hpr.CodeSet{ID: hpr.CodeSetCategory}}
	ended = &hpr.Code{Value: "3"}
)

func approval(cat hpr.Code, from, to hpr.Date, conditions ...string) hpr.Approval {
	a := hpr.Approval{Category: cat, Period: hpr.Period{From: from, To: to}}
	for _, c := range conditions {
		a.Conditions = append(a.Conditions, hpr.Condition{Type: hpr.Code{Name: c}})
	}
	return a
}

func suspension(from, to hpr.Date) hpr.Reaction {
	return hpr.Reaction{Type: hpr.Code{Value: "5", Name: "Suspensjon"}, Period: hpr.Period{From: from, To: to}}
}

func values(cs []hpr.Code) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Value)
	}
	return out
}

func TestOf(t *testing.T) {
	replacement := 4242
	tests := []struct {
		name string
		p    hpr.Personnel
		want Kind
	}{
		{"valid approval", hpr.Personnel{Approvals: []hpr.Approval{approval(catLE, d(2005, 8, 1), open)}}, Active},
		{"ended approval", hpr.Personnel{Approvals: []hpr.Approval{approval(catLE, d(2005, 8, 1), d(2020, 1, 1))}}, Expired},
		{"ended without an end date is not valid", hpr.Personnel{Approvals: []hpr.Approval{{Category: catLE, Ended: ended}}}, Expired},
		{"no approvals", hpr.Personnel{}, None},
		{"suspended on the person", hpr.Personnel{
			Approvals: []hpr.Approval{approval(catLE, d(2005, 8, 1), open)},
			Reactions: []hpr.Reaction{suspension(d(2026, 1, 1), open)}}, Suspended},
		{"an old suspension is over", hpr.Personnel{
			Approvals: []hpr.Approval{approval(catLE, d(2005, 8, 1), open)},
			Reactions: []hpr.Reaction{suspension(d(2010, 1, 1), d(2010, 6, 30))}}, Active},
		{"deceased before suspended", hpr.Personnel{
			Person:    hpr.PersonData{DeathDate: d(2025, 6, 1)},
			Approvals: []hpr.Approval{approval(catLE, d(2005, 8, 1), open)},
			Reactions: []hpr.Reaction{suspension(d(2026, 1, 1), open)}}, Deceased},
		{"an unreadable death date fails closed", hpr.Personnel{
			Person:    hpr.PersonData{DeathDate: hpr.Date{Raw: "mars 2022"}},
			Approvals: []hpr.Approval{approval(catLE, d(2005, 8, 1), open)}}, Deceased},
		{"replaced before anything else", hpr.Personnel{
			ReplacedBy: &replacement,
			Person:     hpr.PersonData{DeathDate: d(2025, 6, 1)}}, Replaced},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Of(hpr.StatusOn(tt.p, today)); got != tt.want {
				t.Errorf("Of = %q; want %q", got, tt.want)
			}
		})
	}
}

func TestOfHit(t *testing.T) {
	tests := []struct {
		name string
		hit  hprindex.Hit
		want Kind
	}{
		{"active", hprindex.Hit{Status: hprindex.Status{Active: true}, Categories: []string{"LE"}}, Active},
		{"categories but not active", hprindex.Hit{Categories: []string{"LE"}}, Expired},
		{"nothing", hprindex.Hit{}, None},
		{"suspended before active", hprindex.Hit{Status: hprindex.Status{Active: true, Suspended: true}}, Suspended},
		{"deceased before suspended", hprindex.Hit{Status: hprindex.Status{Suspended: true, Deceased: true}}, Deceased},
		{"replaced before deceased", hprindex.Hit{Status: hprindex.Status{Deceased: true, ReplacedBy: 7}}, Replaced},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := OfHit(tt.hit); got != tt.want {
				t.Errorf("OfHit = %q; want %q", got, tt.want)
			}
		})
	}
}

func TestCategoriesExpiryConditionsOrder(t *testing.T) {
	tests := []struct {
		name           string
		approvals      []hpr.Approval
		wantCategories []string
		wantExpiry     hpr.Date
		wantConditions []string
		wantOrder      []string
	}{
		{
			name:           "none",
			wantCategories: nil, wantExpiry: open, wantConditions: nil, wantOrder: []string{},
		},
		{
			name: "current ones only, first in the card",
			approvals: []hpr.Approval{
				approval(catSP, d(2000, 1, 1), d(2010, 1, 1), "old condition"),
				approval(catLE, d(2005, 8, 1), d(2026, 12, 31), "Begrenset til stilling"),
				approval(catHE, d(2010, 1, 1), d(2026, 5, 1)),
			},
			wantCategories: []string{"LE", "HE"},
			wantExpiry:     d(2026, 5, 1),
			wantConditions: []string{"Begrenset til stilling"},
			wantOrder:      []string{"LE", "HE", "SP"},
		},
		{
			name: "an open-ended one does not hide a dated one",
			approvals: []hpr.Approval{
				approval(catLE, d(2005, 8, 1), open),
				approval(catSP, d(2005, 8, 1), d(2027, 1, 1)),
			},
			wantCategories: []string{"LE", "SP"},
			wantExpiry:     d(2027, 1, 1),
			wantOrder:      []string{"LE", "SP"},
		},
		{
			name: "all expired: every category, no expiry",
			approvals: []hpr.Approval{
				approval(catSP, d(2000, 1, 1), d(2010, 1, 1)),
				approval(catLE, d(2000, 1, 1), d(2012, 1, 1), "gone"),
				approval(catSP, d(2012, 1, 1), d(2014, 1, 1)),
			},
			wantCategories: []string{"SP", "LE", "SP"},
			wantExpiry:     open,
			wantOrder:      []string{"SP", "LE", "SP"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := hpr.StatusOn(hpr.Personnel{Approvals: tt.approvals}, today)
			if got := values(Categories(st)); !slices.Equal(got, tt.wantCategories) {
				t.Errorf("Categories = %v; want %v", got, tt.wantCategories)
			}
			if got := NextExpiry(st); !got.Equal(tt.wantExpiry.Time) {
				t.Errorf("NextExpiry = %v; want %v", got, tt.wantExpiry)
			}
			var conditions []string
			for _, c := range Conditions(st) {
				conditions = append(conditions, c.Type.Name)
			}
			if !slices.Equal(conditions, tt.wantConditions) {
				t.Errorf("Conditions = %v; want %v", conditions, tt.wantConditions)
			}
			order := []string{}
			for _, a := range Ordered(st) {
				order = append(order, a.Category().Value)
			}
			if !slices.Equal(order, tt.wantOrder) {
				t.Errorf("Ordered = %v; want %v", order, tt.wantOrder)
			}
		})
	}
}

func TestRightValidOn(t *testing.T) {
	tests := []struct {
		name string
		r    hpr.Right
		want bool
	}{
		{"open-ended", hpr.Right{Period: hpr.Period{From: d(2012, 3, 1)}}, true},
		{"in its period", hpr.Right{Period: hpr.Period{From: d(2012, 3, 1), To: d(2026, 3, 2)}}, true},
		{"ended yesterday", hpr.Right{Period: hpr.Period{From: d(2012, 3, 1), To: d(2026, 3, 1)}}, false},
		{"not yet begun", hpr.Right{Period: hpr.Period{From: d(2026, 3, 3)}}, false},
		{"ended without an end date", hpr.Right{Period: hpr.Period{From: d(2012, 3, 1)}, Ended: ended}, false},
		{"ended with an end date ahead", hpr.Right{Period: hpr.Period{From: d(2012, 3, 1), To: d(2027, 1, 1)}, Ended: ended}, true},
		{"an unreadable end", hpr.Right{Period: hpr.Period{From: d(2012, 3, 1), To: hpr.Date{Raw: "snart"}}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := RightValidOn(tt.r, today); got != tt.want {
				t.Errorf("RightValidOn = %v; want %v", got, tt.want)
			}
		})
	}
}

// TestCorpus sums up every public example document (../testdata/personnel)
// on a fixed day and compares the whole with testdata/corpus.golden
// (-update rewrites it).
func TestCorpus(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "testdata", "personnel", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no example documents: %v", err)
	}
	day := d(2026, 11, 21) // the day of the card goldens
	var sb strings.Builder
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		p, err := hpr.DecodePersonnel(b)
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		st := hpr.StatusOn(p, day)
		fmt.Fprintf(&sb, "%s\n  kind: %s\n  categories: %s\n  next expiry: %s\n",
			filepath.Base(file), Of(st), strings.Join(values(Categories(st)), " "), NextExpiry(st))
		for _, c := range Conditions(st) {
			fmt.Fprintf(&sb, "  condition: %s\n", c.Type.Name)
		}
		for _, a := range Ordered(st) {
			fmt.Fprintf(&sb, "  approval: %s valid=%v\n", a.Category().Value, a.ValidOn)
			for _, r := range a.Approval.Specialities {
				fmt.Fprintf(&sb, "    speciality: %s valid=%v\n", r.Type.Name, RightValidOn(r, day))
			}
			for _, r := range a.Approval.RequisitionRights {
				fmt.Fprintf(&sb, "    requisition right: %s valid=%v\n", r.Type.Name, RightValidOn(r, day))
			}
		}
	}
	golden := filepath.Join("testdata", "corpus.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(sb.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to write it)", err)
	}
	if got := sb.String(); got != string(want) {
		t.Errorf("corpus summary differs from %s (-update rewrites it):\n%s", golden, got)
	}
}
