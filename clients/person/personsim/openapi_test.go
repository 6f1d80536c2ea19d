package personsim

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/oppslag/oppslag/clients/person"
	"github.com/oppslag/oppslag/clients/synthetic"
)

// The published Persontjenesten OpenAPI (v2, testdata/openapi.yaml, see the
// README beside it) is the nearest public contract for what the simulator
// sends on its v3 routes: NHN documents v3 as the same information model
// under new route names (upstreams.md §2.1). These tests validate the
// simulator's real HTTP answers for every kind of synthetic person against
// the spec's own schemas, with format validation on, so a drift between the
// simulator and the published model shows up as a named JSON path.

// spec loads and checks testdata/openapi.yaml once per test.
func spec(t *testing.T) *openapi3.T {
	t.Helper()
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromFile("testdata/openapi.yaml")
	if err != nil {
		t.Fatalf("load OpenAPI: %v", err)
	}
	// The generator wrote `servers: [{url: ""}]`, which OpenAPI forbids;
	// servers play no part in validating bodies.
	doc.Servers = nil
	// The generated examples ("protectionLevel": "" for an enum) are not
	// valid against their own schemas; they are documentation, not contract.
	if err := doc.Validate(loader.Context, openapi3.DisableExamplesValidation()); err != nil {
		t.Fatalf("the OpenAPI document is not valid: %v", err)
	}
	return doc
}

// schemaOf returns a component schema of doc.
func schemaOf(t *testing.T, doc *openapi3.T, name string) *openapi3.Schema {
	t.Helper()
	ref, ok := doc.Components.Schemas[name]
	if !ok || ref.Value == nil {
		t.Fatalf("the OpenAPI has no schema %q", name)
	}
	return ref.Value
}

// validate checks body (JSON) against schema as a response and reports
// every violation, not just the first.
func validate(t *testing.T, schema *openapi3.Schema, what string, body []byte) {
	t.Helper()
	for _, err := range violations(t, schema, body) {
		t.Errorf("%s: %v", what, err)
	}
}

// violations returns what the spec's schema finds wrong with body, with
// format validation on (date-time is RFC 3339).
func violations(t *testing.T, schema *openapi3.Schema, body []byte) []error {
	t.Helper()
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	err := schema.VisitJSON(v, openapi3.VisitAsResponse(), openapi3.MultiErrors(), openapi3.EnableFormatValidation())
	if err == nil {
		return nil
	}
	var me openapi3.MultiError
	if errors.As(err, &me) {
		return me
	}
	return []error{err}
}

// openAPIEnv is the simulator over the synthetic population behind a real
// HTTP listener; fakeVerifier stands in for HelseID, whose DPoP tokens the
// client tests cover.
type openAPIEnv struct {
	pop *synthetic.Population
	srv *httptest.Server
}

func newOpenAPIEnv(t *testing.T) *openAPIEnv {
	t.Helper()
	pop, err := synthetic.Generate(synthetic.Options{Seed: 1, Persons: 20_000})
	if err != nil {
		t.Fatalf("synthetic.Generate: %v", err)
	}
	srv := httptest.NewUnstartedServer(nil)
	srv.Config.Handler = New("http://"+srv.Listener.Addr().String(), pop, fakeVerifier{})
	srv.Start()
	t.Cleanup(srv.Close)
	return &openAPIEnv{pop: pop, srv: srv}
}

// post sends a form to a route of the simulator with a token for scope and
// returns the status, content type and body.
func (e *openAPIEnv) post(t *testing.T, scope person.Scope, route string, query, form url.Values) (int, string, []byte) {
	t.Helper()
	return e.do(t, http.MethodPost, scope, route, query, form)
}

func (e *openAPIEnv) do(t *testing.T, method string, scope person.Scope, route string, query, form url.Values) (int, string, []byte) {
	t.Helper()
	target := e.srv.URL + "/api/v3/" + string(scope) + "/" + route
	if len(query) > 0 {
		target += "?" + query.Encode()
	}
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, target, body)
	if err != nil {
		t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Authorization", "DPoP good-"+string(scope))
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, route, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: reading the body: %v", method, route, err)
	}
	return resp.StatusCode, resp.Header.Get("Content-Type"), b
}

// everyPart asks for the whole document, history included.
func everyPart() url.Values {
	q := url.Values{"includeHistory": {"true"}}
	for _, p := range person.AllInformationParts() {
		q.Add("informationParts", string(p))
	}
	return q
}

// personsPerKind is how many persons of each kind are validated: enough to
// see more than one shape of each, few enough to stay quick.
const personsPerKind = 3

func TestOpenAPI_PersonOfEveryKind(t *testing.T) {
	doc := spec(t)
	personSchema := schemaOf(t, doc, "Person")
	e := newOpenAPIEnv(t)

	for _, kind := range synthetic.AllKinds() {
		t.Run(kind, func(t *testing.T) {
			persons := e.pop.Where(kind, personsPerKind)
			if len(persons) == 0 {
				t.Skipf("no person of kind %s in this population", kind)
			}
			for i, p := range persons {
				nin := p.CurrentNIN()
				for _, scope := range []person.Scope{person.FullAccess, person.RestrictedAccess} {
					status, ct, body := e.post(t, scope, "person/get-by-nin", everyPart(), url.Values{"nin": {nin}})
					if status != http.StatusOK || !strings.HasPrefix(ct, "application/json") {
						t.Fatalf("person %d, %s: %d %s, want 200 application/json", i, scope, status, ct)
					}
					validate(t, personSchema, kind+"/"+string(scope)+"/"+strconv.Itoa(i), body)
				}
			}
		})
	}
}

