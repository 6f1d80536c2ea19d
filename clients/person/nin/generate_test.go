package nin

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
)

// randomDate returns a date between 1920-01-01 and 2025-12-31.
func randomDate(r *rand.Rand) time.Time {
	start := time.Date(1920, 1, 1, 0, 0, 0, 0, time.UTC)
	days := int(time.Date(2025, 12, 31, 0, 0, 0, 0, time.UTC).Sub(start).Hours() / 24)
	return start.AddDate(0, 0, r.IntN(days+1))
}

type generateCase struct {
	kind      Kind
	synthetic bool
}

var generateCases = []generateCase{
	{Fodselsnummer, false}, {Fodselsnummer, true},
	{DNumber, false}, {DNumber, true},
	{HNumber, false},
}

func TestGenerateRoundTrip(t *testing.T) {
	const total = 10_000
	r := rand.New(rand.NewPCG(2032, 11))
	for i := range total {
		c := generateCases[i%len(generateCases)]
		female := (i/len(generateCases))%2 == 0
		birth := randomDate(r)
		s, err := Generate(r, birth, female, c.kind, c.synthetic)
		if err != nil {
			t.Fatalf("Generate(%s, %v, synthetic %t): %v", birth.Format(time.DateOnly), c.kind, c.synthetic, err)
		}
		n, err := Parse(s)
		if err != nil {
			t.Fatalf("Parse(Generate(%s, %v, synthetic %t)) = %s: %v", birth.Format(time.DateOnly), c.kind, c.synthetic, s, err)
		}
		if n.Kind != c.kind || n.Synthetic != c.synthetic || n.Post2032 {
			t.Fatalf("%s: got %#v, want kind %v synthetic %t classic", s, n, c.kind, c.synthetic)
		}
		gotBirth, ok := n.BirthDate()
		if !ok || !gotBirth.Equal(birth) {
			t.Fatalf("%s: BirthDate got %v, %t, want %v", s, gotBirth, ok, birth)
		}
		wantGender := "male"
		if female {
			wantGender = "female"
		}
		if got, ok := n.Gender(); !ok || got != wantGender {
			t.Fatalf("%s: Gender got %q, %t, want %q", s, got, ok, wantGender)
		}
	}
}

func TestGenerateCenturyEdges(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	for _, birth := range []time.Time{
		time.Date(1854, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(1899, 12, 31, 0, 0, 0, 0, time.UTC),
		time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(1939, 12, 31, 0, 0, 0, 0, time.UTC),
		time.Date(1940, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(1999, 12, 31, 0, 0, 0, 0, time.UTC),
		time.Date(2000, 2, 29, 0, 0, 0, 0, time.UTC),
		time.Date(2039, 12, 31, 0, 0, 0, 0, time.UTC),
		// The calendar date in the value's own zone counts: this instant is
		// still 30 June in UTC, but the birth date is 1 July.
		time.Date(1988, 7, 1, 0, 30, 0, 0, time.FixedZone("CEST", 2*60*60)),
	} {
		for _, c := range generateCases {
			for _, female := range []bool{true, false} {
				s, err := Generate(r, birth, female, c.kind, c.synthetic)
				if err != nil {
					t.Fatalf("Generate(%v): %v", birth, err)
				}
				n, err := Parse(s)
				if err != nil {
					t.Fatalf("Parse(%s): %v", s, err)
				}
				got, ok := n.BirthDate()
				y, m, d := birth.Date()
				if want := time.Date(y, m, d, 0, 0, 0, 0, time.UTC); !ok || !got.Equal(want) {
					t.Errorf("%s: BirthDate got %v, %t, want %v", s, got, ok, want)
				}
			}
		}
	}
}

func TestGenerateUsesBothSeriesFor1900s(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 5))
	birth := time.Date(1970, 7, 1, 0, 0, 0, 0, time.UTC)
	var low, reserve int
	for range 600 {
		s, err := Generate(r, birth, false, Fodselsnummer, false)
		if err != nil {
			t.Fatal(err)
		}
		switch s[6] {
		case '0', '1', '2', '3', '4':
			low++
		case '9':
			reserve++
		default:
			t.Fatalf("%s: individual number outside 000–499 and 900–999", s)
		}
	}
	if low == 0 || reserve == 0 {
		t.Errorf("got %d numbers in 000–499 and %d in 900–999, want both series used", low, reserve)
	}
}

