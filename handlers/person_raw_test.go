package handlers

import (
	"context"
	"errors"
	"html"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/oppslag/oppslag/clients/audit"
	"github.com/oppslag/oppslag/clients/person"
	"github.com/oppslag/oppslag/clients/person/personsim"
	"github.com/oppslag/oppslag/clients/upstream/rawlog"
	"github.com/oppslag/oppslag/handlers/request"
	"github.com/oppslag/oppslag/views/i18n"
)

// rawPersonAPI is tlPersonAPI with the capturing transport serve.go puts
// around every upstream client.
func rawPersonAPI(t *testing.T, persons ...*person.Person) *person.Client {
	t.Helper()
	var sim *personsim.Server
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { sim.ServeHTTP(w, r) }))
	t.Cleanup(srv.Close)
	sim = personsim.New(srv.URL, personsim.NewMemoryRegistry(persons, nil), tlVerifier{})
	api, err := person.New(srv.URL, person.FullAccess, &http.Client{Transport: rawlog.Wrap(srv.Client().Transport)})
	if err != nil {
		t.Fatal(err)
	}
	return api
}

// failingAudit refuses every record.
type failingAudit struct{ *tlAudit }

func (*failingAudit) Record(context.Context, audit.Event) (audit.Record, error) {
	return audit.Record{}, errors.New("audit store down")
}

// rawRequest is GET /person/h1/raw/{panel} as the gate and the patient
// loader hand it to the handler.
func rawRequest(panel, nin string) *http.Request {
	r := httptest.NewRequest(http.MethodGet, "/person/h1/raw/"+panel, nil)
	r.SetPathValue("handle", "h1")
	r.SetPathValue("panel", panel)
	ctx := request.WithUser(r.Context(), &request.User{Name: "Lege"})
	ctx = request.WithHandles(ctx, tlHandles{"h1": nin})
	ctx = request.WithTokens(ctx, tlTokens{})
	return withPatient(r.WithContext(i18n.WithLang(ctx, i18n.NB)))
}

// serveRaw runs h.Raw behind the access gate, as web mounts it.
func serveRaw(h Person, r *http.Request) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	refuse := func(w http.ResponseWriter, _ *http.Request, err error) {
		http.Error(w, "refused", AsError(err).Status)
	}
	AccessGate(refuse)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h.Raw(w, r); err != nil {
			w.WriteHeader(AsError(err).Status)
		}
	})).ServeHTTP(w, r)
	return w
}

func TestRaw_S19_ProtectedAddressesMasked(t *testing.T) {
	for _, level := range []person.AddressConfidentiality{person.Confidential, person.StrictlyConfidential} {
		t.Run(string(level), func(t *testing.T) {
			p := protectedDoc(level)
			self := tlTestNIN(t, "1980-05-17", 7)
			p.NorwegianIdentificationNumber = []person.NorwegianIdentificationNumber{{IdentificationNumber: self, Status: person.IdentificationInUse}}
			p.ResidentialAddress[0].StreetAddress.MunicipalityNumber = "0919"
			p.ResidentialAddress[0].StreetAddress.MunicipalityName = "Markørkommune"
			p.Name = []person.PersonName{{GivenName: "Kari", FamilyName: "Skjermet-Nordmann"}}
			store := &tlAudit{}
			h := Person{API: rawPersonAPI(t, p), Audit: Auditor{Store: store}, RawDrawer: true, Now: func() time.Time { return tlNow }}
			w := serveRaw(h, rawRequest("addresses", self))
			if w.Code != http.StatusOK {
				t.Fatalf("status %d", w.Code)
			}
			page := w.Body.String()
			body := testidText(t, page, "raw-body")
			for _, m := range []string{"Markørgata", "H0909", "MARKØRBY", "9090", "c/o Markør", "0919", "Markørkommune", "90909090",
				"Markørkrets", "909090", "Markørbydel", "9191", "9292", "Postboks 9393", "Markørstraße", "Markørstadt"} {
				if strings.Contains(page, m) || strings.Contains(body, m) {
					t.Errorf("the raw drawer shows %q of a protected address", m)
				}
			}
			if !strings.Contains(body, `"[skjermet]"`) || !strings.Contains(body, string(level)) {
				t.Errorf("the raw body lacks the marker or the protection level:\n%s", body)
			}
			if !strings.Contains(page, `data-testid="raw-masked"`) {
				t.Error("the page does not say addresses are masked")
			}
			if len(store.events) != 1 || store.events[0].Action != "raw_view" || store.events[0].Resource != "address" || store.events[0].Patient != self {
				t.Errorf("audited %+v; want one raw_view of the address resource for the patient", store.events)
			}
		})
	}
}

