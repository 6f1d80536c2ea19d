package hprindex

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/oppslag/oppslag/clients/fold"
	"github.com/oppslag/oppslag/clients/hpr"
	"github.com/oppslag/oppslag/clients/sanitize"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// Named errors. Every error of this package wraps one of them (or a
// context error), so callers test with errors.Is.
var (
	ErrMalformed = errors.New("malformed export")         // the export is not a zip of entries of the expected shape
	ErrIndex     = errors.New("index unavailable")        // the index file cannot be written, opened or read
	ErrNoIndex   = errors.New("no index built yet")       // nothing to search: the first build has not succeeded
	ErrUpstream  = errors.New("export could not be read") // fetching or spooling the export failed
)

// Search limits.
const (
	DefaultLimit = 20  // hits when Search is given a limit ≤ 0
	MaxLimit     = 200 // hits Search returns at most

	// minTypoWordRunes is the shortest query word that gets typo
	// tolerance: one edit on a shorter word matches too much.
	minTypoWordRunes = 5
	// minTypoTermRunes is the shortest name skeleton in the typo table: a
	// 5-letter word one deletion away has 4.
	minTypoTermRunes = 4
	// maxTypoExpansions caps the terms one misspelt word expands to.
	maxTypoExpansions = 24
	// maxIndexedPrefix is the longest FTS5 prefix index (schema.go).
	maxIndexedPrefix = 4
	// maxPrefixTerms is the most terms a longer prefix expands to before
	// the search leaves it to FTS5's prefix query.
	maxPrefixTerms = 64
)

// Match says how a hit matched the query: every query word matched a name
// part whole (Exact; the folded forms count, "bjorn" for "Bjørn"), at
// least one only as the start of a part (Prefix), or at least one only
// within one edit (Typo). Hits come in this order.
type Match int

// The kinds of match, best first.
const (
	MatchExact Match = iota
	MatchPrefix
	MatchTypo
)

// String names the match kind.
func (m Match) String() string {
	switch m {
	case MatchExact:
		return "exact"
	case MatchPrefix:
		return "prefix"
	case MatchTypo:
		return "typo"
	}
	return "unknown"
}

// Status is an entry's status on the day of the export.
type Status struct {
	Active     bool     // at least one approval is current (its period covers the day, it has no avsluttetStatus)
	Suspended  bool     // a suspension (hpr.SuspensionCodes) covers the day, on the person or a current approval
	Deceased   bool     // the register has a dødsdato
	ReplacedBy int      // erstattetAvHprNummer, 0 when none
	ValidTo    hpr.Date // the last end among current approvals; zero when one is open-ended or none is current
}

// Hit is one search result: what a result list shows, without the full
// document (ByNumber has it).
type Hit struct {
	HPRNumber   int
	FamilyName  string
	GivenName   string
	MiddleName  string
	BirthDate   hpr.Date
	Categories  []string // codes (code set 9060) of the current approvals, in register order
	Status      Status
	LastUpdated time.Time // sistOppdatert; zero when the register gave none
	ExportedAt  time.Time // when the export this entry came from was fetched
	Match       Match
}

// Info describes an index file.
type Info struct {
	Entries    int       // register entries (distinct HPR numbers)
	BuiltAt    time.Time // when the build finished
	ExportedAt time.Time // when the export was fetched: how fresh the data is
}

// Index is an open, read-only index file. Its methods are safe for
// concurrent use. The file is never changed once built (a rebuild writes
// a new file and renames it over the old one), so it is opened immutable:
// no locks, and connections opened before a rename keep reading the old
// file until Close. Replace the file only by renaming a new one over it,
// as Build does; rewriting it in place would confuse the open readers.
type Index struct {
	db     *sql.DB
	info   Info
	search *sql.Stmt
	prefix *sql.Stmt
	typos  *sql.Stmt
}

// Open opens the index file at path for queries. A missing file is
// ErrNoIndex; a file of another format version is ErrIndex.
func Open(path string) (*Index, error) {
	ix, err := open(path)
	if err != nil {
		return nil, fmt.Errorf("hprindex: open: %w", err)
	}
	return ix, nil
}

