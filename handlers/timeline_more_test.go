package handlers

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/oppslag/oppslag/clients/audit"
	"github.com/oppslag/oppslag/clients/labs"
	"github.com/oppslag/oppslag/clients/labs/labsim"
	"github.com/oppslag/oppslag/clients/person"
	"github.com/oppslag/oppslag/handlers/request"
	"github.com/oppslag/oppslag/views/i18n"
)

// tlFamily is tlLifePerson with a mother who died in 2020, and the
// documents the bulk call returns: the child Emil and the mother Kari.
func tlFamily(t *testing.T) (p *person.Person, relatives []*person.Person) {
	t.Helper()
	p = tlLifePerson(t)
	child := p.FamilyRelation[0].RelatedPerson
	mother := tlTestNIN(t, "1950-02-02", 5)
	p.FamilyRelation = append(p.FamilyRelation, person.FamilyRelation{Meta: tlMeta("1980-03-12", ""),
		RelatedPerson: mother, RelatedPersonsRole: person.RelationMother, MyRoleForRelatedPerson: person.RelationChild})
	doc := func(n, given, family, born string) *person.Person {
		return &person.Person{
			NorwegianIdentificationNumber: []person.NorwegianIdentificationNumber{{IdentificationNumber: n, Status: person.IdentificationInUse}},
			Name:                          []person.PersonName{{GivenName: given, FamilyName: family}},
			Birth:                         []person.Birth{{BirthDate: tlDay(born)}},
		}
	}
	kari := doc(mother, "Kari", "Hansen", "1950-02-02")
	kari.Death = &person.Death{Meta: tlMeta("2020-04-01", ""), DeceasedDate: tlDay("2020-04-01")}
	return p, []*person.Person{doc(child, "Emil", "Nordmann", "2010-06-01"), kari}
}

