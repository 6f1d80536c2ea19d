// Package batch is the HPR batch check (F15) without its pages: reading a
// list of HPR numbers as pasted or uploaded, keeping the checks in memory
// for their owner, checking each number's standing on a day, and writing
// the result as CSV a spreadsheet cannot be tricked by.
//
// With a local index every number is answered from it and costs no
// upstream call. Without one, each goes through the client, whose cache
// answers repeats and whose limiter keeps the portal inside HPR's bucket;
// numbers it refuses come back Unchecked with the error, never silently
// dropped, so the page can say how long to wait.
//
// It lives under clients/hpr beside the model it reads, with no HTTP and no
// language: rows are structured (a standing.Kind, the entry, the error),
// and the handler translates them for the page and the download.
package batch

import (
	"bufio"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/oppslag/oppslag/clients/hpr/query"
)

// Batch limits.
const (
	// MaxNumbers is the most numbers one check takes.
	MaxNumbers = 5000
	// MaxBytes is the most text one check reads, pasted text and file each.
	MaxBytes = 1 << 20
	// Lifetime is how long a check is kept, and the most it may run.
	Lifetime = time.Hour
	// MaxBad is how many refused entries Parse reports: enough to find
	// them, not a copy of a wrong file.
	MaxBad = 10

	maxStored   = 200
	callTimeout = 3 * time.Second
)

// Parse reads HPR numbers separated by whitespace, commas or semicolons,
// in order and without repeats. Tokens that are not numbers are returned
// in bad (at most MaxBad, made safe to show); a first line holding letters
// is taken as a column heading and skipped, so a one-column CSV file works
// as it is.
func Parse(text string) (numbers []int, bad []string) {
	seen := map[int]bool{}
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(make([]byte, 64<<10), MaxBytes)
	first := true
	for sc.Scan() {
		line := sc.Text()
		if first {
			first = false
			line = strings.TrimPrefix(line, "\ufeff")
			if strings.ContainsFunc(line, unicode.IsLetter) {
				continue
			}
		}
		for _, tok := range strings.FieldsFunc(line, func(r rune) bool {
			return r == ',' || r == ';' || r == ' ' || r == '\t' || r == '\r'
		}) {
			tok = strings.Trim(tok, `"'`)
			if tok == "" {
				continue
			}
			n, ok := query.ParseNumber(tok)
			if !ok {
				if len(bad) < MaxBad {
					bad = append(bad, sanitizeToken(tok))
				}
				continue
			}
			if !seen[n] {
				seen[n] = true
				numbers = append(numbers, n)
			}
		}
	}
	return numbers, bad
}

// Merge appends the numbers of b not already in a, keeping a's order.
func Merge(a, b []int) []int {
	seen := make(map[int]bool, len(a))
	for _, n := range a {
		seen[n] = true
	}
	for _, n := range b {
		if !seen[n] {
			seen[n] = true
			a = append(a, n)
		}
	}
	return a
}

// sanitizeToken shortens a refused token for the message and masks what
// could be an identity number (S15): the user sees which entry was wrong,
// not a copy of it. NUL and other control characters and invalid UTF-8
// (an uploaded file need not be text) show as "�" (S42), so the page stays
// the UTF-8 it says it is.
func sanitizeToken(s string) string {
	if digits(s) >= 11 {
		return strings.Repeat("•", 6) + "…"
	}
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == utf8.RuneError {
			return utf8.RuneError
		}
		return r
	}, strings.ToValidUTF8(s, string(utf8.RuneError)))
	r := []rune(s)
	if len(r) > 20 {
		return string(r[:20]) + "…"
	}
	return s
}

func digits(s string) int {
	n := 0
	for _, r := range s {
		if r >= '0' && r <= '9' {
			n++
		}
	}
	return n
}
