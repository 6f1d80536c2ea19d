// Package simfault is the one fault layer of the demo's simulators (F19,
// S31–S33): an http.Handler middleware put in front of each simulator, so a
// tester can make HelseID, the Person API, Pasientens prøvesvar, HPR or
// Maskinporten slow, down, rate limited or broken without any change inside
// the simulators.
//
// Decisions:
//   - Faults live in memory only (a Registry): a restart clears them, by
//     construction. They are for demo and test environments, where every
//     upstream is simulated; the portal mounts the panel only there.
//   - One fault answers a request: the newest active fault that matches the
//     upstream and the route. Expired faults vanish on their own.
//   - Faults that answer instead of the simulator (hang, 5xx, 401, 429) do
//     not call it. Faults that spoil the answer (malformed, truncated, wrong
//     content type, oversized) call it and spoil only a 2xx answer; an error
//     the simulator gives (a refused token, say) passes unchanged, so the
//     fault never hides a real refusal.
//   - Latency, when set, delays any kind, and is the whole fault of
//     KindLatency.
package simfault

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/oppslag/oppslag/clients/hpr"
	"github.com/oppslag/oppslag/clients/labs"
	"github.com/oppslag/oppslag/clients/person"
)

// Upstream names a simulated service.
type Upstream string

// The simulated upstreams.
const (
	HelseID      Upstream = "helseid"
	Person       Upstream = "person"
	Labs         Upstream = "labs"
	HPR          Upstream = "hpr"
	Maskinporten Upstream = "maskinporten"
)

// Upstreams lists every upstream, in the order a form offers them.
var Upstreams = []Upstream{Person, Labs, HPR, Maskinporten, HelseID}

// Known reports whether u is one of Upstreams.
func (u Upstream) Known() bool { return slices.Contains(Upstreams, u) }

// Kind is what a fault does to a request.
type Kind string

// The kinds.
const (
	KindLatency          Kind = "latency"            // wait Latency, then the simulator answers
	KindHang             Kind = "hang"               // no answer until the caller gives up
	KindStatus500        Kind = "500"                // problem details, 500
	KindStatus502        Kind = "502"                // a gateway's HTML page, 502
	KindStatus503        Kind = "503"                // a gateway's HTML page, 503 with Retry-After
	KindStatus401        Kind = "401"                // token refused
	KindStatus429        Kind = "429"                // rate limited, with Retry-After
	KindMalformed        Kind = "malformed"          // the simulator's status, a body that is not JSON
	KindTruncated        Kind = "truncated"          // the simulator's answer cut in the middle
	KindWrongContentType Kind = "wrong-content-type" // the simulator's body labelled text/html
	KindOversized        Kind = "oversized"          // a JSON body larger than the client reads
	KindDPoPNonce        Kind = "dpop-nonce"         // 401 use_dpop_nonce until the proof carries the nonce
)

// Kinds lists every kind, in the order a form offers them.
var Kinds = []Kind{KindLatency, KindHang, KindStatus500, KindStatus502, KindStatus503, KindStatus401,
	KindStatus429, KindMalformed, KindTruncated, KindWrongContentType, KindOversized, KindDPoPNonce}

// Known reports whether k is one of Kinds.
func (k Kind) Known() bool { return slices.Contains(Kinds, k) }

// RetryAfterDefault is the Retry-After of a 503 or 429 fault that names none.
const RetryAfterDefault = 30

// MaxRetryAfter and MaxLatency bound what a fault may ask for: a tester's
// typo should not stall the demo for a day.
const (
	MaxRetryAfter = 3600
	MaxLatency    = 60 * time.Second
)

// Fault is one injected misbehaviour of one upstream.
type Fault struct {
	// ID names the fault for Clear; Set assigns it.
	ID       string
	Upstream Upstream
	Kind     Kind
	// Route limits the fault: "" is every call; a value starting with "/"
	// is a path prefix ("/api/v3/full-access/person/get-by-nin"); for the
	// Person API anything else is an information part ("Name",
	// "CommonContactRegisterInformation"), matched against the
	// informationParts the request asks for.
	Route string
	// Latency delays the answer; KindLatency needs it, other kinds may add it.
	Latency time.Duration
	// RetryAfter is the Retry-After of KindStatus503 and KindStatus429, in
	// seconds; 0 is RetryAfterDefault.
	RetryAfter int
	// Until is when the fault ends; zero means until cleared.
	Until time.Time
	// nonce is the DPoP nonce a KindDPoPNonce fault demands.
	nonce string
}

// ActiveAt reports whether f is in force at now.
func (f Fault) ActiveAt(now time.Time) bool { return f.Until.IsZero() || now.Before(f.Until) }

// retryAfter is f's Retry-After in seconds.
func (f Fault) retryAfter() int {
	if f.RetryAfter <= 0 {
		return RetryAfterDefault
	}
	return f.RetryAfter
}

// Field names the part of a Fault an InvalidError is about, so a form can
// word each message itself.
type Field string

// The fields Validate checks.
const (
	FieldUpstream   Field = "upstream"
	FieldKind       Field = "kind"
	FieldRoute      Field = "route"
	FieldLatency    Field = "latency"
	FieldRetryAfter Field = "retry_after"
)

// ErrInvalid marks a fault that Validate refuses.
var ErrInvalid = errors.New("simfault: invalid fault")

// InvalidError says which field of a fault is wrong; it wraps ErrInvalid.
type InvalidError struct {
	Field  Field
	Reason string
}

// Error names the field and the reason.
func (e *InvalidError) Error() string {
	return fmt.Sprintf("%v: %s: %s", ErrInvalid, e.Field, e.Reason)
}

// Unwrap returns ErrInvalid.
func (e *InvalidError) Unwrap() error { return ErrInvalid }

