package hprindex

import (
	"archive/zip"
	"bufio"
	"bytes"
	"compress/flate"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/oppslag/oppslag/clients/hpr"
	"github.com/oppslag/oppslag/clients/sanitize"
)

// Limits of a build. The defaults leave a wide margin over the real
// register (about 600 000 entries of a few kilobytes each).
const (
	// DefaultMaxObjectBytes caps one register entry's JSON object. The
	// largest real entries (long approval histories) are tens of kilobytes.
	DefaultMaxObjectBytes = 1 << 20
	// DefaultMaxEntries caps the objects read from one export, so a zip
	// bomb of small objects cannot fill the disk.
	DefaultMaxEntries = 5_000_000
	// DefaultMaxExportBytes caps an export spooled from a stream.
	DefaultMaxExportBytes = 4 << 30
)

// Builder builds index files. The zero Builder uses the defaults.
type Builder struct {
	// MaxObjectBytes caps one entry's JSON object; DefaultMaxObjectBytes when 0.
	MaxObjectBytes int64
	// MaxEntries caps the objects of one export; DefaultMaxEntries when 0.
	MaxEntries int
	// MaxExportBytes caps what BuildFrom spools; DefaultMaxExportBytes when 0.
	MaxExportBytes int64
	// Now stamps the build time; time.Now when nil.
	Now func() time.Time
}

// Stats describes a finished build.
type Stats struct {
	ZipEntries int       // files in the zip that were read
	Objects    int       // JSON objects read
	Entries    int       // entries stored: Objects less the duplicates
	Duplicates int       // objects whose HPR number came again (the newer sistOppdatert, then the later object, wins)
	Terms      int       // distinct name skeletons (the typo vocabulary)
	FileBytes  int64     // size of the index file
	BuiltAt    time.Time // when the build finished
	ExportedAt time.Time // the export time given to Build
}

// Build builds the index of the zipped export into a new SQLite file and
// moves it to dst atomically, with the defaults of a zero Builder.
func Build(ctx context.Context, dst string, export io.ReaderAt, size int64, exportedAt time.Time) (Stats, error) {
	return Builder{}.Build(ctx, dst, export, size, exportedAt)
}

// Build reads the zipped export (each zip entry a run of consecutive JSON
// objects of the shape of hpr.Personnel), writes the index to dst+".tmp",
// syncs it and renames it over dst, so a reader opening dst sees the old
// index or the new one, never a half-built one. On any error dst is left
// as it was and the temporary file is removed. exportedAt is when the
// export was fetched: every entry is stamped with it, and the status
// summary of each entry (current categories, suspension) is computed for
// that day in Norwegian time. The file is created readable by its owner
// only, since it holds identity numbers. Run one build per dst at a time.
func (b Builder) Build(ctx context.Context, dst string, export io.ReaderAt, size int64, exportedAt time.Time) (Stats, error) {
	st, err := b.build(ctx, dst, export, size, exportedAt)
	if err != nil {
		return Stats{}, fmt.Errorf("hprindex: build: %w", err)
	}
	return st, nil
}

// BuildFrom is Build for an export that arrives as a stream, such as an
// HTTP response body: a zip needs random access, so the stream is first
// spooled to dst+".zip.tmp" (at most MaxExportBytes), which is removed
// afterwards.
func (b Builder) BuildFrom(ctx context.Context, dst string, r io.Reader, exportedAt time.Time) (Stats, error) {
	spool := dst + ".zip.tmp"
	f, err := os.OpenFile(spool, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return Stats{}, fmt.Errorf("hprindex: build: spool export: %w: %w", ErrIndex, err)
	}
	defer os.Remove(spool)
	defer f.Close()
	max := b.MaxExportBytes
	if max <= 0 {
		max = DefaultMaxExportBytes
	}
	n, err := io.Copy(f, io.LimitReader(ctxReader{ctx, r}, max+1))
	if err != nil {
		if ctx.Err() != nil {
			return Stats{}, fmt.Errorf("hprindex: build: spool export: %w", context.Cause(ctx))
		}
		return Stats{}, fmt.Errorf("hprindex: build: spool export: %w: %w", ErrUpstream, err)
	}
	if n > max {
		return Stats{}, fmt.Errorf("hprindex: build: export larger than %d bytes: %w", max, ErrMalformed)
	}
	return b.Build(ctx, dst, f, n, exportedAt)
}

