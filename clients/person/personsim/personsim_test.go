package personsim

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/oppslag/oppslag/clients/person"
)

// fakeVerifier accepts "DPoP good-<scope>" tokens; the real verification is
// covered by the client tests against helseidsim.
type fakeVerifier struct{}

func (fakeVerifier) VerifyAccessToken(r *http.Request, _, audience, _ string) (map[string]any, error) {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "DPoP good-")
	if !ok || audience != person.Audience {
		return nil, errors.New("bad token")
	}
	return map[string]any{"scope": []any{person.Audience + "/" + tok}}, nil
}

func testServer(t *testing.T, base string) *Server {
	t.Helper()
	p := &person.Person{
		ID: "p1",
		NorwegianIdentificationNumber: []person.NorwegianIdentificationNumber{
			{Meta: person.Meta{IsValid: person.Bool(true)}, IdentificationNumber: "13057412345"},
			{Meta: person.Meta{IsValid: person.Bool(false)}, IdentificationNumber: "53057412345"},
		},
		Name:               []person.PersonName{{GivenName: "Vakker", FamilyName: "Blomst"}},
		AddressProtection:  []person.AddressProtection{{ProtectionLevel: "SomeNewLevel"}},
		ResidentialAddress: []person.ResidentialAddress{{UnknownResidence: &person.UnknownResidence{MunicipalityNumber: "0301"}}},
	}
	reg := NewMemoryRegistry([]*person.Person{p}, []person.EventDocument{{SequenceNumber: "1", EventType: person.EventPersonIsCreated}})
	return New(base, reg, fakeVerifier{})
}

func do(s *Server, method, target, scope string, form url.Values) *httptest.ResponseRecorder {
	var body *strings.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	} else {
		body = strings.NewReader("")
	}
	r := httptest.NewRequest(method, target, body)
	if form != nil {
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if scope != "" {
		r.Header.Set("Authorization", "DPoP good-"+scope)
	}
	w := httptest.NewRecorder()
	s.ServeHTTP(w, r)
	return w
}

func TestServeHTTP_Routes(t *testing.T) {
	s := testServer(t, "http://sim.test/persontjenesten/")
	nin := url.Values{"nin": {"53057412345"}}
	cases := []struct {
		name, method, path, scope string
		form                      url.Values
		want                      int
	}{
		{"historic nin", http.MethodPost, "/persontjenesten/api/v3/full-access/person/get-by-nin?informationParts=Name", "full-access", nin, 200},
		{"restricted token, restricted route", http.MethodPost, "/persontjenesten/api/v3/restricted-access/person/get-by-nin?informationParts=Name", "restricted-access", nin, 200},
		{"restricted token, full route", http.MethodPost, "/persontjenesten/api/v3/full-access/person/get-by-nin?informationParts=Name", "restricted-access", nin, 403},
		{"no token", http.MethodPost, "/persontjenesten/api/v3/full-access/person/get-by-nin?informationParts=Name", "", nin, 401},
		{"without the base path", http.MethodPost, "/api/v3/full-access/person/get-by-nin?informationParts=Name", "full-access", nin, 404},
		{"v2 bundle name", http.MethodPost, "/persontjenesten/api/v3/legal-basis/person/get-by-nin?informationParts=Name", "full-access", nin, 404},
		{"unknown route", http.MethodGet, "/persontjenesten/api/v3/full-access/person/p1", "full-access", nil, 404},
		{"GET on a POST route", http.MethodGet, "/persontjenesten/api/v3/full-access/person/get-by-nin", "full-access", nil, 405},
		{"bad includeHistory", http.MethodPost, "/persontjenesten/api/v3/full-access/person/get-by-nin?informationParts=Name&includeHistory=maybe", "full-access", nin, 400},
		{"nin too long", http.MethodPost, "/persontjenesten/api/v3/full-access/person/get-by-nin?informationParts=Name", "full-access", url.Values{"nin": {"1234567890123"}}, 400},
		{"comma-separated parts", http.MethodPost, "/persontjenesten/api/v3/full-access/person/get-by-nin?informationParts=Name,Birth", "full-access", nin, 200},
		{"events", http.MethodGet, "/persontjenesten/api/v3/full-access/event?sequenceNumber=1&eventTypes=PersonIsCreated", "full-access", nil, 200},
		{"events bad sequence", http.MethodGet, "/persontjenesten/api/v3/full-access/event?sequenceNumber=0", "full-access", nil, 400},
		{"events bad type", http.MethodGet, "/persontjenesten/api/v3/full-access/event?eventTypes=Nope", "full-access", nil, 400},
		{"latest event", http.MethodGet, "/persontjenesten/api/v3/restricted-access/event/latest", "restricted-access", nil, 200},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			w := do(s, tc.method, "http://sim.test"+tc.path, tc.scope, tc.form)
			if w.Code != tc.want {
				t.Fatalf("status = %d, want %d; body %s", w.Code, tc.want, w.Body)
			}
			ct := w.Header().Get("Content-Type")
			if tc.want == 200 && !strings.HasPrefix(ct, "application/json") || tc.want != 200 && !strings.HasPrefix(ct, "application/problem+json") {
				t.Errorf("Content-Type = %q", ct)
			}
			if tc.want != 200 {
				var pd person.ProblemDetails
				if err := json.Unmarshal(w.Body.Bytes(), &pd); err != nil || pd.Status != tc.want || pd.Title == "" {
					t.Errorf("body %s: want ProblemDetails with status and title", w.Body)
				}
				if strings.Contains(w.Body.String(), "1234567890123") {
					t.Errorf("error body echoes the identity number")
				}
			}
		})
	}
}

