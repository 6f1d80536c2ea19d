package views

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/a-h/templ"
	templruntime "github.com/a-h/templ/runtime"
)

// flushes records what a streamed render had written at each flush.
type flushes struct {
	buf    bytes.Buffer
	chunks []string
}

func (f *flushes) Write(p []byte) (int, error) { return f.buf.Write(p) }
func (f *flushes) Flush()                      { f.chunks = append(f.chunks, f.buf.String()) }

// render renders c as a page render does: through one templ buffer over f,
// whose release is the page's last flush.
func (f *flushes) render(c templ.Component) error {
	b, _ := templruntime.GetBuffer(f)
	if err := c.Render(context.Background(), b); err != nil {
		return err
	}
	return templruntime.ReleaseBuffer(b)
}

// The overview's panels are flushed only before a wait: a page whose data
// is all in goes out without placeholders or flushes; a panel still coming
// gets a placeholder, and what precedes it is flushed before the wait.
func TestOverviewPanels_FlushOnlyBeforeAWait(t *testing.T) {
	done := make(chan struct{})
	close(done)
	panel := func(id string) PersonPanel { return PersonPanel{ID: id, Title: Plain(id)} }
	later := func(id string, ready Closed, release chan struct{}) PersonPanel {
		pn := panel(id)
		pn.LaterReady = ready
		pn.Later = func() PersonPanel {
			if release != nil {
				<-release
			}
			return panel(id)
		}
		return pn
	}

	t.Run("all in", func(t *testing.T) {
		var f flushes
		if err := f.render(overviewPanels([]PersonPanel{panel("names"), later("krr", done, nil), later("family", done, nil)})); err != nil {
			t.Fatal(err)
		}
		if len(f.chunks) != 1 || strings.Contains(f.buf.String(), "data-pending") {
			t.Errorf("%d flushes, placeholders %v; want the page's last flush only, no placeholder", len(f.chunks), strings.Contains(f.buf.String(), "data-pending"))
		}
	})

	t.Run("waits after a flush", func(t *testing.T) {
		release := make(chan struct{})
		var f flushes
		errc := make(chan error, 1)
		go func() {
			errc <- f.render(overviewPanels([]PersonPanel{panel("names"), later("krr", done, nil), later("family", nil, release)}))
		}()
		close(release)
		if err := <-errc; err != nil {
			t.Fatal(err)
		}
		if len(f.chunks) != 2 {
			t.Fatalf("%d flushes; want 2, before the wait and the page's last", len(f.chunks))
		}
		first := f.chunks[0]
		for _, want := range []string{`id="panel-names"`, `id="panel-krr"`, `data-pending="family"`} {
			if !strings.Contains(first, want) {
				t.Errorf("the part sent before the wait lacks %s", want)
			}
		}
		if strings.Contains(first, `id="panel-family"`) || strings.Contains(first, `data-pending="krr"`) {
			t.Error("the family panel was sent before it was built, or KRR, which was in, got a placeholder")
		}
		if !strings.Contains(f.buf.String(), `id="panel-family"`) {
			t.Error("the family panel never came")
		}
	})
}
