package audit

import (
	"context"
	"strconv"
	"strings"
	"time"
)

// SearchFilter selects records of the whole log (F20): the auditor's
// search page, "who looked at this patient", the export
// (GET /audit/export.ndjson) and `oppslag audit search|export` all take
// it, so each matches records alike. Zero fields match everything; fields
// combine with AND. ParseSearchFilter (stream.go) reads it from URL
// parameters and flags, which never carry a patient.
//
// The decisions, in one place:
//   - Pages run newest first and are cut by sequence (keyset paging):
//     Before is the Seq the next page starts below, so a page deep in a
//     big log costs what the first one does, and records appended while
//     the auditor pages never shift a page.
//   - User matches the actor's name as a case-insensitive substring
//     (SQLite folds ASCII letters only, so "Ø" and "ø" differ there).
//   - Org matches either organisation number of the actor (the legal
//     entity or the sub-unit), exactly.
//   - Patient matches the records that name the patient and those whose
//     Results hold the number (searches and lists that showed the
//     patient). The Results half is a substring test on the stored JSON
//     array; keep it to a period, which the event_time index narrows.
type SearchFilter struct {
	HPRNumber   string // the actor's HPR number, exactly
	User        string // part of the actor's name
	Org         string // the actor's organisation number (parent or child)
	Patient     string // identity number: records naming it or returning it
	Resource    string
	Action      string
	Outcome     Outcome
	AccessBasis string
	From, To    time.Time // From inclusive, To exclusive; zero: unbounded
	Before      int64     // only records with Seq below it; 0: from the newest
	Limit       int       // records per page; <= 0 means DefaultPageSize
}

// DefaultPageSize is how many records a search page holds unless asked
// otherwise; MaxPageSize bounds what any caller may ask for.
const (
	DefaultPageSize = 50
	MaxPageSize     = 500
)

// Page is one page of a search, newest first.
type Page struct {
	Records []Record
	// Next is the Before of the following page; 0 on the last page.
	Next int64
}

// Searcher is a store that can search its whole log. SQLite and Postgres
// are Searchers; the interface stays apart from Store so that test stores
// and wrappers need not implement it.
type Searcher interface {
	Search(ctx context.Context, f SearchFilter) (Page, error)
}

var (
	_ Searcher = (*SQLite)(nil)
	_ Searcher = (*Postgres)(nil)
)

// limit is f's page size, bounded.
func (f SearchFilter) limit() int {
	switch {
	case f.Limit <= 0:
		return DefaultPageSize
	case f.Limit > MaxPageSize:
		return MaxPageSize
	}
	return f.Limit
}

// searchWhere builds the WHERE conditions of f for a backend. arg returns
// the placeholder of a new argument ("?" or "$n"); t is the backend's form
// of a time. ok is false when nothing can match.
func searchWhere(f SearchFilter, arg func(v any) string, t func(time.Time) any) (where []string, ok bool) {
	tr := rangeOf(Filter{From: f.From, To: f.To})
	if tr.empty {
		return nil, false
	}
	eq := func(col, v string) {
		if v != "" {
			where = append(where, col+" = "+arg(v))
		}
	}
	eq("actor_hpr_number", f.HPRNumber)
	eq("resource", f.Resource)
	eq("action", f.Action)
	eq("outcome", string(f.Outcome))
	eq("access_basis", f.AccessBasis)
	if f.Org != "" {
		where = append(where, "(actor_org_parent = "+arg(f.Org)+" OR actor_org_child = "+arg(f.Org)+")")
	}
	if f.User != "" {
		where = append(where, "LOWER(actor_name) LIKE "+arg("%"+likeEscape(strings.ToLower(f.User))+"%")+` ESCAPE '\'`)
	}
	if f.Patient != "" {
		// Results is a JSON array of strings; a quoted number is one element.
		where = append(where, "(patient = "+arg(f.Patient)+" OR (results <> '[]' AND results LIKE "+
			arg(`%"`+likeEscape(f.Patient)+`"%`)+` ESCAPE '\'))`)
	}
	if tr.hasFrom {
		where = append(where, "event_time >= "+arg(t(tr.from)))
	}
	if tr.hasTo {
		where = append(where, "event_time < "+arg(t(tr.to)))
	}
	if f.Before > 0 {
		where = append(where, "seq < "+arg(f.Before))
	}
	return where, true
}

// likeEscape escapes LIKE's wildcards in s, for ESCAPE '\'.
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// pageOf cuts recs, fetched with one record more than limit, into a page.
func pageOf(recs []Record, limit int) Page {
	if len(recs) <= limit {
		return Page{Records: recs}
	}
	recs = recs[:limit]
	return Page{Records: recs, Next: recs[limit-1].Seq}
}

// Search returns one page of the records matching f, newest first.
func (s *SQLite) Search(ctx context.Context, f SearchFilter) (Page, error) {
	var args []any
	arg := func(v any) string { args = append(args, v); return "?" }
	where, ok := searchWhere(f, arg, func(t time.Time) any { return t.Format(sqliteTimeLayout) })
	if !ok {
		return Page{}, nil
	}
	limit := f.limit()
	q := "SELECT " + recordColumns + " FROM audit_records" + whereClause(where) + " ORDER BY seq DESC LIMIT " + arg(limit+1)
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return Page{}, unavailable("search", err)
	}
	defer rows.Close()
	var out []Record
	err = scanSQLite(rows, collect(&out))
	if err != nil {
		return Page{}, unavailable("search", err)
	}
	return pageOf(out, limit), nil
}

// Search returns one page of the records matching f, newest first.
func (p *Postgres) Search(ctx context.Context, f SearchFilter) (Page, error) {
	var args []any
	arg := func(v any) string { args = append(args, v); return "$" + strconv.Itoa(len(args)) }
	where, ok, err := p.where(ctx, f, arg)
	if err != nil {
		return Page{}, unavailable("search", err)
	}
	if !ok {
		return Page{}, nil
	}
	limit := f.limit()
	q := "SELECT " + recordColumns + " FROM " + p.t("audit_records") + whereClause(where) + " ORDER BY seq DESC LIMIT " + arg(limit+1)
	rows, err := p.pool.Query(ctx, q, args...)
	if err != nil {
		return Page{}, unavailable("search", err)
	}
	var out []Record
	err = scanPG(rows, collect(&out))
	if err != nil {
		return Page{}, unavailable("search", err)
	}
	return pageOf(out, limit), nil
}

// where is searchWhere for PostgreSQL, with a period narrowed to its
// sequences by the hour index (hours.go).
func (p *Postgres) where(ctx context.Context, f SearchFilter, arg func(v any) string) ([]string, bool, error) {
	where, ok := searchWhere(f, arg, func(t time.Time) any { return t })
	if !ok {
		return nil, false, nil
	}
	seqs, empty, err := p.periodSeqs(ctx, rangeOf(Filter{From: f.From, To: f.To}), arg)
	if err != nil || empty {
		return nil, false, err
	}
	return append(where, seqs...), true, nil
}

// collect is the row callback of a query that keeps every record, and
// stops at the first it cannot read.
func collect(out *[]Record) func(Record, error) error {
	return func(r Record, bad error) error {
		if bad != nil {
			return bad
		}
		*out = append(*out, r)
		return nil
	}
}

// whereClause is " WHERE " and the conditions, or "" without any.
func whereClause(where []string) string {
	if len(where) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(where, " AND ")
}
