package handlers

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/oppslag/oppslag/clients/audit"
	"github.com/oppslag/oppslag/clients/hpr"
	"github.com/oppslag/oppslag/clients/hpr/batch"
	"github.com/oppslag/oppslag/clients/hpr/standing"
	"github.com/oppslag/oppslag/handlers/request"
	"github.com/oppslag/oppslag/views"
	"github.com/oppslag/oppslag/views/i18n"
)

// The batch check (F15): a list of HPR numbers, pasted or uploaded, checked
// in the background while the page shows progress; the table downloads as
// CSV. The rules (reading the list, keeping the checks, each row's status,
// the CSV) are clients/hpr/batch; this file reads the request, audits,
// starts the check and fills its rows; the view words them.

// HPRBatches keeps the running and finished batch checks: in this
// instance's memory (NewHPRBatches), or copied to Redis so every instance
// finds them (batch.NewRedisStore, when Redis is configured).
type HPRBatches = batch.Store

// NewHPRBatches returns an empty store of this instance only.
func NewHPRBatches() *HPRBatches { return batch.NewStore() }

// MaxBatchUpload is the most a batch check's request body may hold: the
// numbers (pasted and in the file) plus the multipart framing. The web
// package applies it before anything reads the body (S40).
const MaxBatchUpload = batch.MaxBytes + 64<<10

// BatchForm shows the batch check form: GET /hpr/batch.
func (h HPR) BatchForm(w http.ResponseWriter, r *http.Request) error {
	return h.batchForm(w, r, http.StatusOK, "", views.Text{})
}

func (h HPR) batchForm(w http.ResponseWriter, r *http.Request, status int, numbers string, msg views.Text) error {
	f := views.HPRBatchForm{Action: "/hpr/batch", Numbers: numbers, Error: msg, Max: batch.MaxNumbers, IndexInfo: h.indexInfo()}
	return Render(w, r, status, views.HPRBatchFormPage(h.Site.Base(r, "hpr.batch.title"), f))
}

// StartBatch reads the posted numbers, records the check and starts it:
// POST /hpr/batch (multipart: "numbers" and an optional "file").
func (h HPR) StartBatch(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if h.Batches == nil || h.API == nil && h.index() == nil {
		return upstreamError(serviceHPR, errNoHPR)
	}
	r.Body = http.MaxBytesReader(w, r.Body, MaxBatchUpload)
	if err := r.ParseMultipartForm(batch.MaxBytes); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		return h.batchForm(w, r, http.StatusUnprocessableEntity, "", views.Msg("hpr.error.batch.file"))
	}
	text := r.FormValue("numbers")
	numbers, bad := batch.Parse(text)
	if f, _, err := r.FormFile("file"); err == nil {
		b, rerr := io.ReadAll(io.LimitReader(f, batch.MaxBytes+1))
		f.Close()
		if rerr != nil || len(b) > batch.MaxBytes {
			return h.batchForm(w, r, http.StatusUnprocessableEntity, text, views.Msg("hpr.error.batch.file"))
		}
		// The file is read on its own, so its heading line is recognised.
		more, moreBad := batch.Parse(string(b))
		numbers, bad = batch.Merge(numbers, more), append(bad, moreBad...)
		if len(bad) > batch.MaxBad {
			bad = bad[:batch.MaxBad]
		}
	}
	switch {
	case len(bad) > 0:
		return h.batchForm(w, r, http.StatusUnprocessableEntity, text, views.Msg("hpr.error.batch.invalid", strings.Join(bad, ", ")))
	case len(numbers) == 0:
		return h.batchForm(w, r, http.StatusUnprocessableEntity, text, views.Msg("hpr.error.batch.empty"))
	case len(numbers) > batch.MaxNumbers:
		return h.batchForm(w, r, http.StatusUnprocessableEntity, text, views.Msg("hpr.error.batch.too_many", batch.MaxNumbers))
	}
	if err := h.record(ctx, "batch", []string{"hprNummer"}, numbers, audit.Granted); err != nil {
		return err
	}
	owner := ""
	if u := request.UserFrom(ctx); u != nil {
		owner = u.Subject
	}
	j := batch.NewJob(owner, numbers, h.now())
	id, err := h.Batches.Add(j, h.now())
	if err != nil {
		return Errorf(http.StatusServiceUnavailable, "", err)
	}
	// The check outlives the request; it stops at batch.Lifetime at most.
	bctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), batch.Lifetime)
	go func() {
		defer cancel()
		j.Run(bctx, h.index(), h.API, hpr.Today(h.now()))
	}()
	http.Redirect(w, r, "/hpr/batch/"+id, http.StatusSeeOther)
	return nil
}

