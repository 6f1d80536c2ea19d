package web

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"
	"github.com/oppslag/oppslag/clients/person/nin"
	"github.com/oppslag/oppslag/handlers"
	"github.com/oppslag/oppslag/handlers/request"
)

// withBodyTimeout sets how long a client may take to send a form body.
func withBodyTimeout(d time.Duration) harnessOption {
	return func(_ *harness, cfg *Config) { cfg.BodyTimeout = d }
}

// fill is an endless stream of one byte, so large bodies cost the test
// nothing to make.
type fill byte

func (f fill) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(f)
	}
	return len(p), nil
}

// multipartBody is a multipart form with the CSRF token, a text field and
// a file of size bytes, streamed; it returns the body, its length and its
// content type.
func multipartBody(token string, size int64) (io.Reader, int64, string) {
	var head, tail strings.Builder
	mw := multipart.NewWriter(&head)
	_ = mw.WriteField("csrf_token", token)
	_ = mw.WriteField("lang", "en")
	_, _ = mw.CreateFormFile("file", "numbers.txt")
	n := head.Len()
	mw2 := multipart.NewWriter(&tail)
	_ = mw2.SetBoundary(mw.Boundary())
	_ = mw2.Close()
	closing := "\r\n" + strings.TrimPrefix(tail.String(), "\r\n")
	body := io.MultiReader(strings.NewReader(head.String()), io.LimitReader(fill('1'), size), strings.NewReader(closing))
	return body, int64(n) + size + int64(len(closing)), mw.FormDataContentType()
}

// rawResponse is what rawRequest read back.
type rawResponse struct {
	status int
	header http.Header
	body   string
}

// rawRequest writes head (the request line and headers, without the blank
// line) and then body, if any, on a fresh connection, and reads the
// answer. Writing goes on in the background and its errors are ignored:
// the portal may answer, and stop reading, long before the body ends.
// chunked sends body with chunked transfer encoding.
func rawRequest(t *testing.T, h *harness, head string, body io.Reader, chunked bool) rawResponse {
	t.Helper()
	u, _ := url.Parse(h.url)
	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(30 * time.Second))
	go func() {
		// Unbuffered, so every byte that is ready reaches the portal.
		_, _ = io.WriteString(conn, head+"\r\n")
		if body == nil {
			return
		}
		if chunked {
			cw := &chunkWriter{w: conn}
			_, _ = io.Copy(cw, body)
			_ = cw.Close()
			return
		}
		_, _ = io.Copy(conn, body)
	}()
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("reading the answer: %v\n%s", err, h.logs.String())
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return rawResponse{status: resp.StatusCode, header: resp.Header, body: string(b)}
}

// chunkWriter writes HTTP/1.1 chunks.
type chunkWriter struct{ w io.Writer }

func (c *chunkWriter) Write(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	_, err := fmt.Fprintf(c.w, "%x\r\n%s\r\n", len(p), p)
	return len(p), err
}

func (c *chunkWriter) Close() error {
	_, err := io.WriteString(c.w, "0\r\n\r\n")
	return err
}

// head builds a request head for the portal with the browser's session.
func (b *browser) head(method, path string, header ...string) string {
	u, _ := url.Parse(b.h.url)
	var s strings.Builder
	fmt.Fprintf(&s, "%s %s HTTP/1.1\r\nHost: %s\r\nSec-Fetch-Site: same-origin\r\n", method, path, u.Host)
	if c := b.cookie(SessionCookie); c != "" {
		fmt.Fprintf(&s, "Cookie: %s=%s\r\n", SessionCookie, c)
	}
	for i := 0; i+1 < len(header); i += 2 {
		fmt.Fprintf(&s, "%s: %s\r\n", header[i], header[i+1])
	}
	return s.String()
}

func emptyDir(t *testing.T, dir string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		info, _ := e.Info()
		t.Errorf("temp dir holds %s (%d bytes)", e.Name(), info.Size())
	}
}

