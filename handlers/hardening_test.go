package handlers

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// TestS42_SearchRefusesUnreadableText: the search form refuses NUL,
// control characters and invalid UTF-8 on its own, with a message of its
// own, even when nothing in front of it did.
func TestS42_SearchRefusesUnreadableText(t *testing.T) {
	for _, q := range []string{"Kari\x00 Nordmann 1980", "Kari\xff Nordmann 1980", "Kari\x1b[31m Nordmann 1980", "12057900499\x00"} {
		f := searchForm{Q: q}
		msgs := f.Validate(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
		if got := msgs["q"].Key; got != "search.error.chars" {
			t.Errorf("Validate(%q): %q; want search.error.chars", q, got)
		}
	}
	f := searchForm{Q: "Kari\tNordmann 01.02.1980"}
	if msgs := f.Validate(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)); msgs["q"].Key == "search.error.chars" {
		t.Error("a pasted tab is refused as unreadable")
	}
}

// TestS42_BatchShowsBadEntriesVisibly: a refused entry from an uploaded
// file is shown with "�" for what cannot be shown, never raw.
func TestS42_BatchShowsBadEntriesVisibly(t *testing.T) {
	_, bad := parseBatch("1234567\nab\x00c\n\xff\xfeq\nx\x1by\n")
	want := []string{"ab\ufffdc", "\ufffdq", "x\ufffdy"}
	if strings.Join(bad, "|") != strings.Join(want, "|") {
		t.Errorf("bad = %q; want %q", bad, want)
	}
	for _, b := range bad {
		if !utf8.ValidString(b) || strings.ContainsRune(b, 0) {
			t.Errorf("%q is not clean UTF-8", b)
		}
	}
}
