package hprindex

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"time"
)

// BenchConfig configures Bench. Zero fields take the B7 defaults.
type BenchConfig struct {
	Dir     string // scratch directory (required); the export and the index are written here and removed after
	Entries int    // register entries; 600 000 when 0
	Seed    uint64 // seed of the synthetic export and the query mix
	Queries int    // timed searches; 2 000 when 0
	// Export writes the zipped export to w; WriteSyntheticExport with
	// Entries and Seed when nil (the synthetic world can plug in here).
	Export func(w io.Writer) error
	// QueryMix is the list of queries, cycled; SyntheticQueries when nil.
	QueryMix []string
}

// BenchResult holds the B7 figures of the local export index.
type BenchResult struct {
	Entries   int           // entries in the index
	Build     time.Duration // wall time of Build, the export already on disk
	FileBytes int64         // size of the index file
	Queries   int           // timed searches
	P50, P99  time.Duration // search latency, one search at a time, after a warm-up pass
	Hits      int           // hits over all timed searches, so a broken index cannot pass as fast
}

// Bench measures figure B7 (performance.md) for the export index: it
// writes the export to a file (not timed), builds the index from it
// (timed), then runs the query mix once to warm the page cache and once
// more timing each search with a limit of 20. Timing is wall-clock, as
// the figure is; the harness reports it, tests never assert it.
func Bench(ctx context.Context, cfg BenchConfig) (BenchResult, error) {
	if cfg.Dir == "" {
		return BenchResult{}, fmt.Errorf("hprindex: bench: no scratch directory: %w", ErrIndex)
	}
	if cfg.Entries <= 0 {
		cfg.Entries = 600_000
	}
	if cfg.Queries <= 0 {
		cfg.Queries = 2000
	}
	if cfg.Export == nil {
		cfg.Export = func(w io.Writer) error { return WriteSyntheticExport(w, cfg.Entries, cfg.Seed) }
	}
	if cfg.QueryMix == nil {
		cfg.QueryMix = SyntheticQueries(cfg.Queries, cfg.Seed)
	}
	exportPath := filepath.Join(cfg.Dir, "hpr-export.zip")
	indexPath := filepath.Join(cfg.Dir, "hpr-index.db")
	defer os.Remove(exportPath)
	defer os.Remove(indexPath)

	f, err := os.Create(exportPath)
	if err != nil {
		return BenchResult{}, fmt.Errorf("hprindex: bench: %w: %w", ErrIndex, err)
	}
	defer f.Close()
	if err := cfg.Export(f); err != nil {
		return BenchResult{}, fmt.Errorf("hprindex: bench: write export: %w", err)
	}
	size, err := f.Seek(0, io.SeekCurrent)
	if err != nil {
		return BenchResult{}, fmt.Errorf("hprindex: bench: %w: %w", ErrIndex, err)
	}

	start := time.Now()
	st, err := Build(ctx, indexPath, f, size, SyntheticDay.Time)
	if err != nil {
		return BenchResult{}, fmt.Errorf("hprindex: bench: %w", err)
	}
	res := BenchResult{Entries: st.Entries, Build: time.Since(start), FileBytes: st.FileBytes}

	ix, err := Open(indexPath)
	if err != nil {
		return BenchResult{}, fmt.Errorf("hprindex: bench: %w", err)
	}
	defer ix.Close()
	p50, p99, hits, err := SearchLatency(ctx, ix, cfg.QueryMix, cfg.Queries)
	if err != nil {
		return BenchResult{}, fmt.Errorf("hprindex: bench: %w", err)
	}
	res.Queries, res.P50, res.P99, res.Hits = cfg.Queries, p50, p99, hits
	return res, nil
}

// SearchLatency runs the queries (cycled to n searches) once untimed and
// once timed, one at a time, and returns the 50th and 99th percentile
// latency and the number of hits of the timed pass.
func SearchLatency(ctx context.Context, ix *Index, queries []string, n int) (p50, p99 time.Duration, hits int, err error) {
	if len(queries) == 0 || n <= 0 {
		return 0, 0, 0, nil
	}
	for i := range min(n, len(queries)) {
		if _, err := ix.Search(ctx, queries[i], DefaultLimit); err != nil {
			return 0, 0, 0, err
		}
	}
	lat := make([]time.Duration, n)
	for i := range n {
		t := time.Now()
		h, err := ix.Search(ctx, queries[i%len(queries)], DefaultLimit)
		lat[i] = time.Since(t)
		if err != nil {
			return 0, 0, 0, err
		}
		hits += len(h)
	}
	slices.Sort(lat)
	return percentile(lat, 50), percentile(lat, 99), hits, nil
}

// percentile of sorted durations, nearest rank.
func percentile(sorted []time.Duration, p int) time.Duration {
	i := (len(sorted)*p + 99) / 100
	return sorted[min(max(i-1, 0), len(sorted)-1)]
}
