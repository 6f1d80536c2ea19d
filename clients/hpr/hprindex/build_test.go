package hprindex

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/oppslag/oppslag/clients/hpr"
)

// TestS33_MalformedExport: a broken export fails the build with
// ErrMalformed, names the entry and the object, and never panics.
func TestS33_MalformedExport(t *testing.T) {
	good := objects(t, fixture()[:3]...)
	huge := person(3001, strings.Repeat("Å", 3000), "", "Stor", hpr.NewDate(1970, 1, 1), "")
	valid := zipBytes(t, zipEntry{"a.json", good})
	corrupt := bytes.Clone(valid)
	// Flip bytes in the middle of the compressed data of the only entry.
	for i := 60; i < 90 && i < len(corrupt)/2; i++ {
		corrupt[i] ^= 0x5a
	}
	tests := []struct {
		name    string
		zipped  []byte
		maxObj  int64
		want    []string // substrings of the error
		wantNot []string
	}{
		{"not a zip", []byte("this is not a zip file at all"), 0, []string{"not a readable zip"}, nil},
		{"empty input", nil, 0, []string{"not a readable zip"}, nil},
		{"truncated zip", valid[:len(valid)/2], 0, []string{"not a readable zip"}, nil},
		{"corrupt deflate data", corrupt, 0, []string{`entry "a.json"`}, nil},
		{"no entries", zipBytes(t), 0, []string{"no entries"}, nil},
		{"only empty entries", zipBytes(t, zipEntry{"a.json", nil}, zipEntry{"b.json", []byte("\n \n")}), 0, []string{"no entries"}, nil},
		{"wrong type", zipBytes(t, zipEntry{"a.json", good}, zipEntry{"b.json", append(bytes.Clone(good), `{"hprNummer":"17"}`...)}),
			0, []string{`entry "b.json" object index 3`, "hprNummer"}, []string{"17"}},
		{"syntax error", zipBytes(t, zipEntry{"x.json", append(bytes.Clone(good), `{"hprNummer": 4,}`...)}),
			0, []string{`entry "x.json" object index 3`, "syntax"}, nil},
		{"truncated object", zipBytes(t, zipEntry{"x.json", good[:len(good)-20]}), 0, []string{`entry "x.json" object index 2`, "truncated"}, nil},
		{"not an object", zipBytes(t, zipEntry{"x.json", []byte(`42`)}), 0, []string{"not a JSON object"}, nil},
		{"null", zipBytes(t, zipEntry{"x.json", []byte(`null`)}), 0, []string{"not a JSON object"}, nil},
		{"array of numbers", zipBytes(t, zipEntry{"x.json", []byte(`[1,2]`)}), 0, []string{"not a JSON object"}, nil},
		{"unclosed array", zipBytes(t, zipEntry{"x.json", append([]byte("["), good[:len(good)-1]...)}), 0, []string{`entry "x.json"`}, nil},
		{"no HPR number", zipBytes(t, zipEntry{"x.json", []byte(`{"person":{"etternavn":"Hansen"}}`)}), 0, []string{"hprNummer missing"}, nil},
		{"negative HPR number", zipBytes(t, zipEntry{"x.json", []byte(`{"hprNummer":-4}`)}), 0, []string{"hprNummer missing or not positive"}, nil},
		{"oversized object", zipBytes(t, zipEntry{"big.json", append(bytes.Clone(good), objects(t, huge)...)}),
			4096, []string{`entry "big.json" object index 3`, "larger than 4096 bytes"}, nil},
		{"endless object", zipBytes(t, zipEntry{"big.json", []byte(`{"hprNummer":1,"x":"` + strings.Repeat("a", 1<<20))}),
			4096, []string{"larger than 4096 bytes"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dst := filepath.Join(t.TempDir(), "hpr.db")
			b := Builder{MaxObjectBytes: tt.maxObj}
			_, err := b.Build(context.Background(), dst, bytes.NewReader(tt.zipped), int64(len(tt.zipped)), exportDay)
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("Build error = %v, want ErrMalformed", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Build error %q lacks %q", err, w)
				}
			}
			for _, w := range tt.wantNot {
				if strings.Contains(err.Error(), w) {
					t.Errorf("Build error %q quotes the data %q", err, w)
				}
			}
			if _, err := os.Stat(dst); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("a failed build left %s: %v", dst, err)
			}
			if _, err := os.Stat(dst + ".tmp"); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("a failed build left its temporary file: %v", err)
			}
		})
	}
}

