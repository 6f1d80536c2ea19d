package person_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/oppslag/oppslag/clients/person"
	"github.com/oppslag/oppslag/clients/person/personsim"
	"github.com/oppslag/oppslag/clients/upstream"
)

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("json.Marshal: %v", err)
	}
	return string(b)
}

// jsonKey is the Person field an information part fills.
func jsonKey(p person.InformationPart) string {
	s := string(p)
	return strings.ToLower(s[:1]) + s[1:]
}

func TestGetByNIN_EveryPartRoundTrips(t *testing.T) {
	e := newEnv(t)
	auth := e.login(t, scopeFull)
	c := e.client(t, person.FullAccess)

	got, err := c.GetByNIN(context.Background(), auth, ninRich, person.AllInformationParts(), true)
	if err != nil {
		t.Fatalf("GetByNIN: %v", err)
	}
	if got, want := mustJSON(t, got), mustJSON(t, richPerson()); got != want {
		t.Errorf("round trip differs:\n got %s\nwant %s", got, want)
	}

	// Each part alone fills exactly its own field.
	for _, part := range person.AllInformationParts() {
		t.Run(string(part), func(t *testing.T) {
			got, err := c.GetByNIN(context.Background(), auth, ninRich, []person.InformationPart{part}, true)
			if err != nil {
				t.Fatalf("GetByNIN: %v", err)
			}
			var fields map[string]json.RawMessage
			if err := json.Unmarshal([]byte(mustJSON(t, got)), &fields); err != nil {
				t.Fatal(err)
			}
			keys := slices.Sorted(maps.Keys(fields))
			want := []string{"id", jsonKey(part), "sequenceNumber"}
			slices.Sort(want)
			if !slices.Equal(keys, want) {
				t.Errorf("fields = %v, want %v", keys, want)
			}
			var wantAll map[string]json.RawMessage
			json.Unmarshal([]byte(mustJSON(t, richPerson())), &wantAll)
			if got, want := string(fields[jsonKey(part)]), string(wantAll[jsonKey(part)]); got != want {
				t.Errorf("%s = %s, want %s", jsonKey(part), got, want)
			}
		})
	}
}

func TestGetByNIN_HistoricNINResolves(t *testing.T) {
	e := newEnv(t)
	auth := e.login(t, scopeFull)
	c := e.client(t, person.FullAccess)
	got, err := c.GetByNIN(context.Background(), auth, ninRichOld, []person.InformationPart{person.PartName, person.PartNorwegianIdentificationNumber}, false)
	if err != nil {
		t.Fatalf("GetByNIN(historic number): %v", err)
	}
	if got, want := got.CurrentNIN(), ninRich; got != want {
		t.Errorf("CurrentNIN = %q, want %q", got, want)
	}
	if got, want := got.CurrentName().FamilyName, "Blomst"; got != want {
		t.Errorf("current family name = %q, want %q", got, want)
	}
}

func TestGetByNIN_IncludeHistory(t *testing.T) {
	e := newEnv(t)
	auth := e.login(t, scopeFull)
	c := e.client(t, person.FullAccess)
	parts := person.AllInformationParts()

	current, err := c.GetByNIN(context.Background(), auth, ninRich, parts, false)
	if err != nil {
		t.Fatalf("GetByNIN: %v", err)
	}
	if n := len(current.Name); n != 1 {
		t.Errorf("without history: %d names, want 1", n)
	}
	if current.Death != nil {
		t.Errorf("without history: a historic death item was sent")
	}
	if len(current.EmigrationFromNorway) != 0 || len(current.ResidencePermit) != 0 || len(current.DeprivedLegalAuthority) != 0 {
		t.Errorf("without history: parts with only historic items were sent")
	}
	if h := person.History(current.Name); len(h) != 0 {
		t.Errorf("without history: History(name) = %d items, want 0", len(h))
	}

	all, err := c.GetByNIN(context.Background(), auth, ninRich, parts, true)
	if err != nil {
		t.Fatalf("GetByNIN: %v", err)
	}
	if got, want := len(person.History(all.Name)), 1; got != want {
		t.Errorf("with history: %d historic names, want %d", got, want)
	}
	if got, want := person.History(all.Name)[0].FamilyName, "Knopp"; got != want {
		t.Errorf("historic family name = %q, want %q", got, want)
	}
	if got, want := all.CurrentName().FamilyName, "Blomst"; got != want {
		t.Errorf("CurrentName with history = %q, want %q", got, want)
	}
}