// TestS40_UploadsLeaveNoTempFiles is defect 1 of issue 10: oversized
// uploads, anonymous and signed in, with and without a declared length,
// are refused before they are read, leave nothing in the temp dir and
// cost bounded memory.
func TestS40_UploadsLeaveNoTempFiles(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	h := newHarness(t, withHPRIndex())

	// Anyone who opened /login holds a session with a CSRF token.
	anon := h.browser()
	anon.get("/login")
	if anon.cookie(SessionCookie) == "" {
		t.Fatal("no session after GET /login")
	}
	doctor := h.browser()
	tok := csrfToken(t, doctor.login("doctor").body)

	const huge = 33 << 20 // over net/http's 32 MiB in-memory bound for a file part
	cases := []struct {
		name    string
		b       *browser
		path    string
		size    int64
		chunked bool
		want    int
	}{
		{"anonymous /lang, declared length", anon, "/lang", huge, false, http.StatusRequestEntityTooLarge},
		{"anonymous /lang, chunked", anon, "/lang", huge, true, http.StatusUnsupportedMediaType},
		{"signed-in /lang, chunked", doctor, "/lang", huge, true, http.StatusUnsupportedMediaType},
		{"signed-in /hpr/batch, declared length", doctor, "/hpr/batch", huge, false, http.StatusRequestEntityTooLarge},
		{"signed-in /hpr/batch, chunked", doctor, "/hpr/batch", huge, true, http.StatusRequestEntityTooLarge},
		{"signed-in /hpr/batch, limit plus one", doctor, "/hpr/batch", handlers.MaxBatchUpload + 1, false, http.StatusRequestEntityTooLarge},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			body, n, ct := multipartBody(tok, c.size)
			header := []string{"Content-Type", ct}
			if !c.chunked {
				header = append(header, "Content-Length", strconv.FormatInt(n, 10))
			} else {
				header = append(header, "Transfer-Encoding", "chunked")
			}
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			resp := rawRequest(t, h, c.b.head(http.MethodPost, c.path, header...), body, c.chunked)
			runtime.ReadMemStats(&after)
			if resp.status != c.want {
				t.Errorf("status %d; want %d", resp.status, c.want)
			}
			if resp.header.Get("Content-Security-Policy") == "" || !strings.Contains(resp.body, resp.header.Get(CorrelationHeader)) {
				t.Error("refusal lacks the security headers or the correlation id")
			}
			// Allocation over the whole request, client included, stays
			// far below the 33 MiB sent.
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 12<<20 {
				t.Errorf("the request allocated %d MiB", alloc>>20)
			}
			emptyDir(t, tmp)
		})
	}

	t.Run("batch within the limit still works", func(t *testing.T) {
		var sb strings.Builder
		mw := multipart.NewWriter(&sb)
		_ = mw.WriteField("csrf_token", tok)
		fw, _ := mw.CreateFormFile("file", "numbers.txt")
		_, _ = io.WriteString(fw, "hprnummer\n"+strings.Repeat("x", 100)+"\n")
		_ = mw.Close()
		req, _ := http.NewRequest(http.MethodPost, h.url+"/hpr/batch", strings.NewReader(sb.String()))
		req.Header.Set("Content-Type", mw.FormDataContentType())
		p := doctor.do(req)
		if p.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(p.body, "xxxxx") {
			t.Errorf("status %d; want the form back with the bad entry (422)", p.StatusCode)
		}
		emptyDir(t, tmp)
	})
}

