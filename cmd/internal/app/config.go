package app

import (
	"crypto/ed25519"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/oppslag/oppslag/clients/audit/checkpoint"
	"github.com/oppslag/oppslag/clients/helseid"
	"github.com/oppslag/oppslag/clients/person/nin"
)

// Config is the portal's configuration, read from OPPSLAG_* environment
// variables. Every variable is listed, with its default, in the README.
type Config struct {
	Addr            string
	MetricsAddr     string // /metrics on a listener of its own; "" (default): none
	BaseURL         string // empty: derived from the bound address
	HelseIDIssuer   string // empty: start the HelseID simulator
	HelseIDClientID string
	HelseIDKeyFile  string
	// HelseIDDPoPKeyFile is a separate DPoP proof key (see helseid.Config):
	// needed when the provider lists no algorithm the client key can sign.
	HelseIDDPoPKeyFile string
	PersonAPIURL       string
	HPRAPIURL          string
	MaskinportenURL    string
	// Maskinporten client of the HPR API (real HPR only).
	MaskinportenClientID string
	MaskinportenKeyFile  string
	HPRScopes            []string      // Maskinporten scopes asked for HPR
	HPRIndexFile         string        // local index of the export; "" for none
	HPRIndexRefresh      time.Duration // how often the export is downloaded again
	HPRCacheSecret       string        // shared HMAC key of identity-number cache keys in Redis
	LabsAPIURL           string
	DatabaseURL          string
	RedisURL             string
	DemoSeed             int64
	DemoPersons          int
	IdleTimeout          time.Duration
	AbsoluteTimeout      time.Duration
	UpstreamTimeout      time.Duration
	EmergencyWindow      time.Duration
	// PersonEventsInterval is how old the last read of the Person API's
	// change-event feed may be before a cached person document is served;
	// zero: personcache.DefaultInterval (10 s).
	PersonEventsInterval time.Duration
	// PersonCacheOff turns the per-user person cache off
	// (OPPSLAG_PERSON_CACHE=off): every page asks the Person API, as the
	// benchmark's figures of a page's upstream calls need.
	PersonCacheOff bool
	TrustedProxies []netip.Prefix
	AuditorPIDs    []string
	LogFormat      string
	// Signed checkpoints of the audit chain's head (S43, checkpoint.go).
	AuditCheckpoints        string        // append-only file; "" when off
	AuditCheckpointInterval time.Duration // how often the head is signed (and at shutdown)
	AuditCheckpointKeyFile  string        // Ed25519 PKCS#8 PEM
	// auditCheckpointKeyNamed says the key file was configured: it must
	// then exist, since generating a key at a mistyped path would hide the
	// mistake. Only the default path is generated on first start.
	auditCheckpointKeyNamed bool
	// AuditCheckpointPublicKeys are the pinned keys `audit verify` trusts;
	// empty: not pinned (verify then says what to pin).
	AuditCheckpointPublicKeys []ed25519.PublicKey
}

// configError names the variable that is wrong, so start-up stops with one clear line.
type configError struct{ name, problem string }

func (e *configError) Error() string { return "configuration: " + e.name + ": " + e.problem }

// configErrors is every invalid variable LoadConfig found, in the order it
// reads them, so an operator fixes them in one round rather than one
// restart per variable. errors.As finds each *configError through Unwrap.
type configErrors []*configError

// Error is one line per variable, its name first, under one heading line.
func (e configErrors) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "configuration: %d variables are invalid:", len(e))
	for _, ce := range e {
		b.WriteString("\n  " + ce.name + ": " + ce.problem)
	}
	return b.String()
}

// Unwrap returns each variable's error.
func (e configErrors) Unwrap() []error {
	errs := make([]error, len(e))
	for i, ce := range e {
		errs[i] = ce
	}
	return errs
}