func TestGetByNIN_InformationPartsRequired(t *testing.T) {
	e := newEnv(t)
	auth := e.login(t, scopeFull)
	c := e.client(t, person.FullAccess)
	before := len(e.rec.all())
	_, err := c.GetByNIN(context.Background(), auth, ninRich, nil, false)
	if !errors.Is(err, upstream.ErrBadRequest) {
		t.Errorf("GetByNIN without parts: err = %v, want ErrBadRequest", err)
	}
	if len(e.rec.all()) != before {
		t.Errorf("a request without parts was sent")
	}
	// The simulator refuses it too.
	status, body := e.raw(t, auth, http.MethodPost, "/api/v3/full-access/person/get-by-nin", nil, url.Values{"nin": {ninRich}})
	if status != http.StatusBadRequest || !strings.Contains(body, "informationParts") {
		t.Errorf("sim without parts: %d %s, want 400 naming informationParts", status, body)
	}
	status, _ = e.raw(t, auth, http.MethodPost, "/api/v3/full-access/person/get-by-nin", url.Values{"informationParts": {"Name", "Shoesize"}}, url.Values{"nin": {ninRich}})
	if status != http.StatusBadRequest {
		t.Errorf("sim with an unknown part: %d, want 400", status)
	}
}

func TestS19_RestrictedAccessSendsNoProtectedAddress(t *testing.T) {
	e := newEnv(t)
	restricted := e.login(t, scopeRestricted)
	full := e.login(t, scopeFull)
	rc := e.client(t, person.RestrictedAccess)
	ctx := context.Background()

	t.Run("strictly confidential person", func(t *testing.T) {
		got, err := rc.GetByNIN(ctx, restricted, ninProtected, person.AllInformationParts(), true)
		if err != nil {
			t.Fatalf("GetByNIN: %v", err)
		}
		if len(got.ResidentialAddress)+len(got.PresentAddress)+len(got.SharedResidence)+len(got.PostalAddress)+len(got.ForeignPostalAddress) != 0 {
			t.Errorf("addresses sent for a protected person: %s", mustJSON(t, got))
		}
		if got.CommonContactRegisterInformation != nil {
			t.Errorf("KRR sent with restricted access")
		}
		if got.CurrentName() == nil || got.Protection() != person.StrictlyConfidential {
			t.Errorf("name %v / protection %q: want the name and the protection level (for the page to say why)", got.CurrentName(), got.Protection())
		}
		raw := string(e.rec.last(t).respBody)
		for _, secret := range []string{"Hemmelig", "0150", "03010101", "hemmelig@"} {
			if strings.Contains(raw, secret) {
				t.Errorf("response body holds %q: %s", secret, raw)
			}
		}
	})
	t.Run("confidential postal address of an unprotected person", func(t *testing.T) {
		got, err := rc.GetByNIN(ctx, restricted, ninPostalOnly, person.AllInformationParts(), false)
		if err != nil {
			t.Fatalf("GetByNIN: %v", err)
		}
		if len(got.ResidentialAddress) != 1 {
			t.Errorf("residential addresses = %d, want the unclassified one", len(got.ResidentialAddress))
		}
		if len(got.PostalAddress) != 1 || got.PostalAddress[0].AddressConfidentiality != person.Unclassified {
			t.Errorf("postal addresses = %s, want only the unclassified one", mustJSON(t, got.PostalAddress))
		}
		if got.CommonContactRegisterInformation != nil {
			t.Errorf("KRR sent with restricted access")
		}
	})
	t.Run("full-access token on the restricted route", func(t *testing.T) {
		got, err := rc.GetByNIN(ctx, full, ninProtected, []person.InformationPart{person.PartResidentialAddress, person.PartCommonContactRegisterInformation}, false)
		if err != nil {
			t.Fatalf("GetByNIN: %v", err)
		}
		if len(got.ResidentialAddress) != 0 || got.CommonContactRegisterInformation != nil {
			t.Errorf("the restricted route cut depends on the route, not the token: %s", mustJSON(t, got))
		}
	})
	t.Run("full access sends them for the portal to mask", func(t *testing.T) {
		got, err := e.client(t, person.FullAccess).GetByNIN(ctx, full, ninProtected, person.AllInformationParts(), false)
		if err != nil {
			t.Fatalf("GetByNIN: %v", err)
		}
		if len(got.ResidentialAddress) != 1 || got.CommonContactRegisterInformation == nil {
			t.Errorf("full access: residential %d, KRR %v; want both sent", len(got.ResidentialAddress), got.CommonContactRegisterInformation != nil)
		}
	})
	t.Run("search by address does not find a protected person", func(t *testing.T) {
		q := person.SearchQuery{FamilyName: "Person", StreetAddress: "Hemmeligveien 7"}
		res, err := rc.Search(ctx, restricted, q, []person.InformationPart{person.PartName})
		if err != nil {
			t.Fatalf("Search: %v", err)
		}
		if len(res.Results) != 0 {
			t.Errorf("restricted search by address found %d persons, want 0", len(res.Results))
		}
		res, err = e.client(t, person.FullAccess).Search(ctx, full, q, []person.InformationPart{person.PartName})
		if err != nil {
			t.Fatalf("Search: %v", err)
		}
		if len(res.Results) != 1 {
			t.Errorf("full-access search by address found %d persons, want 1", len(res.Results))
		}
	})
}

