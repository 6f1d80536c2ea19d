package handlers

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/csv"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/oppslag/oppslag/clients/audit"
	"github.com/oppslag/oppslag/clients/hpr"
	"github.com/oppslag/oppslag/handlers/request"
	"github.com/oppslag/oppslag/views"
	"github.com/oppslag/oppslag/views/i18n"
)

// The batch check (F15): a list of HPR numbers, pasted or uploaded, checked
// in the background while the page shows progress; the table downloads as
// CSV. With a local index every number is answered from it and costs no
// upstream call. Without one, each goes through the client, whose cache
// answers repeats and whose limiter keeps the portal inside HPR's bucket;
// numbers the limiter refuses are marked "not checked" with the wait, never
// silently dropped.
//
// A check lives in this instance's memory for BatchLifetime and belongs to
// the user who started it; behind a load balancer without sticky sessions a
// poll may reach another instance, which answers "no longer exists" (the
// check can be run again; answers are cached).

// Batch limits.
const (
	MaxBatchNumbers  = 5000
	maxBatchBytes    = 1 << 20 // pasted text plus file
	BatchLifetime    = time.Hour
	maxBatchesStored = 200
	batchCallTimeout = 3 * time.Second
	maxBadShown      = 10
)

// MaxBatchUpload is the most a batch check's request body may hold: the
// numbers (pasted and in the file) plus the multipart framing. The web
// package applies it before anything reads the body (S40).
const MaxBatchUpload = maxBatchBytes + 64<<10

// parseBatch reads HPR numbers separated by whitespace, commas or
// semicolons, in order and without repeats. Tokens that are not numbers are
// returned in bad (capped); a first line holding letters is taken as a
// column heading and skipped, so a one-column CSV file works as it is.
func parseBatch(text string) (numbers []int, bad []string) {
	seen := map[int]bool{}
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(make([]byte, 64<<10), maxBatchBytes)
	first := true
	for sc.Scan() {
		line := sc.Text()
		if first {
			first = false
			line = strings.TrimPrefix(line, "\ufeff")
			if letters(line) > 0 {
				continue
			}
		}
		for _, tok := range strings.FieldsFunc(line, func(r rune) bool {
			return r == ',' || r == ';' || r == ' ' || r == '\t' || r == '\r'
		}) {
			tok = strings.Trim(tok, `"'`)
			if tok == "" {
				continue
			}
			n, ok := parseHPRNumber(tok)
			if !ok {
				if len(bad) < maxBadShown {
					bad = append(bad, sanitizeToken(tok))
				}
				continue
			}
			if !seen[n] {
				seen[n] = true
				numbers = append(numbers, n)
			}
		}
	}
	return numbers, bad
}

// mergeNumbers appends the numbers of b not already in a.
func mergeNumbers(a, b []int) []int {
	seen := make(map[int]bool, len(a))
	for _, n := range a {
		seen[n] = true
	}
	for _, n := range b {
		if !seen[n] {
			seen[n] = true
			a = append(a, n)
		}
	}
	return a
}

// sanitizeToken shortens a refused token for the message and masks what
// could be an identity number (S15): the user sees which entry was wrong,
// not a copy of it. NUL and other control characters and invalid UTF-8
// (an uploaded file need not be text) show as "�" (S42), so the page stays
// the UTF-8 it says it is.
func sanitizeToken(s string) string {
	if digits(s) >= 11 {
		return strings.Repeat("•", 6) + "…"
	}
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == utf8.RuneError {
			return utf8.RuneError
		}
		return r
	}, strings.ToValidUTF8(s, string(utf8.RuneError)))
	r := []rune(s)
	if len(r) > 20 {
		return string(r[:20]) + "…"
	}
	return s
}

// HPRBatches keeps the running and finished batch checks.
type HPRBatches struct {
	mu   sync.Mutex
	jobs map[string]*batchJob
}

// NewHPRBatches returns an empty store.
func NewHPRBatches() *HPRBatches { return &HPRBatches{jobs: map[string]*batchJob{}} }

