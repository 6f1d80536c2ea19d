package audit

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/oppslag/oppslag/clients/person/nin"
)

// SearchParams are the names of the parameters of a SearchFilter that
// come from outside (the export's query, the command line's flags), in the
// order Params writes them: the web's query parameters and the command
// line's flags are the same words. There is no patient among them: a
// patient is searched for by POST only (the "who looked at this patient"
// page), never by a URL or a shell line.
var SearchParams = []string{"hpr", "user", "org", "from", "to", "resource", "action", "outcome", "basis"}

// ErrSearchFilter wraps every reason ParseSearchFilter refuses a filter.
var ErrSearchFilter = errors.New("audit: filter")

// ParseSearchFilter reads a filter from get, which returns a parameter's
// value by its name in SearchParams ("" when absent). from and to are ISO
// dates (YYYY-MM-DD), whole days in loc, to included; either left out is
// the day of now in loc, so an empty filter is today's records. A value
// holding an identity number is refused: the parameters come from URLs
// and shell lines, where such numbers never belong, and no filter needs one. An auditor
// thinks in the days of the office they sit in, not in UTC, hence loc
// (Europe/Oslo in the portal).
func ParseSearchFilter(get func(string) string, now time.Time, loc *time.Location) (SearchFilter, error) {
	v := func(name string) string { return strings.TrimSpace(get(name)) }
	for _, name := range SearchParams {
		// No filter value has eleven digits in a row (an HPR number has at
		// most nine, an organisation number nine), and a patient's number
		// must not be echoed into the export's own record or a link (S15).
		if nin.HasDigitRun(v(name), 11) {
			return SearchFilter{}, fmt.Errorf("%w: %s holds what looks like an identity number, which no filter takes", ErrSearchFilter, name)
		}
	}
	f := SearchFilter{
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
			return time.Time{}, fmt.Errorf("%w: %s is not a date (want YYYY-MM-DD)", ErrSearchFilter, name)
		}
		return t, nil
	}
	from, err := day("from")
	if err != nil {
		return SearchFilter{}, err
	}
	to, err := day("to")
	if err != nil {
		return SearchFilter{}, err
	}
	if to.Before(from) {
		return SearchFilter{}, fmt.Errorf("%w: to is before from", ErrSearchFilter)
	}
	// AddDate keeps the wall clock, so a day of 23 or 25 hours (DST) ends
	// at the next midnight.
	f.From, f.To = from, to.AddDate(0, 0, 1)
	return f, nil
}

// Params returns f as parameters, the period as the dates it covers in
// loc: what an export's own audit record keeps, and the query of a link to
// the same export. It leaves out the patient, the page cut and the page
// size: a patient never goes into a URL or a record's reason (S15), and an
// export has no pages.
func (f SearchFilter) Params(loc *time.Location) url.Values {
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
// record at a time, and the database sends rows as they are read. f is the
// search's filter; Before still cuts, Limit is not used (a stream has no
// pages). It stops at the first error each returns and returns that error
// unchanged; a storage failure, or a row that no longer decodes (which
// Verify reports as a changed record), wraps ErrUnavailable. A Store that
// is neither SQLite nor Postgres (a test store) is read through Query and
// filtered here by matches, which applies the rules of searchWhere.
func Stream(ctx context.Context, s Store, f SearchFilter, each func(Record) error) error {
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

// matches is f applied in Go, as the SQL of searchWhere applies it.
func (f SearchFilter) matches(r Record) bool {
	eq := func(want, got string) bool { return want == "" || want == got }
	tr := rangeOf(Filter{From: f.From, To: f.To})
	return !tr.empty &&
		(!tr.hasFrom || !r.Time.Before(tr.from)) && (!tr.hasTo || r.Time.Before(tr.to)) &&
		eq(f.HPRNumber, r.Actor.HPRNumber) && eq(f.Resource, r.Resource) && eq(f.Action, r.Action) &&
		eq(string(f.Outcome), string(r.Outcome)) && eq(f.AccessBasis, r.AccessBasis) &&
		(f.Org == "" || f.Org == r.Actor.OrgParent || f.Org == r.Actor.OrgChild) &&
		(f.User == "" || strings.Contains(asciiLower(r.Actor.Name), asciiLower(f.User))) &&
		(f.Patient == "" || f.Patient == r.Patient || slices.Contains(r.Results, f.Patient)) &&
		(f.Before <= 0 || r.Seq < f.Before)
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
func (s *SQLite) stream(ctx context.Context, f SearchFilter, each func(Record) error) error {
	var args []any
	where, ok := searchWhere(f, func(v any) string { args = append(args, v); return "?" },
		func(t time.Time) any { return t.Format(sqliteTimeLayout) })
	if !ok {
		return nil
	}
	rows, err := s.db.QueryContext(ctx, "SELECT "+recordColumns+" FROM audit_records"+whereClause(where)+" ORDER BY seq", args...)
	if err != nil {
		return unavailable("stream", err)
	}
	defer rows.Close()
	se := &streamEach{each: each}
	return se.result(scanSQLite(rows, se.row))
}

// stream is Stream on PostgreSQL: pgx reads the rows off the connection as
// they are scanned, and one statement is one snapshot.
func (p *Postgres) stream(ctx context.Context, f SearchFilter, each func(Record) error) error {
	var args []any
	where, ok, err := p.where(ctx, f, func(v any) string { args = append(args, v); return "$" + strconv.Itoa(len(args)) })
	if err != nil {
		return unavailable("stream", err)
	}
	if !ok {
		return nil
	}
	rows, err := p.pool.Query(ctx, "SELECT "+recordColumns+" FROM "+p.t("audit_records")+whereClause(where)+" ORDER BY seq", args...)
	if err != nil {
		return unavailable("stream", err)
	}
	se := &streamEach{each: each}
	return se.result(scanPG(rows, se.row)) // scanPG closes rows
}