func open(path string) (*Index, error) {
	if path == "" {
		return nil, fmt.Errorf("empty path: %w", ErrIndex)
	}
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return nil, ErrNoIndex
	} else if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrIndex, err)
	}
	db, err := sql.Open("sqlite", fileURI(path, "mode=ro&immutable=1&_pragma=query_only(1)&_pragma=cache_size(-2048)"))
	if err != nil {
		return nil, dbError("open", err)
	}
	// A fixed set of connections, opened now and never recycled, all on
	// the file as it is now.
	n := max(4, 2*runtime.GOMAXPROCS(0))
	db.SetMaxOpenConns(n)
	db.SetMaxIdleConns(n)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)
	ix := &Index{db: db}
	if err := ix.init(n); err != nil {
		db.Close()
		return nil, err
	}
	return ix, nil
}

func (ix *Index) init(conns int) error {
	ctx := context.Background()
	held := make([]*sql.Conn, 0, conns)
	for range conns {
		c, err := ix.db.Conn(ctx)
		if err != nil {
			for _, c := range held {
				c.Close()
			}
			return dbError("open", err)
		}
		held = append(held, c)
	}
	for _, c := range held {
		c.Close() // back to the idle pool, where they stay
	}
	meta := map[string]string{}
	rows, err := ix.db.QueryContext(ctx, `SELECT key, value FROM meta`)
	if err != nil {
		return dbError("read meta", err)
	}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			rows.Close()
			return dbError("read meta", err)
		}
		meta[k] = v
	}
	if err := rows.Close(); err != nil {
		return dbError("read meta", err)
	}
	if meta["format"] != formatVersion {
		return fmt.Errorf("index format %q, want %q: %w", sanitize.Text(meta["format"], nil, 40), formatVersion, ErrIndex)
	}
	ix.info.Entries, _ = strconv.Atoi(meta["entries"])
	ix.info.BuiltAt, _ = time.Parse(time.RFC3339Nano, meta["built_at"])
	ix.info.ExportedAt, _ = time.Parse(time.RFC3339Nano, meta["exported_at"])
	if ix.search, err = ix.db.PrepareContext(ctx, searchQuery); err != nil {
		return dbError("prepare", err)
	}
	if ix.prefix, err = ix.db.PrepareContext(ctx, prefixQuery); err != nil {
		return dbError("prepare", err)
	}
	if ix.typos, err = ix.db.PrepareContext(ctx, typoQuery); err != nil {
		return dbError("prepare", err)
	}
	return nil
}

// Close closes the index, waiting for queries under way.
func (ix *Index) Close() error {
	for _, st := range []*sql.Stmt{ix.search, ix.prefix, ix.typos} {
		if st != nil {
			st.Close()
		}
	}
	if err := ix.db.Close(); err != nil {
		return fmt.Errorf("hprindex: close: %w: %w", ErrIndex, err)
	}
	return nil
}

// Info returns the entry count, build time and export time.
func (ix *Index) Info() Info { return ix.info }

// queryWord is one word of a search.
type queryWord struct {
	term
	typo        bool     // long enough for typo tolerance
	prefixTerms []string // the terms it starts, when longer than maxIndexedPrefix (nil: use FTS5's prefix query)
	typoTerms   []string // terms one edit away, not starting with it
}

// Search finds entries by name. q is free text: each word must match a
// part of the family, given or middle name, so more words narrow the
// list ("anne hansen"); hyphens separate words like spaces. Words are
// folded as fold.Fold describes. Hits come exact matches first, then prefix
// matches ("hau" → Haugland), then one-edit typo matches of words of five
// letters or more ("haugladn" → Haugland); within each kind in the order
// of family, given and middle name, then HPR number. Words typed with
// æ/ø/å or the aa/ae/oe spellings ("moe", "bjørn") list entries written
// exactly so before the other foldings ("Mo", "Bjorn"). Digits and
// punctuation are ignored; a query of no words returns no hits.
func (ix *Index) Search(ctx context.Context, q string, limit int) ([]Hit, error) {
	hits, err := ix.searchHits(ctx, q, limit)
	if err != nil {
		return nil, fmt.Errorf("hprindex: search: %w", err)
	}
	return hits, nil
}