// LoadConfig reads the configuration from getenv. It reads every variable
// before it answers: one invalid variable is a *configError, several are a
// configErrors naming each once.
func LoadConfig(getenv func(string) string) (Config, error) {
	c := Config{
		Addr:            "127.0.0.1:8080",
		DatabaseURL:     "sqlite:oppslag.db",
		DemoSeed:        1,
		DemoPersons:     20000,
		IdleTimeout:     30 * time.Minute,
		AbsoluteTimeout: 12 * time.Hour,
		UpstreamTimeout: 3 * time.Second,
		EmergencyWindow: 4 * time.Hour,
		HPRScopes:       []string{"nhn:hpr/basic"},
		HPRIndexRefresh: 24 * time.Hour,
		LogFormat:       "text",

		AuditCheckpointInterval: 5 * time.Minute,
	}
	str := func(name string, dst *string) {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			*dst = v
		}
	}
	var errs configErrors
	// fail keeps a variable's first problem: a list with one bad scope
	// among several is one line, not one per scope.
	fail := func(name, problem string) {
		for _, e := range errs {
			if e.name == name {
				return
			}
		}
		errs = append(errs, &configError{name, problem})
	}

	str("OPPSLAG_ADDR", &c.Addr)
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		fail("OPPSLAG_ADDR", "want host:port, e.g. 127.0.0.1:8080")
	}
	str("OPPSLAG_METRICS_ADDR", &c.MetricsAddr)
	if c.MetricsAddr != "" {
		if _, _, err := net.SplitHostPort(c.MetricsAddr); err != nil {
			fail("OPPSLAG_METRICS_ADDR", "want host:port, e.g. 127.0.0.1:9090, or unset for no metrics")
		} else if sameListener(c.MetricsAddr, c.Addr) {
			fail("OPPSLAG_METRICS_ADDR", "must differ from OPPSLAG_ADDR: metrics are never served on the public port")
		}
	}
	str("OPPSLAG_BASE_URL", &c.BaseURL)
	if c.BaseURL != "" && !isHTTPURL(c.BaseURL) {
		fail("OPPSLAG_BASE_URL", "want an http(s) URL, e.g. https://oppslag.example.no")
	}
	for _, v := range []struct {
		name string
		dst  *string
	}{
		{"OPPSLAG_HELSEID_ISSUER", &c.HelseIDIssuer},
		{"OPPSLAG_PERSON_API_URL", &c.PersonAPIURL},
		{"OPPSLAG_HPR_API_URL", &c.HPRAPIURL},
		{"OPPSLAG_MASKINPORTEN_URL", &c.MaskinportenURL},
		{"OPPSLAG_LABS_API_URL", &c.LabsAPIURL},
	} {
		str(v.name, v.dst)
		if *v.dst != "" && !isHTTPURL(*v.dst) {
			fail(v.name, "want an http(s) URL")
		}
	}
	c.HelseIDIssuer = strings.TrimSuffix(c.HelseIDIssuer, "/")
	// Tokens, codes and the user's identity cross this connection: plain
	// http only where it never leaves the machine.
	if u, err := url.Parse(c.HelseIDIssuer); c.HelseIDIssuer != "" && err == nil && u.Scheme == "http" && !helseid.IsLoopback(u.Hostname()) {
		fail("OPPSLAG_HELSEID_ISSUER", "want https:// (plain http only on loopback: 127.0.0.0/8, ::1, localhost)")
	}
	str("OPPSLAG_HELSEID_CLIENT_ID", &c.HelseIDClientID)
	str("OPPSLAG_HELSEID_KEY_FILE", &c.HelseIDKeyFile)
	str("OPPSLAG_HELSEID_DPOP_KEY_FILE", &c.HelseIDDPoPKeyFile)
	if c.HelseIDIssuer != "" {
		if c.HelseIDClientID == "" {
			fail("OPPSLAG_HELSEID_CLIENT_ID", "required when OPPSLAG_HELSEID_ISSUER is set")
		}
		if c.HelseIDKeyFile == "" {
			fail("OPPSLAG_HELSEID_KEY_FILE", "required when OPPSLAG_HELSEID_ISSUER is set (a private JWK file)")
		}
	}
	str("OPPSLAG_DATABASE_URL", &c.DatabaseURL)
	if !strings.HasPrefix(c.DatabaseURL, "sqlite:") && !strings.HasPrefix(c.DatabaseURL, "postgres://") &&
		!strings.HasPrefix(c.DatabaseURL, "postgresql://") {
		fail("OPPSLAG_DATABASE_URL", "want sqlite:<file> or postgres://…")
	}
	str("OPPSLAG_REDIS_URL", &c.RedisURL)
	if c.RedisURL != "" && !strings.HasPrefix(c.RedisURL, "redis://") && !strings.HasPrefix(c.RedisURL, "rediss://") {
		fail("OPPSLAG_REDIS_URL", "want redis://… or rediss://…")
	}
	if v := getenv("OPPSLAG_DEMO_SEED"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			fail("OPPSLAG_DEMO_SEED", "want a whole number")
		}
		c.DemoSeed = n
	}
	if v := getenv("OPPSLAG_DEMO_PERSONS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 100 || n > 2_000_000 {
			fail("OPPSLAG_DEMO_PERSONS", "want a whole number from 100 to 2000000")
		}
		c.DemoPersons = n
	}
	duration := func(name string, dst *time.Duration) {
		if v := getenv(name); v != "" {
			d, err := time.ParseDuration(v)
			if err != nil || d <= 0 {
				fail(name, "want a positive duration, e.g. 30m or 12h")
				return
			}
			*dst = d
		}
	}
	duration("OPPSLAG_SESSION_IDLE_TIMEOUT", &c.IdleTimeout)
	duration("OPPSLAG_SESSION_MAX_AGE", &c.AbsoluteTimeout)
	duration("OPPSLAG_UPSTREAM_TIMEOUT", &c.UpstreamTimeout)
	duration("OPPSLAG_EMERGENCY_WINDOW", &c.EmergencyWindow)
	duration("OPPSLAG_PERSON_EVENTS_INTERVAL", &c.PersonEventsInterval)
	duration("OPPSLAG_HPR_INDEX_REFRESH", &c.HPRIndexRefresh)
	duration("OPPSLAG_AUDIT_CHECKPOINT_INTERVAL", &c.AuditCheckpointInterval)
	str("OPPSLAG_MASKINPORTEN_CLIENT_ID", &c.MaskinportenClientID)
	str("OPPSLAG_MASKINPORTEN_KEY_FILE", &c.MaskinportenKeyFile)
	str("OPPSLAG_HPR_CACHE_SECRET", &c.HPRCacheSecret)
	// The index lives beside the SQLite database unless told otherwise.
	c.HPRIndexFile = "hpr-index.db"
	if path, ok := strings.CutPrefix(c.DatabaseURL, "sqlite:"); ok && path != "" {
		c.HPRIndexFile = filepath.Join(filepath.Dir(path), "hpr-index.db")
	}
	str("OPPSLAG_HPR_INDEX_FILE", &c.HPRIndexFile)
	if c.HPRIndexFile == "off" {
		c.HPRIndexFile = ""
	}
	if v := getenv("OPPSLAG_HPR_SCOPES"); v != "" {
		c.HPRScopes = nil
		for _, sc := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' }) {
			switch sc {
			case "nhn:hpr/basic", "nhn:hpr/extended", "nhn:hpr/export":
				c.HPRScopes = append(c.HPRScopes, sc)
			default:
				fail("OPPSLAG_HPR_SCOPES", "want nhn:hpr/basic, nhn:hpr/extended and/or nhn:hpr/export")
			}
		}
	}
	if c.HPRAPIURL != "" {
		if c.MaskinportenURL == "" {
			fail("OPPSLAG_MASKINPORTEN_URL", "required when OPPSLAG_HPR_API_URL is set, e.g. https://test.maskinporten.no")
		}
		if c.MaskinportenClientID == "" {
			fail("OPPSLAG_MASKINPORTEN_CLIENT_ID", "required when OPPSLAG_HPR_API_URL is set")
		}
		if c.MaskinportenKeyFile == "" {
			fail("OPPSLAG_MASKINPORTEN_KEY_FILE", "required when OPPSLAG_HPR_API_URL is set (a private RSA JWK with its kid)")
		}
	}
	if v := getenv("OPPSLAG_TRUSTED_PROXIES"); v != "" {
		for _, s := range strings.Split(v, ",") {
			p, err := netip.ParsePrefix(strings.TrimSpace(s))
			if err != nil {
				fail("OPPSLAG_TRUSTED_PROXIES", "want comma-separated CIDR prefixes, e.g. 10.0.0.0/8")
				break
			}
			c.TrustedProxies = append(c.TrustedProxies, p)
		}
	}
	if v := getenv("OPPSLAG_AUDITOR_PIDS"); v != "" {
		// Each must be an identity number (check digits, date), kept as its
		// 11 digits, as HelseID's pid claim carries it. A typo here would
		// otherwise give no one the role, or the wrong person. The problem
		// names the position, never the value: it is an identity number.
		for i, s := range strings.Split(v, ",") {
			if s = strings.TrimSpace(s); s == "" {
				continue
			}
			n, err := nin.Parse(s)
			if err != nil || n.Kind == nin.FellesHjelpenummer {
				fail("OPPSLAG_AUDITOR_PIDS", fmt.Sprintf("entry %d is not a national identity number (fødselsnummer or D-number, 11 digits with valid check digits)", i+1))
				continue
			}
			c.AuditorPIDs = append(c.AuditorPIDs, n.Digits)
		}
	}
	// Checkpoints live beside the SQLite database, as the HPR index does,
	// or in the working directory when the audit trail is in PostgreSQL
	// (as the session database then does); on by default, because a
	// checkpoint never written cannot catch a rewrite later.
	c.AuditCheckpoints = "audit-checkpoints.jsonl"
	if path, ok := strings.CutPrefix(c.DatabaseURL, "sqlite:"); ok && path != "" {
		c.AuditCheckpoints = filepath.Join(filepath.Dir(path), "audit-checkpoints.jsonl")
	}
	str("OPPSLAG_AUDIT_CHECKPOINTS", &c.AuditCheckpoints)
	if c.AuditCheckpoints == "off" {
		c.AuditCheckpoints = ""
	}
	c.AuditCheckpointKeyFile = filepath.Join(filepath.Dir(c.AuditCheckpoints), "audit-checkpoint-key.pem")
	if v := strings.TrimSpace(getenv("OPPSLAG_AUDIT_CHECKPOINT_KEY_FILE")); v != "" {
		c.AuditCheckpointKeyFile, c.auditCheckpointKeyNamed = v, true
	}
	if v := getenv("OPPSLAG_AUDIT_CHECKPOINT_PUBLIC_KEY"); v != "" {
		for _, s := range strings.Split(v, ",") {
			k, err := checkpoint.ParsePublicKey(strings.TrimSpace(s))
			if err != nil {
				fail("OPPSLAG_AUDIT_CHECKPOINT_PUBLIC_KEY", "want comma-separated Ed25519 public keys in base64url (as `oppslag audit verify` prints them)")
				break
			}
			c.AuditCheckpointPublicKeys = append(c.AuditCheckpointPublicKeys, k)
		}
	}
	switch v := getenv("OPPSLAG_PERSON_CACHE"); v {
	case "", "on":
	case "off":
		c.PersonCacheOff = true
	default:
		fail("OPPSLAG_PERSON_CACHE", "want on or off")
	}
	str("OPPSLAG_LOG_FORMAT", &c.LogFormat)
	if c.LogFormat != "text" && c.LogFormat != "json" {
		fail("OPPSLAG_LOG_FORMAT", "want text or json")
	}
	switch len(errs) {
	case 0:
		return c, nil
	case 1:
		return c, errs[0]
	}
	return c, errs
}