// ctxReader stops a long copy when ctx ends.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// row is one entry ready for the database.
type row struct {
	hpr                         int
	seq                         int64 // zip entry << 32 | object index: the export order
	family, given, middle       string
	birth, nin                  string
	categories                  string
	active, suspended, deceased bool
	replacedBy                  int
	validTo                     string
	lastUpdated                 int64 // Unix milliseconds, 0 when absent
	exportedAt                  int64 // Unix milliseconds
	doc                         []byte
	terms                       nameTerms
}

// rawBatch is a run of raw objects from one zip entry.
type rawBatch struct {
	entry   string // sanitised entry name, for errors
	entryNo int
	first   int // object index of objs[0] in the entry
	objs    [][]byte
}

const batchSize = 256

func (b Builder) build(ctx context.Context, dst string, export io.ReaderAt, size int64, exportedAt time.Time) (Stats, error) {
	if dst == "" {
		return Stats{}, fmt.Errorf("empty destination path: %w", ErrIndex)
	}
	maxObj := b.MaxObjectBytes
	if maxObj <= 0 {
		maxObj = DefaultMaxObjectBytes
	}
	maxEntries := b.MaxEntries
	if maxEntries <= 0 {
		maxEntries = DefaultMaxEntries
	}
	now := b.Now
	if now == nil {
		now = time.Now
	}
	zr, err := zip.NewReader(export, size)
	if err != nil {
		return Stats{}, fmt.Errorf("not a readable zip (%s): %w", zipError(err), ErrMalformed)
	}
	var files []*zip.File
	for _, f := range zr.File {
		if !strings.HasSuffix(f.Name, "/") {
			files = append(files, f)
		}
	}

	tmp := dst + ".tmp"
	_ = os.Remove(tmp) // left over by a crash; never a reader's file
	ok := false
	defer func() {
		if !ok {
			os.Remove(tmp)
		}
	}()
	// The file holds identity numbers: readable by the portal's user only.
	// SQLite would create it with the umask's permissions.
	f, err := os.OpenFile(tmp, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return Stats{}, fmt.Errorf("create new index: %w: %w", ErrIndex, err)
	}
	f.Close()
	db, err := sql.Open("sqlite", fileURI(tmp, "_pragma=journal_mode(OFF)&_pragma=synchronous(OFF)&_pragma=cache_size(-65536)&_pragma=temp_store(FILE)&_pragma=locking_mode(EXCLUSIVE)"))
	if err != nil {
		return Stats{}, dbError("open new index", err)
	}
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		return Stats{}, dbError("open new index", err)
	}
	defer conn.Close()

	st := Stats{ZipEntries: len(files), ExportedAt: exportedAt}
	day := hpr.DateOf(exportedAt.In(hpr.Oslo))
	exported := exportedAt.UnixMilli()
	if err := b.load(ctx, conn, files, maxObj, maxEntries, day, exported, &st); err != nil {
		return Stats{}, err
	}
	if st.Entries == 0 {
		return Stats{}, fmt.Errorf("export holds no entries: %w", ErrMalformed)
	}
	st.BuiltAt = now()
	if err := finishIndex(ctx, conn, st); err != nil {
		return Stats{}, err
	}
	if err := conn.Close(); err != nil {
		return Stats{}, dbError("close new index", err)
	}
	if err := db.Close(); err != nil {
		return Stats{}, dbError("close new index", err)
	}
	if st.FileBytes, err = syncFile(tmp); err != nil {
		return Stats{}, err
	}
	if err := os.Rename(tmp, dst); err != nil {
		return Stats{}, fmt.Errorf("move new index into place: %w: %w", ErrIndex, err)
	}
	ok = true
	syncDir(filepath.Dir(dst))
	return st, nil
}

