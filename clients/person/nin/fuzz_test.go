package nin

import (
	"strings"
	"testing"
)

// FuzzParse is security.md S37's fuzz target for the identity-number parser:
// Parse must never panic, and every number it accepts must survive the
// display form unchanged and never print its personal digits through String.
// The committed corpus is in testdata/fuzz/FuzzParse.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"12057900499", "120579-00499", "48895100539", "81234567802", "12057900405", "31029012302", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := Parse(s)
		if got := Valid(s); got != (err == nil) {
			t.Fatalf("Valid = %t, but Parse error is %v", got, err)
		}
		if err != nil {
			if n != (Number{}) {
				t.Fatalf("got %#v with error %v, want the zero Number", n, err)
			}
			return
		}
		if len(n.Digits) != 11 || strings.Trim(n.Digits, "0123456789") != "" {
			t.Fatalf("Digits %q is not 11 digits", n.Digits)
		}
		again, err := Parse(n.Format())
		if err != nil {
			t.Fatalf("Parse(Format()) = %v", err)
		}
		if again != n {
			t.Fatalf("Parse(Format()) = %#v, want %#v", again, n)
		}
		if got, want := n.String(), n.Digits[:6]+" *****"; got != want {
			t.Fatalf("String = %q, want %q", got, want)
		}
		birth, hasBirth := n.BirthDate()
		_, hasGender := n.Gender()
		if (n.Kind == FellesHjelpenummer || n.Post2032) && (hasBirth || hasGender) {
			t.Fatalf("%#v: BirthDate or Gender reported for a number without them", n)
		}
		if hasBirth && (birth.Year() < 1854 || birth.Year() > 2039) {
			t.Fatalf("%#v: birth year %d outside the century table", n, birth.Year())
		}
	})
}
