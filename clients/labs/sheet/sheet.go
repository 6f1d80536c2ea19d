// Package sheet is the cumulative sheet of a patient's lab results (issue
// 12): every analysis a row, every time results were taken a column,
// newest first, and the rows grouped by the panel they were ordered in —
// the view every laboratory system offers beside the reports.
//
// It decides the rows, the columns, what each cell holds and the grouping;
// the handlers word, date and mark what it returns. It lives under
// clients/labs beside the model it reads, with no HTTP and no language.
package sheet

import (
	"time"

	"github.com/oppslag/oppslag/clients/labs"
	"github.com/oppslag/oppslag/clients/labs/abnormal"
	"github.com/oppslag/oppslag/clients/labs/trend"
)

// Options choose what the sheet holds.
type Options struct {
	// From leaves out reports taken before it (they are counted in
	// Sheet.Older); zero keeps every report.
	From time.Time
	// OnlyAbnormal keeps the rows with a deviating result (abnormal.Is) in
	// some column, and the columns with a result in those rows. A kept row
	// shows its other results too: a deviation reads against its
	// neighbours.
	OnlyAbnormal bool
	// Restricted reports whether the patient had restricted a report an
	// elevated basis opened (package restricted); nil for none. Such
	// reports get columns of their own, marked, so a restricted result
	// never shares a column with an open one.
	Restricted func(labs.Report) bool
}

// Sheet is the cumulative sheet.
type Sheet struct {
	Columns []Column // newest first; an undated column last
	Groups  []Group  // in the order their first result appears, newest report first
	// Older counts the reports taken before Options.From; Other counts the
	// reports the sheet does not hold, which read only as reports
	// (pathology and imaging text, cultures, withdrawn reports); Hidden
	// counts the columns OnlyAbnormal left out.
	Older, Other, Hidden int
}

// Column is one time results were taken.
type Column struct {
	At         time.Time // zero for reports without a date
	Reports    []string  // the ids of the reports in the column, in the service's order
	Restricted bool      // the column's reports were restricted by the patient
}

// Group is the rows of one panel ("Blodstatus") or, for results ordered
// alone, of the report's kind ("Medisinsk biokjemi").
type Group struct {
	Name string
	Rows []Row
}

// Row is one analysis across the columns.
type Row struct {
	Key   string // abnormal.Key
	Name  string // the latest name the analysis was given, else its code
	Cells []Cell // one per column
	// Linkable is true when the analysis has a trend (trend.Linkable) in
	// some column; Code is the code the trend looks it up by.
	Linkable bool
	Code     string
	Abnormal bool // some cell deviates
}

// Cell is what one column says of one analysis: usually one result, more
// when a report repeats it, none when it was not taken then.
type Cell struct {
	Results []labs.Analysis
}

// Abnormal reports whether any of the cell's results deviates.
func (c Cell) Abnormal() bool {
	for _, a := range c.Results {
		if abnormal.Is(a) {
			return true
		}
	}
	return false
}

// columnKey tells columns apart: the time, and whether restricted.
type columnKey struct {
	at         int64 // Unix nanoseconds; 0 for undated
	undated    bool
	restricted bool
}

// Build lays out reports (in any order) as a sheet.
func Build(reports []labs.Report, o Options) Sheet {
	var s Sheet
	cols := map[columnKey]int{}
	type place struct{ group, row int }
	rows := map[string]place{}
	groups := map[string]int{}
	type hit struct {
		col   int
		place place
		a     labs.Analysis
	}
	var hits []hit
	for _, rep := range abnormal.NewestFirst(reports) {
		when := trend.When(rep)
		switch {
		case !when.IsZero() && when.Before(o.From):
			s.Older++
			continue
		case rep.Withdrawn || !abnormal.Tabular(rep):
			s.Other++
			continue
		}
		type result struct {
			group string
			a     labs.Analysis
		}
		var results []result
		reportGroup := first(rep.Code.Display, rep.Category.Display, rep.Code.Code, rep.Category.Code)
		for _, top := range rep.Analyses {
			group := reportGroup
			if len(top.Members) > 0 && !top.Organism() {
				group = first(groupName(top), group)
			}
			abnormal.Walk([]labs.Analysis{top}, func(a labs.Analysis) { results = append(results, result{group, a}) })
		}
		if len(results) == 0 {
			// Cultures only: an organism reads under its report.
			s.Other++
			continue
		}
		k := columnKey{at: when.UnixNano(), undated: when.IsZero(), restricted: o.Restricted != nil && o.Restricted(rep)}
		if k.undated {
			k.at = 0
		}
		c, ok := cols[k]
		if !ok {
			c = len(s.Columns)
			cols[k] = c
			s.Columns = append(s.Columns, Column{At: when, Restricted: k.restricted})
		}
		s.Columns[c].Reports = append(s.Columns[c].Reports, rep.ID)
		for _, res := range results {
			a := res.a
			key := abnormal.Key(a)
			p, ok := rows[key]
			if !ok {
				g, ok := groups[res.group]
				if !ok {
					g = len(s.Groups)
					groups[res.group] = g
					s.Groups = append(s.Groups, Group{Name: res.group})
				}
				p = place{g, len(s.Groups[g].Rows)}
				rows[key] = p
				s.Groups[g].Rows = append(s.Groups[g].Rows, Row{Key: key, Code: a.Code.Code})
			}
			r := &s.Groups[p.group].Rows[p.row]
			if r.Name == "" {
				r.Name = a.Code.Display // the newest name, since reports come newest first
			}
			r.Linkable = r.Linkable || trend.Linkable(a)
			r.Abnormal = r.Abnormal || abnormal.Is(a)
			hits = append(hits, hit{c, p, a})
		}
	}
	for g := range s.Groups {
		for r := range s.Groups[g].Rows {
			row := &s.Groups[g].Rows[r]
			row.Cells = make([]Cell, len(s.Columns))
			if row.Name == "" {
				row.Name = row.Code
			}
		}
	}
	for _, h := range hits {
		cell := &s.Groups[h.place.group].Rows[h.place.row].Cells[h.col]
		cell.Results = append(cell.Results, h.a)
	}
	if o.OnlyAbnormal {
		s.onlyAbnormal()
	}
	return s
}

// onlyAbnormal drops the rows without a deviation, the groups left empty
// and the columns with no result in the rows kept.
func (s *Sheet) onlyAbnormal() {
	var groups []Group
	for _, g := range s.Groups {
		var rows []Row
		for _, r := range g.Rows {
			if r.Abnormal {
				rows = append(rows, r)
			}
		}
		if len(rows) > 0 {
			g.Rows = rows
			groups = append(groups, g)
		}
	}
	s.Groups = groups
	used := make([]bool, len(s.Columns))
	for _, g := range s.Groups {
		for _, r := range g.Rows {
			for c, cell := range r.Cells {
				used[c] = used[c] || len(cell.Results) > 0
			}
		}
	}
	var cols []Column
	for c, col := range s.Columns {
		if used[c] {
			cols = append(cols, col)
		} else {
			s.Hidden++
		}
	}
	for g := range s.Groups {
		for r := range s.Groups[g].Rows {
			row := &s.Groups[g].Rows[r]
			var cells []Cell
			for c, cell := range row.Cells {
				if used[c] {
					cells = append(cells, cell)
				}
			}
			row.Cells = cells
		}
	}
	s.Columns = cols
}

// groupName is a panel's or result group's name.
func groupName(a labs.Analysis) string {
	if a.Group() {
		return first(a.Value.Coded.Text, a.Code.Display, a.Code.Code)
	}
	return first(a.Code.Display, a.Code.Code)
}

func first(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}