func TestS33_UnknownEnumValuesKept(t *testing.T) {
	e := newEnv(t)
	auth := e.login(t, scopeFull)
	c := e.client(t, person.FullAccess)
	e.sim.SetFault(personsim.Fault{Malformed: personsim.MalformedUnknownEnum})
	got, err := c.GetByNIN(context.Background(), auth, ninRich, person.AllInformationParts(), false)
	if err != nil {
		t.Fatalf("GetByNIN with unknown enum values: %v", err)
	}
	checks := []struct {
		name  string
		value string
		known bool
	}{
		{"gender", string(got.CurrentGender()), got.CurrentGender().Known()},
		{"status", string(got.CurrentStatus()), got.CurrentStatus().Known()},
		{"marital status", string(got.MaritalStatus[0].Status), got.MaritalStatus[0].Status.Known()},
		{"relation", string(got.FamilyRelation[0].RelatedPersonsRole), got.FamilyRelation[0].RelatedPersonsRole.Known()},
		{"nin type", string(got.NorwegianIdentificationNumber[0].IdentificationNumberType), got.NorwegianIdentificationNumber[0].IdentificationNumberType.Known()},
		{"unit type", string(got.ResidentialAddress[0].StreetAddress.SeparatelyOccupiedUnitType), got.ResidentialAddress[0].StreetAddress.SeparatelyOccupiedUnitType.Known()},
		{"reservation", string(got.CommonContactRegisterInformation.Reservation), got.CommonContactRegisterInformation.Reservation.Known()},
	}
	for _, c := range checks {
		if c.value == "" || c.known {
			t.Errorf("%s = %q, Known %v; want the unknown value kept and Known false", c.name, c.value, c.known)
		}
	}
	if got.CurrentName() == nil || got.CurrentName().FamilyName != "Blomst" {
		t.Errorf("the rest of the document was lost")
	}

	// The fault changed the answer, not the registry.
	e.sim.SetFault(personsim.Fault{})
	again, err := c.GetByNIN(context.Background(), auth, ninRich, person.AllInformationParts(), true)
	if err != nil {
		t.Fatalf("GetByNIN: %v", err)
	}
	if got, want := mustJSON(t, again), mustJSON(t, richPerson()); got != want {
		t.Errorf("registry changed by the fault:\n got %s\nwant %s", got, want)
	}
}

func TestProblemDetailsMapping(t *testing.T) {
	e := newEnv(t)
	auth := e.login(t, scopeFull)
	c := e.client(t, person.FullAccess)

	_, err := c.GetByNIN(context.Background(), auth, ninUnknown, []person.InformationPart{person.PartName}, false)
	if !errors.Is(err, upstream.ErrNotFound) {
		t.Fatalf("unknown person: err = %v, want ErrNotFound", err)
	}
	var pe *person.ProblemError
	if !errors.As(err, &pe) {
		t.Fatalf("err %T is not a *ProblemError", err)
	}
	if pe.Status != http.StatusNotFound || pe.Problem.Title != "Person not found" || pe.Problem.Status != http.StatusNotFound {
		t.Errorf("ProblemError = %+v, want status 404 and title %q", pe, "Person not found")
	}
	if !strings.HasPrefix(err.Error(), "person: get by nin: ") || strings.Contains(err.Error(), ninUnknown) {
		t.Errorf("error %q: want the operation first and no identity number", err)
	}

	_, err = c.Search(context.Background(), auth, person.SearchQuery{FullName: "Vakker"}, []person.InformationPart{person.PartName})
	if !errors.Is(err, upstream.ErrBadRequest) || !errors.As(err, &pe) || !strings.Contains(pe.Problem.Title, "BirthDate") {
		t.Errorf("invalid search: err = %v, want ErrBadRequest with a title naming the rule", err)
	}
}