// TestS40_RefusalsSayWhatHappened is defect 4 of issue 10: an oversized
// form, a malformed chunked body, TRACE and a slow upload each get their
// own status, message and log line, not "the form has expired".
func TestS40_RefusalsSayWhatHappened(t *testing.T) {
	h := newHarness(t, withBodyTimeout(300*time.Millisecond))
	b := h.browser()
	tok := csrfToken(t, b.login("doctor").body)
	form := "application/x-www-form-urlencoded"
	stalled := make(stall)
	t.Cleanup(func() { close(stalled) })
	big := io.MultiReader(strings.NewReader("csrf_token="+tok+"&lang=en&x="), io.LimitReader(fill('a'), 11<<20))

	cases := []struct {
		name    string
		head    string
		body    io.Reader
		chunked bool
		status  int
		title   string
		logged  string
	}{
		{"11 MiB form, declared length", b.head("POST", "/lang", "Content-Type", form, "Content-Length", strconv.Itoa(11<<20+100)), big, false,
			http.StatusRequestEntityTooLarge, "Det ble sendt for mye", `msg="request body refused" status=413 reason="too large"`},
		{"11 MiB form, chunked", b.head("POST", "/lang", "Content-Type", form, "Transfer-Encoding", "chunked"),
			io.MultiReader(strings.NewReader("csrf_token="+tok+"&x="), io.LimitReader(fill('a'), 11<<20)), true,
			http.StatusRequestEntityTooLarge, "Det ble sendt for mye", `msg="request body refused" status=413 reason="too large"`},
		{"malformed chunked body", b.head("POST", "/lang", "Content-Type", form, "Transfer-Encoding", "chunked"),
			strings.NewReader("zz\r\ncsrf_token=x\r\n0\r\n\r\n"), false,
			http.StatusBadRequest, "Skjemaet kunne ikke leses", `msg="request body refused" status=400 reason=malformed`},
		{"TRACE", b.head("TRACE", "/"), nil, false,
			http.StatusMethodNotAllowed, "Handlingen er ikke tillatt", `msg="request refused: method not allowed" status=405 method=TRACE`},
		// Ten bytes of a hundred, then nothing: cut at the body deadline.
		{"slow upload", b.head("POST", "/lang", "Content-Type", form, "Content-Length", "100"), io.MultiReader(strings.NewReader("csrf_token"), stalled), false,
			http.StatusRequestTimeout, "Skjemaet brukte for lang tid", `msg="request body refused" status=408 reason="too slow"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp := rawRequest(t, h, c.head, c.body, c.chunked)
			if resp.status != c.status {
				t.Fatalf("status %d; want %d", resp.status, c.status)
			}
			if !strings.Contains(resp.body, c.title) {
				t.Errorf("page lacks %q:\n%s", c.title, resp.body)
			}
			cid := resp.header.Get(CorrelationHeader)
			if cid == "" || !strings.Contains(resp.body, cid) {
				t.Error("page lacks the correlation id")
			}
			if strings.Contains(resp.body, "Skjemaet er utløpt") {
				t.Error("page says the form has expired")
			}
			logs := h.logs.String()
			if !strings.Contains(logs, c.logged) {
				t.Errorf("log lacks %s", c.logged)
			}
		})
	}
	if logs := h.logs.String(); strings.Contains(logs, "CSRF") {
		t.Errorf("refusals logged as CSRF failures:\n%s", logs)
	}
	if p := h.browser().get("/lang"); p.Header.Get("Allow") != http.MethodPost {
		t.Errorf("GET /lang: Allow %q; want POST", p.Header.Get("Allow"))
	}
}

// stall is a body that sends nothing more until the test ends.
type stall chan struct{}

func (s stall) Read([]byte) (int, error) {
	<-s
	return 0, io.EOF
}

// TestS40_EveryUnsafeRouteDeclaresItsBody: a route that takes a body says
// so in routes.go (form, upload); any other method than GET and HEAD
// without one would refuse every body.
func TestS40_EveryUnsafeRouteDeclaresItsBody(t *testing.T) {
	h := newHarness(t)
	err := chi.Walk(h.srv.router, func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		if method == http.MethodGet || method == http.MethodHead {
			if _, ok := h.srv.bodies[method+" "+route]; ok {
				t.Errorf("%s %s takes a body", method, route)
			}
			return nil
		}
		if b, ok := h.srv.bodies[method+" "+route]; !ok || b.max <= 0 {
			t.Errorf("%s %s declares no body (form or upload)", method, route)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if b := h.srv.bodies["POST /hpr/batch"]; !b.multipart || b.max != handlers.MaxBatchUpload {
		t.Errorf("POST /hpr/batch takes %+v; want multipart up to %d", b, handlers.MaxBatchUpload)
	}
	for k, b := range h.srv.bodies {
		if b.multipart && k != "POST /hpr/batch" {
			t.Errorf("%s takes multipart", k)
		}
	}
}

// TestS41_SafeReturn is defect 2 of issue 10: return targets are
// same-origin absolute paths after the browser's own URL normalisation.
func TestS41_SafeReturn(t *testing.T) {
	accepted := []string{
		"/", "/me", "/hpr", "/hpr/batch", "/hpr/1234567", "/person/aZ09-_~.x/labs/trend",
		"/hpr?q=Bj%C3%B8rn&birth=01.02.1980", "/person/x/", "/?//evil.host",
	}
	refused := []string{
		"", "me", "x/y", "https://evil.host/", "javascript:alert(1)", "//evil.host/x", "///evil.host",
		"/\t/evil.host/x", "/%09/evil.host/x", "\t//evil.host", "/\n/evil.host", "/\r/evil.host", "/x\ny",
		"/\\evil.host", "/\\/evil.host", "\\\\evil.host", "/%5c/evil.host", "/%5C%5Cevil.host",
		"/%2f%2fevil.host", "/%2F/evil.host", "/%2e%2e/x", "/.//evil.host/x", "/./x", "/../evil.host",
		"/a/../../evil.host", "/a//b", "//user@evil.host", "/@evil.host", "/user:pass@evil.host",
		"/ /evil.host", "/x ", " /x", "/\x00/evil.host", "/\x7f", "/\u00a0/evil.host", "/\u3000/x",
		"/x\u2028y", "/x#frag", "/x?a b", "/x?a\tb", "/x?\\evil", "/x?a=\"<b>\"", "/\xff",
		"/" + strings.Repeat("a", 3000),
	}
	base, _ := url.Parse("https://oppslag.example.no/start")
	for _, p := range accepted {
		if got := safeReturn(p); got != p {
			t.Errorf("safeReturn(%q) = %q; want it kept", p, got)
		}
		// As a browser reads it: TAB, CR and LF dropped, "\" as "/".
		norm := strings.NewReplacer("\t", "", "\r", "", "\n", "", "\\", "/").Replace(p)
		u, err := base.Parse(norm)
		if err != nil || u.Host != base.Host || u.User != nil || strings.HasPrefix(u.Path, "//") {
			t.Errorf("safeReturn kept %q, which a browser reads as %v", p, u)
		}
	}
	for _, p := range refused {
		if got := safeReturn(p); got != "/" {
			t.Errorf("safeReturn(%q) = %q; want /", p, got)
		}
	}

	// Through the two routes that redirect to a return target.
	h := newHarness(t)
	b := h.browser()
	tok := csrfToken(t, b.login("doctor").body)
	for _, p := range []string{"/\t/evil.host/x", "/\\evil.host", "/.//evil.host/x", "/%2f%2fevil.host"} {
		if loc := b.get("/login?return=" + url.QueryEscape(p)).Header.Get("Location"); loc != "/" {
			t.Errorf("GET /login?return=%q: Location %q; want /", p, loc)
		}
		if loc := b.post("/lang", url.Values{"csrf_token": {tok}, "lang": {"nb"}, "return": {p}}).Header.Get("Location"); loc != "/" {
			t.Errorf("POST /lang return=%q: Location %q; want /", p, loc)
		}
	}
	if loc := b.get("/login?return=/hpr/batch").Header.Get("Location"); loc != "/hpr/batch" {
		t.Errorf("GET /login?return=/hpr/batch: Location %q", loc)
	}
}

// TestS42_NULAndInvalidUTF8AreNeverEchoed is defect 3 of issue 10.
func TestS42_NULAndInvalidUTF8AreNeverEchoed(t *testing.T) {
	h := newHarness(t, withHPRIndex())
	b := h.browser()
	tok := csrfToken(t, b.login("doctor").body)
	check := func(t *testing.T, p *page, want int) {
		t.Helper()
		if p.StatusCode != want {
			t.Errorf("status %d; want %d", p.StatusCode, want)
		}
		if !utf8.ValidString(p.body) || strings.ContainsRune(p.body, 0) {
			t.Error("page is not clean UTF-8")
		}
		if strings.Contains(p.body, "Kari\ufffd") || strings.Contains(p.body, "Nordmann\ufffd") {
			t.Error("page echoes the input")
		}
	}
	for _, q := range []string{"Kari\x00 Nordmann 01.02.1980", "Kari\xff\xfe Nordmann 01.02.1980", "Nordmann\x00"} {
		t.Run(fmt.Sprintf("search %q", q), func(t *testing.T) {
			p := b.post("/search", url.Values{"csrf_token": {tok}, "q": {q}})
			check(t, p, http.StatusUnprocessableEntity)
			if !strings.Contains(p.body, "tegn som ikke kan leses") {
				t.Error("page does not say why")
			}
		})
		t.Run(fmt.Sprintf("hpr %q", q), func(t *testing.T) {
			check(t, b.get("/hpr?q="+url.QueryEscape(q)), http.StatusUnprocessableEntity)
		})
		t.Run(fmt.Sprintf("batch text %q", q), func(t *testing.T) {
			check(t, b.post("/hpr/batch", url.Values{"csrf_token": {tok}, "numbers": {q}}), http.StatusUnprocessableEntity)
		})
	}
	t.Run("batch file", func(t *testing.T) {
		// A file need not be text: its bad entries are shown with "�".
		var sb strings.Builder
		mw := multipart.NewWriter(&sb)
		_ = mw.WriteField("csrf_token", tok)
		fw, _ := mw.CreateFormFile("file", "numbers.txt")
		_, _ = io.WriteString(fw, "1234567\nab\x00c\n\xff\xfeq\n")
		_ = mw.Close()
		req, _ := http.NewRequest(http.MethodPost, h.url+"/hpr/batch", strings.NewReader(sb.String()))
		req.Header.Set("Content-Type", mw.FormDataContentType())
		p := b.do(req)
		check(t, p, http.StatusUnprocessableEntity)
		for _, want := range []string{"ab\ufffdc", "\ufffdq"} {
			if !strings.Contains(p.body, want) {
				t.Errorf("error line lacks %q", want)
			}
		}
	})
}

// TestHardening_ClientAbortsAreNotServerErrors is defect 6 of issue 10: a
// client that leaves is logged as a client abort (499), never as a 5xx.
func TestHardening_ClientAbortsAreNotServerErrors(t *testing.T) {
	h := newHarness(t)
	b := h.browser()
	b.login("doctor")

	t.Run("request canceled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		req := httptest.NewRequestWithContext(ctx, http.MethodGet, "/hpr?q=1234567", nil)
		req.AddCookie(&http.Cookie{Name: SessionCookie, Value: b.cookie(SessionCookie)})
		rec := httptest.NewRecorder()
		h.srv.ServeHTTP(rec, req)
		logs := h.logs.String()
		if strings.Contains(logs, "level=ERROR") {
			t.Errorf("a client abort was logged as an error:\n%s", logs)
		}
		if !strings.Contains(logs, `msg=request method=GET route=/hpr status=499`) {
			t.Errorf("access log lacks status 499:\n%s", logs)
		}
	})
	t.Run("broken pipe", func(t *testing.T) {
		req := httptest.NewRequest(http.MethodGet, "/x", nil)
		req = req.WithContext(request.WithCorrelationID(req.Context(), "c0ffee"))
		h.srv.handle(func(http.ResponseWriter, *http.Request) error {
			return fmt.Errorf("write page: %w", &net.OpError{Op: "write", Net: "tcp", Err: os.NewSyscallError("write", syscall.EPIPE)})
		})(httptest.NewRecorder(), req)
		logs := h.logs.String()
		if strings.Contains(logs, "level=ERROR") || !strings.Contains(logs, `msg="client aborted" status=499`) {
			t.Errorf("broken pipe not logged as a client abort:\n%s", logs)
		}
	})
}

// TestHardening_EarlyRefusalsHaveHeaders is defect 9 of issue 10: the
// oversized-headers refusal and the /static/ 404 are pages like any
// other, with the security headers, the correlation id and a translated
// message.
func TestHardening_EarlyRefusalsHaveHeaders(t *testing.T) {
	h := newHarness(t)
	b := h.browser()
	pages := map[string]struct {
		p     *page
		code  int
		title string
	}{
		"static 404":      {b.get("/static/css/nope.css", "Accept-Language", "en"), http.StatusNotFound, "Page not found"},
		"static bad hash": {b.get("/static/css/app-" + strings.Repeat("0", 64) + ".css"), http.StatusNotFound, "Fant ikke siden"},
		"431":             {b.get("/", "X-Filler", strings.Repeat("a", maxHeaderBytes)), http.StatusRequestHeaderFieldsTooLarge, "Forespørselen var for stor"},
	}
	for name, c := range pages {
		t.Run(name, func(t *testing.T) {
			if c.p.StatusCode != c.code {
				t.Fatalf("status %d; want %d", c.p.StatusCode, c.code)
			}
			if !strings.Contains(c.p.Header.Get("Content-Security-Policy"), "frame-ancestors 'none'") || c.p.Header.Get("X-Content-Type-Options") != "nosniff" {
				t.Error("no security headers")
			}
			cid := c.p.Header.Get(CorrelationHeader)
			if cid == "" || !strings.Contains(c.p.body, cid) {
				t.Error("page lacks the correlation id")
			}
			if !strings.Contains(c.p.body, c.title) {
				t.Errorf("page lacks %q", c.title)
			}
		})
	}
}

// TestHardening_CorrelationIDsNeverLookLikeIdentityNumbers: with defect 5
// of issue 10 our redactor leaves digits inside ids alone, and our own ids
// also never hold 11 digits in a row, for scanners that do not.
func TestHardening_CorrelationIDsNeverLookLikeIdentityNumbers(t *testing.T) {
	for range 20000 {
		id := newCorrelationID()
		if len(id) != 16 || nin.HasDigitRun(id, 11) {
			t.Fatalf("correlation id %q", id)
		}
	}
}
