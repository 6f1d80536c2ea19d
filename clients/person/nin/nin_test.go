package nin

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want Number
	}{
		{"plain fnr (PPS test patient)", "12057900499", Number{Digits: "12057900499", Kind: Fodselsnummer}},
		{"space separator", "120579 00499", Number{Digits: "12057900499", Kind: Fodselsnummer}},
		{"hyphen separator", "120579-00499", Number{Digits: "12057900499", Kind: Fodselsnummer}},
		{"surrounding white space", " \t12057900499\n ", Number{Digits: "12057900499", Kind: Fodselsnummer}},
		{"D-number", "52057900482", Number{Digits: "52057900482", Kind: DNumber}},
		{"D-number synthetic", "48895100539", Number{Digits: "48895100539", Kind: DNumber, Synthetic: true}},
		{"synthetic fnr", "16858399649", Number{Digits: "16858399649", Kind: Fodselsnummer, Synthetic: true}},
		{"H-number", "12457900471", Number{Digits: "12457900471", Kind: HNumber}},
		{"H-number with D offset", "52457900465", Number{Digits: "52457900465", Kind: HNumber}},
		{"FH", "81234567802", Number{Digits: "81234567802", Kind: FellesHjelpenummer}},
		{"FH without any date", "99999999928", Number{Digits: "99999999928", Kind: FellesHjelpenummer}},
		{"29 February 1896", "29029650037", Number{Digits: "29029650037", Kind: Fodselsnummer}},
		{"29 February 2000", "29020052331", Number{Digits: "29020052331", Kind: Fodselsnummer}},
		{"29 February 2004", "29020450051", Number{Digits: "29020450051", Kind: Fodselsnummer}},
		{"individual number outside the century table", "01014580049", Number{Digits: "01014580049", Kind: Fodselsnummer}},
		{"2032 rule, remainder 2", "12057900405", Number{Digits: "12057900405", Kind: Fodselsnummer, Post2032: true}},
		{"2032 rule, remainder 3", "12057900413", Number{Digits: "12057900413", Kind: Fodselsnummer, Post2032: true}},
		{"2032 rule, D synthetic, remainder 1", "48895100547", Number{Digits: "48895100547", Kind: DNumber, Synthetic: true, Post2032: true}},
		{"2032 rule where no classic k1 exists", "01019012308", Number{Digits: "01019012308", Kind: Fodselsnummer, Post2032: true}},
		// Post2032 numbers do not promise the century table, so 29.02.00 is
		// judged without it (some century has a 29 February in year 00).
		{"2032 rule, 29.02.00 with a 1900s individual number", "29020012399", Number{Digits: "29020012399", Kind: Fodselsnummer, Post2032: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.in)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if got != tt.want {
				t.Errorf("got %#v, want %#v (digits %s/%s)", got, tt.want, got.Digits, tt.want.Digits)
			}
			if !Valid(tt.in) {
				t.Errorf("Valid = false, want true")
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []error
	}{
		{"empty", "", []error{ErrLength}},
		{"only spaces", "   ", []error{ErrLength}},
		{"ten digits", "1205790049", []error{ErrLength}},
		{"twelve digits", "120579004990", []error{ErrLength}},
		{"ten digits with separator", "120579 0049", []error{ErrLength}},
		{"letter", "1205790049a", []error{ErrNotDigits}},
		{"letters only", "abc", []error{ErrNotDigits}},
		{"separator in the wrong place", "12057-900499", []error{ErrNotDigits}},
		{"two separators", "120579  00499", []error{ErrNotDigits}},
		{"underscore separator", "120579_00499", []error{ErrNotDigits}},
		{"dot separators", "12.05.79 00499", []error{ErrNotDigits}},
		{"full-width digits", "１２０５７９００４９９", []error{ErrNotDigits}},
		{"sign", "+12057900499", []error{ErrNotDigits}},
		{"wrong k2", "12057900498", []error{ErrChecksum}},
		{"wrong k1 (remainder 4)", "12057900420", []error{ErrChecksum}},
		{"swapped digits", "21057900499", []error{ErrChecksum}},
		{"classic k1 would be 10", "01019012300", []error{ErrChecksum}},
		{"FH with a 2032-only k1", "81234567810", []error{ErrChecksum}},
		{"31 February", "31029012302", []error{ErrDate}},
		{"31 February, 2032 rule", "31029012310", []error{ErrDate}},
		{"month 13", "01139012328", []error{ErrDate}},
		{"month 20", "01209012568", []error{ErrDate}},
		{"day 00", "00019012360", []error{ErrDate}},
		{"D-number day 40", "40019012354", []error{ErrDate}},
		{"29 February 1900", "29020012380", []error{ErrDate}},
		{"31 February and wrong k2", "31029012303", []error{ErrChecksum, ErrDate}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.in)
			if err == nil {
				t.Fatalf("Parse = %v, want error", got)
			}
			for _, want := range tt.want {
				if !errors.Is(err, want) {
					t.Errorf("got %v, want errors.Is %v", err, want)
				}
			}
			if got != (Number{}) {
				t.Errorf("got %#v with the error, want the zero Number", got)
			}
			if strings.Contains(err.Error(), strings.TrimSpace(tt.in)) && strings.TrimSpace(tt.in) != "" {
				t.Errorf("error %q contains the input", err)
			}
			if strings.ContainsAny(err.Error(), "\r\n") {
				t.Errorf("error %q spans lines", err)
			}
			if !strings.HasPrefix(err.Error(), "nin: parse: ") {
				t.Errorf("error %q lacks the operation prefix", err)
			}
			if Valid(tt.in) {
				t.Errorf("Valid = true, want false")
			}
		})
	}
}