func TestOpenAPI_BulkAndSearch(t *testing.T) {
	doc := spec(t)
	personSchema := schemaOf(t, doc, "Person")
	e := newOpenAPIEnv(t)

	t.Run("bulk-by-nin", func(t *testing.T) {
		// bulk-by-nin answers Person[] (the spec's array of Person).
		form := url.Values{}
		for _, kind := range []string{"family", "deceased", "protected", "dnumber", "emigrated", "reserved"} {
			for _, p := range e.pop.Where(kind, 2) {
				form.Add("nins", p.CurrentNIN())
			}
		}
		status, _, body := e.post(t, person.FullAccess, "person/bulk-by-nin", everyPart(), form)
		if status != http.StatusOK {
			t.Fatalf("status %d: %s", status, body)
		}
		validate(t, openapi3.NewArraySchema().WithItems(personSchema), "bulk-by-nin", body)
	})

	t.Run("search/person", func(t *testing.T) {
		p := e.pop.Where("family", 1)
		if len(p) == 0 {
			t.Skip("no family in this population")
		}
		name := p[0].CurrentName()
		var birth string
		if len(p[0].Birth) > 0 {
			birth = p[0].Birth[0].BirthDate.DateOnly()
		}
		form := url.Values{"FamilyName": {name.FamilyName}, "BirthDate": {birth}}
		for _, scope := range []person.Scope{person.FullAccess, person.RestrictedAccess} {
			status, _, body := e.post(t, scope, "search/person", everyPart(), form)
			if status != http.StatusOK {
				t.Fatalf("%s: status %d: %s", scope, status, body)
			}
			if !strings.Contains(string(body), `"results":[{`) {
				t.Errorf("%s: the search found nobody; the test should validate a non-empty result", scope)
			}
			validate(t, schemaOf(t, doc, "PersonSearchResult"), "search/"+string(scope), body)
		}
	})

	t.Run("events", func(t *testing.T) {
		status, _, body := e.do(t, http.MethodGet, person.FullAccess, "event/latest", nil, nil)
		if status != http.StatusOK {
			t.Fatalf("event/latest: status %d: %s", status, body)
		}
		validate(t, schemaOf(t, doc, "EventDocument"), "event/latest", body)
		status, _, body = e.do(t, http.MethodGet, person.FullAccess, "event", url.Values{"sequenceNumber": {"1"}}, nil)
		if status != http.StatusOK {
			t.Fatalf("event: status %d: %s", status, body)
		}
		validate(t, schemaOf(t, doc, "EventDocumentSearchResult"), "event", body)
	})
}

func TestOpenAPI_ProblemDetails(t *testing.T) {
	doc := spec(t)
	pd := schemaOf(t, doc, "ProblemDetails")
	e := newOpenAPIEnv(t)
	cases := []struct {
		name  string
		form  url.Values
		query url.Values
		want  int
	}{
		// A well-formed number nobody holds: the documented 404.
		{"not found", url.Values{"nin": {"01010100000"}}, everyPart(), http.StatusNotFound},
		{"no informationParts", url.Values{"nin": {"01010100000"}}, nil, http.StatusBadRequest},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status, ct, body := e.post(t, person.FullAccess, "person/get-by-nin", tc.query, tc.form)
			if status != tc.want {
				t.Fatalf("status %d, want %d: %s", status, tc.want, body)
			}
			// The spec lists application/json; ASP.NET Core sends
			// application/problem+json, which the client accepts.
			if !strings.HasPrefix(ct, "application/problem+json") && !strings.HasPrefix(ct, "application/json") {
				t.Errorf("Content-Type = %q", ct)
			}
			validate(t, pd, tc.name, body)
		})
	}
}

// The validator must be able to fail: a document with enum values the spec
// does not list (the simulator's unknown-enum fault) and one with a date in
// a form RFC 3339 does not have are both refused.
func TestOpenAPI_ValidatorRefusesWhatItShould(t *testing.T) {
	doc := spec(t)
	personSchema := schemaOf(t, doc, "Person")
	e := newOpenAPIEnv(t)
	p := e.pop.Where("family", 1)
	if len(p) == 0 {
		t.Fatal("no family in the population")
	}
	nin := url.Values{"nin": {p[0].CurrentNIN()}}

	e.srv.Config.Handler.(*Server).SetFault(Fault{Malformed: MalformedUnknownEnum})
	_, _, body := e.post(t, person.FullAccess, "person/get-by-nin", everyPart(), nin)
	e.srv.Config.Handler.(*Server).SetFault(Fault{})
	if errs := violations(t, personSchema, body); len(errs) == 0 {
		t.Errorf("a document with unknown enum values passed the spec")
	}

	_, _, body = e.post(t, person.FullAccess, "person/get-by-nin", everyPart(), nin)
	if errs := violations(t, personSchema, body); len(errs) != 0 {
		t.Fatalf("the clean document fails the spec: %v", errs)
	}
	// The seed's KRR timestamps ("2023-11-15T12:39:49+01") are ISO 8601 but
	// not RFC 3339: the published spec would refuse what the real API sends,
	// which is why the client reads dates tolerantly and the simulator
	// writes RFC 3339.
	var tree map[string]any
	if err := json.Unmarshal(body, &tree); err != nil {
		t.Fatal(err)
	}
	births, _ := tree["birth"].([]any)
	if len(births) == 0 {
		t.Fatal("the document has no birth item to corrupt")
	}
	births[0].(map[string]any)["birthDate"] = "2023-11-15T12:39:49+01"
	b, err := json.Marshal(tree)
	if err != nil {
		t.Fatal(err)
	}
	if errs := violations(t, personSchema, b); len(errs) == 0 {
		t.Errorf("a birthDate with offset +01 passed the spec's date-time format")
	}
}
