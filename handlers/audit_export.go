package handlers

import (
	"bufio"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"time"

	"github.com/oppslag/oppslag/clients/audit"
	"github.com/oppslag/oppslag/clients/audit/auditevent"
	"github.com/oppslag/oppslag/handlers/request"
	"github.com/oppslag/oppslag/views/i18n"
)

// AuditExport serves GET /audit/export.ndjson: the records an auditor's
// filter selects (the search's query parameters, audit.SearchParams; the
// period in Norwegian days, today when left out), one FHIR R4 AuditEvent
// per line in the shape of HL7 Norway's guide (package auditevent), oldest
// first. web/routes.go puts it with the other audit pages, behind the
// auditor role (S21) and the access gate.
//
// The export is itself a record (resource "audit", action "export", the
// filter as the reason, its parameter names as fields), committed before
// the first byte: the gate holds the response until then, and a store that
// cannot record refuses the export with 503.
//
// Progress: the records are streamed as the database reads them, in
// chunks flushed every flushEvery lines, so a download of any size starts
// at once and the browser's download shows it growing; the size is not
// known in advance (counting first would read the log twice). The search
// page, whose link to the export carries the same filter, is where the
// auditor sees what the filter matches before downloading. An export that
// fails midway is cut off (the connection aborted), never ended as if it
// were whole, so a truncated file cannot pass for a complete one.
type AuditExport struct {
	Audit Auditor
	Now   func() time.Time
	Log   *slog.Logger
}

// flushEvery is how many lines go out per flush: a few hundred kilobytes.
const flushEvery = 256

// Export streams the NDJSON file.
func (h AuditExport) Export(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	now := time.Now
	if h.Now != nil {
		now = h.Now
	}
	oslo := i18n.Oslo()
	f, err := audit.ParseSearchFilter(r.URL.Query().Get, now(), oslo)
	if err != nil {
		return Errorf(http.StatusBadRequest, "", err)
	}
	q := f.Params(oslo)
	fields := make([]string, 0, len(q))
	for k := range q {
		fields = append(fields, k)
	}
	slices.Sort(fields)
	e := audit.Event{Resource: "audit", Action: "export", Reason: q.Encode(), Fields: fields, Outcome: audit.Success}
	if err := h.Audit.Record(ctx, request.UserFrom(ctx), e); err != nil {
		return Errorf(http.StatusServiceUnavailable, "error.audit", err)
	}

	hdr := w.Header()
	hdr.Set("Content-Type", "application/x-ndjson")
	hdr.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="oppslag-audit-%s-%s.ndjson"`, q.Get("from"), q.Get("to")))
	hdr.Set("Cache-Control", "no-store") // health data
	w.WriteHeader(http.StatusOK)

	rc := http.NewResponseController(w)
	bw := bufio.NewWriterSize(w, 64<<10)
	enc := auditevent.NewEncoder(bw)
	n := 0
	err = audit.Stream(ctx, h.Audit.Store, f, func(rec audit.Record) error {
		if err := enc.Encode(rec); err != nil {
			return err
		}
		if n++; n%flushEvery == 0 {
			if err := bw.Flush(); err != nil {
				return err
			}
			return rc.Flush()
		}
		return nil
	})
	if err == nil {
		err = bw.Flush()
	}
	if err != nil {
		h.cut(r, n, err)
	}
	return nil
}

// cut logs why an export stopped after n records and aborts the response,
// so the client sees a failed download rather than a short file.
func (h AuditExport) cut(r *http.Request, n int, err error) {
	ctx := r.Context()
	if h.Log != nil {
		level := slog.LevelError
		if ctx.Err() != nil {
			level = slog.LevelInfo // the client left
		}
		h.Log.Log(ctx, level, "audit export cut", "records", n, "err", err,
			"correlation_id", request.CorrelationID(ctx))
	}
	panic(http.ErrAbortHandler)
}