// batchJob is one check. rows is filled in order; done is set when the last
// number has been looked at.
type batchJob struct {
	owner   string // the user's subject
	started time.Time
	lang    i18n.Lang
	total   int

	mu      sync.Mutex
	rows    []views.HPRBatchRow
	done    bool
	limited *views.HPRLimit
	source  string
}

func (b *HPRBatches) add(j *batchJob, now time.Time) (string, error) {
	buf := make([]byte, 16)
	if _, err := rand.Read(buf); err != nil {
		return "", err
	}
	id := base64.RawURLEncoding.EncodeToString(buf)
	b.mu.Lock()
	defer b.mu.Unlock()
	for k, old := range b.jobs {
		if now.Sub(old.started) > BatchLifetime {
			delete(b.jobs, k)
		}
	}
	if len(b.jobs) >= maxBatchesStored {
		var oldest string
		for k, old := range b.jobs {
			if oldest == "" || old.started.Before(b.jobs[oldest].started) {
				oldest = k
			}
		}
		delete(b.jobs, oldest)
	}
	b.jobs[id] = j
	return id, nil
}

func (b *HPRBatches) get(id, owner string, now time.Time) (*batchJob, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	j, ok := b.jobs[id]
	if !ok || j.owner != owner || now.Sub(j.started) > BatchLifetime {
		return nil, false
	}
	return j, true
}

// BatchForm shows the batch check form: GET /hpr/batch.
func (h HPR) BatchForm(w http.ResponseWriter, r *http.Request) error {
	return h.batchForm(w, r, http.StatusOK, "", "")
}

func (h HPR) batchForm(w http.ResponseWriter, r *http.Request, status int, numbers, msg string) error {
	ctx := r.Context()
	f := views.HPRBatchForm{Action: "/hpr/batch", Numbers: numbers, Error: msg, Max: MaxBatchNumbers}
	if ix := h.index(); ix != nil {
		f.IndexInfo = i18n.T(ctx, "hpr.index.info", i18n.DateTime(i18n.From(ctx), ix.Info().ExportedAt))
	}
	return Render(w, r, status, views.HPRBatchFormPage(h.Site.Base(r, "hpr.batch.title"), f))
}

// StartBatch reads the posted numbers, records the check and starts it:
// POST /hpr/batch (multipart: "numbers" and an optional "file").
func (h HPR) StartBatch(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if h.Batches == nil || h.API == nil && h.index() == nil {
		return hprError(errNoHPR)
	}
	r.Body = http.MaxBytesReader(w, r.Body, MaxBatchUpload)
	text := ""
	if err := r.ParseMultipartForm(maxBatchBytes); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		return h.batchForm(w, r, http.StatusUnprocessableEntity, "", i18n.T(ctx, "hpr.error.batch.file"))
	}
	text = r.FormValue("numbers")
	numbers, bad := parseBatch(text)
	if f, _, err := r.FormFile("file"); err == nil {
		b, rerr := io.ReadAll(io.LimitReader(f, maxBatchBytes+1))
		f.Close()
		if rerr != nil || len(b) > maxBatchBytes {
			return h.batchForm(w, r, http.StatusUnprocessableEntity, text, i18n.T(ctx, "hpr.error.batch.file"))
		}
		// The file is read on its own, so its heading line is recognised.
		more, moreBad := parseBatch(string(b))
		numbers, bad = mergeNumbers(numbers, more), append(bad, moreBad...)
		if len(bad) > maxBadShown {
			bad = bad[:maxBadShown]
		}
	}
	switch {
	case len(bad) > 0:
		return h.batchForm(w, r, http.StatusUnprocessableEntity, text, i18n.T(ctx, "hpr.error.batch.invalid", strings.Join(bad, ", ")))
	case len(numbers) == 0:
		return h.batchForm(w, r, http.StatusUnprocessableEntity, text, i18n.T(ctx, "hpr.error.batch.empty"))
	case len(numbers) > MaxBatchNumbers:
		return h.batchForm(w, r, http.StatusUnprocessableEntity, text, i18n.T(ctx, "hpr.error.batch.too_many", MaxBatchNumbers))
	}
	if err := h.record(ctx, "batch", []string{"hprNummer"}, numbers, audit.Granted); err != nil {
		return err
	}
	u := request.UserFrom(ctx)
	owner := ""
	if u != nil {
		owner = u.Subject
	}
	j := &batchJob{owner: owner, started: h.now(), lang: i18n.From(ctx), total: len(numbers)}
	id, err := h.Batches.add(j, h.now())
	if err != nil {
		return Errorf(http.StatusServiceUnavailable, "", err)
	}
	// The check outlives the request; it stops at BatchLifetime at most.
	bctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), BatchLifetime)
	go func() {
		defer cancel()
		h.runBatch(bctx, j, numbers)
	}()
	http.Redirect(w, r, "/hpr/batch/"+id, http.StatusSeeOther)
	return nil
}

