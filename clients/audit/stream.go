package audit

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// ExportFilter selects the records of an export (GET /audit/export.ndjson,
// `oppslag audit export`) and of the command-line search: the auditor's
// filters over a period, never a patient. It matches as SearchFilter does
// (search.go) without the paging; the two were written side by side and
// should become one filter.
type ExportFilter struct {
	HPRNumber   string    // the actor's HPR number, exactly
	User        string    // part of the actor's name, case-insensitive (SQLite folds ASCII letters only)
	Org         string    // the actor's organisation number, parent or child, exactly
	Resource    string    // exactly
	Action      string    // exactly
	Outcome     Outcome   // exactly
	AccessBasis string    // exactly
	From, To    time.Time // From inclusive, To exclusive; zero: unbounded
}

// ExportParams are the names of the filter's parameters, in the order
// Params writes them: the web's query parameters and the command line's
// flags are the same words.
var ExportParams = []string{"hpr", "user", "org", "from", "to", "resource", "action", "outcome", "basis"}

// ErrExportFilter wraps every reason ParseExportFilter refuses a filter.
var ErrExportFilter = errors.New("audit: export filter")

// ParseExportFilter reads a filter from get, which returns a parameter's
// value by its name in ExportParams ("" when absent). from and to are ISO
// dates (YYYY-MM-DD), whole days in loc, to included; either left out is
// the day of now in loc, so an empty filter is today's records. A value
// holding an identity number is refused: the parameters come from URLs
// and shell lines, where such numbers never belong, and no filter needs one. An auditor
// thinks in the days of the office they sit in, not in UTC, hence loc
// (Europe/Oslo in the portal).
func ParseExportFilter(get func(string) string, now time.Time, loc *time.Location) (ExportFilter, error) {
	v := func(name string) string { return strings.TrimSpace(get(name)) }
	for _, name := range ExportParams {
		if holdsIdentityNumber(v(name)) {
			return ExportFilter{}, fmt.Errorf("%w: %s holds what looks like an identity number, which no filter takes", ErrExportFilter, name)
		}
	}
	f := ExportFilter{
		HPRNumber: v("hpr"), User: v("user"), Org: v("org"),
		Resource: v("resource"), Action: v("action"), Outcome: Outcome(v("outcome")), AccessBasis: v("basis"),
	}
	today := now.In(loc).Format(time.DateOnly)
	day := func(name string) (time.Time, error) {
		s := v(name)
		if s == "" {
			s = today
		}
		t, err := time.ParseInLocation(time.DateOnly, s, loc)
		if err != nil {
			return time.Time{}, fmt.Errorf("%w: %s is not a date (want YYYY-MM-DD)", ErrExportFilter, name)
		}
		return t, nil
	}
	from, err := day("from")
	if err != nil {
		return ExportFilter{}, err
	}
	to, err := day("to")
	if err != nil {
		return ExportFilter{}, err
	}
	if to.Before(from) {
		return ExportFilter{}, fmt.Errorf("%w: to is before from", ErrExportFilter)
	}
	// AddDate keeps the wall clock, so a day of 23 or 25 hours (DST) ends
	// at the next midnight.
	f.From, f.To = from, to.AddDate(0, 0, 1)
	return f, nil
}

// holdsIdentityNumber reports whether s has eleven digits in a row: no
// filter value is one (an HPR number has at most nine, an organisation
// number nine), and a patient's number must not be echoed into the
// export's own record or a link (S15).
func holdsIdentityNumber(s string) bool {
	run := 0
	for _, c := range s {
		if c >= '0' && c <= '9' {
			if run++; run == 11 {
				return true
			}
		} else {
			run = 0
		}
	}
	return false
}

// Params returns f as parameters, the period as the dates it covers in
// loc: what an export's own audit record keeps, and the query of a link to
// the same export. It holds no patient, since f has none.
func (f ExportFilter) Params(loc *time.Location) url.Values {
	q := url.Values{}
	set := func(name, v string) {
		if v != "" {
			q.Set(name, v)
		}
	}
	set("hpr", f.HPRNumber)
	set("user", f.User)
	set("org", f.Org)
	if !f.From.IsZero() {
		q.Set("from", f.From.In(loc).Format(time.DateOnly))
	}
	if !f.To.IsZero() {
		q.Set("to", f.To.Add(-time.Nanosecond).In(loc).Format(time.DateOnly))
	}
	set("resource", f.Resource)
	set("action", f.Action)
	set("outcome", string(f.Outcome))
	set("basis", f.AccessBasis)
	return q
}