// batchRowOf is one row of a check for the table and the download.
func batchRowOf(r batch.Row) views.HPRBatchRow {
	if !r.Found() {
		return views.HPRBatchRow{Number: strconv.Itoa(r.Number), StatusKind: string(r.Kind)}
	}
	p, st := r.Personnel, r.Status
	row := views.HPRBatchRow{
		Number:     strconv.Itoa(p.HPRNumber),
		URL:        hprCardURL(p.HPRNumber),
		Name:       fullName(p.Person.GivenName, p.Person.MiddleName, p.Person.FamilyName),
		Categories: currentCategories(st),
		StatusKind: string(r.Kind),
	}
	if e := standing.NextExpiry(st); !e.IsZero() {
		row.Expiry = views.HPRDay(e.Time)
	}
	for _, s := range st.Suspensions {
		row.Suspensions = append(row.Suspensions, views.HPRPeriodRow{Name: firstNonEmpty(s.Type.Name, s.Type.Value),
			Period: periodOf(s.Period), Active: true})
	}
	for _, c := range standing.Conditions(st) {
		row.Conditions = append(row.Conditions, firstNonEmpty(c.Type.Name, c.Type.Value))
	}
	return row
}

// batchLimit is the longest rate-limit wait among the rows not checked,
// the first of equals; nil when none was refused for the limit.
func batchLimit(rows []batch.Row) *views.HPRLimit {
	var out *views.HPRLimit
	for _, r := range rows {
		if r.Kind != batch.Unchecked {
			continue
		}
		if l := limitOf(r.Err); l != nil && (out == nil || l.Seconds > out.Seconds) {
			out = l
		}
	}
	return out
}

// batchModel is a check as it stands for the page.
func (h HPR) batchModel(id string, j *batch.Job) views.HPRBatch {
	s := j.Snapshot()
	d := views.HPRBatch{
		URL:     "/hpr/batch/" + id,
		FormURL: "/hpr/batch",
		Done:    s.Done,
		Checked: len(s.Rows),
		Total:   s.Total,
		Limited: batchLimit(s.Rows),
	}
	if !s.IndexExportedAt.IsZero() {
		d.Source = views.Msg("hpr.freshness.index", views.DateTime(s.IndexExportedAt))
	}
	if s.Done {
		d.CSVURL = d.URL + "/csv"
		for _, r := range s.Rows {
			d.Rows = append(d.Rows, batchRowOf(r))
		}
		for _, c := range s.Counts() {
			d.Counts = append(d.Counts, views.HPRCount{Kind: string(c.Kind), Count: c.N})
		}
	}
	return d
}

func (h HPR) job(r *http.Request) (string, *batch.Job, error) {
	id := r.PathValue("id")
	u := request.UserFrom(r.Context())
	if h.Batches == nil || u == nil {
		return "", nil, Errorf(http.StatusNotFound, "error.hpr.batch", nil)
	}
	j, ok := h.Batches.Get(r.Context(), id, u.Subject, h.now())
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
	d := h.batchModel(id, j)
	if IsFragment(r) {
		return Render(w, r, http.StatusOK, views.HPRBatchProgress(d))
	}
	return Render(w, r, http.StatusOK, views.HPRBatchPage(h.Site.Base(r, "hpr.batch.title"), d))
}

// BatchCSV downloads a finished check: GET /hpr/batch/{id}/csv, in the
// reader's language: Norwegian spreadsheets expect ";" (the comma is the
// decimal sign), English ",".
func (h HPR) BatchCSV(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, j, err := h.job(r)
	if err != nil {
		return err
	}
	d := h.batchModel(id, j)
	if !d.Done {
		return Errorf(http.StatusConflict, "error.hpr.batch.running", nil)
	}
	// The separator is no wording but the spreadsheet convention of the
	// reader's language, so the handler asks for the language itself.
	comma := ';'
	if i18n.From(ctx) == i18n.EN {
		comma = ','
	}
	head, rows := views.HPRBatchCSV(ctx, d)
	// Written whole before the headers, so a failure is still a plain 500.
	var b bytes.Buffer
	if err := batch.WriteCSV(&b, comma, head, rows); err != nil {
		return Errorf(http.StatusInternalServerError, "", err)
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="hpr-kontroll.csv"`)
	w.Header().Set("Cache-Control", "no-store")
	_, err = b.WriteTo(w)
	return err
}
