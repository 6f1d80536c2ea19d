package tolerant

import (
	"encoding/json"
	"testing"
)

// plainCases are JSON values the fast path must read exactly as
// json.Unmarshal does, or leave to it.
var plainCases = []string{
	`"2023-11-15T12:39:49+01"`, `"2024-01-02"`, `""`, `"a b"`, `"~"`,
	`"\u00e6"`, `"a\"b"`, `"a\\b"`, `"a\/b"`, "\"æøå\"", "\"\xff\"", "\"a\tb\"",
	"\"\x7f\"", `"`, `"a`, `a"`, `12`, `null`, `{}`, `[]`, `true`,
}

func TestPlainStringMatchesUnmarshal(t *testing.T) {
	for _, c := range plainCases {
		checkPlainString(t, []byte(c))
	}
}

func FuzzPlainString(f *testing.F) {
	for _, c := range plainCases {
		f.Add([]byte(c))
	}
	f.Fuzz(checkPlainString)
}

// checkPlainString fails when plainString accepts b and reads it otherwise
// than json.Unmarshal into a string does.
func checkPlainString(t *testing.T, b []byte) {
	got, ok := plainString(b)
	if !ok {
		return
	}
	var want string
	if err := json.Unmarshal(b, &want); err != nil {
		t.Fatalf("plainString(%q) = %q, but json.Unmarshal fails: %v", b, got, err)
	}
	if got != want {
		t.Fatalf("plainString(%q) = %q, json.Unmarshal gives %q", b, got, want)
	}
}