// load runs the pipeline: readers (one per zip entry, up to GOMAXPROCS at
// a time) split each entry into raw objects; workers decode them and derive
// the columns; this goroutine alone writes, as SQLite wants, in one
// transaction. The first error cancels everything.
func (b Builder) load(ctx context.Context, conn *sql.Conn, files []*zip.File, maxObj int64, maxEntries int, day hpr.Date, exported int64, st *Stats) error {
	for _, s := range schema {
		if _, err := conn.ExecContext(ctx, s); err != nil {
			return dbError("create schema", err)
		}
	}
	if _, err := conn.ExecContext(ctx, `BEGIN`); err != nil {
		return dbError("begin", err)
	}
	// The connection is closed without a commit on error; journal_mode=OFF
	// and the file is removed anyway.

	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	fail := func(err error) { cancel(err) }

	procs := runtime.GOMAXPROCS(0)
	rawCh := make(chan rawBatch, 4*procs)
	rowCh := make(chan []row, 4*procs)
	var objects atomic.Int64

	var readers sync.WaitGroup
	fileCh := make(chan int)
	for range min(procs, max(len(files), 1)) {
		readers.Go(func() {
			for i := range fileCh {
				if ctx.Err() != nil {
					return // the feeder stops too; skip what it had handed out
				}
				if err := readEntry(ctx, files[i], i, maxObj, int64(maxEntries), &objects, rawCh); err != nil {
					fail(err)
					return
				}
			}
		})
	}
	go func() {
		defer close(fileCh)
		for i := range files {
			select {
			case fileCh <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() { readers.Wait(); close(rawCh) }()

	var workers sync.WaitGroup
	for range procs {
		workers.Go(func() {
			for rb := range rawCh {
				rows, err := convert(rb, day, exported)
				if err != nil {
					fail(err)
					continue // drain, so the readers are never stuck
				}
				select {
				case rowCh <- rows:
				case <-ctx.Done():
				}
			}
		})
	}
	go func() { workers.Wait(); close(rowCh) }()

	if err := write(ctx, conn, rowCh, st); err != nil {
		fail(err)
	}
	for range rowCh { // let the pipeline wind down before returning
	}
	if cause := context.Cause(ctx); cause != nil {
		return cause // the first failure, or the caller's cancellation
	}
	st.Objects = int(objects.Load())
	return nil
}

// write stores the rows as they come, keeping the newer of two objects
// with the same HPR number, then the typo vocabulary.
func write(ctx context.Context, conn *sql.Conn, rowCh <-chan []row, st *Stats) error {
	insP, err := conn.PrepareContext(ctx, insertPersonnel)
	if err != nil {
		return dbError("prepare", err)
	}
	defer insP.Close()
	insS, err := conn.PrepareContext(ctx, insertStage)
	if err != nil {
		return dbError("prepare", err)
	}
	defer insS.Close()

	type kept struct{ seq, lastUpdated int64 }
	seen := make(map[int]kept, 1<<16)
	vocab := make(map[string]int, 1<<14) // term → cut (see vocabTerm)
	for rows := range rowCh {
		if err := ctx.Err(); err != nil {
			return context.Cause(ctx)
		}
		for i := range rows {
			r := &rows[i]
			if k, dup := seen[r.hpr]; dup {
				st.Duplicates++
				if r.lastUpdated < k.lastUpdated || r.lastUpdated == k.lastUpdated && r.seq < k.seq {
					continue
				}
			} else {
				st.Entries++
			}
			seen[r.hpr] = kept{r.seq, r.lastUpdated}
			if _, err := insP.ExecContext(ctx, r.hpr, r.family, r.given, r.middle, r.terms.familyKey,
				r.birth, r.nin, r.categories, r.active, r.suspended, r.deceased, r.replacedBy,
				r.validTo, r.lastUpdated, r.exportedAt, r.doc); err != nil {
				return dbError("insert entry", err)
			}
			if _, err := insS.ExecContext(ctx, r.hpr, r.terms.sortKey, r.terms.tokens); err != nil {
				return dbError("insert entry", err)
			}
			for _, v := range r.terms.skels {
				if cut, ok := vocab[v.term]; !ok || v.cut < cut {
					vocab[v.term] = v.cut
				}
			}
		}
	}
	if err := ctx.Err(); err != nil {
		return context.Cause(ctx)
	}
	st.Terms = len(vocab)
	return writeVocab(ctx, conn, vocab)
}

// writeVocab stores the skeletons and the deletion keys of every skeleton
// of at least minTypoTermRunes runes, sorted, so the b-trees fill in order.
func writeVocab(ctx context.Context, conn *sql.Conn, vocab map[string]int) error {
	terms := make([]string, 0, len(vocab))
	for t := range vocab {
		terms = append(terms, t)
	}
	slices.Sort(terms)
	insV, err := conn.PrepareContext(ctx, `INSERT INTO vocab (term, cut) VALUES (?, ?)`)
	if err != nil {
		return dbError("prepare", err)
	}
	defer insV.Close()
	for _, t := range terms {
		if _, err := insV.ExecContext(ctx, t, vocab[t]); err != nil {
			return dbError("insert vocabulary", err)
		}
	}
	type pair struct{ del, term string }
	var pairs []pair
	for _, t := range terms {
		if utf8.RuneCountInString(t) < minTypoTermRunes {
			continue
		}
		for _, d := range deletions(t) {
			pairs = append(pairs, pair{d, t})
		}
	}
	slices.SortFunc(pairs, func(a, b pair) int {
		if c := strings.Compare(a.del, b.del); c != 0 {
			return c
		}
		return strings.Compare(a.term, b.term)
	})
	ins, err := conn.PrepareContext(ctx, `INSERT OR IGNORE INTO typo (del, term) VALUES (?, ?)`)
	if err != nil {
		return dbError("prepare", err)
	}
	defer ins.Close()
	for _, p := range pairs {
		if _, err := ins.ExecContext(ctx, p.del, p.term); err != nil {
			return dbError("insert typo keys", err)
		}
	}
	return nil
}

// finishIndex ranks, indexes, records the meta data and commits.
func finishIndex(ctx context.Context, conn *sql.Conn, st Stats) error {
	for _, s := range finish {
		if _, err := conn.ExecContext(ctx, s); err != nil {
			return dbError("finish index", err)
		}
	}
	meta := map[string]string{
		"format":      formatVersion,
		"entries":     strconv.Itoa(st.Entries),
		"built_at":    st.BuiltAt.UTC().Format(time.RFC3339Nano),
		"exported_at": st.ExportedAt.UTC().Format(time.RFC3339Nano),
	}
	for k, v := range meta {
		if _, err := conn.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES (?, ?)`, k, v); err != nil {
			return dbError("write meta", err)
		}
	}
	if _, err := conn.ExecContext(ctx, `COMMIT`); err != nil {
		return dbError("commit", err)
	}
	return nil
}

// errObjectTooLarge is what objectLimiter hands the decoder when an object
// runs past the cap.
var errObjectTooLarge = errors.New("object too large")

// objectLimiter lets the JSON decoder read at most up to limit, an offset
// in the entry's decompressed stream that readEntry moves forward before
// each object, so an oversized object fails after MaxObjectBytes instead
// of being buffered whole.
type objectLimiter struct {
	r     io.Reader
	read  int64
	limit int64
}

func (l *objectLimiter) Read(p []byte) (int, error) {
	if l.read >= l.limit {
		return 0, errObjectTooLarge
	}
	if rest := l.limit - l.read; int64(len(p)) > rest {
		p = p[:rest]
	}
	n, err := l.r.Read(p)
	l.read += int64(n)
	return n, err
}

// limiterSlack is the room past an object's cap for whitespace before it
// and the decoder's read-ahead.
const limiterSlack = 64 << 10

// readEntry splits one zip entry into raw JSON objects.
func readEntry(ctx context.Context, f *zip.File, entryNo int, maxObj, maxEntries int64, objects *atomic.Int64, out chan<- rawBatch) error {
	name := entryName(f.Name)
	rc, err := f.Open()
	if err != nil {
		return fmt.Errorf("entry %s: cannot open (%s): %w", name, zipError(err), ErrMalformed)
	}
	defer rc.Close()
	return splitObjects(ctx, rc, name, entryNo, maxObj, maxEntries, objects, out)
}

// splitObjects reads the JSON objects of one entry and sends them on in
// batches. INFERENCE: the export's entries hold consecutive top-level
// objects (upstreams.md §3.2); an entry holding one top-level array of
// such objects is read as well, since nothing documents which of the two
// HPR writes and accepting both costs nothing.
func splitObjects(ctx context.Context, r io.Reader, name string, entryNo int, maxObj, maxEntries int64, objects *atomic.Int64, out chan<- rawBatch) error {
	lim := &objectLimiter{r: r, limit: maxObj + limiterSlack}
	br := bufio.NewReaderSize(lim, 64<<10)
	array, err := startsWithArray(br)
	if err != nil {
		return objectError(name, 0, err, maxObj)
	}
	dec := json.NewDecoder(br)
	if array {
		if _, err := dec.Token(); err != nil {
			return objectError(name, 0, err, maxObj)
		}
	}
	batch := rawBatch{entry: name, entryNo: entryNo}
	send := func() bool {
		if len(batch.objs) == 0 {
			return true
		}
		select {
		case out <- batch:
		case <-ctx.Done():
			return false
		}
		batch = rawBatch{entry: name, entryNo: entryNo, first: batch.first + len(batch.objs)}
		return true
	}
	for i := 0; ; i++ {
		if array && !dec.More() {
			if _, err := dec.Token(); err != nil { // the closing ]
				return objectError(name, i, err, maxObj)
			}
			if _, err := dec.Token(); err != io.EOF {
				return fmt.Errorf("entry %s: data after the array: %w", name, ErrMalformed)
			}
			break
		}
		// Bytes the bufio.Reader and the decoder hold are already counted
		// in lim.read; the object starts at most that far back.
		lim.limit = lim.read + maxObj + limiterSlack
		var raw json.RawMessage
		err := dec.Decode(&raw)
		if err == io.EOF && !array {
			break
		}
		if err != nil {
			return objectError(name, i, err, maxObj)
		}
		if int64(len(raw)) > maxObj {
			return objectError(name, i, errObjectTooLarge, maxObj)
		}
		if raw[0] != '{' {
			return fmt.Errorf("entry %s object index %d: not a JSON object: %w", name, i, ErrMalformed)
		}
		if objects.Add(1) > maxEntries {
			return fmt.Errorf("export holds more than %d objects: %w", maxEntries, ErrMalformed)
		}
		batch.objs = append(batch.objs, raw)
		if len(batch.objs) == batchSize && !send() {
			return nil
		}
	}
	send()
	return nil
}

// startsWithArray peeks past leading whitespace for '['.
func startsWithArray(br *bufio.Reader) (bool, error) {
	for {
		c, err := br.ReadByte()
		if err == io.EOF {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		switch c {
		case ' ', '\t', '\r', '\n':
			continue
		}
		return c == '[', br.UnreadByte()
	}
}

// objectError describes a failure at object i of entry name without
// quoting the data, which may hold identity numbers.
func objectError(name string, i int, err error, maxObj int64) error {
	var kind string
	var flateErr flate.CorruptInputError
	switch {
	case errors.Is(err, errObjectTooLarge):
		kind = fmt.Sprintf("object larger than %d bytes", maxObj)
	case errors.Is(err, zip.ErrChecksum), errors.Is(err, zip.ErrFormat), errors.As(err, &flateErr):
		kind = "corrupt zip data"
	default:
		kind = jsonKind(err)
	}
	return fmt.Errorf("entry %s object index %d: %s: %w", name, i, kind, ErrMalformed)
}

// jsonKind is sanitize.JSONError with long digit runs masked: for a number
// that does not fit its field ("number 1.5 where ... wants int") the
// decoder quotes the number, which could be an identity number.
func jsonKind(err error) string { return sanitize.Text(sanitize.JSONError(err), nil, 200) }

func zipError(err error) string {
	switch {
	case errors.Is(err, zip.ErrFormat):
		return "not a valid zip file"
	case errors.Is(err, zip.ErrAlgorithm):
		return "unsupported compression method"
	case errors.Is(err, zip.ErrChecksum):
		return "checksum error"
	case errors.Is(err, zip.ErrInsecurePath):
		return "insecure entry name"
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return "truncated"
	}
	return "read error"
}

// entryName quotes a zip entry name for an error: masked digit runs,
// no control characters, at most 80 runes.
func entryName(s string) string { return strconv.Quote(sanitize.Text(s, nil, 80)) }

// convert decodes and derives one batch. Type errors name the entry and
// the object index, never the value.
func convert(rb rawBatch, day hpr.Date, exported int64) ([]row, error) {
	rows := make([]row, 0, len(rb.objs))
	var buf bytes.Buffer
	for j, raw := range rb.objs {
		idx := rb.first + j
		// Read as the client reads an answer: a value it cannot read costs
		// that field, never the entry or the register copy (issue 9). The
		// stored document is the raw one; a card read from the index decodes
		// it the same way and shows the odd value marked.
		p, err := hpr.DecodePersonnel(raw)
		if err != nil {
			// The decoder's text names the kind of fault, never the data;
			// sanitize masks any digit run all the same.
			kind := sanitize.Text(err.Error(), nil, 200)
			if strings.Contains(kind, "hprNummer") {
				kind = "hprNummer missing or not positive"
			}
			return nil, fmt.Errorf("entry %s object index %d: %s: %w", rb.entry, idx, kind, ErrMalformed)
		}
		doc := raw
		if looksIndented(raw) {
			buf.Reset()
			if err := json.Compact(&buf, raw); err == nil && buf.Len() < len(raw) {
				doc = bytes.Clone(buf.Bytes())
			}
		}
		r := row{
			hpr:        p.HPRNumber,
			seq:        int64(rb.entryNo)<<32 | int64(idx),
			family:     p.Person.FamilyName,
			given:      p.Person.GivenName,
			middle:     p.Person.MiddleName,
			birth:      p.Person.BirthDate.String(),
			nin:        strings.TrimSpace(p.Person.NIN),
			deceased:   !p.Person.DeathDate.IsZero() || p.Person.DeathDate.Unreadable(), // fail closed
			doc:        doc,
			terms:      indexTerms(p.Person.FamilyName, p.Person.GivenName, p.Person.MiddleName),
			exportedAt: exported,
		}
		if p.ReplacedBy != nil {
			r.replacedBy = *p.ReplacedBy
		}
		if !p.LastUpdated.IsZero() {
			r.lastUpdated = p.LastUpdated.UnixMilli()
		}
		s := summarize(&p, day)
		r.categories = strings.Join(s.categories, " ")
		r.active, r.suspended = s.active, s.suspended
		r.validTo = s.validTo.String()
		rows = append(rows, r)
	}
	return rows, nil
}

// looksIndented reports whether raw has the whitespace of a pretty
// printer, the only case where compacting it saves space worth a second
// pass over every document: a compact export (the usual case) is stored
// as it came.
func looksIndented(raw []byte) bool {
	return bytes.IndexByte(raw, '\n') >= 0 || bytes.IndexByte(raw, '\t') >= 0 || bytes.Contains(raw, []byte(`": `))
}

// summary is the status of an entry on one day.
type summary struct {
	categories []string
	active     bool
	suspended  bool
	validTo    hpr.Date
}

// summarize computes the status on day. An approval is current when its
// period covers day and it has no avsluttetStatus. Suspended: a reaction
// of a type in hpr.SuspensionCodes covering day, on the person or on a
// current approval. validTo: the last end among the current approvals,
// zero when one of them is open-ended (or none is current).
func summarize(p *hpr.Personnel, day hpr.Date) summary {
	var s summary
	openEnded := false
	suspension := func(rs []hpr.Reaction) bool {
		for _, r := range rs {
			// InForce counts a suspension whose period cannot be read.
			if slices.Contains(hpr.SuspensionCodes, r.Type.Value) && r.InForce(day) {
				return true
			}
		}
		return false
	}
	s.suspended = suspension(p.Reactions)
	for _, a := range p.Approvals {
		if a.Ended != nil || !a.Period.Covers(day) {
			continue
		}
		s.active = true
		if c := a.Category.Value; c != "" && !slices.Contains(s.categories, c) {
			s.categories = append(s.categories, c)
		}
		if suspension(a.Reactions) {
			s.suspended = true
		}
		if a.Period.To.IsZero() {
			openEnded = true
		} else if a.Period.To.After(s.validTo.Time) {
			s.validTo = a.Period.To
		}
	}
	if openEnded {
		s.validTo = hpr.Date{}
	}
	return s
}

// syncFile flushes path to disk and returns its size.
func syncFile(path string) (int64, error) {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return 0, fmt.Errorf("sync new index: %w: %w", ErrIndex, err)
	}
	defer f.Close()
	if err := f.Sync(); err != nil {
		return 0, fmt.Errorf("sync new index: %w: %w", ErrIndex, err)
	}
	fi, err := f.Stat()
	if err != nil {
		return 0, fmt.Errorf("sync new index: %w: %w", ErrIndex, err)
	}
	return fi.Size(), nil
}

// syncDir makes the rename durable. Best effort: some file systems refuse
// to sync a directory, and the rename itself has already happened.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
}