// Validate checks f and returns it in canonical form: an information part
// spelt as the Person API spells it. It refuses a DPoP nonce fault for an
// upstream whose client sends no DPoP proof (HPR and Maskinporten use
// bearer tokens) or whose simulator demands nonces already (HelseID's token
// endpoint always does, so a second demand could never be met).
func (f Fault) Validate() (Fault, error) {
	bad := func(field Field, reason string) (Fault, error) {
		return Fault{}, &InvalidError{Field: field, Reason: reason}
	}
	switch {
	case !f.Upstream.Known():
		return bad(FieldUpstream, "unknown upstream")
	case !f.Kind.Known():
		return bad(FieldKind, "unknown kind")
	case f.Kind == KindDPoPNonce && f.Upstream != Person && f.Upstream != Labs:
		return bad(FieldKind, "only the Person API and prøvesvar take DPoP nonces from this fault")
	case f.Latency < 0 || f.Latency > MaxLatency:
		return bad(FieldLatency, "latency out of range")
	case f.Kind == KindLatency && f.Latency == 0:
		return bad(FieldLatency, "a latency fault needs a latency")
	case f.RetryAfter < 0 || f.RetryAfter > MaxRetryAfter:
		return bad(FieldRetryAfter, "retry-after out of range")
	}
	f.Route = strings.TrimSpace(f.Route)
	switch {
	case f.Route == "", strings.HasPrefix(f.Route, "/"):
		if strings.ContainsAny(f.Route, "?# \t") || len(f.Route) > 200 {
			return bad(FieldRoute, "not a path")
		}
	case f.Upstream == Person:
		p, ok := informationPart(f.Route)
		if !ok {
			return bad(FieldRoute, "not an information part")
		}
		f.Route = string(p)
	default:
		return bad(FieldRoute, "a route is a path starting with /")
	}
	return f, nil
}

// informationPart is the documented information part named s, in any case.
func informationPart(s string) (person.InformationPart, bool) {
	for _, p := range person.AllInformationParts() {
		if strings.EqualFold(string(p), s) {
			return p, true
		}
	}
	return "", false
}

// oversizedBytes is how big an oversized body is for each upstream: more
// than its client reads. HelseID's (1 MiB) and Maskinporten's (64 KiB)
// limits are unexported in their clients and mirrored here.
func oversizedBytes(up Upstream) int {
	const slack = 64 << 10
	switch up {
	case Person:
		return person.MaxBodyBytes + slack
	case Labs:
		return labs.MaxBodyBytes + slack
	case HPR:
		return hpr.MaxBodyBytes + slack
	case Maskinporten:
		return 64<<10 + slack
	}
	return 1<<20 + slack // HelseID
}

// Registry holds the active faults. The zero value is ready to use, on
// time.Now; it is safe for concurrent use and lives in memory only.
type Registry struct {
	// Now is the clock that expires faults; nil is time.Now.
	Now func() time.Time

	mu     sync.Mutex
	faults []Fault // oldest first
	seq    int
}

// NewRegistry returns an empty registry on clock now (nil: time.Now).
func NewRegistry(now func() time.Time) *Registry { return &Registry{Now: now} }

func (r *Registry) now() time.Time {
	if r.Now == nil {
		return time.Now()
	}
	return r.Now()
}

// Set validates f, gives it an ID and makes it active, and returns it as
// kept.
func (r *Registry) Set(f Fault) (Fault, error) {
	f, err := f.Validate()
	if err != nil {
		return Fault{}, err
	}
	if f.Kind == KindDPoPNonce {
		f.nonce = newNonce()
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.seq++
	f.ID = fmt.Sprintf("f%d", r.seq)
	r.faults = append(r.faults, f)
	return f, nil
}

// Clear removes the fault with id and reports whether there was one.
func (r *Registry) Clear(id string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := len(r.faults)
	r.faults = slices.DeleteFunc(r.faults, func(f Fault) bool { return f.ID == id })
	return len(r.faults) < n
}

// ClearAll removes every fault and returns how many there were (expired
// ones not counted).
func (r *Registry) ClearAll() int {
	now := r.now()
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, f := range r.faults {
		if f.ActiveAt(now) {
			n++
		}
	}
	r.faults = nil
	return n
}

// Active returns the faults in force at now, oldest first, and forgets the
// expired ones. A nil Registry has none.
func (r *Registry) Active(now time.Time) []Fault {
	if r == nil {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.faults = slices.DeleteFunc(r.faults, func(f Fault) bool { return !f.ActiveAt(now) })
	out := slices.Clone(r.faults)
	for i := range out {
		out[i].nonce = ""
	}
	return out
}

// match returns the newest fault in force for a request to up with path
// and the information parts parts.
func (r *Registry) match(up Upstream, path string, parts []string) (Fault, bool) {
	now := r.now()
	r.mu.Lock()
	defer r.mu.Unlock()
	for i := len(r.faults) - 1; i >= 0; i-- {
		f := r.faults[i]
		if f.Upstream != up || !f.ActiveAt(now) {
			continue
		}
		switch {
		case f.Route == "":
		case strings.HasPrefix(f.Route, "/"):
			if !strings.HasPrefix(path, f.Route) {
				continue
			}
		default:
			if !slices.ContainsFunc(parts, func(p string) bool { return strings.EqualFold(p, f.Route) }) {
				continue
			}
		}
		return f, true
	}
	return Fault{}, false
}

// newNonce is a fresh DPoP nonce: 128 random bits, base64url.
func newNonce() string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		// crypto/rand does not fail on supported platforms; a constant
		// nonce still makes the fault demand one.
		return "simfault-nonce"
	}
	return base64.RawURLEncoding.EncodeToString(b)
}
