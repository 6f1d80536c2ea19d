package grouping

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/oppslag/oppslag/clients/labs"
	"github.com/oppslag/oppslag/clients/tolerant"
)

// at is a time in Oslo: "2026-11-21 08:00".
func at(t *testing.T, s string) time.Time {
	t.Helper()
	d, err := time.ParseInLocation("2006-01-02 15:04", s, tolerant.Oslo)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestByDay(t *testing.T) {
	rep := func(id string, effective, issued time.Time) labs.Report {
		return labs.Report{ID: id, Effective: effective, Issued: issued}
	}
	var zero time.Time
	from := at(t, "2026-01-01 00:00")
	tests := []struct {
		name      string
		reports   []labs.Report
		from      time.Time
		want      string // days separated by " / ", each "date: ids"
		wantOlder int
	}{
		{"one day", []labs.Report{rep("a", at(t, "2026-11-21 14:00"), zero), rep("b", at(t, "2026-11-21 08:00"), zero)}, zero,
			"2026-11-21: a b", 0},
		{"two days", []labs.Report{rep("a", at(t, "2026-11-21 08:00"), zero), rep("b", at(t, "2026-11-20 08:00"), zero)}, zero,
			"2026-11-21: a / 2026-11-20: b", 0},
		{"the day in Oslo, not in UTC", []labs.Report{
			rep("a", at(t, "2026-11-21 00:30"), zero), // 20 November in UTC
			rep("b", at(t, "2026-11-21 23:30"), zero),
		}, zero, "2026-11-21: a b", 0},
		{"issue time when no effective time", []labs.Report{rep("a", zero, at(t, "2026-11-21 08:00")), rep("b", at(t, "2026-11-21 09:00"), zero)}, zero,
			"2026-11-21: a b", 0},
		{"older reports counted, not grouped", []labs.Report{
			rep("a", at(t, "2026-11-21 08:00"), zero),
			rep("old1", at(t, "2025-12-31 23:59"), zero),
			rep("old2", at(t, "2020-01-01 08:00"), zero),
		}, from, "2026-11-21: a", 2},
		{"undated reports are never older, and share a day", []labs.Report{rep("u1", zero, zero), rep("u2", zero, zero)}, from,
			"undated: u1 u2", 0},
		{"a day apart from its neighbours is its own again", []labs.Report{
			rep("a", at(t, "2026-11-21 08:00"), zero), rep("b", at(t, "2026-11-20 08:00"), zero), rep("c", at(t, "2026-11-21 07:00"), zero),
		}, zero, "2026-11-21: a / 2026-11-20: b / 2026-11-21: c", 0},
		{"nothing", nil, from, "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			days, older := ByDay(tt.reports, tt.from)
			var got []string
			for _, d := range days {
				date := "undated"
				if !d.At.IsZero() {
					date = d.At.In(tolerant.Oslo).Format(time.DateOnly)
				}
				var ids []string
				for _, r := range d.Reports {
					ids = append(ids, r.ID)
				}
				got = append(got, date+": "+strings.Join(ids, " "))
			}
			if g := strings.Join(got, " / "); g != tt.want || older != tt.wantOlder {
				t.Errorf("got %q, %d older; want %q, %d older", g, older, tt.want, tt.wantOlder)
			}
		})
	}
}

// heading is a coded value under KITH heading code (kodeverk 8243).
func heading(code, text string) labs.AnalysisValue {
	return labs.AnalysisValue{Coded: &labs.Concept{Text: text,
		Codings: []labs.Coding{{System: "http://ehelse.no/fhir/CodeSystem/no-kodeverk-8243", Code: code}}}}
}

func an(code string, members ...labs.Analysis) labs.Analysis {
	return labs.Analysis{Code: labs.Coding{Code: code}, Value: labs.AnalysisValue{Text: "v"}, Members: members}
}

// layout writes a Layout as one line per table: "rows: A B.1 B.2",
// "group <name>: ...", "culture <code>".
func layout(l Layout) string {
	rows := func(rs []Row) string {
		var out []string
		for _, r := range rs {
			out = append(out, fmt.Sprintf("%s@%d", r.Analysis.Code.Code, r.Depth))
		}
		return strings.Join(out, " ")
	}
	out := []string{"rows: " + rows(l.Rows)}
	for _, g := range l.Groups {
		out = append(out, "group "+g.Name+": "+rows(g.Rows))
	}
	for _, c := range l.Cultures {
		out = append(out, "culture "+c.Code.Code)
	}
	return strings.Join(out, "\n")
}

func TestArrange(t *testing.T) {
	susceptible := func(code string) labs.Analysis {
		return labs.Analysis{Code: labs.Coding{Code: code}, Interpretation: labs.LevelResistant}
	}
	organism := func(code string) labs.Analysis {
		return an(code, an("AMOUNT"), susceptible("AMP"), susceptible("MEC"))
	}
	group := func(text, code string, members ...labs.Analysis) labs.Analysis {
		return labs.Analysis{Code: labs.Coding{Code: code}, Value: heading("GR", text), Members: members}
	}
	tests := []struct {
		name string
		as   []labs.Analysis
		want string
	}{
		{"flat", []labs.Analysis{an("A"), an("B")}, "rows: A@0 B@0"},
		{"panels before their members", []labs.Analysis{an("P", an("A"), an("Q", an("B"))), an("C")},
			"rows: P@0 A@1 Q@1 B@2 C@0"},
		{"an organism is a culture, wherever it is", []labs.Analysis{an("P", organism("ECOLI")), organism("KLEB")},
			"rows: P@0\nculture ECOLI\nculture KLEB"},
		{"a group at the top is a table of its own", []labs.Analysis{an("A"), group("Luftveisvirus", "GRP", an("RSV"), an("P", an("FLU")))},
			"rows: A@0\ngroup Luftveisvirus: RSV@0 P@0 FLU@1"},
		{"a group without text is named by its code", []labs.Analysis{group("", "GRP", an("RSV"))},
			"rows: \ngroup GRP: RSV@0"},
		{"a group under a panel is a row", []labs.Analysis{an("P", group("G", "GRP", an("X")))},
			"rows: P@0 GRP@1 X@2"},
		{"a group in a group is a table of its own, first", []labs.Analysis{group("Ytre", "G1", an("A"), group("Indre", "G2", an("B")))},
			"rows: \ngroup Indre: B@0\ngroup Ytre: A@0"},
		{"an organism in a group is a culture", []labs.Analysis{group("G", "GRP", organism("ECOLI"), an("A"))},
			"rows: \ngroup G: A@0\nculture ECOLI"},
		{"nothing", nil, "rows: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := layout(Arrange(tt.as)); got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}