// TestS29_ErrorsNeverQuoteIdentityNumbers: no error of a build quotes an
// identity number from the export, whether in a value or an entry name.
func TestS29_ErrorsNeverQuoteIdentityNumbers(t *testing.T) {
	const nin = ninAse // starts with a digit other than 0, so it is a valid JSON number
	tests := []struct {
		name string
		body string
		file string
	}{
		{"nin in an int field", `{"hprNummer":` + nin + `.5}`, "a.json"},
		{"nin as the number", `{"hprNummer":` + nin + nin + `}`, "a.json"},
		{"nin in the entry name", `{"hprNummer":"x"}`, "export-" + nin + ".json"},
		{"nin in broken JSON", `{"hprNummer":5,"person":{"nin":"` + nin + `"`, "a.json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			zipped := zipBytes(t, zipEntry{tt.file, []byte(tt.body)})
			_, err := Build(context.Background(), filepath.Join(t.TempDir(), "hpr.db"), bytes.NewReader(zipped), int64(len(zipped)), exportDay)
			if err == nil {
				t.Fatal("Build succeeded, want an error")
			}
			if strings.Contains(err.Error(), nin) || regexp.MustCompile(`[0-9]{11}`).MatchString(err.Error()) {
				t.Errorf("error quotes an identity number: %q", err)
			}
		})
	}
}

// TestS44_BuildReadsEachFieldTolerantly: an entry with a value the client
// cannot read (a date in an unknown form, a list where a name belongs, an
// identity number as a number) is indexed all the same, as the client
// reads an answer; the card read from the index shows the value marked, and
// nothing of it reaches an error or the indexed columns.
func TestS44_BuildReadsEachFieldTolerantly(t *testing.T) {
	tests := []struct {
		name, body, path string
	}{
		{"bad date", `{"hprNummer":5,"person":{"etternavn":"Hansen","fødselsdato":"15.01.1980"}}`, "person.fødselsdato"},
		{"wrong nested type", `{"hprNummer":5,"person":{"etternavn":"Hansen","fornavn":["Kari"]}}`, "person.fornavn"},
		{"nin as a number", `{"hprNummer":5,"person":{"etternavn":"Hansen","nin":` + ninAse + `}}`, "person.nin"},
		{"nin as a date", `{"hprNummer":5,"person":{"etternavn":"Hansen","fødselsdato":` + ninAse + `}}`, "person.fødselsdato"},
		{"nin in a bad date string", `{"hprNummer":5,"person":{"etternavn":"Hansen","fødselsdato":"` + ninAse + `"}}`, "person.fødselsdato"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			zipped := zipBytes(t, zipEntry{"a.json", []byte(tt.body)})
			dst := filepath.Join(t.TempDir(), "hpr.db")
			if _, err := Build(context.Background(), dst, bytes.NewReader(zipped), int64(len(zipped)), exportDay); err != nil {
				t.Fatalf("Build: %v; one odd field must not cost the register copy", err)
			}
			ix, err := Open(dst)
			if err != nil {
				t.Fatal(err)
			}
			defer ix.Close()
			p, ok, err := ix.ByNumber(context.Background(), 5)
			if err != nil || !ok {
				t.Fatalf("ByNumber(5) = %v, %v", ok, err)
			}
			if p.Person.FamilyName != "Hansen" || p.Person.BirthDate.String() != "" {
				t.Errorf("entry = %+v; want the name, and no birth date", p.Person)
			}
			var paths []string
			for _, f := range p.Unread {
				paths = append(paths, f.Path)
				if strings.Contains(f.Raw, ninAse) {
					t.Errorf("%s keeps an identity number: %q", f.Path, f.Raw)
				}
			}
			if !slices.Contains(paths, tt.path) {
				t.Errorf("unread = %q, want %s", paths, tt.path)
			}
		})
	}
}

