package audit

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// TestObserveCommits: the observer sees every group commit, and the group
// sizes add up to the records written.
func TestObserveCommits(t *testing.T) {
	s, err := OpenSQLite(filepath.Join(t.TempDir(), "audit.db"))
	if err != nil {
		t.Fatalf("OpenSQLite: %v", err)
	}
	defer s.Close()
	var (
		mu      sync.Mutex
		commits int
		records int
	)
	s.ObserveCommits(func(size int, took time.Duration, err error) {
		mu.Lock()
		defer mu.Unlock()
		if err != nil || size < 1 || took < 0 {
			t.Errorf("commit: size %d took %s err %v", size, took, err)
		}
		commits++
		records += size
	})
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			if _, err := s.Record(context.Background(), sampleEvent(i)); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	mu.Lock()
	if records != 20 || commits < 1 || commits > 20 {
		t.Errorf("observed %d records in %d commits, want 20 in 1–20", records, commits)
	}
	mu.Unlock()

	s.ObserveCommits(nil)
	if _, err := s.Record(context.Background(), sampleEvent(21)); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if records != 20 {
		t.Errorf("after ObserveCommits(nil): observed %d records, want 20", records)
	}
}