// TestProblemError_NeverHoldsNIN checks that identity numbers an upstream
// echoes in its error body are masked before the error is kept or logged.
func TestProblemError_NeverHoldsNIN(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/problem+json")
		w.WriteHeader(http.StatusNotFound)
		w.Write([]byte(`{"title":"Person 13057412345 not found\r\nInjected: yes","status":404,"detail":"nin=13057412345 and 9999999999999","traceId":"00-abc"}`))
	}))
	t.Cleanup(srv.Close)
	c, err := person.New(srv.URL, person.FullAccess, srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.GetByNIN(context.Background(), staticAuth{token: "t"}, ninRich, []person.InformationPart{person.PartName}, false)
	var pe *person.ProblemError
	if !errors.As(err, &pe) || !errors.Is(err, upstream.ErrNotFound) {
		t.Fatalf("err = %v, want a *ProblemError wrapping ErrNotFound", err)
	}
	all := err.Error() + " " + mustJSON(t, pe.Problem)
	if strings.Contains(all, ninRich) || strings.Contains(all, "9999999999999") {
		t.Errorf("identity number kept: %s", all)
	}
	if strings.ContainsFunc(pe.Problem.Title, unicode.IsControl) {
		t.Errorf("title keeps control characters: %q", pe.Problem.Title)
	}
	if pe.Problem.TraceID != "00-abc" {
		t.Errorf("traceId = %q, want it kept", pe.Problem.TraceID)
	}
}

// staticAuth hands out a fixed token and an opaque proof, for tests against
// fake servers that check neither.
type staticAuth struct {
	token string
	err   error
}

func (a staticAuth) AccessToken(context.Context, string) (string, error) { return a.token, a.err }
func (a staticAuth) Proof(string, string, string) (string, error)        { return "proof", nil }

func TestUnauthorizedAndForbidden(t *testing.T) {
	e := newEnv(t)
	restricted := e.login(t, scopeRestricted)
	full := e.client(t, person.FullAccess)
	ctx := context.Background()
	parts := []person.InformationPart{person.PartName}

	_, err := full.GetByNIN(ctx, restricted, ninRich, parts, false)
	var pe *person.ProblemError
	if !errors.Is(err, upstream.ErrForbidden) || !errors.As(err, &pe) || pe.Status != http.StatusForbidden {
		t.Errorf("restricted token on full-access route: err = %v, want ErrForbidden (403)", err)
	}

	_, err = full.GetByNIN(ctx, staticAuth{token: "not-a-token"}, ninRich, parts, false)
	if !errors.Is(err, upstream.ErrUnauthorized) {
		t.Errorf("garbage token: err = %v, want ErrUnauthorized", err)
	}

	authErr := errors.New("login required")
	_, err = full.GetByNIN(ctx, staticAuth{err: authErr}, ninRich, parts, false)
	if !errors.Is(err, authErr) {
		t.Errorf("token failure: err = %v, want the Auth's error wrapped", err)
	}
	if got := e.sim.Stats(); got.Unauthorized != 1 || got.Forbidden != 1 {
		t.Errorf("Stats = %+v, want 1 unauthorized and 1 forbidden", got)
	}
}

// proofAuth wraps an Auth and replaces its proofs.
type proofAuth struct {
	person.Auth
	proof func(method, target, token string) (string, error)
}

func (a proofAuth) Proof(method, target, token string) (string, error) {
	return a.proof(method, target, token)
}

