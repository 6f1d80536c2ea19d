// Package query reads what a user typed into the HPR search: an HPR number,
// a name, or a surname with a birth date. It refuses an identity number
// typed where a name belongs, because the search is a GET and an identity
// number must never travel in a URL (those go by POST to the NIN search).
//
// It lives under clients/hpr beside the model it reads, with no HTTP and no
// language: the handler maps each refusal to the field and message it
// shows, and the batch check reads its numbers with the same ParseNumber.
package query

import (
	"errors"
	"strconv"
	"time"
	"unicode"

	"github.com/oppslag/oppslag/clients/hpr"
)

// MaxNumber bounds an HPR number: at most nine digits.
const MaxNumber = 999_999_999

// ParseNumber reads an HPR number: 1–9 ASCII digits, not zero.
func ParseNumber(s string) (int, bool) {
	if s == "" || len(s) > 9 {
		return 0, false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return 0, false
		}
	}
	n, err := strconv.Atoi(s)
	return n, err == nil && n > 0 && n <= MaxNumber
}

// Kind is what a query asks the register for.
type Kind int

// The kinds of query.
const (
	ByNumber          Kind = iota + 1 // one HPR number
	ByName                            // a name, which only the local index can search alone
	BySurnameAndBirth                 // a surname and a birth date: HPR's own search
)

// Query is a search the user may make.
type Query struct {
	Kind   Kind
	Number int      // ByNumber
	Text   string   // ByName and BySurnameAndBirth: the name as typed
	Birth  hpr.Date // BySurnameAndBirth
}

// The refusals, each naming the field the user must correct.
var (
	// ErrIdentityNumber is an identity number (11 digits) in the query.
	ErrIdentityNumber = errors.New("hpr query: identity number in the query")
	// ErrBirth is a birth date not written dd.mm.åååå.
	ErrBirth = errors.New("hpr query: unreadable birth date")
	// ErrTooShort is a name with fewer than two letters.
	ErrTooShort = errors.New("hpr query: name too short")
)

// Parse reads a query q and an optional birth date (dd.mm.åååå), both
// trimmed. The checks run in the order the page reports them: a number
// wins, then an identity number is refused before the birth date is read,
// then the name must hold two letters.
func Parse(q, birth string) (Query, error) {
	if n, ok := ParseNumber(q); ok {
		return Query{Kind: ByNumber, Number: n}, nil
	}
	if len(q) == 11 && digits(q) == len(q) {
		return Query{}, ErrIdentityNumber
	}
	out := Query{Kind: ByName, Text: q}
	if birth != "" {
		t, err := time.Parse("02.01.2006", birth)
		if err != nil {
			return Query{}, ErrBirth
		}
		// 01.01.0001 is hpr.Date's zero, which means "no date": a name
		// search, as if the field were empty.
		if d := hpr.DateOf(t); !d.IsZero() {
			out.Kind, out.Birth = BySurnameAndBirth, d
		}
	}
	if letters(q) < 2 {
		return Query{}, ErrTooShort
	}
	return out, nil
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

func letters(s string) int {
	n := 0
	for _, r := range s {
		if unicode.IsLetter(r) {
			n++
		}
	}
	return n
}
