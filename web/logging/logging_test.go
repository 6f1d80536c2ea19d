package logging

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// Independent of the code under test: what S29 forbids in a log line. A
// digit run inside a hexadecimal identifier (a word of hex digits with at
// least one letter, like a correlation id) is part of that identifier, not
// an identity number.
var (
	elevenDigits = regexp.MustCompile(`(^|[^0-9])[0-9]{11}([^0-9]|$)`)
	spacedNIN    = regexp.MustCompile(`(^|[^0-9])([0-9]{6}) [0-9]{5}([^0-9]|$)`)
	jwtShape     = regexp.MustCompile(`eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.`)
	word         = regexp.MustCompile(`[0-9A-Za-z]+`)
	hexID        = regexp.MustCompile(`^[0-9a-fA-F]*[a-fA-F][0-9a-fA-F]*$`)
)

// hasElevenDigits reports an 11-digit run outside hexadecimal identifiers.
func hasElevenDigits(s string) bool {
	for _, w := range word.FindAllString(s, -1) {
		if !hexID.MatchString(w) && elevenDigits.MatchString(w) {
			return true
		}
	}
	return false
}

// hasSpacedNIN reports "ddddddd ddddd" whose first half does not end a
// hexadecimal identifier.
func hasSpacedNIN(s string) bool {
	for _, m := range spacedNIN.FindAllStringSubmatchIndex(s, -1) {
		start := m[4] // the six digits
		for start > 0 && word.MatchString(s[start-1:start]) {
			start--
		}
		if !hexID.MatchString(s[start:m[5]]) {
			return true
		}
	}
	return false
}

// forbidden returns why the field value s may not be in a log, or "".
func forbidden(s string) string {
	if hasSpacedNIN(s) {
		return "an identity number with a space"
	}
	return forbiddenInLine(s)
}

// forbiddenInLine is forbidden for a whole text line, which joins fields
// with spaces: a value ending in six digits before a key starting with five
// looks like a spaced identity number without being one.
func forbiddenInLine(s string) string {
	switch {
	case hasElevenDigits(s):
		return "an 11-digit number"
	case jwtShape.MatchString(s):
		return "a JWT"
	}
	return ""
}

const (
	nin       = "12057900499"
	jwtSample = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjA1NzkwMDQ5OSIsInBpZCI6IjEyMDU3OTAwNDk5In0.c2lnbmF0dXJlLWJ5dGVz"
)