func (ix *Index) searchHits(ctx context.Context, q string, limit int) ([]Hit, error) {
	words := parseQuery(q)
	if len(words) == 0 {
		return nil, nil
	}
	if limit <= 0 {
		limit = DefaultLimit
	}
	limit = min(limit, MaxLimit)
	// One read transaction, so every tier runs on the same connection
	// (and so on the same file, should a rebuild rename a new one in).
	tx, err := ix.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, dbError("begin", err)
	}
	defer tx.Rollback()
	s := searcher{ctx: ctx, tx: tx, ix: ix, limit: limit, seen: map[int64]bool{}}
	s.stmt = tx.StmtContext(ctx, ix.search)
	defer s.stmt.Close()

	// Exact: as written, then folded.
	literal := false
	for _, w := range words {
		literal = literal || w.lit != w.skel
	}
	if literal {
		if err := s.tier(matchExpr(words, func(w *queryWord) string { return quote(w.lit) }), MatchExact); err != nil {
			return nil, err
		}
	}
	if err := s.tier(matchExpr(words, func(w *queryWord) string { return quote(w.skel) }), MatchExact); err != nil {
		return nil, err
	}
	if s.full() {
		return s.hits, nil
	}

	// Prefix: skipped when no word starts a longer term than itself.
	same := true
	for i := range words {
		w := &words[i]
		if err := s.prefixes(w); err != nil {
			return nil, err
		}
		same = same && len(w.prefixTerms) == 1 && w.prefixTerms[0] == w.skel
	}
	if !same {
		if err := s.tier(matchExpr(words, prefixAlternatives), MatchPrefix); err != nil {
			return nil, err
		}
	}
	if s.full() {
		return s.hits, nil
	}

	// Typo: each word's prefix alternatives plus the terms one edit away.
	expanded := false
	for i := range words {
		w := &words[i]
		if err := s.typos(w); err != nil {
			return nil, err
		}
		expanded = expanded || len(w.typoTerms) > 0
	}
	if expanded {
		if err := s.tier(matchExpr(words, func(w *queryWord) string {
			alts := prefixAlternatives(w)
			if len(w.typoTerms) == 0 {
				return alts
			}
			var b strings.Builder
			b.WriteString("(")
			b.WriteString(alts)
			for _, t := range w.typoTerms {
				b.WriteString(" OR ")
				b.WriteString(quote(t))
			}
			b.WriteString(")")
			return b.String()
		}), MatchTypo); err != nil {
			return nil, err
		}
	}
	return s.hits, nil
}

// prefixAlternatives is the FTS5 expression of a word as a prefix: FTS5's
// own prefix query for short words (served by the prefix indexes) and for
// the rare long prefix of very many terms, else the OR of the terms it
// starts.
func prefixAlternatives(w *queryWord) string {
	switch len(w.prefixTerms) {
	case 0:
		return quote(w.skel) + "*"
	case 1:
		return quote(w.prefixTerms[0])
	}
	quoted := make([]string, len(w.prefixTerms))
	for i, t := range w.prefixTerms {
		quoted[i] = quote(t)
	}
	return "(" + strings.Join(quoted, " OR ") + ")"
}

// searcher collects hits over the tiers of one search.
type searcher struct {
	ctx   context.Context
	tx    *sql.Tx
	ix    *Index
	stmt  *sql.Stmt
	limit int
	seen  map[int64]bool
	hits  []Hit
}

func (s *searcher) full() bool { return len(s.hits) >= s.limit }

// tier runs one FTS query and appends the hits not seen in a better tier.
// Each tier matches a superset of the tiers before it, and a tier is only
// run when those returned fewer than limit hits, that is all their rows;
// so asking for limit plus the hits so far is enough.
func (s *searcher) tier(expr string, m Match) error {
	if s.full() || expr == "" {
		return nil
	}
	rows, err := s.stmt.QueryContext(s.ctx, expr, s.limit+len(s.hits))
	if err != nil {
		return dbError("query", err)
	}
	defer rows.Close()
	for rows.Next() && !s.full() {
		var pos int64
		var h Hit
		var birth, cats, validTo string
		var updated, exported int64
		if err := rows.Scan(&pos, &h.HPRNumber, &h.FamilyName, &h.GivenName, &h.MiddleName, &birth, &cats,
			&h.Status.Active, &h.Status.Suspended, &h.Status.Deceased, &h.Status.ReplacedBy, &validTo,
			&updated, &exported); err != nil {
			return dbError("query", err)
		}
		if s.seen[pos] {
			continue
		}
		s.seen[pos] = true
		h.BirthDate = parseDate(birth)
		h.Status.ValidTo = parseDate(validTo)
		h.Categories = strings.Fields(cats)
		if updated != 0 {
			h.LastUpdated = time.UnixMilli(updated).UTC()
		}
		h.ExportedAt = time.UnixMilli(exported).UTC()
		h.Match = m
		s.hits = append(s.hits, h)
	}
	if err := rows.Err(); err != nil {
		return dbError("query", err)
	}
	return nil
}

