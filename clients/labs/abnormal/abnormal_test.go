package abnormal

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/oppslag/oppslag/clients/labs"
	"github.com/oppslag/oppslag/clients/tolerant"
)

func day(t *testing.T, s string) time.Time {
	t.Helper()
	d, err := time.ParseInLocation("2006-01-02", s, tolerant.Oslo)
	if err != nil {
		t.Fatal(err)
	}
	return d.Add(8 * time.Hour)
}

// res is a numeric result of code, flagged with level ("" for none).
func res(code string, v float64, level string) labs.Analysis {
	return labs.Analysis{Code: labs.Coding{Code: code, Display: "Name " + code},
		Value: labs.AnalysisValue{Quantity: &labs.Measure{Value: v, Unit: "mmol/L"}}, Interpretation: level}
}

func panel(code string, members ...labs.Analysis) labs.Analysis {
	return labs.Analysis{Code: labs.Coding{Code: code}, Members: members}
}

func report(id string, at time.Time, as ...labs.Analysis) labs.Report {
	return labs.Report{ID: id, Effective: at, Analyses: as}
}

func TestIs(t *testing.T) {
	unknown := res("X", 1, "")
	unknown.Flag = &labs.Flag{Coding: labs.Coding{Code: "Z"}}
	withdrawn := res("X", 1, labs.LevelHigh)
	withdrawn.Withdrawn = true
	tests := []struct {
		name string
		a    labs.Analysis
		want bool
	}{
		{"high", res("X", 1, labs.LevelHigh), true},
		{"critical low", res("X", 1, labs.LevelCriticalLow), true},
		{"abnormal", res("X", 1, labs.LevelAbnormal), true},
		{"resistant", res("X", 1, labs.LevelResistant), true},
		{"unknown code is shown, not hidden", unknown, true},
		{"normal", res("X", 1, labs.LevelNormal), false},
		{"no flag", res("X", 1, ""), false},
		{"susceptible is the answer hoped for", res("X", 1, labs.LevelSusceptible), false},
		{"withdrawn", withdrawn, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Is(tt.a); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

// codes writes reports as "id: codes", nested members in brackets.
func codes(reports []labs.Report) string {
	var walk func(as []labs.Analysis) string
	walk = func(as []labs.Analysis) string {
		var out []string
		for _, a := range as {
			s := a.Code.Code
			if len(a.Members) > 0 {
				s += "[" + walk(a.Members) + "]"
			}
			out = append(out, s)
		}
		return strings.Join(out, " ")
	}
	var out []string
	for _, r := range reports {
		out = append(out, r.ID+": "+walk(r.Analyses))
	}
	return strings.Join(out, " / ")
}

func TestFilter(t *testing.T) {
	at := day(t, "2026-03-01")
	withdrawn := report("w", at, res("K", 9, labs.LevelHigh))
	withdrawn.Withdrawn = true
	text := report("pat", at, res("DIAG", 0, ""))
	text.Category = labs.Coding{Code: "PAT"}
	tests := []struct {
		name       string
		reports    []labs.Report
		want       string
		wantHidden int
	}{
		{"keeps the deviations only", []labs.Report{report("a", at, res("NA", 140, ""), res("K", 6.1, labs.LevelHigh))}, "a: K", 0},
		{"keeps the panel around a deviating member", []labs.Report{report("a", at,
			panel("BLOD", res("HB", 10, labs.LevelLow), res("LEUK", 6, "")), res("CRP", 2, ""))}, "a: BLOD[HB]", 0},
		{"a panel that deviates itself keeps no normal member", []labs.Report{report("a", at,
			func() labs.Analysis {
				p := panel("P", res("M", 1, ""))
				p.Interpretation = labs.LevelAbnormal
				return p
			}())}, "a: P", 0},
		{"a report without a deviation is hidden", []labs.Report{report("a", at, res("NA", 140, "")), report("b", at, res("K", 2, labs.LevelCriticalLow))}, "b: K", 1},
		{"withdrawn and text reports are hidden", []labs.Report{withdrawn, text}, "", 2},
		{"nothing", nil, "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kept, hidden := Filter(tt.reports)
			if got := codes(kept); got != tt.want || hidden != tt.wantHidden {
				t.Errorf("got %q, %d hidden; want %q, %d hidden", got, hidden, tt.want, tt.wantHidden)
			}
		})
	}
	t.Run("the input is left alone", func(t *testing.T) {
		in := []labs.Report{report("a", at, res("NA", 140, ""), res("K", 6.1, labs.LevelHigh))}
		Filter(in)
		if got, want := codes(in), "a: NA K"; got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	})
}

// summary writes entries as "key value@date", with "(later value@date)".
func summary(es []Entry) string {
	date := func(r Result) string {
		if r.At.IsZero() {
			return "undated"
		}
		return r.At.In(tolerant.Oslo).Format("01-02")
	}
	var out []string
	for _, e := range es {
		s := fmt.Sprintf("%s %v@%s", e.Key, e.Latest.Analysis.Value.Quantity.Value, date(e.Latest))
		if e.Later != nil {
			s += fmt.Sprintf(" (later %v@%s)", e.Later.Analysis.Value.Quantity.Value, date(*e.Later))
		}
		out = append(out, s)
	}
	return strings.Join(out, ", ")
}

func TestSummary(t *testing.T) {
	jan, feb, mar := day(t, "2026-01-10"), day(t, "2026-02-10"), day(t, "2026-03-10")
	withdrawn := report("w", mar, res("K", 9, labs.LevelHigh))
	withdrawn.Withdrawn = true
	text := report("pat", mar, res("DIAG", 1, labs.LevelAbnormal))
	text.Category = labs.Coding{Code: "PAT"}
	organism := panel("ECOLI", labs.Analysis{Code: labs.Coding{Code: "AMP"}, Interpretation: labs.LevelResistant,
		Value: labs.AnalysisValue{Coded: &labs.Concept{Codings: []labs.Coding{{System: "urn:oid:2.16.578.1.12.4.1.1.8271", Code: "R"}}}}})
	tests := []struct {
		name    string
		reports []labs.Report
		from    time.Time
		want    string
	}{
		{"the latest deviation of each analysis, newest first",
			[]labs.Report{
				report("b", feb, res("K", 6.0, labs.LevelHigh), res("NA", 130, labs.LevelLow)),
				report("c", mar, res("K", 6.4, labs.LevelHigh)),
				report("a", jan, res("CRP", 80, labs.LevelHigh)),
			}, time.Time{}, "K 6.4@03-10, NA 130@02-10, CRP 80@01-10"},
		{"a later normal result is told",
			[]labs.Report{report("b", feb, res("K", 6.0, labs.LevelHigh)), report("c", mar, res("K", 4.1, ""))},
			time.Time{}, "K 6@02-10 (later 4.1@03-10)"},
		{"panel members are results, the panel is not",
			[]labs.Report{report("a", jan, panel("BLOD", res("HB", 10, labs.LevelLow), res("LEUK", 6, "")))},
			time.Time{}, "HB 10@01-10"},
		{"nothing before from",
			[]labs.Report{report("a", jan, res("CRP", 80, labs.LevelHigh)), report("b", mar, res("K", 6.4, labs.LevelHigh))},
			feb, "K 6.4@03-10"},
		{"withdrawn, text and cultures are not summed up",
			[]labs.Report{withdrawn, text, report("m", mar, organism)}, time.Time{}, ""},
		{"undated after dated",
			[]labs.Report{report("u", time.Time{}, res("NA", 128, labs.LevelLow)), report("a", jan, res("CRP", 80, labs.LevelHigh))},
			time.Time{}, "CRP 80@01-10, NA 128@undated"},
		{"an undated report is never before from",
			[]labs.Report{report("u", time.Time{}, res("NA", 128, labs.LevelLow)), report("a", jan, res("CRP", 80, labs.LevelHigh))},
			feb, "NA 128@undated"},
		{"no deviation", []labs.Report{report("a", jan, res("CRP", 3, ""))}, time.Time{}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := summary(Summary(tt.reports, tt.from)); got != tt.want {
				t.Errorf("got %q\nwant %q", got, tt.want)
			}
		})
	}
}
