package simfault

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/oppslag/oppslag/clients/dpop"
	"github.com/oppslag/oppslag/clients/problem"
)

// Wrap returns h behind the registry's faults for upstream up. With no
// fault in force a request goes straight to h.
func (r *Registry) Wrap(up Upstream, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		// The Person API asks for parts in the query (v3: informationParts).
		f, ok := r.match(up, req.URL.Path, req.URL.Query()["informationParts"])
		if !ok {
			h.ServeHTTP(w, req)
			return
		}
		readBody(req)
		if f.Latency > 0 && !wait(req, f.Latency) {
			return
		}
		serve(w, req, f, up, h)
	})
}

// maxHeldBody bounds the request body readBody holds; the simulators take
// forms of a few kilobytes.
const maxHeldBody = 1 << 20

// readBody reads req's body into memory and puts it back. Go's server
// notices a caller that hangs up (and ends the request's context) only
// once the body is read, so a hang or a delay would otherwise outlive the
// caller.
func readBody(req *http.Request) {
	if req.Body == nil || req.Body == http.NoBody {
		return
	}
	b, err := io.ReadAll(io.LimitReader(req.Body, maxHeldBody))
	rest := req.Body
	if err != nil || len(b) < maxHeldBody {
		rest.Close()
		rest = http.NoBody
	}
	req.Body = struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(b), rest), rest}
}

// wait sleeps d or until the request ends, and reports whether it may go on.
func wait(req *http.Request, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-req.Context().Done():
		return false
	}
}

// serve answers req as fault f says.
func serve(w http.ResponseWriter, req *http.Request, f Fault, up Upstream, h http.Handler) {
	switch f.Kind {
	case KindLatency:
		h.ServeHTTP(w, req)
	case KindHang:
		<-req.Context().Done()
	case KindStatus500:
		problem.Write(w, http.StatusInternalServerError, "Internal Server Error")
	case KindStatus502:
		gateway(w, http.StatusBadGateway)
	case KindStatus503:
		w.Header().Set("Retry-After", strconv.Itoa(f.retryAfter()))
		gateway(w, http.StatusServiceUnavailable)
	case KindStatus401:
		scheme := "Bearer"
		if req.Header.Get("DPoP") != "" {
			scheme = "DPoP"
		}
		w.Header().Set("WWW-Authenticate", scheme+` error="invalid_token", error_description="The access token is not valid"`)
		problem.Write(w, http.StatusUnauthorized, "Unauthorized")
	case KindStatus429:
		w.Header().Set("Retry-After", strconv.Itoa(f.retryAfter()))
		problem.Write(w, http.StatusTooManyRequests, "Too Many Requests")
	case KindDPoPNonce:
		// The proof is only read here; the simulator verifies it after.
		if req.Header.Get("DPoP") != "" && dpop.ProofNonce(req) == f.nonce {
			h.ServeHTTP(w, req)
			return
		}
		w.Header().Set("DPoP-Nonce", f.nonce)
		w.Header().Set("WWW-Authenticate", dpop.Challenge)
		problem.Write(w, http.StatusUnauthorized, "Unauthorized")
	case KindMalformed, KindTruncated, KindWrongContentType, KindOversized:
		spoil(w, req, f.Kind, up, h)
	default:
		h.ServeHTTP(w, req)
	}
}

// gateway answers status as a gateway in front of an API does: an HTML
// page, not problem details.
func gateway(w http.ResponseWriter, status int) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	fmt.Fprintf(w, "<html><body><h1>%d %s</h1></body></html>\n", status, http.StatusText(status))
}

// spoil lets h answer, then breaks a 2xx answer as kind says; any other
// answer passes unchanged.
func spoil(w http.ResponseWriter, req *http.Request, kind Kind, up Upstream, h http.Handler) {
	rec := &recorder{header: http.Header{}}
	h.ServeHTTP(rec, req)
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	for k, v := range rec.header {
		w.Header()[k] = v
	}
	body := rec.body.Bytes()
	if rec.status < 200 || rec.status > 299 {
		w.WriteHeader(rec.status)
		w.Write(body)
		return
	}
	w.Header().Del("Content-Length")
	switch kind {
	case KindMalformed:
		w.WriteHeader(rec.status)
		w.Write([]byte("<html><body>Service temporarily degraded</body></html>\n"))
	case KindTruncated:
		w.WriteHeader(rec.status)
		w.Write(body[:len(body)/2])
	case KindWrongContentType:
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(rec.status)
		w.Write(body)
	case KindOversized:
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(rec.status)
		writeOversized(w, oversizedBytes(up))
	}
}

// writeOversized writes one valid JSON object of at least n bytes, in
// chunks, stopping when the client has gone.
func writeOversized(w http.ResponseWriter, n int) {
	if _, err := w.Write([]byte(`{"padding":"`)); err != nil {
		return
	}
	chunk := bytes.Repeat([]byte("a"), 64<<10)
	for written := 0; written < n; written += len(chunk) {
		if _, err := w.Write(chunk); err != nil {
			return
		}
	}
	w.Write([]byte(`"}`))
}

// recorder keeps a simulator's answer so spoil can break it.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header { return r.header }

func (r *recorder) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
	}
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.body.Write(b)
}