func TestBirthDateAcrossCenturies(t *testing.T) {
	date := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	tests := []struct {
		name   string
		in     string
		want   time.Time
		wantOK bool
	}{
		{"000–499: 1900", "01010000110", date(1900, 1, 1), true},
		{"000–499: top of range", "15067049982", date(1970, 6, 15), true},
		{"plain fnr", "12057900499", date(1979, 5, 12), true},
		{"500–749, year 54: 1854", "15065450035", date(1854, 6, 15), true},
		{"500–749, year 89: 1889", "15068960077", date(1889, 6, 15), true},
		{"500–749, year 99: 1899", "31129974810", date(1899, 12, 31), true},
		{"500–749, year 53: not allocated", "15065360087", time.Time{}, false},
		{"500–749, year 40: not allocated", "01014050066", time.Time{}, false},
		{"750–899, year ≥ 40: not allocated", "15068975007", time.Time{}, false},
		{"500–999, year 00: 2000", "01010050053", date(2000, 1, 1), true},
		{"500–999, year 39: 2039", "31123999935", date(2039, 12, 31), true},
		{"900–999, year 40: 1940", "01014090017", date(1940, 1, 1), true},
		{"900–999, year 99: 1999", "15069995060", date(1999, 6, 15), true},
		{"900–999 synthetic: 1983", "16858399649", date(1983, 5, 16), true},
		{"D synthetic: 1951", "48895100539", date(1951, 9, 8), true},
		{"D-number", "52057900482", date(1979, 5, 12), true},
		{"H-number", "12457900471", date(1979, 5, 12), true},
		{"H-number with D offset", "52457900465", date(1979, 5, 12), true},
		{"29 February 2000", "29020052331", date(2000, 2, 29), true},
		{"29 February 1896", "29029650037", date(1896, 2, 29), true},
		{"FH", "81234567802", time.Time{}, false},
		{"Post2032", "12057900405", time.Time{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := Parse(tt.in)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			got, ok := n.BirthDate()
			if ok != tt.wantOK || !got.Equal(tt.want) {
				t.Errorf("got %v, %t, want %v, %t", got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestGender(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		want   string
		wantOK bool
	}{
		{"ninth digit 4", "12057900499", "female", true},
		{"ninth digit 0", "01014090017", "female", true},
		{"ninth digit 1", "01010000110", "male", true},
		{"ninth digit 9", "31123999935", "male", true},
		{"D synthetic, ninth digit 5", "48895100539", "male", true},
		{"synthetic, ninth digit 6", "16858399649", "female", true},
		{"FH", "81234567802", "", false},
		{"Post2032", "12057900413", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := Parse(tt.in)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			got, ok := n.Gender()
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("got %q, %t, want %q, %t", got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestFormatAndMasking(t *testing.T) {
	n, err := Parse("120579-00499")
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if got, want := n.Format(), "120579 00499"; got != want {
		t.Errorf("Format: got %q, want %q", got, want)
	}
	if got, want := n.String(), "120579 *****"; got != want {
		t.Errorf("String: got %q, want %q", got, want)
	}

	// The time attribute is dropped: its fractional seconds could contain
	// the digits searched for below.
	opts := &slog.HandlerOptions{ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey {
			return slog.Attr{}
		}
		return a
	}}
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, opts)).Info("lookup", "nin", n)
	slog.New(slog.NewTextHandler(&buf, opts)).Info("lookup", "nin", n, "ptr", &n)
	printed := []string{
		fmt.Sprint(n), fmt.Sprintf("%v", n), fmt.Sprintf("%+v", n), fmt.Sprintf("%#v", n),
		fmt.Sprintf("%q", n), fmt.Sprintf("%v", &n), fmt.Sprintf("%v", []Number{n}),
		fmt.Sprintf("%+v", struct{ N Number }{n}), buf.String(),
	}
	for _, s := range printed {
		if strings.Contains(s, "00499") {
			t.Errorf("printed form %q contains the personal digits", s)
		}
	}
}

func TestMalformedNumberDoesNotPanic(t *testing.T) {
	for _, n := range []Number{{}, {Digits: "123"}, {Digits: "1205790049x"}, {Digits: "120579004990", Kind: Kind(7)}} {
		if got := n.String(); strings.ContainsAny(got, "0123456789") {
			t.Errorf("String of %q: got %q, want no digits", n.Digits, got)
		}
		if got := n.Format(); got != n.Digits {
			t.Errorf("Format of %q: got %q, want it unchanged", n.Digits, got)
		}
		if _, ok := n.BirthDate(); ok {
			t.Errorf("BirthDate of %q: ok, want false", n.Digits)
		}
		if _, ok := n.Gender(); ok {
			t.Errorf("Gender of %q: ok, want false", n.Digits)
		}
		_ = n.GoString()
	}
}

func TestKindString(t *testing.T) {
	tests := []struct {
		kind Kind
		want string
	}{
		{Fodselsnummer, "fnr"}, {DNumber, "dnr"}, {HNumber, "hnr"}, {FellesHjelpenummer, "fh"}, {Kind(9), "Kind(9)"},
	}
	for _, tt := range tests {
		if got := tt.kind.String(); got != tt.want {
			t.Errorf("got %q, want %q", got, tt.want)
		}
	}
}

func TestCheckDigits(t *testing.T) {
	tests := []struct {
		name           string
		first9         string
		wantK1, wantK2 int
		wantOK         bool
	}{
		{"plain fnr", "120579004", 9, 9, true},
		{"D synthetic", "488951005", 3, 9, true},
		{"synthetic", "168583996", 4, 9, true},
		{"k1 would be 11 → 0", "310290123", 0, 2, true},
		{"k1 would be 10 (another)", "290200623", 0, 0, false},
		{"k2 would be 10", "120579102", 0, 0, false},
		{"k1 would be 10", "010190123", 0, 0, false},
		{"k2 = 0", "290200123", 8, 0, true},
		{"eight digits", "12057900", 0, 0, false},
		{"ten digits", "1205790049", 0, 0, false},
		{"letter", "12057900a", 0, 0, false},
		{"empty", "", 0, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k1, k2, ok := CheckDigits(tt.first9)
			if k1 != tt.wantK1 || k2 != tt.wantK2 || ok != tt.wantOK {
				t.Errorf("got %d, %d, %t, want %d, %d, %t", k1, k2, ok, tt.wantK1, tt.wantK2, tt.wantOK)
			}
		})
	}
}

// TestCheckDigitsAgreeWithEquations compares CheckDigits with the defining
// equations (weighted sums including the check digit ≡ 0 mod 11), searched by
// brute force, over a spread of first-nine-digit strings.
func TestCheckDigitsAgreeWithEquations(t *testing.T) {
	for i := 0; i < 1_000_000_000; i += 999_983 {
		first9 := fmt.Sprintf("%09d", i)
		want, wantOK := bruteForce(first9, 0)
		k1, k2, ok := CheckDigits(first9)
		got := fmt.Sprintf("%s%d%d", first9, k1, k2)
		if ok != wantOK || (ok && got != want) {
			t.Fatalf("%s: got %s, %t, want %s, %t", first9, got, ok, want, wantOK)
		}
	}
}

// bruteForce finds the digits k1, k2 for which the weighted k1 sum has the
// given remainder and the weighted k2 sum has remainder 0; it is an
// independent statement of both rules.
func bruteForce(first9 string, rest int) (string, bool) {
	w1 := []int{3, 7, 6, 1, 8, 9, 4, 5, 2, 1}
	w2 := []int{5, 4, 3, 2, 7, 6, 5, 4, 3, 2, 1}
	for k1 := range 10 {
		for k2 := range 10 {
			s := fmt.Sprintf("%s%d%d", first9, k1, k2)
			s1, s2 := 0, 0
			for i, w := range w1 {
				s1 += w * int(s[i]-'0')
			}
			for i, w := range w2 {
				s2 += w * int(s[i]-'0')
			}
			if s1%11 == rest && s2%11 == 0 {
				return s, true
			}
		}
	}
	return "", false
}

// validClassic is the pre-2032 rule alone, as older validators apply it.
func validClassic(s string) bool {
	k1, k2, ok := CheckDigits(s[:9])
	return ok && s[9:] == fmt.Sprintf("%d%d", k1, k2)
}

func TestPost2032Rule(t *testing.T) {
	prefixes := []string{"120579004", "488951005", "168583996", "010190123", "310190999", "524579004", "150654500", "010100500"}
	for _, first9 := range prefixes {
		for rest := 0; rest <= 10; rest++ {
			s, ok := bruteForce(first9, rest)
			if !ok {
				continue // k2 would be 10 for this k1
			}
			t.Run(fmt.Sprintf("%s remainder %d", first9, rest), func(t *testing.T) {
				n, err := Parse(s)
				switch {
				case rest == 0:
					if err != nil || n.Post2032 {
						t.Errorf("got %#v, %v, want a classic number", n, err)
					}
					if !validClassic(s) {
						t.Errorf("classic rule rejects it, want accepted")
					}
				case rest <= 3:
					if err != nil || !n.Post2032 {
						t.Errorf("got %#v, %v, want Post2032", n, err)
					}
					if validClassic(s) {
						t.Errorf("classic rule accepts it, want rejected")
					}
				default:
					if !errors.Is(err, ErrChecksum) {
						t.Errorf("got %v, want ErrChecksum", err)
					}
				}
			})
		}
	}
}

func TestParseAgreesWithClassicCheckDigits(t *testing.T) {
	// Every first-nine-digit string that CheckDigits completes must parse
	// as classic, whichever century series the individual number is in.
	for ind := 0; ind < 1000; ind++ {
		first9 := fmt.Sprintf("150689%03d", ind)
		k1, k2, ok := CheckDigits(first9)
		if !ok {
			continue
		}
		s := fmt.Sprintf("%s%d%d", first9, k1, k2)
		n, err := Parse(s)
		if err != nil || n.Post2032 {
			t.Errorf("%s: got %#v, %v, want a classic number", s, n, err)
		}
	}
}

func TestHasDigitRun(t *testing.T) {
	tests := []struct {
		s    string
		want bool
	}{
		{"", false}, {"1234567890", false}, {"12345678901", true}, {"a12345678901b", true},
		{"123456 78901", false}, {"0301", false}, {"1234567890١", false}, {"é12345678901", true},
	}
	for _, tt := range tests {
		if got := HasDigitRun(tt.s, 11); got != tt.want {
			t.Errorf("HasDigitRun(%q) = %v, want %v", tt.s, got, tt.want)
		}
	}
}