func TestBuildForms(t *testing.T) {
	ps := fixture()
	t.Run("top-level array", func(t *testing.T) {
		body := []byte("[\n")
		for i, p := range ps[:4] {
			if i > 0 {
				body = append(body, ",\n"...)
			}
			body = append(body, bytes.TrimSpace(objects(t, p))...)
		}
		body = append(body, "\n]\n"...)
		ix := buildIndex(t, zipBytes(t, zipEntry{"all.json", body}))
		if got := ix.Info().Entries; got != 4 {
			t.Errorf("entries = %d, want 4", got)
		}
	})
	t.Run("objects without separators, directories skipped", func(t *testing.T) {
		var body []byte
		for _, p := range ps[:3] {
			body = append(body, bytes.TrimSpace(objects(t, p))...)
		}
		ix := buildIndex(t, zipBytes(t, zipEntry{"dir/", nil}, zipEntry{"dir/a.json", body}))
		if got := ix.Info().Entries; got != 3 {
			t.Errorf("entries = %d, want 3", got)
		}
	})
	t.Run("indented objects stored compact", func(t *testing.T) {
		var body []byte
		for _, p := range ps[:3] {
			b, err := json.MarshalIndent(p, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			body = append(append(body, b...), '\n')
		}
		ix := buildIndex(t, zipBytes(t, zipEntry{"pretty.json", body}))
		var doc []byte
		if err := ix.db.QueryRow(`SELECT doc FROM personnel WHERE hpr = ?`, ps[1].HPRNumber).Scan(&doc); err != nil {
			t.Fatal(err)
		}
		want, _ := json.Marshal(ps[1])
		if !bytes.Equal(doc, want) {
			t.Errorf("stored document\n got %s\nwant %s", doc, want)
		}
	})
	t.Run("unknown fields tolerated", func(t *testing.T) {
		body := []byte(`{"hprNummer":77,"nyttFelt":{"a":[1,2]},"person":{"etternavn":"Lie","fornavn":"Liv","ekstra":true}}`)
		ix := buildIndex(t, zipBytes(t, zipEntry{"a.json", body}))
		hits, err := ix.Search(context.Background(), "liv lie", 10)
		if err != nil || len(hits) != 1 || hits[0].HPRNumber != 77 {
			t.Fatalf("Search = %v, %v, want entry 77", numbers(hits), err)
		}
	})
	t.Run("duplicates: newer sistOppdatert, then later object wins", func(t *testing.T) {
		old := person(500, "Gammel", "", "Versjon", hpr.NewDate(1970, 1, 1), "")
		newer := person(500, "Ny", "", "Versjon", hpr.NewDate(1970, 1, 1), "")
		newer.LastUpdated.Time = old.LastUpdated.AddDate(0, 1, 0)
		same := person(501, "Først", "", "Lik", hpr.NewDate(1970, 1, 1), "")
		sameLater := person(501, "Sist", "", "Lik", hpr.NewDate(1970, 1, 1), "")
		// The newer one comes first; the later object of equal time last.
		zipped := zipBytes(t,
			zipEntry{"a.json", objects(t, newer, same)},
			zipEntry{"b.json", objects(t, old, sameLater)},
		)
		dst := filepath.Join(t.TempDir(), "hpr.db")
		st, err := Build(context.Background(), dst, bytes.NewReader(zipped), int64(len(zipped)), exportDay)
		if err != nil {
			t.Fatal(err)
		}
		if st.Entries != 2 || st.Duplicates != 2 || st.Objects != 4 {
			t.Errorf("stats = %+v, want 2 entries, 2 duplicates, 4 objects", st)
		}
		ix, err := Open(dst)
		if err != nil {
			t.Fatal(err)
		}
		defer ix.Close()
		for n, want := range map[int]string{500: "Ny", 501: "Sist"} {
			p, _, err := ix.ByNumber(context.Background(), n)
			if err != nil || p.Person.GivenName != want {
				t.Errorf("ByNumber(%d) given name = %q, %v, want %q", n, p.Person.GivenName, err, want)
			}
			hits, _ := ix.Search(context.Background(), "versjon lik", 10)
			if len(hits) != 0 {
				t.Errorf("Search(versjon lik) = %v, want none", numbers(hits))
			}
		}
		hits, _ := ix.Search(context.Background(), "gammel", 10)
		if len(hits) != 0 {
			t.Errorf("the replaced duplicate is still found: %v", numbers(hits))
		}
	})
	t.Run("too many objects", func(t *testing.T) {
		zipped := exportOf(t, 5, ps...)
		_, err := Builder{MaxEntries: 10}.Build(context.Background(), filepath.Join(t.TempDir(), "hpr.db"), bytes.NewReader(zipped), int64(len(zipped)), exportDay)
		if !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), "more than 10 objects") {
			t.Errorf("Build error = %v, want more than 10 objects", err)
		}
	})
	t.Run("cancelled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		zipped := exportOf(t, 5, ps...)
		dst := filepath.Join(t.TempDir(), "hpr.db")
		_, err := Build(ctx, dst, bytes.NewReader(zipped), int64(len(zipped)), exportDay)
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Build error = %v, want context.Canceled", err)
		}
		if _, err := os.Stat(dst); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("a cancelled build left %s", dst)
		}
	})
}