func TestS12_DPoPTowardPersonAPI(t *testing.T) {
	e := newEnv(t)
	auth := e.login(t, scopeFull)
	c := e.client(t, person.FullAccess)
	ctx := context.Background()
	parts := []person.InformationPart{person.PartName, person.PartBirth}

	if _, err := c.GetByNIN(ctx, auth, ninRich, parts, true); err != nil {
		t.Fatalf("GetByNIN: %v", err)
	}
	ex := e.rec.last(t)
	if got := ex.header.Get("Authorization"); !strings.HasPrefix(got, "DPoP ") {
		t.Errorf("Authorization = %q, want the DPoP scheme", got)
	}
	for k, want := range map[string]string{"Accept": "application/json", "api-version": "3", "Content-Type": "application/x-www-form-urlencoded"} {
		if got := ex.header.Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	claims := jwtPayload(t, ex.header.Get("DPoP"))
	if got, want := claims["htu"], e.base+"/api/v3/full-access/person/get-by-nin"; got != want {
		t.Errorf("htu = %v, want %v (no query)", got, want)
	}
	if claims["htm"] != http.MethodPost || claims["ath"] == nil || claims["ath"] == "" {
		t.Errorf("proof claims = %v, want htm POST and ath", claims)
	}

	stranger := foreignSigner(t, e)
	cases := []struct {
		name  string
		proof func(m, u, tok string) (string, error)
	}{
		{"missing proof", func(string, string, string) (string, error) { return "", nil }},
		{"proof for another URL", func(m, _, tok string) (string, error) {
			return auth.Proof(m, e.base+"/api/v3/full-access/person/bulk-by-nin", tok)
		}},
		{"proof for another method", func(_, u, tok string) (string, error) { return auth.Proof(http.MethodGet, u, tok) }},
		{"proof without ath", func(m, u, _ string) (string, error) { return auth.Proof(m, u, "") }},
		{"proof by a key the token is not bound to", stranger.Proof},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.GetByNIN(ctx, proofAuth{Auth: auth, proof: tc.proof}, ninRich, parts, false)
			if !errors.Is(err, upstream.ErrUnauthorized) {
				t.Errorf("err = %v, want ErrUnauthorized", err)
			}
		})
	}
	t.Run("replayed proof", func(t *testing.T) {
		var saved string
		replay := proofAuth{Auth: auth, proof: func(m, u, tok string) (string, error) {
			if saved == "" {
				saved, _ = auth.Proof(m, u, tok)
			}
			return saved, nil
		}}
		if _, err := c.GetByNIN(ctx, replay, ninRich, parts, false); err != nil {
			t.Fatalf("first use: %v", err)
		}
		if _, err := c.GetByNIN(ctx, replay, ninRich, parts, false); !errors.Is(err, upstream.ErrUnauthorized) {
			t.Errorf("second use: err = %v, want ErrUnauthorized", err)
		}
	})
	t.Run("bearer scheme", func(t *testing.T) {
		tok, _ := auth.AccessToken(ctx, person.Audience)
		target := e.base + "/api/v3/full-access/person/get-by-nin"
		proof, _ := auth.Proof(http.MethodPost, target, tok)
		req, _ := http.NewRequest(http.MethodPost, target+"?informationParts=Name", strings.NewReader("nin="+ninRich))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("DPoP", proof)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized || !strings.HasPrefix(resp.Header.Get("WWW-Authenticate"), "DPoP ") {
			t.Errorf("Bearer: %d %q, want 401 with a DPoP challenge", resp.StatusCode, resp.Header.Get("WWW-Authenticate"))
		}
	})
}

// TestS15_NINNeverInURL checks that identity numbers travel in POST bodies
// only, and that no error names them.
func TestS15_NINNeverInURL(t *testing.T) {
	e := newEnv(t)
	auth := e.login(t, scopeFull)
	c := e.client(t, person.FullAccess)
	ctx := context.Background()
	parts := []person.InformationPart{person.PartName}

	c.GetByNIN(ctx, auth, ninRich, parts, false)
	c.GetByNIN(ctx, auth, ninUnknown, parts, false)
	c.BulkByNIN(ctx, auth, []string{ninRich, ninChild, ninUnknown}, parts)
	for _, ex := range e.rec.all() {
		for _, n := range []string{ninRich, ninChild, ninUnknown} {
			if strings.Contains(ex.url, n) {
				t.Errorf("%s %s: identity number in the URL", ex.method, ex.url)
			}
		}
		if ex.method != http.MethodPost || !strings.Contains(ex.reqBody, "nin") {
			t.Errorf("%s %s body %q: want a POST with the number in the form", ex.method, ex.url, ex.reqBody)
		}
	}
}

func TestS31_UpstreamErrors(t *testing.T) {
	e := newEnv(t)
	auth := e.login(t, scopeFull)
	c := e.client(t, person.FullAccess)
	for _, status := range []int{http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			e.sim.SetFault(personsim.Fault{Status: status})
			defer e.sim.SetFault(personsim.Fault{})
			_, err := c.GetByNIN(context.Background(), auth, ninRich, []person.InformationPart{person.PartName}, false)
			var pe *person.ProblemError
			if !errors.Is(err, upstream.ErrUnavailable) || !errors.As(err, &pe) || pe.Status != status {
				t.Errorf("err = %v, want upstream.ErrUnavailable with status %d", err, status)
			}
			_, err = c.Events(context.Background(), auth, 1, nil)
			if !errors.Is(err, upstream.ErrUnavailable) {
				t.Errorf("events: err = %v, want upstream.ErrUnavailable", err)
			}
		})
	}
	if _, err := c.GetByNIN(context.Background(), auth, ninRich, []person.InformationPart{person.PartName}, false); err != nil {
		t.Errorf("after the fault is cleared: %v", err)
	}
}