// sameListener reports whether two host:port addresses would be the same
// listener: the same fixed port, on the same host or where either listens
// on every interface. Port 0 is a fresh port each time, never the same.
func sameListener(a, b string) bool {
	ha, pa, errA := net.SplitHostPort(a)
	hb, pb, errB := net.SplitHostPort(b)
	if errA != nil || errB != nil || pa != pb || pa == "0" {
		return false
	}
	wildcard := func(h string) bool { return h == "" || h == "0.0.0.0" || h == "::" }
	return ha == hb || wildcard(ha) || wildcard(hb)
}

// demo reports whether any upstream is simulated in this process (the
// embedded demo): the data shown is synthetic. Upstreams given by URL may
// be simulated too (`oppslag simulators`); Serve learns that from the
// upstreams themselves (probeSynthetic), and the portal is then not in
// demo mode, though its band says the data is synthetic.
func (c Config) demo() bool {
	return c.HelseIDIssuer == "" || c.PersonAPIURL == "" || c.HPRAPIURL == "" || c.LabsAPIURL == ""
}

func isHTTPURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

func (c Config) String() string {
	return fmt.Sprintf("addr=%s database=%s redis=%t helseid=%s", c.Addr, scheme(c.DatabaseURL), c.RedisURL != "", orSim(c.HelseIDIssuer))
}

func scheme(u string) string {
	if i := strings.Index(u, ":"); i > 0 {
		return u[:i]
	}
	return u
}

func orSim(u string) string {
	if u == "" {
		return "simulator"
	}
	return u
}