// prefixes looks up the terms a word longer than the FTS prefix indexes
// starts. A word that starts no term gets the word itself, which matches
// nothing, so the tier still runs for the other words' sake only when it
// can find something.
func (s *searcher) prefixes(w *queryWord) error {
	if utf8.RuneCountInString(w.skel) <= maxIndexedPrefix {
		return nil
	}
	rows, err := s.tx.StmtContext(s.ctx, s.ix.prefix).QueryContext(s.ctx, w.skel, w.skel+"\U0010FFFF", maxPrefixTerms+1)
	if err != nil {
		return dbError("prefix lookup", err)
	}
	defer rows.Close()
	terms := []string{}
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return dbError("prefix lookup", err)
		}
		terms = append(terms, t)
	}
	if err := rows.Err(); err != nil {
		return dbError("prefix lookup", err)
	}
	switch {
	case len(terms) > maxPrefixTerms:
		terms = nil // too many: FTS5's prefix query
	case len(terms) == 0:
		terms = []string{w.skel}
	}
	w.prefixTerms = terms
	return nil
}

// typos finds the name skeletons within one edit of a word long enough,
// leaving out those its prefix already covers.
func (s *searcher) typos(w *queryWord) error {
	if !w.typo {
		return nil
	}
	keys, _ := json.Marshal(deletions(w.skel))
	rows, err := s.tx.StmtContext(s.ctx, s.ix.typos).QueryContext(s.ctx, string(keys))
	if err != nil {
		return dbError("typo lookup", err)
	}
	defer rows.Close()
	want := []rune(w.skel)
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return dbError("typo lookup", err)
		}
		if strings.HasPrefix(t, w.skel) || !withinOneEdit(want, []rune(t)) {
			continue
		}
		if w.typoTerms = append(w.typoTerms, t); len(w.typoTerms) == maxTypoExpansions {
			break
		}
	}
	if err := rows.Err(); err != nil {
		return dbError("typo lookup", err)
	}
	return nil
}

// parseQuery splits a query into words, without repeats.
func parseQuery(q string) []queryWord {
	var out []queryWord
	for _, t := range splitTerms(q, 0) {
		if len(out) == maxQueryWords {
			break
		}
		if slices.ContainsFunc(out, func(w queryWord) bool { return w.lit == t.lit }) {
			continue
		}
		out = append(out, queryWord{term: t, typo: utf8.RuneCountInString(t.lit) >= minTypoWordRunes && utf8.RuneCountInString(t.skel) >= minTypoTermRunes})
	}
	return out
}

// matchExpr joins one FTS5 expression per word with AND.
func matchExpr(words []queryWord, f func(*queryWord) string) string {
	parts := make([]string, len(words))
	for i := range words {
		parts[i] = f(&words[i])
	}
	return strings.Join(parts, " AND ")
}

// quote makes t an FTS5 string; terms hold only letters, but a quote is
// escaped anyway.
func quote(t string) string { return `"` + strings.ReplaceAll(t, `"`, `""`) + `"` }

// ByNumber returns the entry with HPR number n, decoded from the stored
// document; false when the export had none.
func (ix *Index) ByNumber(ctx context.Context, n int) (hpr.Personnel, bool, error) {
	p, ok, err := ix.one(ctx, `SELECT doc FROM personnel WHERE hpr = ?`, n)
	if err != nil {
		return hpr.Personnel{}, false, fmt.Errorf("hprindex: get by number: %w", err)
	}
	return p, ok, nil
}