// runBatch checks every number in order, filling j.
func (h HPR) runBatch(ctx context.Context, j *batchJob, numbers []int) {
	lctx := i18n.WithLang(ctx, j.lang)
	day := hpr.Today(h.now())
	ix := h.index()
	if ix != nil {
		j.mu.Lock()
		j.source = i18n.T(lctx, "hpr.freshness.index", i18n.DateTime(j.lang, ix.Info().ExportedAt))
		j.mu.Unlock()
	}
	for _, n := range numbers {
		row := h.checkOne(lctx, ix, n, day, j)
		j.mu.Lock()
		j.rows = append(j.rows, row)
		j.mu.Unlock()
	}
	j.mu.Lock()
	j.done = true
	j.mu.Unlock()
}

// checkOne answers one number from the index, else through the client.
func (h HPR) checkOne(ctx context.Context, ix HPRIndex, n int, day hpr.Date, j *batchJob) views.HPRBatchRow {
	row := views.HPRBatchRow{Number: strconv.Itoa(n)}
	var p hpr.Personnel
	var err error
	found := false
	if ix != nil {
		p, found, err = ix.ByNumber(ctx, n)
		if err == nil && !found {
			err = hpr.ErrNotFound
		}
	} else {
		cctx, cancel := context.WithTimeout(ctx, batchCallTimeout)
		var res hpr.Result
		res, err = h.API.ByNumber(cctx, n)
		cancel()
		p, found = res.Personnel, err == nil
	}
	switch {
	case found:
		return batchRowOf(ctx, p, day)
	case errors.Is(err, hpr.ErrNotFound):
		row.StatusKind = "notfound"
	default:
		row.StatusKind = "unchecked"
		if l := limitOf(ctx, err); l != nil {
			j.mu.Lock()
			if j.limited == nil || l.Seconds > j.limited.Seconds {
				j.limited = l
			}
			j.mu.Unlock()
		}
	}
	row.Status = i18n.T(ctx, "hpr.status."+row.StatusKind)
	return row
}

func batchRowOf(ctx context.Context, p hpr.Personnel, day hpr.Date) views.HPRBatchRow {
	st := hpr.StatusOn(p, day)
	kind := statusKind(st)
	row := views.HPRBatchRow{
		Number:     strconv.Itoa(p.HPRNumber),
		URL:        hprCardURL(p.HPRNumber),
		Name:       fullName(p.Person.GivenName, p.Person.MiddleName, p.Person.FamilyName),
		Category:   currentCategories(ctx, st),
		Status:     i18n.T(ctx, "hpr.status."+kind),
		StatusKind: kind,
	}
	// The earliest end among current approvals is when the person next
	// needs something renewed; an open-ended one leaves it empty.
	var earliest hpr.Date
	for _, a := range st.Current() {
		if !a.Expires.IsZero() && (earliest.IsZero() || a.Expires.Before(earliest.Time)) {
			earliest = a.Expires
		}
	}
	if !earliest.IsZero() {
		row.Expiry = i18n.Date(i18n.From(ctx), earliest.Time)
	}
	var limits []string
	for _, s := range st.Suspensions {
		limits = append(limits, firstNonEmpty(s.Type.Name, s.Type.Value)+" ("+periodText(ctx, s.Period)+")")
	}
	for _, a := range st.Current() {
		for _, c := range a.Approval.Conditions {
			limits = append(limits, firstNonEmpty(c.Type.Name, c.Type.Value))
		}
	}
	row.Restrictions = strings.Join(limits, "; ")
	return row
}

