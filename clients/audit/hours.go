package audit

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
)

// The hour index: a period search on a big PostgreSQL log.
//
// The search pages newest first by sequence (search.go). A filter on a
// period alone leaves PostgreSQL one good plan in its eyes: walk the
// sequence backwards from the newest record and skip whatever lies outside
// the period. For a week a year back in a log of ten million records that
// walk passes millions of rows (measured: p99 235 ms at one million, B11).
// The planner cannot know that time and sequence rise together, and they
// need not: a caller may give an event its own time.
//
// audit_hours keeps, for each UTC hour that holds a record, the lowest and
// the highest sequence of the records in that hour. A period then becomes
// a range of sequences, read from a few thousand rows at most, and the
// walk starts at the period's last record and stops at its first. The
// bounds hold whatever order times arrive in, since each hour's row
// widens with every record it gets; they are only as tight as the records
// are in time order, which they are when the store's clock sets the time.
//
// The table is written in the append's transaction, under the append lock,
// so it is never behind the records. It is an index, not evidence: it is
// not in the chain, but a row narrowed by hand would hide records from a
// period search, so triggers let a row only widen, and Verify compares
// it with the records it walks (ReasonHourIndex). A schema created before
// the table existed has no audit_hours; init runs no DDL on an existing
// schema, so such a log is searched by period without it, slowly on a big
// log, until an operator creates it (README, "Audit log on PostgreSQL").
// SQLite, the embedded default for one instance's log, has no hour index.

// hourOf is the bucket of t: its UTC hour.
func hourOf(t time.Time) time.Time { return t.UTC().Truncate(time.Hour) }

// hourSpan is the range of sequences one hour's records take.
type hourSpan struct{ first, last int64 }

// hourSpans are the spans of some records by their hour.
type hourSpans map[time.Time]hourSpan

// add widens the span of r's hour to r.
func (hs hourSpans) add(r Record) {
	h := hourOf(r.Time)
	s, ok := hs[h]
	if !ok {
		s = hourSpan{r.Seq, r.Seq}
	}
	hs[h] = hourSpan{min(s.first, r.Seq), max(s.last, r.Seq)}
}

// hoursDDL creates the hour index and the triggers that let its rows only
// widen; fill copies the spans of records already there (a bulk load).
func (p *Postgres) hoursDDL() []string {
	hours, widen := p.t("audit_hours"), p.t("audit_hours_widen")
	return []string{
		`CREATE TABLE IF NOT EXISTS ` + hours + ` (
			hour TIMESTAMPTZ PRIMARY KEY,
			first_seq BIGINT NOT NULL,
			last_seq BIGINT NOT NULL
		)`,
		`CREATE OR REPLACE FUNCTION ` + widen + `() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN
			IF NEW.hour <> OLD.hour OR NEW.first_seq > OLD.first_seq OR NEW.last_seq < OLD.last_seq THEN
				RAISE EXCEPTION 'audit hour index rows only widen';
			END IF;
			RETURN NEW;
		END
		$$`,
		`DROP TRIGGER IF EXISTS audit_hours_widen ON ` + hours,
		`CREATE TRIGGER audit_hours_widen BEFORE UPDATE ON ` + hours + ` FOR EACH ROW EXECUTE FUNCTION ` + widen + `()`,
		`DROP TRIGGER IF EXISTS audit_hours_no_delete ON ` + hours,
		`CREATE TRIGGER audit_hours_no_delete BEFORE DELETE ON ` + hours + ` FOR EACH ROW EXECUTE FUNCTION ` + p.t("audit_refuse") + `()`,
		`DROP TRIGGER IF EXISTS audit_hours_no_truncate ON ` + hours,
		`CREATE TRIGGER audit_hours_no_truncate BEFORE TRUNCATE ON ` + hours + ` FOR EACH STATEMENT EXECUTE FUNCTION ` + p.t("audit_refuse") + `()`,
	}
}