// tlLabsAPI is a lab simulator holding one report (Blodstatus, 1 October
// 2026) for nin, and a client of it.
func tlLabsAPI(t *testing.T, nin string) (*labs.Client, *labsim.Server) {
	t.Helper()
	taken := time.Date(2026, 10, 1, 8, 0, 0, 0, i18n.Oslo())
	reg := labsim.MemoryRegistry{nin: {Reports: []labsim.Report{{ID: "r1", Effective: taken, Issued: taken, Status: "final",
		Code: labsim.Coding{System: labsim.NLKSystem, Code: "BLOD", Display: "Blodstatus"},
		Observations: []labsim.Observation{{ID: "o1", Code: labsim.Coding{System: labsim.NLKSystem, Code: "HB", Display: "B-Hemoglobin"},
			Value: labsim.Value{Quantity: &labsim.Quantity{Value: 14, Unit: "g/dL", Code: "g/dL"}}}}}}}}
	srv := httptest.NewUnstartedServer(nil)
	base := "http://" + srv.Listener.Addr().String()
	sim := labsim.New(base, reg, trVerifier{})
	srv.Config.Handler = sim
	srv.Start()
	t.Cleanup(srv.Close)
	api, err := labs.New(base, srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	return api, sim
}

// tlFailingAudit refuses records of one resource.
type tlFailingAudit struct {
	tlAudit
	resource string
}

func (a *tlFailingAudit) Record(ctx context.Context, e audit.Event) (audit.Record, error) {
	if e.Resource == a.resource {
		return audit.Record{}, errors.New("audit store down")
	}
	return a.tlAudit.Record(ctx, e)
}

// tlRequest is a GET of the timeline of h1 (self) with h2 a relative;
// bound binds SAMTYKKE for self; cookie, if set, is sent along.
func tlRequest(self, query string, bound bool, cookie *http.Cookie) *http.Request {
	r := httptest.NewRequest(http.MethodGet, "/person/h1/timeline?"+query, nil)
	r.SetPathValue("handle", "h1")
	if cookie != nil {
		r.AddCookie(cookie)
	}
	ctx := request.WithUser(r.Context(), &request.User{Name: "Lege", Approvals: []request.Approval{{Profession: "LE"}}})
	ctx = request.WithHandles(ctx, tlHandles{"h1": self})
	ctx = request.WithTokens(ctx, tlTokens{})
	b := trBases{}
	if bound {
		b.bound = &request.AccessBasis{Basis: labs.BasisSamtykke, Role: "LE", Until: tlNow.Add(time.Hour)}
	}
	ctx = request.WithAccessBases(ctx, b)
	return withPatient(r.WithContext(i18n.WithLang(ctx, i18n.NB)))
}

// TestTimeline_RelativesAndLabs: the timeline names the child, shows the
// mother's death and, under a bound basis, the lab report with a link to
// the labs page; every fetch is recorded before the page (S20, S27).
func TestTimeline_RelativesAndLabs(t *testing.T) {
	p, rels := tlFamily(t)
	self := p.NorwegianIdentificationNumber[0].IdentificationNumber
	papi := tlPersonAPI(t, append([]*person.Person{p}, rels...)...)
	lapi, lsim := tlLabsAPI(t, self)

	tests := []struct {
		name     string
		bound    bool
		noLabs   bool // the lab service is not configured
		fault    bool // the lab service fails
		want     []string
		notWant  []string
		audited  []string // resource/action/basis/outcome
		searches int
	}{
		{"bound basis", true, false, false,
			[]string{"Fødsel: Emil Nordmann (barn)", "Død: Kari Hansen (mor)", "Prøvesvar: Blodstatus",
				`href="/person/h1/labs?range=all"`, `<time datetime="2026-10-01">`},
			[]string{`data-testid="timeline-labs-none"`, `data-testid="timeline-labs-failed"`, "Fødsel: barn"},
			[]string{"timeline/view//granted", "family/view//granted", "lab/view/SAMTYKKE/granted"}, 1},
		{"no basis", false, false, false,
			[]string{"Død: Kari Hansen (mor)", `data-testid="timeline-labs-none"`, `href="/person/h1/labs/basis"`},
			[]string{"Prøvesvar: Blodstatus"},
			[]string{"timeline/view//granted", "family/view//granted"}, 0},
		{"labs failing", true, false, true,
			[]string{"Død: Kari Hansen (mor)", `data-testid="timeline-labs-failed"`},
			[]string{"Prøvesvar: Blodstatus"},
			[]string{"timeline/view//granted", "family/view//granted", "lab/view/SAMTYKKE/upstream_error"}, 1},
		{"labs not configured", true, true, false,
			[]string{"Død: Kari Hansen (mor)"},
			[]string{"Prøvesvar: ", `data-testid="timeline-labs-none"`},
			[]string{"timeline/view//granted", "family/view//granted"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := lsim.Stats().DiagnosticReportSearch
			lsim.SetFault(labsim.Fault{})
			if tt.fault {
				lsim.SetFault(labsim.Fault{Status: http.StatusBadGateway})
			}
			store := &tlAudit{}
			h := Person{API: papi, Labs: lapi, Audit: Auditor{Store: store}, Now: func() time.Time { return tlNow }}
			if tt.noLabs {
				h.Labs = nil
			}
			w := httptest.NewRecorder()
			if err := h.Timeline(w, tlRequest(self, "", tt.bound, nil)); err != nil {
				t.Fatalf("Timeline: %v", err)
			}
			if w.Code != http.StatusOK {
				t.Errorf("status %d, want 200", w.Code)
			}
			body := w.Body.String()
			for _, s := range tt.want {
				if !strings.Contains(body, s) {
					t.Errorf("page lacks %q", s)
				}
			}
			for _, s := range tt.notWant {
				if strings.Contains(body, s) {
					t.Errorf("page has %q", s)
				}
			}
			var got []string
			for _, e := range store.events {
				got = append(got, e.Resource+"/"+e.Action+"/"+e.AccessBasis+"/"+string(e.Outcome))
				if e.Patient != self {
					t.Errorf("record of %s names another patient", e.Resource)
				}
			}
			if !slices.Equal(got, tt.audited) {
				t.Errorf("audited %v, want %v", got, tt.audited)
			}
			if got := lsim.Stats().DiagnosticReportSearch - before; got != tt.searches {
				t.Errorf("%d lab searches, want %d", got, tt.searches)
			}
		})
	}
	lsim.SetFault(labsim.Fault{})

	t.Run("family record names the relatives fetched", func(t *testing.T) {
		store := &tlAudit{}
		h := Person{API: papi, Labs: lapi, Audit: Auditor{Store: store}, Now: func() time.Time { return tlNow }}
		if err := h.Timeline(httptest.NewRecorder(), tlRequest(self, "", true, nil)); err != nil {
			t.Fatal(err)
		}
		var results []string
		for _, e := range store.events {
			if e.Resource == "family" {
				results = e.Results
			}
		}
		slices.Sort(results)
		want := []string{rels[0].NorwegianIdentificationNumber[0].IdentificationNumber, rels[1].NorwegianIdentificationNumber[0].IdentificationNumber}
		slices.Sort(want)
		if !slices.Equal(results, want) {
			t.Errorf("family record results %v, want the two relatives fetched %v", results, want)
		}
	})

	// S20: a lab look that cannot be recorded shows nothing at all.
	t.Run("lab record fails", func(t *testing.T) {
		store := &tlFailingAudit{resource: "lab"}
		h := Person{API: papi, Labs: lapi, Audit: Auditor{Store: store}, Now: func() time.Time { return tlNow }}
		w := httptest.NewRecorder()
		err := h.Timeline(w, tlRequest(self, "", true, nil))
		if e := AsError(err); e.Status != http.StatusServiceUnavailable {
			t.Errorf("error %v, want 503", err)
		}
		if w.Body.Len() != 0 {
			t.Errorf("wrote %d bytes before failing", w.Body.Len())
		}
	})
}

// TestTimeline_Order: ?order=newest lists the newest first and is
// remembered in a cookie, so the next timeline without the parameter opens
// newest first; choosing oldest again replaces it.
func TestTimeline_Order(t *testing.T) {
	p, rels := tlFamily(t)
	self := p.NorwegianIdentificationNumber[0].IdentificationNumber
	papi := tlPersonAPI(t, append([]*person.Person{p}, rels...)...)
	lapi, _ := tlLabsAPI(t, self)
	h := Person{API: papi, Labs: lapi, Audit: Auditor{Store: &tlAudit{}}, Now: func() time.Time { return tlNow }}

	get := func(query string, cookie *http.Cookie) (first string, body string, set *http.Cookie) {
		t.Helper()
		w := httptest.NewRecorder()
		if err := h.Timeline(w, tlRequest(self, query, true, cookie)); err != nil {
			t.Fatalf("Timeline: %v", err)
		}
		for _, c := range w.Result().Cookies() {
			if c.Name == timelineOrderCookie {
				set = c
			}
		}
		body = w.Body.String()
		i := strings.Index(body, `<time datetime="`)
		if i < 0 {
			t.Fatalf("no dated entry")
		}
		return body[i+16 : i+26], body, set
	}

	first, body, set := get("", nil)
	if first != "1980-03-12" || set != nil {
		t.Errorf("default: first %s, cookie %v; want 1980-03-12 and no cookie", first, set)
	}
	if !strings.Contains(body, `id="tl-order-oldest" value="oldest" checked`) {
		t.Errorf("default: oldest first not checked")
	}

	first, _, set = get("order=newest", nil)
	if first != "2026-10-01" {
		t.Errorf("newest: first %s, want the lab report of 2026-10-01", first)
	}
	if set == nil || set.Value != "newest" || !set.HttpOnly || !set.Secure || set.Path != "/" {
		t.Fatalf("newest: cookie %v; want timeline_order=newest, HttpOnly, Secure, Path=/", set)
	}

	first, body, again := get("", set)
	if first != "2026-10-01" {
		t.Errorf("remembered: first %s, want 2026-10-01", first)
	}
	if again != nil {
		t.Errorf("remembered: cookie set again (%v) though nothing changed", again)
	}
	if !strings.Contains(body, `id="tl-order-newest" value="newest" checked`) {
		t.Errorf("remembered: newest first not checked")
	}

	first, _, set = get("order=oldest", set)
	if first != "1980-03-12" || set == nil || set.Value != "oldest" {
		t.Errorf("back to oldest: first %s, cookie %v", first, set)
	}

	// A cookie value the page does not know is ignored.
	if first, _, _ := get("", &http.Cookie{Name: timelineOrderCookie, Value: "sideways"}); first != "1980-03-12" {
		t.Errorf("unknown cookie value: first %s, want oldest first", first)
	}
}