// An addressProtection level the simulator does not know counts as
// protected on the restricted route (fail closed).
func TestProject_UnknownProtectionFailsClosed(t *testing.T) {
	s := testServer(t, "http://sim.test")
	w := do(s, http.MethodPost, "http://sim.test/api/v3/restricted-access/person/get-by-nin?informationParts=ResidentialAddress&informationParts=Name",
		"restricted-access", url.Values{"nin": {"13057412345"}})
	// The part was asked for, so it is there, as the API sends it: empty.
	if w.Code != 200 || !strings.Contains(w.Body.String(), `"residentialAddress":[]`) || strings.Contains(w.Body.String(), "streetAddress") ||
		!strings.Contains(w.Body.String(), "Blomst") {
		t.Errorf("restricted answer %d %s: want the name and an empty address list", w.Code, w.Body)
	}
}

func TestSetFault_Concurrent(t *testing.T) {
	s := testServer(t, "http://sim.test")
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 20 {
				if i%2 == 0 {
					s.SetFault(Fault{Status: 500, Parts: []person.InformationPart{person.PartName}})
					s.SetFault(Fault{})
				} else {
					do(s, http.MethodGet, "http://sim.test/api/v3/full-access/event/latest", "full-access", nil)
					_ = s.Stats()
				}
			}
		}()
	}
	wg.Wait()
	if got := s.Stats().EventLatest; got != 80 {
		t.Errorf("EventLatest = %d, want 80", got)
	}
}

// looseSearcher hands every person to the simulator as a candidate; the
// simulator's own rules must still decide.
type looseSearcher struct {
	*MemoryRegistry
	got person.SearchQuery
}

func (l *looseSearcher) Search(q person.SearchQuery) []*person.Person {
	l.got = q
	return l.All()
}

func TestSearch_UsesSearcherButKeepsRules(t *testing.T) {
	base := testServer(t, "http://sim.test")
	reg := &looseSearcher{MemoryRegistry: base.reg.(*MemoryRegistry)}
	s := New("http://sim.test", reg, fakeVerifier{})
	search := func(form url.Values) []person.Person {
		t.Helper()
		w := do(s, http.MethodPost, "http://sim.test/api/v3/full-access/search/person?informationParts=Name&includeAinResults=true", "full-access", form)
		if w.Code != 200 {
			t.Fatalf("status %d: %s", w.Code, w.Body)
		}
		var res person.PersonSearchResult
		if err := json.Unmarshal(w.Body.Bytes(), &res); err != nil {
			t.Fatal(err)
		}
		return res.Results
	}
	if got := search(url.Values{"FullName": {"vakker"}, "MunicipalityNumber": {"0301"}}); len(got) != 1 {
		t.Errorf("matching query: %d results, want 1", len(got))
	}
	if !reg.got.IncludeAinResults || reg.got.FullName != "vakker" {
		t.Errorf("Searcher got %+v, want the query with IncludeAinResults", reg.got)
	}
	if got := search(url.Values{"FullName": {"nobody"}, "MunicipalityNumber": {"0301"}}); len(got) != 0 {
		t.Errorf("non-matching query: %d results from a loose Searcher, want 0", len(got))
	}
}

// TestOverlay: the top registry answers first and comes first, the base
// keeps its search, and All never writes into either registry.
func TestOverlay(t *testing.T) {
	a := &person.Person{ID: "a", NorwegianIdentificationNumber: []person.NorwegianIdentificationNumber{{IdentificationNumber: "1"}}}
	b := &person.Person{ID: "b", NorwegianIdentificationNumber: []person.NorwegianIdentificationNumber{{IdentificationNumber: "2"}}}
	shadowed := &person.Person{ID: "old", NorwegianIdentificationNumber: []person.NorwegianIdentificationNumber{{IdentificationNumber: "1"}}}
	top := NewMemoryRegistry([]*person.Person{a}, nil)
	base := NewMemoryRegistry([]*person.Person{shadowed, b}, []person.EventDocument{{SequenceNumber: "7"}})
	o := Overlay(top, base)
	if p, _ := o.ByNIN("1"); p != a {
		t.Errorf("ByNIN(1) = %v, want the top's person", p)
	}
	if p, _ := o.ByNIN("2"); p != b {
		t.Errorf("ByNIN(2) = %v, want the base's person", p)
	}
	all := o.All()
	if len(all) != 3 || all[0] != a {
		t.Errorf("All = %v", all)
	}
	all[0] = nil
	if top.All()[0] != a {
		t.Error("All wrote into the top registry")
	}
	if evs := o.Events(); len(evs) != 1 {
		t.Errorf("Events = %v, want the base's", evs)
	}
}
