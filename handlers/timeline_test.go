package handlers

import (
	"context"
	"errors"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/oppslag/oppslag/clients/audit"
	"github.com/oppslag/oppslag/clients/person"
	"github.com/oppslag/oppslag/clients/person/nin"
	"github.com/oppslag/oppslag/clients/person/personsim"
	"github.com/oppslag/oppslag/clients/person/timeline"
	"github.com/oppslag/oppslag/handlers/request"
	"github.com/oppslag/oppslag/views/i18n"
)

var tlNow = time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)

// tlMeta is an item's metadata: valid from from (YYYY-MM-DD) to to ("" open).
func tlMeta(from, to string) person.Meta {
	m := person.Meta{Source: "Skatteetaten", IsValid: person.Bool(to == "")}
	if from != "" {
		d, _ := person.ParseDateTime(from)
		m.ValidFrom, m.RegisteredAt = d, d
	}
	if to != "" {
		d, _ := person.ParseDateTime(to)
		m.ValidTo = d
	}
	return m
}

func tlDay(s string) person.DateTime {
	d, err := person.ParseDateTime(s)
	if err != nil {
		panic(err)
	}
	return d
}

// tlTestNIN returns a valid synthetic identity number for a birth date.
func tlTestNIN(t *testing.T, birth string, seed uint64) string {
	t.Helper()
	b, err := time.Parse(time.DateOnly, birth)
	if err != nil {
		t.Fatal(err)
	}
	n, err := nin.Generate(rand.New(rand.NewPCG(seed, seed+1)), b, seed%2 == 0, nin.Fodselsnummer, true)
	if err != nil {
		t.Fatalf("generate: %v", err)
	}
	return n
}

// tlStreet is a residential address on a street in Oslo.
func tlStreet(m person.Meta, name, number, postcode, city string) person.ResidentialAddress {
	return person.ResidentialAddress{
		Meta: m,
		StreetAddress: &person.StreetAddress{
			AddressName: name, AddressNumber: &person.AddressNumber{HouseNumber: number},
			MunicipalityNumber: "0301", MunicipalityName: "Oslo", CountyName: "Oslo",
			City: &person.City{PostalCode: postcode, CityName: city},
		},
		District: person.District{BasicStatisticalUnitName: "Grünerløkka vest", UrbanDistrictName: "Grünerløkka"},
	}
}