// Stream calls each for every record f selects, in sequence order (oldest
// first), reading the rows as it goes: an export of any size holds one
// record at a time, and the database sends rows as they are read. It stops
// at the first error each returns and returns that error unchanged; a
// storage failure, or a row that no longer decodes (which Verify reports as
// a changed record), wraps ErrUnavailable. A Store that is neither SQLite
// nor Postgres (a test store) is read through Query and filtered here.
func Stream(ctx context.Context, s Store, f ExportFilter, each func(Record) error) error {
	switch st := s.(type) {
	case *SQLite:
		return st.stream(ctx, f, each)
	case *Postgres:
		return st.stream(ctx, f, each)
	}
	recs, err := s.Query(ctx, Filter{Action: f.Action, From: f.From, To: f.To})
	if err != nil {
		return fmt.Errorf("audit: stream: %w", err)
	}
	for _, r := range recs {
		if f.matches(r) {
			if err := each(r); err != nil {
				return err
			}
		}
	}
	return nil
}

// matches is f applied in Go, as the SQL of exportWhere applies it.
func (f ExportFilter) matches(r Record) bool {
	eq := func(want, got string) bool { return want == "" || want == got }
	tr := rangeOf(Filter{From: f.From, To: f.To})
	return !tr.empty &&
		(!tr.hasFrom || !r.Time.Before(tr.from)) && (!tr.hasTo || r.Time.Before(tr.to)) &&
		eq(f.HPRNumber, r.Actor.HPRNumber) && eq(f.Resource, r.Resource) && eq(f.Action, r.Action) &&
		eq(string(f.Outcome), string(r.Outcome)) && eq(f.AccessBasis, r.AccessBasis) &&
		(f.Org == "" || f.Org == r.Actor.OrgParent || f.Org == r.Actor.OrgChild) &&
		(f.User == "" || strings.Contains(asciiLower(r.Actor.Name), asciiLower(f.User)))
}

// asciiLower folds A-Z only, as SQLite's LOWER does, so a test store
// matches names as the SQLite store would.
func asciiLower(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'A' && r <= 'Z' {
			return r + ('a' - 'A')
		}
		return r
	}, s)
}

// exportWhere builds f's WHERE clause for a backend: arg returns the
// placeholder of a new argument, t the backend's form of a time. ok is
// false when nothing can match. An export filter is a search filter
// without the patient and the paging, so searchWhere writes the SQL for
// both and they match alike.
func exportWhere(f ExportFilter, arg func(v any) string, t func(time.Time) any) (where string, ok bool) {
	conds, ok := searchWhere(SearchFilter{HPRNumber: f.HPRNumber, User: f.User, Org: f.Org, Resource: f.Resource,
		Action: f.Action, Outcome: f.Outcome, AccessBasis: f.AccessBasis, From: f.From, To: f.To}, arg, t)
	return whereClause(conds), ok
}

// streamEach adapts each to the backends' scanners, telling its errors
// apart from storage failures.
type streamEach struct {
	each func(Record) error
	err  error // the error each returned, if any
}

func (s *streamEach) row(r Record, bad error) error {
	if bad != nil {
		return bad
	}
	if err := s.each(r); err != nil {
		s.err = err
		return err
	}
	return nil
}

func (s *streamEach) result(err error) error {
	if s.err != nil {
		return s.err
	}
	if err != nil {
		return unavailable("stream", err)
	}
	return nil
}

// stream is Stream on SQLite. One SELECT is one read snapshot in WAL mode,
// so records appended meanwhile (the export's own record among them) are
// not half seen, and the writer is never blocked.
func (s *SQLite) stream(ctx context.Context, f ExportFilter, each func(Record) error) error {
	var args []any
	where, ok := exportWhere(f, func(v any) string { args = append(args, v); return "?" },
		func(t time.Time) any { return t.Format(sqliteTimeLayout) })
	if !ok {
		return nil
	}
	rows, err := s.db.QueryContext(ctx, "SELECT "+recordColumns+" FROM audit_records"+where+" ORDER BY seq", args...)
	if err != nil {
		return unavailable("stream", err)
	}
	defer rows.Close()
	se := &streamEach{each: each}
	return se.result(scanSQLite(rows, se.row))
}

// stream is Stream on PostgreSQL: pgx reads the rows off the connection as
// they are scanned, and one statement is one snapshot.
func (p *Postgres) stream(ctx context.Context, f ExportFilter, each func(Record) error) error {
	var args []any
	where, ok := exportWhere(f, func(v any) string { args = append(args, v); return "$" + strconv.Itoa(len(args)) },
		func(t time.Time) any { return t })
	if !ok {
		return nil
	}
	rows, err := p.pool.Query(ctx, "SELECT "+recordColumns+" FROM "+p.t("audit_records")+where+" ORDER BY seq", args...)
	if err != nil {
		return unavailable("stream", err)
	}
	se := &streamEach{each: each}
	return se.result(scanPG(rows, se.row)) // scanPG closes rows
}
