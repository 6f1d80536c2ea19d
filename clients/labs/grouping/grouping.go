// Package grouping arranges a lab search result for reading: its reports
// by the day their results were taken, and a report's analyses into the
// rows of its table, a table per result group and a culture per isolated
// organism.
//
// It decides the order and the nesting only; the handlers word and date
// what it returns. It lives under clients/labs beside the model it reads,
// with no HTTP and no language, so the results page and the print view
// arrange a report the same way.
package grouping

import (
	"time"

	"github.com/oppslag/oppslag/clients/labs"
	"github.com/oppslag/oppslag/clients/labs/trend"
	"github.com/oppslag/oppslag/clients/tolerant"
)

// Day is the reports of one calendar day in Oslo, in the order received.
type Day struct {
	At      time.Time // when the day's first report was taken (trend.When); zero for undated reports
	Reports []labs.Report
}

// ByDay groups the reports taken at or after from; reports taken before
// it are only counted, in older. Reports next to each other on the same
// day share a Day: the service sends the newest first, so a day's reports
// come together. An undated report is never older, and undated reports
// next to each other share a Day.
func ByDay(reports []labs.Report, from time.Time) (days []Day, older int) {
	for _, rep := range reports {
		when := trend.When(rep)
		if !when.IsZero() && when.Before(from) {
			older++
			continue
		}
		if n := len(days); n == 0 || !sameDay(days[n-1].At, when) {
			days = append(days, Day{At: when})
		}
		days[len(days)-1].Reports = append(days[len(days)-1].Reports, rep)
	}
	return days, older
}

func sameDay(a, b time.Time) bool {
	ay, am, ad := a.In(tolerant.Oslo).Date()
	by, bm, bd := b.In(tolerant.Oslo).Date()
	return ay == by && am == bm && ad == bd
}

// Layout is a report's analyses as the page shows them.
type Layout struct {
	Rows     []Row           // the report's own table
	Groups   []Group         // a table per result group
	Cultures []labs.Analysis // isolated organisms, each with its amount and susceptibilities as members
}

// Row is one analysis in a table, at its depth under its panels.
type Row struct {
	Analysis labs.Analysis
	Depth    int // 0 at the top; a panel's members one deeper
}

// Group is a KITH result group (heading GR) shown as a table of its own.
type Group struct {
	Name string // the group's text, else its code's name, else the code
	Rows []Row
}

// Arrange lays out a report's analyses. Panels come before their members,
// which are a level deeper. An isolated organism (a result whose members
// are susceptibilities) becomes a culture of its own, wherever it is, so
// each antibiotic is shown under its organism. A result group at the top
// of a table becomes a table of its own under the group's name, so grouped
// results read as groups; a group nested in a group is a table of its own
// too, listed before the group that holds it.
func Arrange(as []labs.Analysis) Layout {
	var l Layout
	l.arrange(&l.Rows, as, 0)
	return l
}

func (l *Layout) arrange(rows *[]Row, as []labs.Analysis, depth int) {
	for _, a := range as {
		if a.Organism() {
			l.Cultures = append(l.Cultures, a)
			continue
		}
		if a.Group() && depth == 0 {
			g := Group{Name: first(a.Value.Coded.Text, a.Code.Display, a.Code.Code)}
			l.arrange(&g.Rows, a.Members, 0)
			l.Groups = append(l.Groups, g)
			continue
		}
		*rows = append(*rows, Row{Analysis: a, Depth: depth})
		l.arrange(rows, a.Members, depth+1)
	}
}

func first(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}
