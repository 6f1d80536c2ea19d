package static

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestVendoredSums holds every vendored file (listed in vendor.sha256 by
// vendor.sh, from the npm packages pinned in package-lock.json) to its
// recorded sha256, so a hand edit or a partial refresh fails here rather
// than in a browser. The paths are from the repository root, because
// axe-core lives beside the browser tests in cmd/oppslag/testdata.
func TestVendoredSums(t *testing.T) {
	f, err := os.Open("vendor.sha256")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sums, err := parseSums(f)
	if err != nil {
		t.Fatalf("vendor.sha256: %v", err)
	}
	if len(sums) == 0 {
		t.Fatal("vendor.sha256 lists no files")
	}
	for _, err := range verifySums("..", sums) {
		t.Errorf("%v; rebuild with task assets (static/VENDOR.md), never by hand", err)
	}
}

// fileSum is one line of sha256sum's output.
type fileSum struct {
	sum  string // lower-case hex
	path string // slash-separated, relative to the root verifySums is given
}

// parseSums reads sha256sum's format: "<hex>  <path>" per line, or
// "<hex> *<path>" in binary mode.
func parseSums(r io.Reader) ([]fileSum, error) {
	var sums []fileSum
	seen := map[string]bool{}
	sc := bufio.NewScanner(r)
	for line := 1; sc.Scan(); line++ {
		text := sc.Text()
		if strings.TrimSpace(text) == "" {
			continue
		}
		sum, rest, ok := strings.Cut(text, " ")
		path := strings.TrimPrefix(strings.TrimPrefix(rest, " "), "*")
		if _, err := hex.DecodeString(sum); !ok || err != nil || len(sum) != 2*sha256.Size || path == "" {
			return nil, fmt.Errorf("line %d: %q is not a sha256sum line", line, text)
		}
		if seen[path] {
			return nil, fmt.Errorf("line %d: %s listed twice", line, path)
		}
		seen[path] = true
		sums = append(sums, fileSum{sum: strings.ToLower(sum), path: path})
	}
	return sums, sc.Err()
}

// verifySums returns one error per listed file that is missing under root
// or whose sha256 differs from the list.
func verifySums(root string, sums []fileSum) []error {
	var errs []error
	for _, s := range sums {
		b, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(s.path)))
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: listed but unreadable: %w", s.path, err))
			continue
		}
		sum := sha256.Sum256(b)
		if got := hex.EncodeToString(sum[:]); got != s.sum {
			errs = append(errs, fmt.Errorf("%s: sha256 %s, want %s", s.path, got, s.sum))
		}
	}
	return errs
}

func TestParseSums(t *testing.T) {
	const hexA = "d6fdc75f204e6bdefa99b69bf1e6d4ac69b8a364f77929f45c13476b4000f717"
	tests := []struct {
		name    string
		in      string
		want    []fileSum
		wantErr bool
	}{
		{"text mode", hexA + "  static/js/a.js\n", []fileSum{{hexA, "static/js/a.js"}}, false},
		{"binary mode", hexA + " *static/js/a.js\n", []fileSum{{hexA, "static/js/a.js"}}, false},
		{"upper-case hex", strings.ToUpper(hexA) + "  a.js\n\n", []fileSum{{hexA, "a.js"}}, false},
		{"empty", "", nil, false},
		{"short sum", "d6fd  a.js\n", nil, true},
		{"not hex", strings.Repeat("z", 64) + "  a.js\n", nil, true},
		{"no path", hexA + "  \n", nil, true},
		{"no separator", hexA + "\n", nil, true},
		{"duplicate", hexA + "  a.js\n" + hexA + "  a.js\n", nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseSums(strings.NewReader(tt.in))
			if (err != nil) != tt.wantErr {
				t.Fatalf("parseSums error = %v, want error %v", err, tt.wantErr)
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("parseSums = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestVerifySums(t *testing.T) {
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "js"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "js", "a.js"), []byte("a\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	sumA := sha256.Sum256([]byte("a\n"))
	good := hex.EncodeToString(sumA[:])
	bad := strings.Repeat("0", 64)

	tests := []struct {
		name string
		sums []fileSum
		want []string // substrings of the errors, in order
	}{
		{"matches", []fileSum{{good, "js/a.js"}}, nil},
		{"changed", []fileSum{{bad, "js/a.js"}}, []string{"js/a.js: sha256 " + good + ", want " + bad}},
		{"missing", []fileSum{{good, "js/b.js"}}, []string{"js/b.js: listed but unreadable"}},
		{"one of each", []fileSum{{good, "js/a.js"}, {good, "js/b.js"}, {bad, "js/a.js"}}, []string{"js/b.js", "js/a.js: sha256"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := verifySums(root, tt.sums)
			if len(got) != len(tt.want) {
				t.Fatalf("verifySums = %v, want %d errors", got, len(tt.want))
			}
			for i, err := range got {
				if !strings.Contains(err.Error(), tt.want[i]) {
					t.Errorf("error %d = %q, want it to contain %q", i, err, tt.want[i])
				}
			}
		})
	}
}
