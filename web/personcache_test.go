package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/oppslag/oppslag/clients/audit"
	"github.com/oppslag/oppslag/clients/person"
	"github.com/oppslag/oppslag/clients/person/personcache"
	"github.com/oppslag/oppslag/clients/person/personsim"
)

// lateFeed reads the feed through the portal's Person API client, which the
// harness makes after the options have run.
type lateFeed struct{ cfg *Config }

func (f lateFeed) LatestEvent(ctx context.Context, auth person.Auth) (*person.EventDocument, error) {
	return f.cfg.PersonAPI.LatestEvent(ctx, auth)
}

func (f lateFeed) Events(ctx context.Context, auth person.Auth, from int64, types []person.EventType) (*person.EventDocumentSearchResult, error) {
	return f.cfg.PersonAPI.Events(ctx, auth, from, types)
}

// withPersonCache serves a changeable population and gives the portal a
// person cache polling the feed every interval on the harness clock.
func withPersonCache(changes **personsim.Changes, cache **personcache.Cache, interval time.Duration) harnessOption {
	return func(h *harness, cfg *Config) {
		if h.pop == nil { // the scratch run before the simulators exist
			return
		}
		*changes = personsim.NewChanges(h.pop)
		h.registry = *changes
		*cache = personcache.New(lateFeed{cfg}, personcache.Config{Interval: interval, Now: h.clock.Now})
		cfg.PersonCache = *cache
	}
}

// personRecords counts the audit records of person views (resource person
// or krr, action view).
func personRecords(recs []audit.Record) int {
	n := 0
	for _, r := range recs {
		if (r.Resource == "person" || r.Resource == "krr") && r.Action == "view" && r.Outcome == audit.Granted {
			n++
		}
	}
	return n
}

// TestPersonCache_EventInvalidatesWithinOnePoll: a second view comes from
// the user's cache, audited exactly as the first; a change in the
// simulator reaches the page at the first poll after it; logout empties
// the user's cache.
func TestPersonCache_EventInvalidatesWithinOnePoll(t *testing.T) {
	const interval = 10 * time.Second
	var changes *personsim.Changes
	var cache *personcache.Cache
	h := newHarness(t, withPersonCache(&changes, &cache, interval))
	b, tok := clinician(t, h)
	subject := someone(t, h, "parent")
	number := numberOf(t, subject)

	before := h.records()
	first := b.open(tok, number)
	if first.StatusCode != http.StatusOK {
		t.Fatalf("overview: status %d", first.StatusCode)
	}
	path := personPath(first)
	uncached := h.records()[len(before):]
	calls := h.personSim.Stats().GetByNIN

	second := b.get(path)
	if second.StatusCode != http.StatusOK {
		t.Fatalf("second overview: status %d", second.StatusCode)
	}
	if got := h.personSim.Stats().GetByNIN; got != calls {
		t.Errorf("second view: %d get-by-nin calls, want none (cached)", got-calls)
	}
	cached := h.records()[len(before)+len(uncached):]
	if got, want := personRecords(cached), personRecords(uncached); got != want || want != 2 {
		t.Errorf("audit records of person views: cached %d, uncached %d; want 2 each", got, want)
	}
	if got, want := len(cached), len(uncached); got != want {
		t.Errorf("audit records: cached view %d, uncached %d; want the same", got, want)
	}

	const newName = "Endretsen"
	if strings.Contains(second.body, newName) {
		t.Fatalf("the page already holds %q", newName)
	}
	if _, err := changes.Rename(number, newName); err != nil {
		t.Fatal(err)
	}
	h.clock.Advance(interval)
	third := b.get(path)
	if !strings.Contains(third.body, newName) {
		t.Errorf("one poll after the change the overview does not show %q", newName)
	}
	if got := h.personSim.Stats().GetByNIN; got == calls {
		t.Error("after the change event the person was not fetched again")
	}

	if cache.Len() == 0 {
		t.Fatal("nothing cached before logout")
	}
	b.post("/logout", url.Values{"csrf_token": {csrfToken(t, third.body)}})
	if got := cache.Len(); got != 0 {
		t.Errorf("after logout the cache holds %d entries, want 0", got)
	}
}

// TestPersonCache_NotSharedAcrossUsers: another user's view of the same
// person is fetched, never answered from the first user's entries.
func TestPersonCache_NotSharedAcrossUsers(t *testing.T) {
	var changes *personsim.Changes
	var cache *personcache.Cache
	h := newHarness(t, withPersonCache(&changes, &cache, time.Minute))
	number := numberOf(t, someone(t, h, "parent"))
	doctor, tok := clinician(t, h)
	doctor.open(tok, number)
	calls := h.personSim.Stats().GetByNIN

	nurse := h.browser()
	start := nurse.login("nurse")
	if p := nurse.open(csrfToken(t, start.body), number); p.StatusCode != http.StatusOK {
		t.Fatalf("nurse overview: status %d", p.StatusCode)
	}
	if got := h.personSim.Stats().GetByNIN; got == calls {
		t.Error("the nurse's view was answered from the doctor's cache")
	}
}

// TestPersonCache_RefreshAsksTheAPI: a panel's Refresh is a user asking for
// what the Person API says now; it is never answered from the cache.
func TestPersonCache_RefreshAsksTheAPI(t *testing.T) {
	var changes *personsim.Changes
	var cache *personcache.Cache
	h := newHarness(t, withPersonCache(&changes, &cache, time.Hour))
	b, tok := clinician(t, h)
	path := personPath(b.open(tok, numberOf(t, someone(t, h, "parent"))))
	calls := h.personSim.Stats().GetByNIN
	if p := b.get(path+"/panel/krr", "HX-Request", "true"); p.StatusCode != http.StatusOK {
		t.Fatalf("refresh: status %d", p.StatusCode)
	}
	if got := h.personSim.Stats().GetByNIN; got != calls+1 {
		t.Errorf("refresh: %d get-by-nin calls, want 1", got-calls)
	}
	calls = h.personSim.Stats().GetByNIN
	b.get(path)
	if got := h.personSim.Stats().GetByNIN; got != calls {
		t.Errorf("the whole page after it: %d calls, want none (cached)", got-calls)
	}
}