// tlLifePerson is a person with an entry of every kind.
func tlLifePerson(t *testing.T) *person.Person {
	t.Helper()
	self := tlTestNIN(t, "1980-03-12", 1)
	child := tlTestNIN(t, "2010-06-01", 2)
	return &person.Person{
		NorwegianIdentificationNumber: []person.NorwegianIdentificationNumber{
			{Meta: tlMeta("1980-03-12", ""), IdentificationNumber: self, IdentificationNumberType: person.NationalIdentityNumber, Status: person.IdentificationInUse},
		},
		Birth: []person.Birth{{Meta: tlMeta("1980-03-12", ""), BirthDate: tlDay("1980-03-12"), BirthMunicipalityName: "Bergen", BirthCountry: "NOR"}},
		Status: []person.PersonStatus{
			{Meta: tlMeta("1980-03-12", "2001-01-01"), Status: person.StatusResident},
			{Meta: tlMeta("2001-01-01", "2004-01-01"), Status: person.StatusEmigrated},
			{Meta: tlMeta("2004-01-01", ""), Status: person.StatusResident},
		},
		EmigrationFromNorway: []person.EmigrationFromNorway{{Meta: tlMeta("2001-01-01", ""), EmigratedToCountry: "SWE"}},
		ImmigrationToNorway:  []person.ImmigrationToNorway{{Meta: tlMeta("2004-01-01", ""), ImmigratedFromCountry: "SWE"}},
		Name: []person.PersonName{
			{Meta: tlMeta("1980-03-12", "2008-07-05"), GivenName: "Kari", FamilyName: "Hansen"},
			{Meta: tlMeta("2008-07-05", ""), GivenName: "Kari", MiddleName: "Hansen", FamilyName: "Nordmann"},
		},
		MaritalStatus: []person.MaritalStatus{
			{Meta: tlMeta("1980-03-12", "2008-07-05"), Status: person.MaritalUnmarried},
			{Meta: tlMeta("2008-07-05", ""), Status: person.MaritalMarried, StatusDate: tlDay("2008-07-05"), RelatedByMaritalStatus: tlTestNIN(t, "1978-01-01", 4)},
		},
		ResidentialAddress: []person.ResidentialAddress{
			tlStreet(tlMeta("1980-03-12", "1999-08-01"), "Bergensgata", "1", "5003", "BERGEN"),
			tlStreet(tlMeta("1999-08-01", "2001-01-01"), "Thorvald Meyers gate", "10", "0555", "OSLO"),
			tlStreet(tlMeta("2004-01-01", ""), "Markveien", "35B", "0554", "OSLO"),
		},
		PostalAddress: []person.ContactAddress{
			{Meta: tlMeta("2015-01-01", ""), PostBoxAddress: &person.PostBoxAddress{PostBoxIdentification: "123", City: &person.City{PostalCode: "0102", CityName: "OSLO"}}},
		},
		Citizenship: []person.Citizenship{{Meta: tlMeta("1980-03-12", ""), CountryCode: "NOR"}},
		AddressProtection: []person.AddressProtection{
			{Meta: tlMeta("1980-03-12", ""), ProtectionLevel: person.Unclassified},
		},
		FamilyRelation: []person.FamilyRelation{
			{Meta: tlMeta("2010-06-01", ""), RelatedPerson: child, RelatedPersonsRole: person.RelationChild, MyRoleForRelatedPerson: person.RelationMother},
		},
	}
}

func tlIDs(es []timeline.Entry) []string {
	var out []string
	for _, e := range es {
		out = append(out, e.ID)
	}
	return out
}

func tlFind(es []timeline.Entry, id string) (timeline.Entry, bool) {
	for _, e := range es {
		if e.ID == id {
			return e, true
		}
	}
	return timeline.Entry{}, false
}

// tlVerifier accepts every token with full access: the handler test is about
// the page, the token path is tested in the client and the web package.
type tlVerifier struct{}

func (tlVerifier) VerifyAccessToken(*http.Request, string, string, string) (map[string]any, error) {
	return map[string]any{"scope": person.FullAccess.OAuthScope()}, nil
}

type tlTokens struct{}

func (tlTokens) AccessToken(context.Context, string) (string, error) { return "token", nil }
func (tlTokens) Proof(string, string, string) (string, error)        { return "proof", nil }

type tlHandles map[string]string

func (h tlHandles) Handle(_ context.Context, n string) (string, error) {
	for k, v := range h {
		if v == n {
			return k, nil
		}
	}
	return "", errors.New("no handle")
}

func (h tlHandles) Resolve(_ context.Context, handle string) (string, bool) {
	n, ok := h[handle]
	return n, ok
}

// tlPersonAPI serves persons from the Person API simulator over loopback
// and returns a client of it; the server stops with the test.
func tlPersonAPI(t *testing.T, persons ...*person.Person) *person.Client {
	t.Helper()
	var sim *personsim.Server
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { sim.ServeHTTP(w, r) }))
	t.Cleanup(srv.Close)
	sim = personsim.New(srv.URL, personsim.NewMemoryRegistry(persons, nil), tlVerifier{})
	api, err := person.New(srv.URL, person.FullAccess, srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	return api
}

// tlAudit keeps the records in memory; the overview records from parallel
// fetches, so it locks.
type tlAudit struct {
	mu     sync.Mutex
	events []audit.Event
}

func (a *tlAudit) Record(_ context.Context, e audit.Event) (audit.Record, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.events = append(a.events, e)
	return audit.Record{}, nil
}
func (a *tlAudit) Query(context.Context, audit.Filter) ([]audit.Record, error) { return nil, nil }
func (a *tlAudit) Verify(context.Context) (audit.Report, error)                { return audit.Report{}, nil }
func (a *tlAudit) Ping(context.Context) error                                  { return nil }
func (a *tlAudit) Close() error                                                { return nil }