func TestS32_UpstreamHangsCutByDeadline(t *testing.T) {
	e := newEnv(t)
	auth := e.login(t, scopeFull)
	c := e.client(t, person.FullAccess)
	// The simulator would wait an hour; the caller's deadline decides.
	e.sim.SetFault(personsim.Fault{Latency: time.Hour})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := c.GetByNIN(ctx, auth, ninRich, []person.InformationPart{person.PartName}, false)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want context.DeadlineExceeded", err)
	}
	if errors.Is(err, upstream.ErrUnavailable) || errors.Is(err, upstream.ErrMalformed) {
		t.Errorf("err = %v: a timeout is not reported as another failure", err)
	}
	e.sim.SetFault(personsim.Fault{})
	if _, err := c.GetByNIN(context.Background(), auth, ninRich, []person.InformationPart{person.PartName}, false); err != nil {
		t.Errorf("after the hang: %v", err)
	}
}

func TestS33_MalformedBodies(t *testing.T) {
	e := newEnv(t)
	auth := e.login(t, scopeFull)
	c := e.client(t, person.FullAccess)
	ctx := context.Background()
	parts := []person.InformationPart{person.PartName, person.PartResidentialAddress}
	calls := map[string]func() error{
		"get by nin": func() error { _, err := c.GetByNIN(ctx, auth, ninRich, parts, true); return err },
		"bulk":       func() error { _, err := c.BulkByNIN(ctx, auth, []string{ninRich, ninChild}, parts); return err },
		"search": func() error {
			_, err := c.Search(ctx, auth, person.SearchQuery{FullName: "vakker", BirthDate: "1974"}, parts)
			return err
		},
		"latest event": func() error { _, err := c.LatestEvent(ctx, auth); return err },
	}
	for _, kind := range []string{personsim.MalformedTruncated, personsim.MalformedWrongContentType, personsim.MalformedEmpty, personsim.MalformedOversized} {
		for name, call := range calls {
			t.Run(kind+"/"+name, func(t *testing.T) {
				e.sim.SetFault(personsim.Fault{Malformed: kind})
				defer e.sim.SetFault(personsim.Fault{})
				if err := call(); !errors.Is(err, upstream.ErrMalformed) {
					t.Errorf("err = %v, want ErrMalformed", err)
				}
			})
		}
	}
}

// TestS35_PartialFault: a fault that hits only requests for KRR leaves the
// other parts' requests working.
func TestS35_PartialFault(t *testing.T) {
	e := newEnv(t)
	auth := e.login(t, scopeFull)
	c := e.client(t, person.FullAccess)
	ctx := context.Background()
	e.sim.SetFault(personsim.Fault{Status: http.StatusInternalServerError, Parts: []person.InformationPart{person.PartCommonContactRegisterInformation}})

	if _, err := c.GetByNIN(ctx, auth, ninRich, []person.InformationPart{person.PartName, person.PartBirth}, false); err != nil {
		t.Errorf("request without KRR: %v", err)
	}
	_, err := c.GetByNIN(ctx, auth, ninRich, []person.InformationPart{person.PartCommonContactRegisterInformation}, false)
	if !errors.Is(err, upstream.ErrUnavailable) {
		t.Errorf("request with KRR: err = %v, want upstream.ErrUnavailable", err)
	}
	if got := e.sim.Stats().Faulted; got != 1 {
		t.Errorf("Faulted = %d, want 1", got)
	}
}