func TestRaw_Family_RelativesMasked(t *testing.T) {
	self := tlTestNIN(t, "1980-05-17", 8)
	kidNIN := tlTestNIN(t, "2010-01-02", 9)
	p := &person.Person{
		NorwegianIdentificationNumber: []person.NorwegianIdentificationNumber{{IdentificationNumber: self, Status: person.IdentificationInUse}},
		FamilyRelation:                []person.FamilyRelation{{RelatedPerson: kidNIN, RelatedPersonsRole: person.RelationChild, MyRoleForRelatedPerson: person.RelationMother}},
	}
	kid := protectedDoc(person.Unclassified) // unprotected, but a relative: never shown (rule 5)
	kid.NorwegianIdentificationNumber = []person.NorwegianIdentificationNumber{{IdentificationNumber: kidNIN, Status: person.IdentificationInUse}}
	store := &tlAudit{}
	h := Person{API: rawPersonAPI(t, p, kid), Audit: Auditor{Store: store}, RawDrawer: true}
	w := serveRaw(h, rawRequest("family", self))
	if w.Code != http.StatusOK {
		t.Fatalf("status %d", w.Code)
	}
	if strings.Contains(w.Body.String(), "Markørgata") || strings.Contains(w.Body.String(), "Postboks 9393") {
		t.Error("a relative's address in the raw drawer")
	}
	if n := strings.Count(w.Body.String(), `data-testid="raw-exchange"`); n != 2 {
		t.Errorf("%d exchanges shown; want the person and the relatives' bulk call", n)
	}
	if len(store.events) != 2 {
		t.Errorf("audited %d events; want the person's and the relatives'", len(store.events))
	}
	for _, e := range store.events {
		if e.Action != "raw_view" {
			t.Errorf("audited action %q; want raw_view", e.Action)
		}
	}
}

func TestRaw_NotServed(t *testing.T) {
	self := tlTestNIN(t, "1980-05-17", 7)
	store := &tlAudit{}
	h := Person{API: rawPersonAPI(t), Audit: Auditor{Store: store}}
	if w := serveRaw(h, rawRequest("names", self)); w.Code != http.StatusNotFound {
		t.Errorf("without RawDrawer: status %d; want 404", w.Code)
	}
	h.RawDrawer = true
	if w := serveRaw(h, rawRequest("nosuchpanel", self)); w.Code != http.StatusNotFound {
		t.Errorf("unknown panel: status %d; want 404", w.Code)
	}
	if len(store.events) != 0 {
		t.Errorf("audited %d events for pages not served", len(store.events))
	}
	if got := h.rawURL("h1", "names"); got != "/person/h1/raw/names" {
		t.Errorf("rawURL = %q", got)
	}
	h.RawDrawer = false
	if got := h.rawURL("h1", "names"); got != "" {
		t.Errorf("rawURL without the drawer = %q; want none", got)
	}
}

func TestRaw_S20_AuditFailsClosed(t *testing.T) {
	p := protectedDoc(person.Unclassified)
	self := tlTestNIN(t, "1980-05-17", 7)
	p.NorwegianIdentificationNumber = []person.NorwegianIdentificationNumber{{IdentificationNumber: self, Status: person.IdentificationInUse}}
	h := Person{API: rawPersonAPI(t, p), Audit: Auditor{Store: &failingAudit{&tlAudit{}}}, RawDrawer: true}
	w := serveRaw(h, rawRequest("addresses", self))
	if w.Code != http.StatusServiceUnavailable {
		t.Errorf("status %d; want 503", w.Code)
	}
	if strings.Contains(w.Body.String(), "Markørgata") || strings.Contains(w.Body.String(), self) {
		t.Error("patient data written with the audit store down")
	}
}

// testidText is the text inside the first element with data-testid id
// (the element's inner HTML up to its closing tag), "" when there is none.
func testidText(t *testing.T, page, id string) string {
	t.Helper()
	i := strings.Index(page, `data-testid="`+id+`"`)
	if i < 0 {
		t.Fatalf("no %s on the page", id)
	}
	rest := page[i:]
	start := strings.Index(rest, ">") + 1
	end := strings.Index(rest, "</")
	return html.UnescapeString(rest[start:end])
}
