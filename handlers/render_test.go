package handlers

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/a-h/templ"
	templruntime "github.com/a-h/templ/runtime"
)

// page is a component that writes parts, flushing after each part but the
// last, and fails with fail after them when fail is set. It buffers as
// generated templ code does: a buffer of its own over a writer that is not
// one, flushed (and so sent) on the way out, even after a failure.
func page(fail error, parts ...string) templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, out io.Writer) (err error) {
		w, existing := templruntime.GetBuffer(out)
		if !existing {
			defer func() {
				if rerr := templruntime.ReleaseBuffer(w); err == nil {
					err = rerr
				}
			}()
		}
		for i, p := range parts {
			if _, err := io.WriteString(w, p); err != nil {
				return err
			}
			if i < len(parts)-1 {
				if err := templ.Flush().Render(ctx, w); err != nil {
					return err
				}
			}
		}
		return fail
	})
}

// flushCount is a recorder that counts the flushes it is asked for.
type flushCount struct {
	*httptest.ResponseRecorder
	flushes int
}

func (f *flushCount) Flush() { f.flushes++; f.ResponseRecorder.Flush() }

func TestStream(t *testing.T) {
	r := httptest.NewRequest(http.MethodGet, "/person/x", nil)
	boom := errors.New("boom")

	t.Run("a page without a flush goes out whole, once", func(t *testing.T) {
		w := &flushCount{ResponseRecorder: httptest.NewRecorder()}
		if err := Stream(w, r, http.StatusOK, page(nil, "<p>all</p>")); err != nil {
			t.Fatal(err)
		}
		if w.Code != http.StatusOK || w.Body.String() != "<p>all</p>" || w.flushes != 1 {
			t.Errorf("status %d, body %q, %d flushes; want 200, the page, 1", w.Code, w.Body.String(), w.flushes)
		}
		if ct := w.Header().Get("Content-Type"); ct != "text/html; charset=utf-8" {
			t.Errorf("Content-Type %q", ct)
		}
	})

	t.Run("each flush sends what came before it", func(t *testing.T) {
		w := &flushCount{ResponseRecorder: httptest.NewRecorder()}
		if err := Stream(w, r, http.StatusOK, page(nil, "<p>first</p>", "<p>rest</p>")); err != nil {
			t.Fatal(err)
		}
		if w.Body.String() != "<p>first</p><p>rest</p>" || w.flushes != 2 {
			t.Errorf("body %q, %d flushes; want both parts in two", w.Body.String(), w.flushes)
		}
	})

	t.Run("a failure before the first flush writes nothing", func(t *testing.T) {
		w := httptest.NewRecorder()
		err := Stream(w, r, http.StatusOK, page(boom, "<p>half</p>"))
		if AsError(err).Status != http.StatusInternalServerError || errors.Is(err, ErrHalfSent) {
			t.Errorf("error %v; want a plain 500 for the error page", err)
		}
		if w.Flushed || w.Body.Len() != 0 {
			t.Errorf("sent %q of a failed page; want nothing, so the error page can be written", w.Body.String())
		}
	})

	t.Run("a failure after a flush is half-sent", func(t *testing.T) {
		w := httptest.NewRecorder()
		err := Stream(w, r, http.StatusOK, page(boom, "<p>first</p>", "<p>lost</p>"))
		if !errors.Is(err, ErrHalfSent) {
			t.Errorf("error %v; want ErrHalfSent", err)
		}
		if w.Body.String() != "<p>first</p>" {
			t.Errorf("body %q; want only the part sent before the failure", w.Body.String())
		}
	})
}