func TestTimeline_Handler(t *testing.T) {
	p := tlLifePerson(t)
	self := p.NorwegianIdentificationNumber[0].IdentificationNumber
	child := p.FamilyRelation[0].RelatedPerson
	kid := &person.Person{
		NorwegianIdentificationNumber: []person.NorwegianIdentificationNumber{{IdentificationNumber: child, Status: person.IdentificationInUse}},
		Name:                          []person.PersonName{{GivenName: "Emil", FamilyName: "Nordmann"}},
	}
	api := tlPersonAPI(t, p, kid)

	tests := []struct {
		name      string
		query     string
		htmx      bool
		status    int
		want      []string
		notWant   []string
		auditRsrc []string
	}{
		{"full page", "", false, http.StatusOK,
			[]string{"<html", `data-testid="timeline-list"`, `data-testid="family-graph"`, "Emil Nordmann", `href="/person/h2"`},
			[]string{self, child}, []string{"timeline", "family"}},
		{"fragment", "f=1&kind=name", true, http.StatusOK,
			[]string{`<div id="timeline-results"`, "Navneendring"},
			// The results name relatives, so a fragment fetches them too.
			[]string{"<html", "family-graph", "Flyttet", self}, []string{"timeline", "family"}},
		{"bad date", "asof=17.05.2010", false, http.StatusUnprocessableEntity,
			[]string{`data-testid="timeline-asof-error"`, `aria-invalid="true"`}, nil, []string{"timeline", "family"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			store := &tlAudit{}
			h := Person{API: api, Audit: Auditor{Store: store}, Now: func() time.Time { return tlNow }}
			r := httptest.NewRequest(http.MethodGet, "/person/h1/timeline?"+tt.query, nil)
			r.SetPathValue("handle", "h1")
			ctx := request.WithUser(r.Context(), &request.User{Name: "Lege"})
			ctx = request.WithHandles(ctx, tlHandles{"h1": self, "h2": child})
			ctx = request.WithTokens(ctx, tlTokens{})
			r = withPatient(r.WithContext(i18n.WithLang(ctx, i18n.NB)))
			if tt.htmx {
				r.Header.Set("HX-Request", "true")
			}
			w := httptest.NewRecorder()
			if err := h.Timeline(w, r); err != nil {
				t.Fatalf("Timeline: %v", err)
			}
			if w.Code != tt.status {
				t.Errorf("status %d, want %d", w.Code, tt.status)
			}
			if got := w.Header().Get("Vary"); got != "HX-Request" {
				t.Errorf("Vary %q, want HX-Request", got)
			}
			body := w.Body.String()
			for _, s := range tt.want {
				if !strings.Contains(body, s) {
					t.Errorf("body lacks %q", s)
				}
			}
			for _, s := range tt.notWant {
				if strings.Contains(body, s) {
					t.Errorf("body contains %q", s)
				}
			}
			var got []string
			for _, e := range store.events {
				got = append(got, e.Resource)
				if e.Patient != self {
					t.Errorf("audit patient is not the person looked at")
				}
			}
			if !slices.Equal(got, tt.auditRsrc) {
				t.Errorf("audited %v, want %v", got, tt.auditRsrc)
			}
		})
	}

	t.Run("unknown handle", func(t *testing.T) {
		store := &tlAudit{}
		h := Person{API: api, Audit: Auditor{Store: store}}
		r := httptest.NewRequest(http.MethodGet, "/person/nope/timeline", nil)
		r.SetPathValue("handle", "nope")
		r = r.WithContext(request.WithHandles(r.Context(), tlHandles{"h1": self}))
		err := h.Timeline(httptest.NewRecorder(), r)
		if e := AsError(err); e.Status != http.StatusNotFound {
			t.Errorf("error %v, want 404", err)
		}
		if len(store.events) != 0 {
			t.Errorf("audited %d events for a handle that resolves to no one", len(store.events))
		}
	})
}
