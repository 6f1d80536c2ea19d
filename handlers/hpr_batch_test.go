package handlers

import (
	"slices"
	"strings"
	"testing"
)

func TestParseBatch(t *testing.T) {
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
		{"empty", "  \n\n", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, bad := parseBatch(tt.in)
			if !slices.Equal(got, tt.want) || !slices.Equal(bad, tt.wantBad) {
				t.Errorf("parseBatch(%q) = %v, %v; want %v, %v", tt.in, got, bad, tt.want, tt.wantBad)
			}
		})
	}
	many := strings.Repeat("x ", 50)
	if _, bad := parseBatch("1\n" + many); len(bad) != maxBadShown {
		t.Errorf("%d refused tokens reported; want at most %d", len(bad), maxBadShown)
	}
}

func FuzzParseBatch(f *testing.F) {
	for _, s := range []string{"565501872\n565502143", "hprNummer\n1;2,3", "\ufeff\"12\"", "14837841276", "", "0 -1 +2 1e5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got, bad := parseBatch(in)
		seen := map[int]bool{}
		for _, n := range got {
			if n <= 0 || n > maxHPRNumber || seen[n] {
				t.Fatalf("parseBatch(%q) gave %d (repeat or out of range)", in, n)
			}
			seen[n] = true
		}
		if len(bad) > maxBadShown {
			t.Fatalf("%d refused tokens", len(bad))
		}
		for _, b := range bad {
			if digits(b) >= 11 {
				t.Fatalf("an identity-number-like token is echoed: %q", b)
			}
		}
	})
}

func TestCSVSafe(t *testing.T) {
	for in, want := range map[string]string{"=SUM(A1)": "'=SUM(A1)", "+47": "'+47", "-": "'-", "@x": "'@x", "Lege": "Lege", "": ""} {
		if got := csvSafe(in); got != want {
			t.Errorf("csvSafe(%q) = %q; want %q", in, got, want)
		}
	}
}