// FillHourIndex sets the hour index from the records, for a log loaded in
// bulk (auditgen) or one created before the index: it takes the append
// lock, so no append runs meanwhile, and widens every row to its records.
func (p *Postgres) FillHourIndex(ctx context.Context) error {
	err := pgx.BeginFunc(ctx, p.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", pgAppendLock); err != nil {
			return err
		}
		for _, s := range p.hoursDDL() {
			if _, err := tx.Exec(ctx, s); err != nil {
				return err
			}
		}
		_, err := tx.Exec(ctx, `INSERT INTO `+p.t("audit_hours")+` (hour, first_seq, last_seq)
			SELECT date_trunc('hour', event_time AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', min(seq), max(seq)
			FROM `+p.t("audit_records")+` GROUP BY 1`+p.widenOnConflict())
		return err
	})
	if err != nil {
		return unavailable("fill hour index", err)
	}
	p.hours = true
	return nil
}

// widenOnConflict ends an insert into audit_hours: an hour already there
// is widened to the new span, never narrowed.
func (p *Postgres) widenOnConflict() string {
	hours := p.t("audit_hours")
	return ` ON CONFLICT (hour) DO UPDATE SET
		first_seq = LEAST(` + hours + `.first_seq, EXCLUDED.first_seq),
		last_seq = GREATEST(` + hours + `.last_seq, EXCLUDED.last_seq)`
}

// widenHours records the hours of recs in the append's transaction.
func (p *Postgres) widenHours(ctx context.Context, tx pgx.Tx, recs []Record) error {
	if !p.hours {
		return nil
	}
	spans := hourSpans{}
	for _, r := range recs {
		spans.add(r)
	}
	for h, s := range spans {
		_, err := tx.Exec(ctx, `INSERT INTO `+p.t("audit_hours")+` (hour, first_seq, last_seq) VALUES ($1, $2, $3)`+
			p.widenOnConflict(), h, s.first, s.last)
		if err != nil {
			return fmt.Errorf("hour index: %w", err)
		}
	}
	return nil
}

// periodSeqs narrows a period to the sequences its records can have: the
// conditions to add to a query, and empty when no hour of the period holds
// a record. Without an hour index, or without a period, it adds nothing.
func (p *Postgres) periodSeqs(ctx context.Context, tr timeRange, arg func(any) string) (conds []string, empty bool, err error) {
	if !p.hours || (!tr.hasFrom && !tr.hasTo) {
		return nil, false, nil
	}
	q := "SELECT min(first_seq), max(last_seq) FROM " + p.t("audit_hours")
	var where []string
	var args []any
	if tr.hasFrom {
		args = append(args, hourOf(tr.from))
		where = append(where, "hour >= $1")
	}
	if tr.hasTo {
		args = append(args, tr.to)
		where = append(where, "hour < $"+strconv.Itoa(len(args)))
	}
	var lo, hi *int64
	if err := p.pool.QueryRow(ctx, q+whereClause(where), args...).Scan(&lo, &hi); err != nil {
		return nil, false, err
	}
	if lo == nil || hi == nil {
		return nil, true, nil
	}
	return []string{"seq >= " + arg(*lo), "seq <= " + arg(*hi)}, false, nil
}

// checkHours compares the hour index with the spans of the records Verify
// walked, in the same snapshot: every record's hour must have a row that
// covers its sequence. One problem per uncovered hour, at its first record.
func (p *Postgres) checkHours(ctx context.Context, tx pgx.Tx, spans hourSpans, v *verifier) error {
	if !p.hours {
		return nil
	}
	rows, err := tx.Query(ctx, "SELECT hour, first_seq, last_seq FROM "+p.t("audit_hours"))
	if err != nil {
		return err
	}
	index := map[time.Time]hourSpan{}
	for rows.Next() {
		var h time.Time
		var s hourSpan
		if err := rows.Scan(&h, &s.first, &s.last); err != nil {
			rows.Close()
			return err
		}
		index[h.UTC()] = s
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	var bad []int64
	for h, s := range spans {
		if in, ok := index[h]; !ok || in.first > s.first || in.last < s.last {
			bad = append(bad, s.first)
		}
	}
	slices.Sort(bad)
	for _, seq := range bad {
		v.problem(seq, ReasonHourIndex)
	}
	return nil
}
