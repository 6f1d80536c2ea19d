package i18n

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"testing"
	"time"
)

// verbRE matches a fmt verb with optional explicit argument index, flags,
// width and precision.
var verbRE = regexp.MustCompile(`%(\[(\d+)\])?[-+# 0]*\d*(\.\d+)?([a-zA-Z%])`)

// verbs lists a format string's verbs as "argN:verb", sorted, so two
// translations may order their arguments differently with %[n]s.
func verbs(s string) []string {
	var out []string
	next := 1
	for _, m := range verbRE.FindAllStringSubmatch(s, -1) {
		if m[4] == "%" {
			continue
		}
		n := next
		if m[2] != "" {
			n, _ = strconv.Atoi(m[2])
		}
		next = n + 1
		out = append(out, fmt.Sprintf("arg%d:%s", n, m[4]))
	}
	slices.Sort(out)
	return out
}

func TestVerbs(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"plain", nil},
		{"100 %% sure", nil},
		{"%s and %d", []string{"arg1:s", "arg2:d"}},
		{"%[2]d before %[1]s", []string{"arg1:s", "arg2:d"}},
		{"%5.2f", []string{"arg1:f"}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := verbs(tt.in); !slices.Equal(got, tt.want) {
				t.Errorf("verbs(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		in     string
		want   Lang
		wantOK bool
	}{
		{"nb", NB, true},
		{"nn", NN, true},
		{"en", EN, true},
		{"EN", EN, true},
		{" nn ", NN, true},
		{"nb-NO", NB, true},
		{"en_GB", EN, true},
		{"no", NB, true},
		{"", NB, false},
		{"de", NB, false},
		{"sv-SE", NB, false},
		{"nbx", NB, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := Parse(tt.in)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("Parse(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestSupportedAndTag(t *testing.T) {
	got := Supported()
	if want := []Lang{NB, NN, EN}; !slices.Equal(got, want) {
		t.Fatalf("Supported() = %v, want %v", got, want)
	}
	for _, l := range got {
		if tag := Tag(l); tag != string(l) {
			t.Errorf("Tag(%q) = %q, want %q", l, tag, l)
		}
		if Autonym(l) == "" {
			t.Errorf("Autonym(%q) is empty", l)
		}
	}
	if tag := Tag("xx"); tag != "nb" {
		t.Errorf("Tag(xx) = %q, want nb", tag)
	}
}

func TestContext(t *testing.T) {
	tests := []struct {
		name string
		ctx  context.Context
		want Lang
	}{
		{"none", context.Background(), NB},
		{"nn", WithLang(context.Background(), NN), NN},
		{"en", WithLang(context.Background(), EN), EN},
		{"unknown falls back", WithLang(context.Background(), Lang("xx")), NB},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := From(tt.ctx); got != tt.want {
				t.Errorf("From = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestT(t *testing.T) {
	ctxNN := WithLang(context.Background(), NN)
	tests := []struct {
		name string
		got  string
		want string
	}{
		{"default language", T(context.Background(), "logout.button"), "Logg ut"},
		{"nynorsk", T(ctxNN, "user.no_hpr"), "Utan HPR-nummer"},
		{"english with args", TL(EN, "user.hpr", "1234567"), "HPR number 1234567"},
		{"bokmål with args", TL(NB, "error.reference", "abc-123"), "Referanse: abc-123"},
		{"missing key comes back", T(ctxNN, "no.such.key"), "no.such.key"},
		{"missing key ignores args", TL(EN, "no.such.key", 1), "no.such.key"},
		{"no args keeps percent", TL(NB, "page.title"), "%s – Oppslag"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %q, want %q", tt.got, tt.want)
			}
		})
	}
}

func TestHasAndKeys(t *testing.T) {
	keys := Keys()
	if got, want := len(keys), len(catalogs.messages[Default]); got != want {
		t.Fatalf("len(Keys()) = %d, want %d", got, want)
	}
	if !slices.IsSorted(keys) {
		t.Errorf("Keys() not sorted")
	}
	for _, k := range keys {
		if !Has(k) {
			t.Errorf("Has(%q) = false", k)
		}
	}
	if Has("no.such.key") {
		t.Errorf("Has(no.such.key) = true")
	}
}

func TestDateTime(t *testing.T) {
	winter := time.Date(2026, 11, 21, 9, 42, 0, 0, time.UTC) // CET, UTC+1
	summer := time.Date(2026, 7, 5, 8, 7, 0, 0, time.UTC)    // CEST, UTC+2
	midnight := time.Date(2026, 12, 31, 23, 30, 0, 0, time.UTC)
	tests := []struct {
		name string
		l    Lang
		t    time.Time
		want string
	}{
		{"nb winter", NB, winter, "21.11.2026 kl. 10.42"},
		{"nn winter", NN, winter, "21.11.2026 kl. 10.42"},
		{"en winter", EN, winter, "21 Nov 2026 10:42"},
		{"nb summer", NB, summer, "05.07.2026 kl. 10.07"},
		{"en summer", EN, summer, "5 Jul 2026 10:07"},
		{"new year in Oslo", NB, midnight, "01.01.2027 kl. 00.30"},
		{"unknown language is Norwegian", Lang("xx"), winter, "21.11.2026 kl. 10.42"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := DateTime(tt.l, tt.t); got != tt.want {
				t.Errorf("DateTime = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestDate(t *testing.T) {
	d := time.Date(1980, 2, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		l    Lang
		want string
	}{
		{NB, "01.02.1980"},
		{NN, "01.02.1980"},
		{EN, "1 Feb 1980"},
	}
	for _, tt := range tests {
		t.Run(string(tt.l), func(t *testing.T) {
			if got := Date(tt.l, d); got != tt.want {
				t.Errorf("Date = %q, want %q", got, tt.want)
			}
		})
	}
	if got := Oslo().String(); got != "Europe/Oslo" {
		t.Errorf("Oslo() = %q, want Europe/Oslo", got)
	}
}