func TestGenerateDeterministic(t *testing.T) {
	run := func() []string {
		r := rand.New(rand.NewPCG(42, 7))
		var out []string
		for i := range 200 {
			c := generateCases[i%len(generateCases)]
			s, err := Generate(r, randomDate(r), i%2 == 0, c.kind, c.synthetic)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, s, GenerateFH(r))
		}
		return out
	}
	a, b := run(), run()
	if !slices.Equal(a, b) {
		t.Errorf("two runs with the same seed differ")
	}
	c := rand.New(rand.NewPCG(43, 7))
	if s, _ := Generate(c, time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC), true, Fodselsnummer, false); s == a[0] && GenerateFH(c) == a[1] {
		t.Errorf("a different seed gave the same numbers")
	}
}

func TestGenerateErrors(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	ok := time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name      string
		birth     time.Time
		kind      Kind
		synthetic bool
	}{
		{"FH kind", ok, FellesHjelpenummer, false},
		{"synthetic H-number", ok, HNumber, true},
		{"unknown kind", ok, Kind(42), false},
		{"year 1853", time.Date(1853, 12, 31, 0, 0, 0, 0, time.UTC), Fodselsnummer, false},
		{"year 2040", time.Date(2040, 1, 1, 0, 0, 0, 0, time.UTC), Fodselsnummer, false},
		{"zero time", time.Time{}, DNumber, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Generate(r, tt.birth, true, tt.kind, tt.synthetic)
			if err == nil {
				t.Fatalf("got %q, want an error", s)
			}
			if !strings.HasPrefix(err.Error(), "nin: generate: ") {
				t.Errorf("error %q lacks the operation prefix", err)
			}
		})
	}
}

func TestGenerateNilRand(t *testing.T) {
	s, err := Generate(nil, time.Date(2001, 3, 4, 0, 0, 0, 0, time.UTC), true, Fodselsnummer, true)
	if err != nil || !Valid(s) {
		t.Errorf("Generate(nil, ...) = %q, %v, want a valid number", s, err)
	}
	if fh := GenerateFH(nil); !Valid(fh) {
		t.Errorf("GenerateFH(nil) = %q, want a valid number", fh)
	}
}

func TestGenerateFH(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 9))
	firsts := map[byte]int{}
	for range 5_000 {
		s := GenerateFH(r)
		n, err := Parse(s)
		if err != nil {
			t.Fatalf("Parse(%s): %v", s, err)
		}
		if n.Kind != FellesHjelpenummer || n.Post2032 || n.Synthetic {
			t.Fatalf("%s: got %#v, want a classic FH", s, n)
		}
		firsts[s[0]]++
	}
	if firsts['8'] == 0 || firsts['9'] == 0 || len(firsts) != 2 {
		t.Errorf("first digits %v, want both 8 and 9 and nothing else", firsts)
	}
}

func TestFirstValidScansAfterRandomTries(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	tests := []struct {
		name   string
		accept func(int) bool
		want   string
		wantOK bool
	}{
		{"one candidate in a thousand", func(i int) bool { return i == 7 }, "7", true},
		{"only the last", func(i int) bool { return i == 999 }, "999", true},
		{"none", func(int) bool { return false }, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			calls := 0
			got, ok := firstValid(r, 1000, func(i int) (string, bool) {
				calls++
				return fmt.Sprint(i), tt.accept(i)
			})
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("got %q, %t, want %q, %t", got, ok, tt.want, tt.wantOK)
			}
			if calls > randomTries+999 {
				t.Errorf("got %d calls, want at most %d", calls, randomTries+999)
			}
		})
	}
}
