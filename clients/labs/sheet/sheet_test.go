package sheet

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/oppslag/oppslag/clients/labs"
	"github.com/oppslag/oppslag/clients/tolerant"
)

func at(t *testing.T, s string) time.Time {
	t.Helper()
	d, err := time.ParseInLocation("2006-01-02 15:04", s, tolerant.Oslo)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func res(code string, v float64, level string) labs.Analysis {
	return labs.Analysis{Code: labs.Coding{Code: code, Display: code},
		Value: labs.AnalysisValue{Quantity: &labs.Measure{Value: v}}, Interpretation: level}
}

func panel(code string, members ...labs.Analysis) labs.Analysis {
	return labs.Analysis{Code: labs.Coding{Code: code, Display: "Panel " + code}, Members: members}
}

func report(id string, when time.Time, as ...labs.Analysis) labs.Report {
	return labs.Report{ID: id, Effective: when, Category: labs.Coding{Code: "CLIN", Display: "Biokjemi"}, Analyses: as}
}

// layout writes a sheet as its columns, then one line per group:
// "<group>: row=cell|cell ...", a cell its values ("-" for none, "*" after
// a deviation).
func layout(s Sheet) string {
	var cols []string
	for _, c := range s.Columns {
		col := "undated"
		if !c.At.IsZero() {
			col = c.At.In(tolerant.Oslo).Format("01-02T15")
		}
		if c.Restricted {
			col += "(r)"
		}
		cols = append(cols, col+"="+strings.Join(c.Reports, "+"))
	}
	out := []string{"cols " + strings.Join(cols, " ")}
	for _, g := range s.Groups {
		var rows []string
		for _, r := range g.Rows {
			var cells []string
			for _, c := range r.Cells {
				var vs []string
				for _, a := range c.Results {
					v := fmt.Sprint(a.Value.Quantity.Value)
					if a.Interpretation != "" {
						v += "*"
					}
					vs = append(vs, v)
				}
				if len(vs) == 0 {
					vs = []string{"-"}
				}
				cells = append(cells, strings.Join(vs, ","))
			}
			rows = append(rows, r.Name+"="+strings.Join(cells, "|"))
		}
		out = append(out, g.Name+": "+strings.Join(rows, " "))
	}
	if s.Older+s.Other+s.Hidden > 0 {
		out = append(out, fmt.Sprintf("older %d other %d hidden %d", s.Older, s.Other, s.Hidden))
	}
	return strings.Join(out, "\n")
}

func TestBuild(t *testing.T) {
	jan, feb, mar := at(t, "2026-01-10 08:00"), at(t, "2026-02-10 09:00"), at(t, "2026-03-10 10:00")
	text := report("pat", mar, res("DIAG", 1, ""))
	text.Category = labs.Coding{Code: "PAT"}
	withdrawn := report("w", mar, res("K", 1, ""))
	withdrawn.Withdrawn = true
	culture := report("m", mar, panel("ECOLI", labs.Analysis{Code: labs.Coding{Code: "AMP"},
		Value: labs.AnalysisValue{Coded: &labs.Concept{Codings: []labs.Coding{{System: "urn:oid:2.16.578.1.12.4.1.1.8271", Code: "R"}}}}}))
	tests := []struct {
		name    string
		reports []labs.Report
		opts    Options
		want    string
	}{
		{"dates as columns, newest first; analyses as rows",
			[]labs.Report{report("a", jan, res("K", 4, "")), report("c", mar, res("K", 6, "H"), res("NA", 140, "")), report("b", feb, res("NA", 131, "L"))},
			Options{}, "cols 03-10T10=c 02-10T09=b 01-10T08=a\nBiokjemi: K=6*|-|4 NA=140|131*|-"},
		{"grouped by panel, the report's kind for results ordered alone",
			[]labs.Report{report("a", mar, panel("BLOD", res("HB", 13, ""), res("LEUK", 12, "H")), res("CRP", 3, ""))},
			Options{}, "cols 03-10T10=a\nPanel BLOD: HB=13 LEUK=12*\nBiokjemi: CRP=3"},
		{"an analysis is one row, under the group it was last ordered in",
			[]labs.Report{report("b", mar, res("HB", 12, "")), report("a", jan, panel("BLOD", res("HB", 13, "")))},
			Options{}, "cols 03-10T10=b 01-10T08=a\nBiokjemi: HB=12|13"},
		{"reports taken at once share a column",
			[]labs.Report{report("a", mar, res("K", 4, "")), report("b", mar, res("HB", 13, ""))},
			Options{}, "cols 03-10T10=a+b\nBiokjemi: K=4 HB=13"},
		{"a repeated result stays in its cell",
			[]labs.Report{report("a", mar, res("K", 4, ""), res("K", 4.2, ""))},
			Options{}, "cols 03-10T10=a\nBiokjemi: K=4,4.2"},
		{"a restricted report has its own column, marked",
			[]labs.Report{report("a", mar, res("K", 4, "")), report("b", mar, res("HB", 13, ""))},
			Options{Restricted: func(r labs.Report) bool { return r.ID == "b" }},
			"cols 03-10T10=a 03-10T10(r)=b\nBiokjemi: K=4|- HB=-|13"},
		{"older reports counted, not shown",
			[]labs.Report{report("a", jan, res("K", 4, "")), report("c", mar, res("K", 6, ""))},
			Options{From: feb}, "cols 03-10T10=c\nBiokjemi: K=6\nolder 1 other 0 hidden 0"},
		{"text, cultures and withdrawn reports are left to the reports view",
			[]labs.Report{text, withdrawn, culture, report("a", jan, res("K", 4, ""))},
			Options{}, "cols 01-10T08=a\nBiokjemi: K=4\nolder 0 other 3 hidden 0"},
		{"undated last, never older",
			[]labs.Report{report("u", time.Time{}, res("K", 5, "")), report("a", jan, res("K", 4, ""))},
			Options{From: feb}, "cols undated=u\nBiokjemi: K=5\nolder 1 other 0 hidden 0"},
		{"only abnormal: rows with a deviation, with their other results; columns left empty go",
			[]labs.Report{
				report("c", mar, res("K", 6, "H"), res("NA", 140, "")),
				report("b", feb, res("NA", 139, "")),
				report("a", jan, res("K", 4, ""), panel("BLOD", res("HB", 9, "L"))),
			},
			Options{OnlyAbnormal: true}, "cols 03-10T10=c 01-10T08=a\nBiokjemi: K=6*|4\nPanel BLOD: HB=-|9*\nolder 0 other 0 hidden 1"},
		{"only abnormal, none", []labs.Report{report("a", jan, res("K", 4, ""))},
			Options{OnlyAbnormal: true}, "cols \nolder 0 other 0 hidden 1"},
		{"nothing", nil, Options{}, "cols "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := layout(Build(tt.reports, tt.opts)); got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

func TestRowFacts(t *testing.T) {
	named := res("NPU02319", 13, "")
	named.Code.Display = "Hemoglobin"
	old := res("NPU02319", 12, "L")
	old.Code.Display = "Hb (old name)"
	coded := labs.Analysis{Code: labs.Coding{Code: "X1"}, Value: labs.AnalysisValue{Text: "positive"}}
	s := Build([]labs.Report{
		report("b", at(t, "2026-03-10 10:00"), named, coded),
		report("a", at(t, "2026-01-10 10:00"), old),
	}, Options{})
	rows := s.Groups[0].Rows
	if got, want := len(rows), 2; got != want {
		t.Fatalf("got %d rows, want %d", got, want)
	}
	hb, x := rows[0], rows[1]
	if hb.Name != "Hemoglobin" || !hb.Linkable || hb.Code != "NPU02319" || !hb.Abnormal {
		t.Errorf("got %+v; want the newest name, linkable, abnormal", hb)
	}
	if x.Name != "X1" || x.Linkable || x.Abnormal {
		t.Errorf("got %+v; want named by its code, no trend, not abnormal", x)
	}
	if !hb.Cells[1].Abnormal() || hb.Cells[0].Abnormal() {
		t.Errorf("got cells %+v; want only the January cell abnormal", hb.Cells)
	}
}
