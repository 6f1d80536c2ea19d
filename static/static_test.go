package static

import (
	"bytes"
	"compress/gzip"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"path"
	"strings"
	"testing"
)

func TestPath(t *testing.T) {
	tests := []struct {
		name   string
		hashed bool
	}{
		{"css/app.css", true},
		{"css/indicator.css", true},
		{"js/app.js", true},
		{"js/htmx-2.0.11.min.js", true},
		{"css/missing.css", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Path(tt.name)
			if !strings.HasPrefix(got, Prefix) {
				t.Fatalf("Path(%q) = %q, want prefix %q", tt.name, got, Prefix)
			}
			hashed := got != Prefix+tt.name
			if hashed != tt.hashed {
				t.Errorf("Path(%q) = %q, hashed %v, want %v", tt.name, got, hashed, tt.hashed)
			}
			if Exists(tt.name) != tt.hashed {
				t.Errorf("Exists(%q) = %v, want %v", tt.name, !tt.hashed, tt.hashed)
			}
		})
	}
}

func TestExists(t *testing.T) {
	tests := []struct {
		name string
		want bool
	}{
		{"css/app.css", true},
		{"css", false},
		{"static.go", false},
		{"VENDOR.md", false},
		{"../go.mod", false},
		{"", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Exists(tt.name); got != tt.want {
				t.Errorf("Exists(%q) = %v, want %v", tt.name, got, tt.want)
			}
		})
	}
}

func TestHandler(t *testing.T) {
	h := Handler()
	appCSS := Path("css/app.css")
	htmx := Path("js/htmx-2.0.11.min.js")
	wrongHash := Prefix + "css/app-" + strings.Repeat("0", 64) + ".css"

	tests := []struct {
		name        string
		method      string
		target      string
		wantStatus  int
		wantCache   string
		wantType    string
		wantBodyLen bool
	}{
		{"hashed css", http.MethodGet, appCSS, 200, "public, max-age=31536000, immutable", "text/css; charset=utf-8", true},
		{"hashed js", http.MethodGet, htmx, 200, "public, max-age=31536000, immutable", "text/javascript; charset=utf-8", true},
		{"head", http.MethodHead, appCSS, 200, "public, max-age=31536000, immutable", "text/css; charset=utf-8", false},
		{"plain name", http.MethodGet, Prefix + "css/app.css", 200, "no-cache", "text/css; charset=utf-8", true},
		{"stale hash", http.MethodGet, wrongHash, 404, "", "", false},
		{"missing", http.MethodGet, Prefix + "css/missing.css", 404, "", "", false},
		{"directory", http.MethodGet, Prefix + "css", 404, "", "", false},
		{"directory slash", http.MethodGet, Prefix + "css/", 404, "", "", false},
		{"root", http.MethodGet, Prefix, 404, "", "", false},
		{"go source", http.MethodGet, Prefix + "static.go", 404, "", "", false},
		{"traversal", http.MethodGet, Prefix + "css/../js/app.js", 404, "", "", false},
		{"outside prefix", http.MethodGet, "/css/app.css", 404, "", "", false},
		{"post", http.MethodPost, appCSS, 405, "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(tt.method, tt.target, nil))
			if rec.Code != tt.wantStatus {
				t.Fatalf("%s %s = %d, want %d", tt.method, tt.target, rec.Code, tt.wantStatus)
			}
			if tt.wantStatus != 200 {
				if cc := rec.Header().Get("Cache-Control"); strings.Contains(cc, "immutable") {
					t.Errorf("error response Cache-Control = %q", cc)
				}
				return
			}
			if got := rec.Header().Get("Cache-Control"); got != tt.wantCache {
				t.Errorf("Cache-Control = %q, want %q", got, tt.wantCache)
			}
			if got := rec.Header().Get("Content-Type"); got != tt.wantType {
				t.Errorf("Content-Type = %q, want %q", got, tt.wantType)
			}
			if got := rec.Body.Len() > 0; got != tt.wantBodyLen {
				t.Errorf("body length %d, want non-empty %v", rec.Body.Len(), tt.wantBodyLen)
			}
		})
	}
}

func TestHandlerNotModified(t *testing.T) {
	h := Handler()
	target := Path("js/app.js")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
	etag := rec.Header().Get("ETag")
	if etag == "" {
		t.Fatalf("no ETag on %s", target)
	}
	req := httptest.NewRequest(http.MethodGet, target, nil)
	req.Header.Set("If-None-Match", etag)
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusNotModified {
		t.Errorf("revalidation = %d, want 304", rec.Code)
	}
}

// TestServedBytesMatchEmbedded guards against a handler that serves the
// wrong file for a hashed name.
func TestServedBytesMatchEmbedded(t *testing.T) {
	h := Handler()
	err := fs.WalkDir(embedFS, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		want, err := fs.ReadFile(embedFS, name)
		if err != nil {
			return err
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, Path(name), nil))
		if rec.Code != 200 || !bytes.Equal(rec.Body.Bytes(), want) {
			t.Errorf("%s: status %d, body equal %v", name, rec.Code, bytes.Equal(rec.Body.Bytes(), want))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestNoRemoteReferences: the CSP allows only 'self', so no stylesheet may
// import or load anything from another host (fonts, images).
func TestNoRemoteReferences(t *testing.T) {
	err := fs.WalkDir(embedFS, "css", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(embedFS, name)
		if err != nil {
			return err
		}
		css := stripComments(string(b))
		for _, bad := range []string{"@import", "url(http", "url('http", `url("http`, "url(//", "@font-face"} {
			if strings.Contains(css, bad) {
				t.Errorf("%s contains %q", name, bad)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func stripComments(css string) string {
	var sb strings.Builder
	for {
		i := strings.Index(css, "/*")
		if i < 0 {
			sb.WriteString(css)
			return sb.String()
		}
		sb.WriteString(css[:i])
		j := strings.Index(css[i+2:], "*/")
		if j < 0 {
			return sb.String()
		}
		css = css[i+2+j+2:]
	}
}

// TestB6_PageWeight holds the embedded assets to the performance budget B6:
// the sum of each file's gzip -9 size, all CSS ≤ 30,000 bytes and all JS ≤
// 20,000 bytes. Every embedded file counts, so the figure is an upper bound
// on what a page references.
func TestB6_PageWeight(t *testing.T) {
	budgets := map[string]int{".css": 30_000, ".js": 20_000}
	for ext, budget := range budgets {
		t.Run(ext, func(t *testing.T) {
			raw, got := 0, 0
			err := fs.WalkDir(embedFS, ".", func(name string, d fs.DirEntry, err error) error {
				if err != nil || d.IsDir() || path.Ext(name) != ext {
					return err
				}
				b, err := fs.ReadFile(embedFS, name)
				if err != nil {
					return err
				}
				raw += len(b)
				got += gzipSize(t, b)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s: %d bytes, %d bytes gzip -9 (budget %d)", ext, raw, got, budget)
			if got > budget {
				t.Errorf("%s gzip -9 = %d bytes, want ≤ %d", ext, got, budget)
			}
		})
	}
}

func gzipSize(t *testing.T, b []byte) int {
	t.Helper()
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(zw, bytes.NewReader(b)); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Len()
}