// snapshot copies the job's state into the page's model.
func (h HPR) batchModel(ctx context.Context, id string, j *batchJob) views.HPRBatch {
	j.mu.Lock()
	defer j.mu.Unlock()
	d := views.HPRBatch{
		URL:      "/hpr/batch/" + id,
		FormURL:  "/hpr/batch",
		Done:     j.done,
		Checked:  len(j.rows),
		Total:    j.total,
		Progress: i18n.T(ctx, "hpr.batch.progress", len(j.rows), j.total),
		Source:   j.source,
		Limited:  j.limited,
	}
	if j.done {
		d.CSVURL = d.URL + "/csv"
		d.Rows = append([]views.HPRBatchRow(nil), j.rows...)
		counts := map[string]int{}
		var order []string
		for _, r := range j.rows {
			if counts[r.StatusKind] == 0 {
				order = append(order, r.StatusKind)
			}
			counts[r.StatusKind]++
		}
		for _, k := range order {
			d.Counts = append(d.Counts, views.HPRCount{Status: i18n.T(ctx, "hpr.status."+k), Kind: k, Count: counts[k]})
		}
	}
	return d
}

func (h HPR) job(r *http.Request) (string, *batchJob, error) {
	id := r.PathValue("id")
	u := request.UserFrom(r.Context())
	if h.Batches == nil || u == nil {
		return "", nil, Errorf(http.StatusNotFound, "error.hpr.batch", nil)
	}
	j, ok := h.Batches.get(id, u.Subject, h.now())
	if !ok {
		return "", nil, Errorf(http.StatusNotFound, "error.hpr.batch", nil)
	}
	return id, j, nil
}

// Batch shows a check: GET /hpr/batch/{id}. The progress region polls this
// URL with HX-Request and gets only itself back.
func (h HPR) Batch(w http.ResponseWriter, r *http.Request) error {
	id, j, err := h.job(r)
	if err != nil {
		return err
	}
	d := h.batchModel(r.Context(), id, j)
	if IsFragment(r) {
		return Render(w, r, http.StatusOK, views.HPRBatchProgress(d))
	}
	return Render(w, r, http.StatusOK, views.HPRBatchPage(h.Site.Base(r, "hpr.batch.title"), d))
}

// BatchCSV downloads a finished check: GET /hpr/batch/{id}/csv. Norwegian
// spreadsheets expect ";" (the comma is the decimal sign), English ",";
// a byte-order mark makes them read UTF-8. A cell that a spreadsheet would
// take for a formula is prefixed with an apostrophe (CSV injection).
func (h HPR) BatchCSV(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, j, err := h.job(r)
	if err != nil {
		return err
	}
	d := h.batchModel(ctx, id, j)
	if !d.Done {
		return Errorf(http.StatusConflict, "error.hpr.batch.running", nil)
	}
	var b strings.Builder
	b.WriteString("\ufeff")
	cw := csv.NewWriter(&b)
	if i18n.From(ctx) != i18n.EN {
		cw.Comma = ';'
	}
	head := []string{"hpr.col.number", "hpr.col.name", "hpr.col.category", "hpr.col.status", "hpr.col.expiry", "hpr.col.restrictions"}
	for i, k := range head {
		head[i] = i18n.T(ctx, k)
	}
	_ = cw.Write(head)
	for _, row := range d.Rows {
		_ = cw.Write([]string{row.Number, csvSafe(row.Name), csvSafe(row.Category), csvSafe(row.Status), row.Expiry, csvSafe(row.Restrictions)})
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return Errorf(http.StatusInternalServerError, "", err)
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="hpr-kontroll.csv"`)
	w.Header().Set("Cache-Control", "no-store")
	_, err = io.WriteString(w, b.String())
	return err
}

// csvSafe defuses a cell a spreadsheet would evaluate.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
