package logging

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

const (
	ninMark = "[nin]"
	jwtMark = "[jwt]"
)

// redact returns s with control characters escaped, national identity
// numbers replaced by "[nin]" and JWTs by "[jwt]". A string with nothing to
// change is returned as is, without allocating.
//
// Escaping runs first and redaction scans its result, because an escape can
// itself end in digits: "\x00" followed by nine digits reads as an 11-digit
// run once escaped. Neither "[nin]" nor "[jwt]" contains a digit or a
// control character, so the result needs no further pass.
func redact(s string) string {
	return redactTokens(escapeControl(s))
}

// escapeControl replaces every rune that could break or fake a log line
// (C0 and C1 controls, DEL, line and paragraph separators, bidi overrides,
// other invisible characters) and every invalid UTF-8 byte with a visible
// escape: \n, \r, \t, \xNN, \uNNNN or \UNNNNNNNN. Backslashes are left
// alone, so escaping twice changes nothing.
func escapeControl(s string) string {
	i := 0
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 || c == 0x7f {
				break
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if mustEscape(r, size) {
			break
		}
		i += size
	}
	if i == len(s) {
		return s
	}

	var b strings.Builder
	b.Grow(len(s) + 8)
	b.WriteString(s[:i])
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '\n':
				b.WriteString(`\n`)
			case c == '\r':
				b.WriteString(`\r`)
			case c == '\t':
				b.WriteString(`\t`)
			case c < 0x20 || c == 0x7f:
				writeHex(&b, `\x`, uint32(c), 2)
			default:
				b.WriteByte(c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			writeHex(&b, `\x`, uint32(c), 2)
		case mustEscape(r, size) && r > 0xffff:
			writeHex(&b, `\U`, uint32(r), 8)
		case mustEscape(r, size):
			writeHex(&b, `\u`, uint32(r), 4)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// mustEscape reports whether the non-ASCII rune r (decoded from size bytes)
// must not reach a log line as is: invalid UTF-8, and everything
// strconv.Quote would escape (C1 controls such as NEL, line and paragraph
// separators, bidi overrides, zero-width and other invisible characters,
// spaces other than U+0020). Escaping them here, before the digit scan,
// also means no handler after us escapes a rune into hex digits that join
// a neighbouring number.
func mustEscape(r rune, size int) bool {
	return r == utf8.RuneError && size == 1 || !strconv.IsPrint(r)
}

func writeHex(b *strings.Builder, prefix string, v uint32, digits int) {
	const hex = "0123456789abcdef"
	b.WriteString(prefix)
	for shift := (digits - 1) * 4; shift >= 0; shift -= 4 {
		b.WriteByte(hex[(v>>uint(shift))&0xf])
	}
}

// redactTokens replaces identity numbers and JWTs in s, which must already
// be escaped.
func redactTokens(s string) string {
	var b *strings.Builder
	last := 0 // s[last:i] is not yet copied to b
	// A failed JWT match scanned s up to noJWT; an "eyJ" before it would
	// see the same or fewer segments, so it is not tried again (keeps
	// "eyJeyJeyJ..." linear). Digits in between are still checked.
	noJWT := 0
	i := 0
	for i < len(s) {
		c := s[i]
		if end, ok := hexWordAt(s, i); ok {
			i = end // a correlation id or hash: its digits are no number
			continue
		}
		switch {
		case isDigit(c):
			start := i
			end, ok := ninAt(s, i)
			if !ok {
				i = end
				continue
			}
			if b == nil {
				b = new(strings.Builder)
				b.Grow(len(s))
			}
			b.WriteString(s[last:start])
			b.WriteString(ninMark)
			last, i = end, end
		case c == 'e' && i >= noJWT && strings.HasPrefix(s[i:], "eyJ"):
			end, ok := jwtAt(s, i)
			if !ok {
				noJWT = end
				i++
				continue
			}
			if b == nil {
				b = new(strings.Builder)
				b.Grow(len(s))
			}
			b.WriteString(s[last:i])
			b.WriteString(jwtMark)
			last, i = end, end
		default:
			i++
		}
	}
	if b == nil {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// hexWordAt reports whether a word starts at i (an ASCII letter or digit
// with none before it) that is a hexadecimal identifier: hex digits only,
// at least one of them a letter. Correlation ids, trace ids and hashes are
// such words, and about one in a hundred 16-digit ids holds a run of
// exactly 11 decimal digits; that run is part of the id, not an identity
// number. A word with any other letter ("fnr12345678901") is still
// scanned. end is where the word ends; each word is looked at once, from
// its first byte, so the scan stays linear.
func hexWordAt(s string, i int) (end int, ok bool) {
	if !isAlnum(s[i]) || i > 0 && isAlnum(s[i-1]) {
		return i, false
	}
	letter := false
	j := i
	for ; j < len(s) && isAlnum(s[j]); j++ {
		switch c := s[j]; {
		case isDigit(c):
		case 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F':
			letter = true
		default:
			return i, false
		}
	}
	return j, letter
}

func isAlnum(c byte) bool {
	return isDigit(c) || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

// ninAt looks at the digit run starting at i. It reports whether the run is
// an identity number (exactly 11 digits, or 6 digits, one space and 5 digits,
// the way people type them) and where the number or the run ends. Longer
// and shorter runs are other identifiers: HPR numbers (7–9 digits), order
// numbers, timestamps.
func ninAt(s string, i int) (end int, ok bool) {
	j := digitsEnd(s, i)
	switch j - i {
	case 11:
		return j, true
	case 6:
		if j+1 < len(s) && s[j] == ' ' && isDigit(s[j+1]) {
			if k := digitsEnd(s, j+1); k-(j+1) == 5 {
				return k, true
			}
		}
	}
	return j, false
}

func digitsEnd(s string, i int) int {
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	return i
}

// jwtAt reports whether a JWT starts at i and where it, or the failed
// scan, ends. A JWT here is a base64url segment starting "eyJ" (the
// encoding of `{"`) followed by at least two more dot-separated segments,
// which may be empty (an unsigned JWT, or a JWE with no encrypted key); all
// further segments of a five-part JWE are taken too.
func jwtAt(s string, i int) (end int, ok bool) {
	j := b64End(s, i+3)
	segments := 1
	for j < len(s) && s[j] == '.' {
		k := b64End(s, j+1)
		if segments >= 3 && k == j+1 {
			break // a full stop after the token, not another segment
		}
		segments++
		j = k
	}
	return j, segments >= 3
}

func b64End(s string, i int) int {
	for i < len(s) && isB64URL(s[i]) {
		i++
	}
	return i
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func isB64URL(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_'
}

// hasNIN reports whether s holds something redact would replace as an
// identity number.
func hasNIN(s string) bool {
	for i := 0; i < len(s); {
		if end, ok := hexWordAt(s, i); ok {
			i = end
			continue
		}
		if !isDigit(s[i]) {
			i++
			continue
		}
		end, ok := ninAt(s, i)
		if ok {
			return true
		}
		i = end
	}
	return false
}