func TestBuildFrom(t *testing.T) {
	zipped := exportOf(t, 5, fixture()...)
	dst := filepath.Join(t.TempDir(), "hpr.db")
	st, err := Builder{}.BuildFrom(context.Background(), dst, bytes.NewReader(zipped), exportDay)
	if err != nil {
		t.Fatal(err)
	}
	if st.Entries != len(fixture()) || st.ZipEntries != 5 {
		t.Errorf("stats = %+v", st)
	}
	if _, err := os.Stat(dst + ".zip.tmp"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the spool file was left behind")
	}
	if fi, err := os.Stat(dst); err != nil {
		t.Error(err)
	} else if got := fi.Mode().Perm(); got != 0o600 {
		t.Errorf("index file mode = %v, want 0600: it holds identity numbers", got)
	}

	_, err = Builder{MaxExportBytes: int64(len(zipped) - 1)}.BuildFrom(context.Background(), dst, bytes.NewReader(zipped), exportDay)
	if !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("BuildFrom over the cap = %v, want ErrMalformed", err)
	}
	_, err = Builder{}.BuildFrom(context.Background(), dst, io.MultiReader(bytes.NewReader(zipped[:100]), errReader{}), exportDay)
	if !errors.Is(err, ErrUpstream) {
		t.Errorf("BuildFrom of a failing stream = %v, want ErrUpstream", err)
	}
	// The index built first is still there.
	ix, err := Open(dst)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if got := ix.Info().Entries; got != len(fixture()) {
		t.Errorf("entries after failed rebuilds = %d, want %d", got, len(fixture()))
	}
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("connection reset") }

func TestAtomicSwap(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	dst := filepath.Join(dir, "hpr.db")
	first := exportOf(t, 7, fixture()...)
	if _, err := Build(ctx, dst, bytes.NewReader(first), int64(len(first)), exportDay); err != nil {
		t.Fatal(err)
	}
	old, err := Open(dst)
	if err != nil {
		t.Fatal(err)
	}
	defer old.Close()

	t.Run("a broken export leaves the old index intact", func(t *testing.T) {
		broken := first[:len(first)-30]
		if _, err := Build(ctx, dst, bytes.NewReader(broken), int64(len(broken)), exportDay); !errors.Is(err, ErrMalformed) {
			t.Fatalf("Build(broken) = %v, want ErrMalformed", err)
		}
		bad := zipBytes(t, zipEntry{"a.json", append(objects(t, fixture()[:5]...), `{"hprNummer":true}`...)})
		if _, err := Build(ctx, dst, bytes.NewReader(bad), int64(len(bad)), exportDay); !errors.Is(err, ErrMalformed) {
			t.Fatalf("Build(bad) = %v, want ErrMalformed", err)
		}
		again, err := Open(dst)
		if err != nil {
			t.Fatal(err)
		}
		defer again.Close()
		if got := again.Info().Entries; got != len(fixture()) {
			t.Errorf("entries after a failed build = %d, want %d", got, len(fixture()))
		}
		if hits, err := again.Search(ctx, "bjørn", 5); err != nil || len(hits) == 0 {
			t.Errorf("search after a failed build = %v, %v", numbers(hits), err)
		}
		left, _ := filepath.Glob(filepath.Join(dir, "*.tmp"))
		if len(left) != 0 {
			t.Errorf("temporary files left: %v", left)
		}
	})

	t.Run("readers keep working during and after a rebuild", func(t *testing.T) {
		var second bytes.Buffer
		if err := WriteSyntheticExport(&second, 3000, 7); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		var searches, failures atomic.Int64
		done := make(chan struct{})
		for range 3 {
			wg.Go(func() {
				for {
					select {
					case <-done:
						return
					default:
					}
					hits, err := old.Search(ctx, "hansen", 10)
					searches.Add(1)
					if err != nil || !slices.Contains(numbers(hits), nBjornHansen) {
						failures.Add(1)
					}
				}
			})
		}
		_, err := Build(ctx, dst, bytes.NewReader(second.Bytes()), int64(second.Len()), exportDay)
		// Keep searching the old index after the rename too.
		for searches.Load() < 50 {
			hits, err := old.Search(ctx, "hansen", 10)
			searches.Add(1)
			if err != nil || !slices.Contains(numbers(hits), nBjornHansen) {
				failures.Add(1)
			}
		}
		close(done)
		wg.Wait()
		if err != nil {
			t.Fatal(err)
		}
		if n := failures.Load(); n != 0 {
			t.Errorf("%d of %d searches on the old index failed during the rebuild", n, searches.Load())
		}
		if got := old.Info().Entries; got != len(fixture()) {
			t.Errorf("old index entries = %d, want %d", got, len(fixture()))
		}
		p, ok, err := old.ByNumber(ctx, nAseSaether)
		if err != nil || !ok || p.Person.GivenName != "Åse" {
			t.Errorf("old index ByNumber = %v, %v, want Åse", ok, err)
		}
		fresh, err := Open(dst)
		if err != nil {
			t.Fatal(err)
		}
		defer fresh.Close()
		if got := fresh.Info().Entries; got != 3000 {
			t.Errorf("new index entries = %d, want 3000", got)
		}
	})
}