func TestSearch(t *testing.T) {
	e := newEnv(t)
	auth := e.login(t, scopeFull)
	c := e.client(t, person.FullAccess)
	parts := []person.InformationPart{person.PartName}

	t.Run("validation", func(t *testing.T) {
		cases := []struct {
			name  string
			q     person.SearchQuery
			title string // "" = accepted
		}{
			{"no name", person.SearchQuery{BirthDate: "1974"}, "At least one of"},
			{"two letters", person.SearchQuery{GivenName: "Va", BirthDate: "1974"}, "at least 3 letters"},
			{"three letters across names", person.SearchQuery{GivenName: "Va", FamilyName: "B", BirthDate: "1974"}, ""},
			{"name only", person.SearchQuery{FullName: "Vakker Blomst"}, "BirthDate, MunicipalityNumber or a StreetAddress"},
			{"street of two letters", person.SearchQuery{FullName: "Vakker", StreetAddress: "He 1"}, "BirthDate, MunicipalityNumber or a StreetAddress"},
			{"street of three letters", person.SearchQuery{FullName: "Vakker", StreetAddress: "Hel"}, ""},
			{"municipality", person.SearchQuery{FamilyName: "Blomst", MunicipalityNumber: "5001"}, ""},
			{"birth year and month", person.SearchQuery{FullName: "Vakker", BirthDate: "1974-05"}, ""},
			{"bad month", person.SearchQuery{FullName: "Vakker", BirthDate: "1974-13"}, "BirthDate must be"},
			{"bad day", person.SearchQuery{FullName: "Vakker", BirthDate: "1974-02-30"}, "BirthDate must be"},
			{"short postal code", person.SearchQuery{FullName: "Vakker", BirthDate: "1974", PostalCode: "70"}, "PostalCode"},
			{"letters in municipality", person.SearchQuery{FullName: "Vakker", MunicipalityNumber: "03a1"}, "MunicipalityNumber"},
			{"unknown gender", person.SearchQuery{FullName: "Vakker", BirthDate: "1974", Gender: "Other"}, "Gender"},
			{"digits in a name", person.SearchQuery{GivenName: "V4kker", BirthDate: "1974"}, "only letters"},
			{"markup in a name", person.SearchQuery{FullName: "<script>", BirthDate: "1974"}, "only letters"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				_, err := c.Search(context.Background(), auth, tc.q, parts)
				if tc.title == "" {
					if err != nil {
						t.Errorf("Search: %v, want accepted", err)
					}
					return
				}
				var pe *person.ProblemError
				if !errors.Is(err, upstream.ErrBadRequest) || !errors.As(err, &pe) || !strings.Contains(pe.Problem.Title, tc.title) {
					t.Errorf("err = %v, want 400 with a title containing %q", err, tc.title)
				}
			})
		}
	})

	t.Run("matching", func(t *testing.T) {
		cases := []struct {
			name string
			q    person.SearchQuery
			want []string // person ids
		}{
			{"full name in any order", person.SearchQuery{FullName: "blomst VAKKER", BirthDate: "1974"}, []string{richPerson().ID}},
			{"prefixes of name parts", person.SearchQuery{FullName: "bl va ro", BirthDate: "1974"}, []string{richPerson().ID}},
			{"only the first three words", person.SearchQuery{FullName: "vakker blomst rosa xyz", BirthDate: "1974"}, []string{richPerson().ID}},
			{"not a prefix", person.SearchQuery{FullName: "akker", BirthDate: "1974"}, nil},
			{"Norwegian letters, any case", person.SearchQuery{FullName: "ØYS ærl sæther", BirthDate: "2015"}, []string{"child"}},
			{"given name and birth month", person.SearchQuery{GivenName: "vak", BirthDate: "1974-05"}, []string{richPerson().ID}},
			{"wrong birth day", person.SearchQuery{GivenName: "vak", BirthDate: "1974-05-14"}, nil},
			{"municipality", person.SearchQuery{FamilyName: "blo", MunicipalityNumber: "5001"}, []string{richPerson().ID}},
			{"street and house", person.SearchQuery{FamilyName: "blomst", StreetAddress: "hellhaugan 160b"}, []string{richPerson().ID}},
			{"gender", person.SearchQuery{FullName: "øystein", BirthDate: "2015", Gender: person.GenderFemale}, nil},
			{"historic name", person.SearchQuery{FamilyName: "Knopp", BirthDate: "1974"}, nil},
			{"felles hjelpenummer included on request", person.SearchQuery{FullName: "vakker blomst", BirthDate: "1974", IncludeAinResults: true}, []string{richPerson().ID, "alternate"}},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				res, err := c.Search(context.Background(), auth, tc.q, parts)
				if err != nil {
					t.Fatalf("Search: %v", err)
				}
				var ids []string
				for _, p := range res.Results {
					ids = append(ids, p.ID)
				}
				if !slices.Equal(ids, tc.want) {
					t.Errorf("ids = %v, want %v", ids, tc.want)
				}
			})
		}
	})

	t.Run("at most 100 results", func(t *testing.T) {
		res, err := c.Search(context.Background(), auth, person.SearchQuery{FullName: "masse", BirthDate: "1990"}, parts)
		if err != nil {
			t.Fatalf("Search: %v", err)
		}
		if got, want := len(res.Results), 100; got != want {
			t.Errorf("%d results, want %d", got, want)
		}
		if res.StartIndex != 0 || res.EndIndex != 99 {
			t.Errorf("startIndex %d endIndex %d, want 0 and 99", res.StartIndex, res.EndIndex)
		}
	})

	t.Run("search values not in the URL", func(t *testing.T) {
		c.Search(context.Background(), auth, person.SearchQuery{FullName: "Vakker", BirthDate: "1974-05-13"}, parts)
		ex := e.rec.last(t)
		if strings.Contains(ex.url, "Vakker") || strings.Contains(ex.url, "1974") || !strings.Contains(ex.reqBody, "FullName=Vakker") {
			t.Errorf("URL %q body %q: want the values in the body only", ex.url, ex.reqBody)
		}
	})
}

