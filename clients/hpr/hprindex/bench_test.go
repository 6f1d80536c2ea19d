package hprindex

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestMain(m *testing.M) {
	code := m.Run()
	if big.dir != "" {
		os.RemoveAll(big.dir)
	}
	os.Exit(code)
}

// big is the 600 000-entry synthetic export and its index, made once per
// process and shared by the benchmarks.
var big struct {
	mu     sync.Mutex
	dir    string
	export string
	size   int64
	index  string
}

const bigEntries = 600_000

func bigExport(b *testing.B) (string, int64) {
	b.Helper()
	big.mu.Lock()
	defer big.mu.Unlock()
	if big.export != "" {
		return big.export, big.size
	}
	dir, err := os.MkdirTemp("", "hprindex-bench-")
	if err != nil {
		b.Fatal(err)
	}
	big.dir = dir
	path := filepath.Join(dir, "export.zip")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	if err := WriteSyntheticExport(f, bigEntries, 1); err != nil {
		b.Fatal(err)
	}
	size, err := f.Seek(0, 1)
	if err != nil {
		b.Fatal(err)
	}
	big.export, big.size = path, size
	return path, size
}

func bigIndex(b *testing.B) string {
	b.Helper()
	path, size := bigExport(b)
	big.mu.Lock()
	defer big.mu.Unlock()
	if big.index != "" {
		return big.index
	}
	dst := filepath.Join(big.dir, "index.db")
	if err := buildFile(context.Background(), dst, path, size); err != nil {
		b.Fatal(err)
	}
	big.index = dst
	return dst
}

func buildFile(ctx context.Context, dst, export string, size int64) error {
	f, err := os.Open(export)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = Build(ctx, dst, f, size, SyntheticDay.Time)
	return err
}

// BenchmarkBuild600k builds the index of 600 000 synthetic entries (B7:
// ≤ 60 s). The export is generated once, outside the timing.
func BenchmarkBuild600k(b *testing.B) {
	path, size := bigExport(b)
	dst := filepath.Join(big.dir, "build.db")
	for b.Loop() {
		if err := buildFile(context.Background(), dst, path, size); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "build-s")
	if fi, err := os.Stat(dst); err == nil {
		b.ReportMetric(float64(fi.Size())/1e6, "file-MB")
	}
	big.mu.Lock()
	if big.index == "" {
		big.index = dst // BenchmarkSearch may reuse it
	}
	big.mu.Unlock()
}

// BenchmarkSearch times name searches over the 600 000-entry index with
// the synthetic query mix (exact surname, prefix, typo, two words), one at
// a time, and reports the 50th and 99th percentile (B7: p99 ≤ 10 ms). One
// op is the whole mix.
func BenchmarkSearch(b *testing.B) {
	ix, err := Open(bigIndex(b))
	if err != nil {
		b.Fatal(err)
	}
	defer ix.Close()
	ctx := context.Background()
	queries := SyntheticQueries(2000, 1)
	for _, q := range queries { // warm the page cache
		if _, err := ix.Search(ctx, q, DefaultLimit); err != nil {
			b.Fatal(err)
		}
	}
	var lat []time.Duration
	for b.Loop() {
		for _, q := range queries {
			t := time.Now()
			if _, err := ix.Search(ctx, q, DefaultLimit); err != nil {
				b.Fatal(err)
			}
			lat = append(lat, time.Since(t))
		}
	}
	slices.Sort(lat)
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	b.ReportMetric(ms(percentile(lat, 50)), "p50-ms")
	b.ReportMetric(ms(percentile(lat, 99)), "p99-ms")
	b.ReportMetric(ms(lat[len(lat)-1]), "max-ms")
}

// TestBench runs the harness's entry point on a small register; it checks
// counts, never times.
func TestBench(t *testing.T) {
	res, err := Bench(context.Background(), BenchConfig{Dir: t.TempDir(), Entries: 4000, Seed: 2, Queries: 300})
	if err != nil {
		t.Fatal(err)
	}
	if res.Entries != 4000 || res.Queries != 300 || res.Hits == 0 || res.FileBytes == 0 || res.P50 > res.P99 {
		t.Errorf("Bench = %+v", res)
	}
	if _, err := Bench(context.Background(), BenchConfig{}); err == nil {
		t.Error("Bench without a directory succeeded")
	}
}

func TestSyntheticExport(t *testing.T) {
	var a, b, c bytes.Buffer
	for _, x := range []struct {
		buf  *bytes.Buffer
		seed uint64
	}{{&a, 5}, {&b, 5}, {&c, 6}} {
		if err := WriteSyntheticExport(x.buf, 2000, x.seed); err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("the same seed gave different exports")
	}
	if bytes.Equal(a.Bytes(), c.Bytes()) {
		t.Error("different seeds gave the same export")
	}
	if q1, q2 := SyntheticQueries(100, 5), SyntheticQueries(100, 5); !slices.Equal(q1, q2) || len(q1) != 100 {
		t.Error("SyntheticQueries is not deterministic")
	}

	ix := buildIndex(t, a.Bytes())
	if got := ix.Info().Entries; got != 2000 {
		t.Fatalf("entries = %d, want 2000", got)
	}
	// The register has the names the search must cope with.
	ctx := context.Background()
	var hyphen, scandinavian, middle, nins int
	rows, err := ix.db.Query(`SELECT hpr FROM personnel`)
	if err != nil {
		t.Fatal(err)
	}
	var all []int
	for rows.Next() {
		var n int
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		all = append(all, n)
	}
	rows.Close()
	for i, n := range all {
		p, ok, err := ix.ByNumber(ctx, n)
		if err != nil || !ok {
			t.Fatalf("ByNumber(%d) = %v, %v", n, ok, err)
		}
		name := p.Person.GivenName + " " + p.Person.FamilyName
		if strings.Contains(name, "-") {
			hyphen++
		}
		if strings.ContainsAny(name, "æøåÆØÅ") {
			scandinavian++
		}
		if p.Person.MiddleName != "" {
			middle++
		}
		if p.Person.NIN != "" && i%10 == 0 {
			if q, ok, err := ix.ByNIN(ctx, p.Person.NIN); err != nil || !ok || q.HPRNumber != n {
				t.Fatalf("ByNIN did not find entry %d", n)
			}
			nins++
		}
	}
	if hyphen == 0 || scandinavian == 0 || middle == 0 || nins == 0 {
		t.Errorf("synthetic names lack variety: %d hyphenated, %d with æøå, %d middle names, %d nins", hyphen, scandinavian, middle, nins)
	}
	// Every query of the mix runs; most find someone.
	found := 0
	for _, q := range SyntheticQueries(200, 5) {
		hits, err := ix.Search(ctx, q, 20)
		if err != nil {
			t.Fatal(err)
		}
		if len(hits) > 0 {
			found++
		}
	}
	if found < 150 {
		t.Errorf("only %d of 200 synthetic queries found anyone", found)
	}
}
