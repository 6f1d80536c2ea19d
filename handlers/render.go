package handlers

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/a-h/templ"
	templruntime "github.com/a-h/templ/runtime"
	"github.com/oppslag/oppslag/clients/simfault"
	"github.com/oppslag/oppslag/handlers/request"
	"github.com/oppslag/oppslag/views"
)

// Site carries what every page needs beyond the request itself.
type Site struct {
	Demo     bool             // synthetic data: every page shows the demo band
	Testdata bool             // the population browser (/testdata) is mounted, every upstream simulated: the header links to it
	Now      func() time.Time // the banner's clock (the patient's age); nil is time.Now
	// Faults returns the simulator faults in force, for the fault band
	// (F19); nil where faults cannot be set (a real upstream configured).
	Faults func() []simfault.Fault
}

// Base builds the layout's view model for r with the title key. On a
// patient's page (the /person/{handle} group) it adds the patient banner,
// once the request's access is recorded: the banner is patient data, and
// an error page written before any record (S20) must name no one.
func (s Site) Base(r *http.Request, titleKey string) views.Base {
	ctx := r.Context()
	b := views.Base{
		CSRFToken: request.CSRFToken(ctx),
		Demo:      s.Demo,
		Path:      returnTarget(r),
	}
	if titleKey != "" {
		b.Title = views.Msg(titleKey)
	}
	if u := request.UserFrom(ctx); u != nil {
		b.Testdata = s.Testdata
		b.User = &views.UserHeader{Name: u.Name, HPRNumber: u.HPRNumber, Professions: u.Professions(), Org: orgOf(u)}
	}
	if s.Faults != nil {
		b.Faults = FaultLines(s.Faults())
	}
	if pt, ok := loadedPatient(ctx); ok && accessRecorded(ctx) {
		b.Patient = bannerOf(pt, s.Demo, s.now(), r.URL.Path)
	}
	return b
}

func (s Site) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

// accessRecorded reports whether ctx's access gate has been opened by a
// committed audit record.
func accessRecorded(ctx context.Context) bool {
	g := gateFrom(ctx)
	return g != nil && g.open.Load()
}

// orgOf is the user's organisation: the sub-unit, else the legal entity.
func orgOf(u *request.User) string {
	if u.OrgChild != "" {
		return u.OrgChild
	}
	return u.OrgParent
}

// Render writes c with status after rendering it completely into a buffer, so
// a render error never leaves a half-written page.
func Render(w http.ResponseWriter, r *http.Request, status int, c templ.Component) error {
	var buf bytes.Buffer
	if err := c.Render(r.Context(), &buf); err != nil {
		return Errorf(http.StatusInternalServerError, "", err)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, err := w.Write(buf.Bytes())
	return err
}

// ErrHalfSent marks a failure after a streamed page's first bytes were
// sent: the status and part of the page are out, so there is no error page
// to write; the error renderer logs it and writes nothing.
var ErrHalfSent = errors.New("the page failed after part of it was sent")

// Stream writes c with status as it renders, sending what is rendered at
// each flush (templ.Flush) at once: a page whose parts come from
// upstream calls of different length (the person overview) shows each part
// as soon as it is in. Until the first flush nothing is written, so a
// render error before it is an ordinary error page; after it the error is
// ErrHalfSent. A page with no flush is written whole, as Render does.
func Stream(w http.ResponseWriter, r *http.Request, status int, c templ.Component) error {
	sw := &streamWriter{w: w, status: status}
	// The page renders into a templ buffer of ours: a component given one
	// uses it as it is, so only a flush in the page sends anything, and a
	// render that fails is not flushed on its way out.
	b, _ := templruntime.GetBuffer(sw)
	err := c.Render(r.Context(), b)
	switch {
	case err != nil && !sw.started:
		return Errorf(http.StatusInternalServerError, "", err)
	case err != nil:
		return Errorf(http.StatusInternalServerError, "", fmt.Errorf("%w: %w", ErrHalfSent, err))
	}
	_ = b.Flush() // into sw, which cannot fail before it has sent; then sent
	if sw.err != nil {
		return Errorf(http.StatusInternalServerError, "", fmt.Errorf("%w: %w", ErrHalfSent, sw.err))
	}
	return nil
}

// streamWriter keeps what a page renders until a flush, then writes it,
// the status and headers first, and flushes the connection.
type streamWriter struct {
	w       http.ResponseWriter
	status  int
	buf     bytes.Buffer
	started bool  // the status is written
	err     error // the first failed write; what follows goes nowhere
}

func (s *streamWriter) Write(p []byte) (int, error) {
	if s.err != nil {
		return 0, s.err
	}
	return s.buf.Write(p)
}

// Flush implements http.Flusher, which templ.Flush looks for.
func (s *streamWriter) Flush() {
	if s.err != nil {
		return
	}
	if !s.started {
		s.started = true
		s.w.Header().Set("Content-Type", "text/html; charset=utf-8")
		s.w.WriteHeader(s.status)
	}
	if s.buf.Len() > 0 {
		_, s.err = s.w.Write(s.buf.Bytes())
		s.buf.Reset()
	}
	if s.err == nil {
		// A writer that cannot flush (a test's recorder may not) gets the
		// bytes all the same, at the end.
		_ = http.NewResponseController(s.w).Flush()
	}
}

// IsFragment reports whether r asks for an htmx fragment (and is not an htmx
// history restore, which needs the whole page).
func IsFragment(r *http.Request) bool {
	return r.Header.Get("HX-Request") == "true" && r.Header.Get("HX-History-Restore-Request") != "true"
}
