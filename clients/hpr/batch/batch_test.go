package batch

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/oppslag/oppslag/clients/hpr/query"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    []int
		wantBad []string
	}{
		{"one per line", "565501872\n565502143\n", []int{565501872, 565502143}, nil},
		{"commas, semicolons, spaces, tabs", "1, 2;3 4\t5", []int{1, 2, 3, 4, 5}, nil},
		{"repeats once, in first order", "3 1 3 2 1", []int{3, 1, 2}, nil},
		{"a CSV heading is skipped", "hprNummer\r\n12\r\n13\r\n", []int{12, 13}, nil},
		{"a byte-order mark and quotes", "\ufeff\"12\";'13'", []int{12, 13}, nil},
		{"letters later are refused", "12\nabc\n", []int{12}, []string{"abc"}},
		{"zero and ten digits are not HPR numbers", "0 1234567890", nil, []string{"0", "1234567890"}},
		{"an identity number is masked in the message", "12 14837841276", []int{12}, []string{"••••••…"}},
		{"a long token is shortened", "1\nabcdefghijklmnopqrstuvwxyz", []int{1}, []string{"abcdefghijklmnopqrst…"}},
		// S42: what an uploaded file holds that is not text shows as "�".
		{"control characters and invalid UTF-8", "1234567\nab\x00c\n\xff\xfeq\nx\x1by\n", []int{1234567},
			[]string{"ab\ufffdc", "\ufffdq", "x\ufffdy"}},
		{"empty", "  \n\n", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, bad := Parse(tt.in)
			if !slices.Equal(got, tt.want) || !slices.Equal(bad, tt.wantBad) {
				t.Errorf("Parse(%q) = %v, %q; want %v, %q", tt.in, got, bad, tt.want, tt.wantBad)
			}
		})
	}
	t.Run("refused entries are capped", func(t *testing.T) {
		if _, bad := Parse("1\n" + strings.Repeat("x ", 50)); len(bad) != MaxBad {
			t.Errorf("%d refused tokens reported; want %d", len(bad), MaxBad)
		}
	})
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"565501872\n565502143", "hprNummer\n1;2,3", "\ufeff\"12\"", "14837841276", "", "0 -1 +2 1e5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got, bad := Parse(in)
		seen := map[int]bool{}
		for _, n := range got {
			if n <= 0 || n > query.MaxNumber || seen[n] {
				t.Fatalf("Parse(%q) gave %d (repeat or out of range)", in, n)
			}
			seen[n] = true
		}
		if len(bad) > MaxBad {
			t.Fatalf("%d refused tokens", len(bad))
		}
		for _, b := range bad {
			if digits(b) >= 11 {
				t.Fatalf("an identity-number-like token is echoed: %q", b)
			}
			if !utf8.ValidString(b) || strings.ContainsRune(b, 0) {
				t.Fatalf("%q is not clean UTF-8", b)
			}
		}
	})
}

func TestMerge(t *testing.T) {
	tests := []struct {
		name string
		a, b []int
		want []int
	}{
		{"both empty", nil, nil, nil},
		{"b after a", []int{1, 2}, []int{3}, []int{1, 2, 3}},
		{"repeats of a dropped", []int{1, 2}, []int{2, 3, 1}, []int{1, 2, 3}},
		{"repeats within b dropped", nil, []int{4, 4, 5}, []int{4, 5}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Merge(tt.a, tt.b); !slices.Equal(got, tt.want) {
				t.Errorf("Merge(%v, %v) = %v; want %v", tt.a, tt.b, got, tt.want)
			}
		})
	}
}