func TestS29_Redact(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"clean text", "GET /person 200", "GET /person 200"},
		{"norwegian letters", "Blåbærsyltetøy på Ålesund", "Blåbærsyltetøy på Ålesund"},
		{"bare nin", nin, "[nin]"},
		{"nin in text", "nin=" + nin + "x", "nin=[nin]x"},
		{"nin after letters", "fnr" + nin, "fnr[nin]"},
		{"nin with space", "fnr 120579 00499.", "fnr [nin]."},
		{"two nins", nin + "," + nin, "[nin],[nin]"},
		{"hpr 7 digits", "hpr=1234567", "hpr=1234567"},
		{"hpr 9 digits", "hpr=123456789", "hpr=123456789"},
		{"10 digits", "1234567890", "1234567890"},
		{"12 digits", "123456789012", "123456789012"},
		{"unix ms timestamp", "at 1764000000000", "at 1764000000000"},
		{"6 and 6 digits", "123456 123456", "123456 123456"},
		{"7 space 5", "1234567 12345", "1234567 12345"},
		{"6 two spaces 5", "120579  00499", "120579  00499"},
		{"url path with nin", "/person/" + nin + "/family", "/person/[nin]/family"},
		{"url path with id", "/labs/123456/result/42", "/labs/123456/result/42"},
		{"query with nin", "/search?q=" + nin + "&x=1", "/search?q=[nin]&x=1"},
		{"jwt", "Bearer " + jwtSample, "Bearer [jwt]"},
		{"jwt then full stop", "token " + jwtSample + ".", "token [jwt]."},
		{"jwt in query", "?id_token_hint=" + jwtSample + "&state=x", "?id_token_hint=[jwt]&state=x"},
		{"unsigned jwt", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.", "[jwt]"},
		{"jwe five parts", "eyJhbGciOiJkaXIifQ..aXY.Y2lwaGVy.dGFn end", "[jwt] end"},
		{"eyJ without dots", "eyJhbGciOiJub25lIn0", "eyJhbGciOiJub25lIn0"},
		{"two segments", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0"},
		{"lf injection", "foo\nlevel=ERROR msg=forged", `foo\nlevel=ERROR msg=forged`},
		{"crlf injection", "a\r\nb", `a\r\nb`},
		{"tab", "a\tb", `a\tb`},
		{"ansi escape", "\x1b[31mred", `\x1b[31mred`},
		{"nul and del", "a\x00b\x7f", `a\x00b\x7f`},
		{"next line", "a\u0085b", `a\u0085b`},
		{"line separator", "a\u2028b\u2029", `a\u2028b\u2029`},
		{"bidi override", "user\u202eexe.txt", `user\u202eexe.txt`},
		{"no-break space", "a\u00a0b", `a\u00a0b`},
		{"plane 14 tag", "a\U000e0001", `a\U000e0001`},
		{"invalid utf-8", "a\xffb", `a\xffb`},
		{"backslash kept", `C:\x00`, `C:\x00`},
		// "\x00" escaped ends in digits; with nine digits after it the
		// escaped text holds an 11-digit run, which is hidden as well.
		{"escape next to digits", "\x00123456789", `\x[nin]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := redact(tt.in); got != tt.want {
				t.Errorf("redact(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

type stringer string

func (s stringer) String() string { return string(s) }

type valuer string

func (v valuer) LogValue() slog.Value { return slog.StringValue(string(v)) }

type patient struct {
	Name string
	NIN  string
}

type nilStringer struct{ s string }

func (n *nilStringer) String() string { return n.s }

func TestS29_Handler(t *testing.T) {
	u, _ := url.Parse("https://oppslag.example/person/" + nin + "/labs?hpr=1234567")
	tests := []struct {
		name string
		log  func(l *slog.Logger)
		want []string // in the text output
	}{
		{"message", func(l *slog.Logger) { l.Info("lookup " + nin) }, []string{"lookup [nin]"}},
		{"spaced message", func(l *slog.Logger) { l.Info("lookup 120579 00499") }, []string{"lookup [nin]"}},
		{"string attr", func(l *slog.Logger) { l.Info("lookup", "nin", nin) }, []string{"nin=[nin]"}},
		{"embedded attr", func(l *slog.Logger) { l.Info("lookup", "q", "nin="+nin+"x") }, []string{`q="nin=[nin]x"`}},
		{"int attr", func(l *slog.Logger) { l.Info("lookup", "nin", int64(12057900499)) }, []string{"nin=[nin]"}},
		{"negative int attr", func(l *slog.Logger) { l.Info("lookup", "n", -12057900499) }, []string{"n=[nin]"}},
		{"uint attr", func(l *slog.Logger) { l.Info("lookup", "nin", uint64(12057900499)) }, []string{"nin=[nin]"}},
		{"float attr", func(l *slog.Logger) { l.Info("lookup", "nin", 12057900499.0) }, []string{"nin=[nin]"}},
		{"fraction attr", func(l *slog.Logger) { l.Info("lookup", "x", 0.12057900499) }, []string{"x=0.[nin]"}},
		{"error attr", func(l *slog.Logger) {
			l.Error("failed", "err", fmt.Errorf("person: get by nin %s: %w", nin, io.ErrUnexpectedEOF))
		}, []string{"person: get by nin [nin]: unexpected EOF"}},
		{"group", func(l *slog.Logger) {
			l.Info("lookup", slog.Group("patient", slog.String("id", nin), slog.Int("age", 46)))
		}, []string{"patient.id=[nin]", "patient.age=46"}},
		{"nested group", func(l *slog.Logger) {
			l.Info("lookup", slog.Group("a", slog.Group("b", "nin", nin)))
		}, []string{"a.b.nin=[nin]"}},
		{"with attrs", func(l *slog.Logger) { l.With("nin", nin).Info("lookup") }, []string{"nin=[nin]"}},
		{"with group", func(l *slog.Logger) { l.WithGroup("p").Info("lookup", "nin", nin) }, []string{"p.nin=[nin]"}},
		{"stringer", func(l *slog.Logger) { l.Info("lookup", "who", stringer("pid "+nin)) }, []string{"[nin]"}},
		{"log valuer", func(l *slog.Logger) { l.Info("lookup", "who", valuer(nin)) }, []string{"who=[nin]"}},
		{"struct", func(l *slog.Logger) { l.Info("lookup", "p", patient{"Kari", nin}) }, []string{"NIN:[nin]"}},
		{"map", func(l *slog.Logger) { l.Info("lookup", "m", map[string]string{"nin": nin}) }, []string{"nin:[nin]"}},
		{"bytes", func(l *slog.Logger) { l.Info("lookup", "b", []byte(nin)) }, []string{"b=[nin]"}},
		{"url", func(l *slog.Logger) { l.Info("request", "url", u) }, []string{"/person/[nin]/labs?hpr=1234567"}},
		{"path attr", func(l *slog.Logger) { l.Info("request", "path", "/person/"+nin) }, []string{"path=/person/[nin]"}},
		{"jwt attr", func(l *slog.Logger) { l.Info("token", "auth", "Bearer "+jwtSample) }, []string{`auth="Bearer [jwt]"`}},
		{"jwt message", func(l *slog.Logger) { l.Warn("bad token " + jwtSample) }, []string{"bad token [jwt]"}},
		{"lf in message", func(l *slog.Logger) { l.Info("foo\nlevel=ERROR msg=forged") }, []string{`foo\\nlevel=ERROR msg=forged`}},
		{"lf in attr", func(l *slog.Logger) { l.Info("login", "user", "foo\nlevel=ERROR msg=forged") }, []string{`foo\\nlevel=ERROR msg=forged`}},
		{"cr in key", func(l *slog.Logger) { l.Info("login", "a\rb", 1) }, []string{`a\rb=1`}},
		{"lf in group name", func(l *slog.Logger) { l.WithGroup("g\nx").Info("login", "a", 1) }, []string{`g\nx.a=1`}},
		{"hpr untouched", func(l *slog.Logger) { l.Info("login", "hpr", 1234567, "hpr9", "123456789") }, []string{"hpr=1234567", "hpr9=123456789"}},
		{"duration", func(l *slog.Logger) { l.Info("slow", "took", 12345678901*time.Nanosecond) }, []string{"took=12.345678901s"}},
		{"nil stringer", func(l *slog.Logger) { l.Info("x", "s", (*nilStringer)(nil)) }, []string{"s=<nil>"}},
		{"nil any", func(l *slog.Logger) { l.Info("x", "a", nil) }, []string{"a=<nil>"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, asJSON := range []bool{false, true} {
				var buf bytes.Buffer
				tt.log(New(&buf, asJSON, slog.LevelDebug))
				out := buf.String()
				checkRecord(t, out, asJSON)
				if asJSON {
					continue
				}
				for _, w := range tt.want {
					if !strings.Contains(out, w) {
						t.Errorf("text output %q does not contain %q", out, w)
					}
				}
			}
		})
	}
}

// checkRecord fails t unless out is exactly one log line holding nothing S29
// forbids. JSON is checked as decoded, the way a log store reads it.
func checkRecord(t *testing.T, out string, asJSON bool) {
	t.Helper()
	if n := strings.Count(out, "\n"); n != 1 || !strings.HasSuffix(out, "\n") {
		t.Fatalf("output is %d lines, want one: %q", n, out)
	}
	if strings.ContainsRune(out, '\r') {
		t.Errorf("output has a raw CR: %q", out)
	}
	if !utf8.ValidString(out) {
		t.Errorf("output is not UTF-8: %q", out)
	}
	if !asJSON {
		if why := forbiddenInLine(out); why != "" {
			t.Errorf("text output has %s: %q", why, out)
		}
		return
	}
	var rec map[string]any
	if err := json.Unmarshal([]byte(out), &rec); err != nil {
		t.Fatalf("JSON output does not decode: %v: %q", err, out)
	}
	walkJSON(rec, func(s string) {
		if why := forbidden(s); why != "" {
			t.Errorf("JSON output has %s in %q: %q", why, s, out)
		}
		if strings.ContainsAny(s, "\r\n") {
			t.Errorf("JSON output has a line break in %q", s)
		}
	})
}

func walkJSON(v any, f func(string)) {
	switch v := v.(type) {
	case string:
		f(v)
	case float64:
		f(fmt.Sprint(int64(v)))
	case map[string]any:
		for k, x := range v {
			f(k)
			walkJSON(x, f)
		}
	case []any:
		for _, x := range v {
			walkJSON(x, f)
		}
	}
}

func TestS29_LevelAndOptions(t *testing.T) {
	var buf bytes.Buffer
	l := New(&buf, false, slog.LevelWarn)
	l.Info("hidden " + nin)
	if buf.Len() != 0 {
		t.Errorf("Info at level Warn wrote %q", buf.String())
	}
	l.Warn("shown "+nin, "pid", nin, "token", jwtSample, "line", "a\nlevel=ERROR msg=forged")
	out := buf.String()
	if !strings.Contains(out, "level=WARN msg=\"shown [nin]\"") {
		t.Errorf("output = %q, want the warning with its number redacted", out)
	}
	for _, want := range []string{"pid=[nin]", "token=[jwt]", `line="a\\nlevel=ERROR msg=forged"`} {
		if !strings.Contains(out, want) {
			t.Errorf("output = %q, want %s", out, want)
		}
	}
	if strings.Contains(out, nin) || strings.Contains(out, "eyJ") || strings.Count(out, "\n") != 1 {
		t.Errorf("output = %q holds a number, a token or a forged line", out)
	}
}

// TestHardening_RedactorKeepsCorrelationIDs: digits inside a hexadecimal
// id are part of the id, so support can find the line a user quotes;
// identity numbers are still redacted, also glued to other words.
func TestHardening_RedactorKeepsCorrelationIDs(t *testing.T) {
	kept := []string{
		"correlation_id=0a12345678901bcd",
		"12345678901abcde",
		"abcde12345678901",
		"trace 4bf92f3577b34da6a3ce929d0e0e4736",
		"sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
	}
	for _, s := range kept {
		if got := redact(s); got != s {
			t.Errorf("redact(%q) = %q; want it unchanged", s, got)
		}
	}
	redacted := map[string]string{
		nin:                        "[nin]",
		"nin=" + nin:               "nin=[nin]",
		"fnr" + nin:                "fnr[nin]",
		nin + "xyz":                "[nin]xyz",
		"/person/" + nin + "/labs": "/person/[nin]/labs",
		"pid 120579 00499 and":     "pid [nin] and",
		"id-" + nin + "-x":         "id-[nin]-x",
	}
	for in, want := range redacted {
		if got := redact(in); got != want {
			t.Errorf("redact(%q) = %q; want %q", in, got, want)
		}
	}
	// Ids as requestID makes them: 8 random bytes in hex. About 0.8 % hold
	// a run of exactly 11 decimal digits.
	var b [8]byte
	for i := range 20000 {
		binary.BigEndian.PutUint64(b[:], uint64(i)*0x9e3779b97f4a7c15)
		id := hex.EncodeToString(b[:])
		if got := redact("correlation_id=" + id); got != "correlation_id="+id {
			t.Fatalf("redact ate correlation id %s: %q", id, got)
		}
	}
}

func TestNewHandlerWrapsOnce(t *testing.T) {
	h := NewHandler(slog.NewTextHandler(io.Discard, nil))
	if got := NewHandler(h); got != h {
		t.Errorf("NewHandler(NewHandler(h)) wrapped twice")
	}
}

func TestNewHandlerKeepsRecordFields(t *testing.T) {
	var buf bytes.Buffer
	l := slog.New(NewHandler(slog.NewJSONHandler(&buf, &slog.HandlerOptions{AddSource: true})))
	l.Info("x", "ok", true, "when", time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	var rec struct {
		Level  string
		Msg    string
		OK     bool   `json:"ok"`
		When   string `json:"when"`
		Source struct{ Function string }
	}
	if err := json.Unmarshal(buf.Bytes(), &rec); err != nil {
		t.Fatal(err)
	}
	if rec.Level != "INFO" || rec.Msg != "x" || !rec.OK || rec.When != "2026-01-02T03:04:05Z" {
		t.Errorf("record = %+v", rec)
	}
	if !strings.HasSuffix(rec.Source.Function, "TestNewHandlerKeepsRecordFields") {
		t.Errorf("source function = %q, want this test", rec.Source.Function)
	}
}

type panicky struct{}

func (panicky) String() string { panic("boom") }

type badText struct{}

func (badText) MarshalText() ([]byte, error) { return nil, errors.New("no text for " + nin) }

func TestBadValuesDoNotPanic(t *testing.T) {
	var buf bytes.Buffer
	l := New(&buf, false, slog.LevelInfo)
	l.Info("x", "p", panicky{}, "t", badText{})
	out := buf.String()
	checkRecord(t, out, false)
	for _, want := range []string{`p="!PANIC in log value"`, "no text for [nin]"} {
		if !strings.Contains(out, want) {
			t.Errorf("output %q does not contain %q", out, want)
		}
	}
}

// FuzzRedact (S37) feeds arbitrary text through redact and both built-in
// handlers and checks the S29 guarantees hold for every input.
func FuzzRedact(f *testing.F) {
	// More seeds, one per way a leak was found or feared, in testdata/fuzz/FuzzRedact.
	for _, s := range []string{"", nin, "120579 00499", jwtSample} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := redact(s)
		if why := forbidden(got); why != "" {
			t.Fatalf("redact(%q) = %q has %s", s, got, why)
		}
		for _, r := range got {
			// Nothing a handler would still have to escape.
			if !strconv.IsPrint(r) {
				t.Fatalf("redact(%q) = %q has unprintable rune %U", s, got, r)
			}
		}
		if !utf8.ValidString(got) {
			t.Fatalf("redact(%q) = %q is not UTF-8", s, got)
		}
		if again := redact(got); again != got {
			t.Fatalf("redact is not idempotent: %q -> %q -> %q", s, got, again)
		}
		for _, asJSON := range []bool{false, true} {
			var buf bytes.Buffer
			l := New(&buf, asJSON, slog.LevelInfo).With("w", s)
			l.Info(s, "k", s, s, 1, "err", errors.New(s), slog.Group("g", slog.String("v", s)))
			checkRecord(t, buf.String(), asJSON)
		}
	})
}

func BenchmarkRedactClean(b *testing.B) {
	b.Run("string", func(b *testing.B) {
		s := "GET /person/search status=200 hpr=1234567 corr=6f1c2a9e-3b7d-4d0e-9a51-0c8e2f4b7a13 took=12ms"
		b.ReportAllocs()
		for b.Loop() {
			if redact(s) != s {
				b.Fatal("changed")
			}
		}
	})
	b.Run("record", func(b *testing.B) {
		l := slog.New(NewHandler(slog.NewTextHandler(io.Discard, nil)))
		b.ReportAllocs()
		for b.Loop() {
			l.Info("request", "method", "GET", "path", "/person/search", "status", 200, "hpr", 1234567)
		}
	})
	b.Run("record-baseline", func(b *testing.B) {
		l := slog.New(slog.NewTextHandler(io.Discard, nil))
		b.ReportAllocs()
		for b.Loop() {
			l.Info("request", "method", "GET", "path", "/person/search", "status", 200, "hpr", 1234567)
		}
	})
}