func TestBulkByNIN(t *testing.T) {
	e := newEnv(t)
	auth := e.login(t, scopeFull)
	c := e.client(t, person.FullAccess)
	ctx := context.Background()
	parts := []person.InformationPart{person.PartName}

	var nins []string
	for i := range massSize {
		nins = append(nins, massNIN(i))
		if i%3 == 0 {
			nins = append(nins, "3"+massNIN(i)[1:]) // unknown
		}
	}
	before := e.sim.Stats().BulkByNIN
	got, err := c.BulkByNIN(ctx, auth, nins, parts)
	if err != nil {
		t.Fatalf("BulkByNIN: %v", err)
	}
	if calls, want := e.sim.Stats().BulkByNIN-before, (len(nins)+99)/100; calls != want {
		t.Errorf("%d calls for %d numbers, want %d", calls, len(nins), want)
	}
	if len(got) != massSize {
		t.Fatalf("%d persons, want %d (unknown numbers absent)", len(got), massSize)
	}
	for i, p := range got {
		if want := fmt.Sprintf("mass-%d", i); p.ID != want {
			t.Errorf("result %d is %s, want %s (the order of the request)", i, p.ID, want)
			break
		}
	}

	// The simulator enforces the limit the client splits for.
	form := url.Values{"nins": nins[:101]}
	if status, _ := e.raw(t, auth, http.MethodPost, "/api/v3/full-access/person/bulk-by-nin", url.Values{"informationParts": {"Name"}}, form); status != http.StatusBadRequest {
		t.Errorf("101 numbers: status %d, want 400", status)
	}

	// Current and historic number of one person: one document.
	got, err = c.BulkByNIN(ctx, auth, []string{ninRich, ninRichOld}, parts)
	if err != nil || len(got) != 1 {
		t.Errorf("current + historic number: %d persons, err %v; want 1", len(got), err)
	}
	if got, err := c.BulkByNIN(ctx, auth, nil, parts); err != nil || len(got) != 0 {
		t.Errorf("no numbers: %v, %v; want nothing and no call", got, err)
	}
}

func TestEvents(t *testing.T) {
	e := newEnv(t)
	auth := e.login(t, scopeFull)
	c := e.client(t, person.FullAccess)
	ctx := context.Background()

	latest, err := c.LatestEvent(ctx, auth)
	if err != nil {
		t.Fatalf("LatestEvent: %v", err)
	}
	if latest.SequenceNumber != "3" || latest.EventType != person.EventChangeInResidentialAddress {
		t.Errorf("LatestEvent = %+v, want sequence 3", latest)
	}
	res, err := c.Events(ctx, auth, 2, nil)
	if err != nil {
		t.Fatalf("Events: %v", err)
	}
	if len(res.Results) != 2 || res.Results[0].SequenceNumber != "2" {
		t.Errorf("Events(2) = %+v, want sequences 2 and 3", res.Results)
	}
	res, err = c.Events(ctx, auth, 0, []person.EventType{person.EventChangeInName})
	if err != nil {
		t.Fatalf("Events: %v", err)
	}
	if len(res.Results) != 1 || res.Results[0].PersonID != "child" {
		t.Errorf("Events(ChangeInName) = %+v, want the child's name change", res.Results)
	}
	if ex := e.rec.last(t); ex.method != http.MethodGet || !strings.Contains(ex.url, "/api/v3/full-access/event?") {
		t.Errorf("request %s %s, want GET /api/v3/full-access/event", ex.method, ex.url)
	}
}

func TestNew_Validates(t *testing.T) {
	cases := []struct {
		base  string
		scope person.Scope
	}{
		{"", person.FullAccess},
		{"et.persontjenesten.test.nhn.no", person.FullAccess},
		{"ftp://et.persontjenesten.test.nhn.no", person.FullAccess},
		{"https://et.persontjenesten.test.nhn.no?x=1", person.FullAccess},
		{"https://et.persontjenesten.test.nhn.no", "legal-basis"},
	}
	for _, tc := range cases {
		if _, err := person.New(tc.base, tc.scope, nil); err == nil {
			t.Errorf("New(%q, %q) succeeded, want an error", tc.base, tc.scope)
		}
	}
	if _, err := person.New("https://et.persontjenesten.test.nhn.no/", person.RestrictedAccess, nil); err != nil {
		t.Errorf("New(valid): %v", err)
	}
}

// jwtPayload decodes a compact JWT's payload without verifying it.
func jwtPayload(t *testing.T, token string) map[string]any {
	t.Helper()
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		t.Fatalf("not a compact JWT: %d parts", len(parts))
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatalf("payload: %v", err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("payload: %v", err)
	}
	return m
}