func TestOpen(t *testing.T) {
	dir := t.TempDir()
	if _, err := Open(filepath.Join(dir, "missing.db")); !errors.Is(err, ErrNoIndex) {
		t.Errorf("Open(missing) = %v, want ErrNoIndex", err)
	}
	junk := filepath.Join(dir, "junk.db")
	if err := os.WriteFile(junk, []byte("not a database, just text that is long enough to look like a header....."), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(junk); !errors.Is(err, ErrIndex) {
		t.Errorf("Open(junk) = %v, want ErrIndex", err)
	}
	if _, err := Open(""); !errors.Is(err, ErrIndex) {
		t.Errorf(`Open("") = %v, want ErrIndex`, err)
	}
	// A path with characters that mean something in a URI.
	odd := filepath.Join(dir, "a dir?#%x")
	if err := os.MkdirAll(odd, 0o700); err != nil {
		t.Fatal(err)
	}
	zipped := exportOf(t, 7, fixture()...)
	dst := filepath.Join(odd, "hpr index.db")
	if _, err := Build(context.Background(), dst, bytes.NewReader(zipped), int64(len(zipped)), exportDay); err != nil {
		t.Fatal(err)
	}
	ix, err := Open(dst)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if ix.Info().Entries != len(fixture()) {
		t.Errorf("entries = %d", ix.Info().Entries)
	}
}

// FuzzExportDecode feeds arbitrary bytes as one export entry through the
// decoder and the conversion (S37): no panic; errors wrap ErrMalformed
// and quote no 11-digit run; what is accepted has positive HPR numbers.
func FuzzExportDecode(f *testing.F) {
	f.Add(objects(f, fixture()[:3]...))
	f.Add([]byte(`[{"hprNummer":1},{"hprNummer":2}]`))
	f.Add([]byte(`{"hprNummer":1}{"hprNummer":2}`))
	f.Add([]byte(`{"hprNummer":"01888012345"}`))
	f.Add([]byte(`{"hprNummer":1,"person":{"fødselsdato":"2020-02-30"}}`))
	f.Add([]byte(`{"hprNummer":1,"godkjenninger":[{"periode":{"fra":null,"til":"2020-01-01"}}]}`))
	f.Add([]byte(`{"hprNummer":1,"sistOppdatert":"2025-01-01T10:00:00.123"}`))
	f.Add([]byte(`[`))
	f.Add([]byte(`{`))
	long := regexp.MustCompile(`[0-9]{11}`)
	f.Fuzz(func(t *testing.T, b []byte) {
		ctx := context.Background()
		out := make(chan rawBatch, 1)
		var objs atomic.Int64
		var err error
		go func() {
			err = splitObjects(ctx, bytes.NewReader(b), `"f.json"`, 0, 4096, 1000, &objs, out)
			close(out)
		}()
		var rows []row
		var convErr error
		for rb := range out {
			rs, e := convert(rb, hpr.DateOf(exportDay), exportDay.UnixMilli())
			if e != nil && convErr == nil {
				convErr = e
			}
			rows = append(rows, rs...)
		}
		for _, e := range []error{err, convErr} {
			if e == nil {
				continue
			}
			if !errors.Is(e, ErrMalformed) {
				t.Fatalf("error %v does not wrap ErrMalformed", e)
			}
			if long.MatchString(e.Error()) {
				t.Fatalf("error quotes an 11-digit run: %q", e)
			}
		}
		for _, r := range rows {
			if r.hpr <= 0 {
				t.Fatalf("accepted HPR number %d", r.hpr)
			}
		}
	})
}