// ByNIN returns the entry of the person with national identity number
// nin (the export carries the extended data). The number never appears
// in an error. INFERENCE: where the register holds several entries for
// one person (an HPR number replaced by another, erstattetAvHprNummer),
// HPR answers with the current one; so does ByNIN: an entry not replaced
// first, then the highest number.
func (ix *Index) ByNIN(ctx context.Context, nin string) (hpr.Personnel, bool, error) {
	nin = strings.TrimSpace(nin)
	if nin == "" {
		return hpr.Personnel{}, false, nil
	}
	p, ok, err := ix.one(ctx, `SELECT doc FROM personnel WHERE nin = ? ORDER BY replaced_by <> 0, hpr DESC LIMIT 1`, nin)
	if err != nil {
		return hpr.Personnel{}, false, fmt.Errorf("hprindex: get by nin: %w", err)
	}
	return p, ok, nil
}

func (ix *Index) one(ctx context.Context, query string, arg any) (hpr.Personnel, bool, error) {
	var doc []byte
	err := ix.db.QueryRowContext(ctx, query, arg).Scan(&doc)
	if errors.Is(err, sql.ErrNoRows) {
		return hpr.Personnel{}, false, nil
	}
	if err != nil {
		return hpr.Personnel{}, false, dbError("query", err)
	}
	// The same tolerant reading as an answer from HPR: the card shows what
	// could not be read, marked.
	p, err := hpr.DecodePersonnel(doc)
	if err != nil {
		return hpr.Personnel{}, false, fmt.Errorf("stored document: %w: %w", ErrIndex, err)
	}
	return p, true, nil
}

// BySurnameAndBirth returns the entries born on birth whose family name,
// or one part of it, equals surname after folding ("saether" finds
// "Sæther", "berg" finds "Hansen-Berg"), in HPR number order.
func (ix *Index) BySurnameAndBirth(ctx context.Context, surname string, birth hpr.Date) ([]hpr.Personnel, error) {
	out, err := ix.bySurnameAndBirth(ctx, surname, birth)
	if err != nil {
		return nil, fmt.Errorf("hprindex: search by surname and birth date: %w", err)
	}
	return out, nil
}

func (ix *Index) bySurnameAndBirth(ctx context.Context, surname string, birth hpr.Date) ([]hpr.Personnel, error) {
	want := skeletons(surname)
	if len(want) == 0 || birth.IsZero() {
		return nil, nil
	}
	rows, err := ix.db.QueryContext(ctx, `SELECT family_key, doc FROM personnel WHERE birth = ? ORDER BY hpr`, birth.String())
	if err != nil {
		return nil, dbError("query", err)
	}
	defer rows.Close()
	var out []hpr.Personnel
	for rows.Next() {
		var key string
		var doc []byte
		if err := rows.Scan(&key, &doc); err != nil {
			return nil, dbError("query", err)
		}
		if !surnameMatches(strings.Fields(key), want) {
			continue
		}
		p, err := hpr.DecodePersonnel(doc)
		if err != nil {
			return nil, fmt.Errorf("stored document: %w: %w", ErrIndex, err)
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, dbError("query", err)
	}
	return out, nil
}

// surnameMatches compares folded name parts: the same parts, the same
// letters run together ("hansenberg" for "Hansen-Berg"), or one part of
// the family name when the surname is one word.
func surnameMatches(family, want []string) bool {
	if slices.Equal(family, want) {
		return true
	}
	if fold.Collapse(strings.Join(family, "")) == fold.Collapse(strings.Join(want, "")) {
		return true
	}
	return len(want) == 1 && slices.Contains(family, want[0])
}

func parseDate(s string) hpr.Date {
	if s == "" {
		return hpr.Date{}
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return hpr.Date{}
	}
	return hpr.Date{Time: t}
}

// fileURI makes an SQLite URI of path with the given query, escaping the
// path so a '?' or '#' in it is not read as a parameter.
func fileURI(path, query string) string {
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(path), RawQuery: query}
	return u.String()
}

// dbError wraps an SQLite failure as ErrIndex. The driver's messages name
// SQL and constraints, never bound values, so they are kept for the logs.
func dbError(op string, err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("%s: %w", op, err)
	}
	return fmt.Errorf("%s: %w: %w", op, ErrIndex, err)
}
