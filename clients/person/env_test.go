package person_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"

	"github.com/oppslag/oppslag/clients/helseid"
	"github.com/oppslag/oppslag/clients/helseid/helseidsim"
	"github.com/oppslag/oppslag/clients/person"
	"github.com/oppslag/oppslag/clients/person/personsim"
)

const (
	clientID    = "oppslag-person-test"
	redirectURL = "https://portal.test/auth/callback"
)

var identityScopes = []string{
	"openid", "profile", "offline_access",
	"helseid://scopes/identity/pid",
	"helseid://scopes/identity/security_level",
	"helseid://scopes/hpr/hpr_number",
}

var (
	scopeFull       = person.FullAccess.OAuthScope()
	scopeRestricted = person.RestrictedAccess.OAuthScope()
)

// exchange is one recorded call to the Person API.
type exchange struct {
	method, url string
	header      http.Header
	reqBody     string
	status      int
	respBody    []byte
}

// recorder is the Person client's transport: it keeps every request and
// response so tests can look at the wire.
type recorder struct {
	base http.RoundTripper
	mu   sync.Mutex
	log  []exchange
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	ex := exchange{method: req.Method, url: req.URL.String(), header: req.Header.Clone()}
	if req.Body != nil {
		b, _ := io.ReadAll(req.Body)
		req.Body = io.NopCloser(bytes.NewReader(b))
		ex.reqBody = string(b)
	}
	resp, err := r.base.RoundTrip(req)
	if err == nil {
		b, rerr := io.ReadAll(resp.Body)
		resp.Body.Close()
		ex.status, ex.respBody = resp.StatusCode, b
		if rerr != nil {
			resp.Body = io.NopCloser(io.MultiReader(bytes.NewReader(b), errReader{rerr}))
		} else {
			resp.Body = io.NopCloser(bytes.NewReader(b))
		}
	}
	r.mu.Lock()
	r.log = append(r.log, ex)
	r.mu.Unlock()
	return resp, err
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

func (r *recorder) all() []exchange {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]exchange(nil), r.log...)
}

func (r *recorder) last(t *testing.T) exchange {
	t.Helper()
	all := r.all()
	if len(all) == 0 {
		t.Fatal("no request reached the Person API")
	}
	return all[len(all)-1]
}

// env is a HelseID simulator issuing real DPoP-bound tokens and a Person API
// simulator that verifies them, over the test population.
type env struct {
	idp  *helseidsim.Server
	iss  string
	key  jose.JSONWebKey
	sim  *personsim.Server
	base string
	rec  *recorder
}

func newEnv(t *testing.T) *env {
	t.Helper()
	idpSrv := httptest.NewUnstartedServer(nil)
	iss := "http://" + idpSrv.Listener.Addr().String()
	idp, err := helseidsim.New(iss, helseidsim.Options{})
	if err != nil {
		t.Fatalf("helseidsim.New: %v", err)
	}
	idpSrv.Config.Handler = idp
	idpSrv.Start()
	t.Cleanup(idpSrv.Close)

	key, err := helseid.GenerateKey()
	if err != nil {
		t.Fatalf("GenerateKey: %v", err)
	}
	idp.RegisterClient(helseidsim.Client{
		ID:           clientID,
		Keys:         []jose.JSONWebKey{key.Public()},
		RedirectURIs: []string{redirectURL},
		Scopes:       append([]string{scopeFull, scopeRestricted}, identityScopes...),
	})

	apiSrv := httptest.NewUnstartedServer(nil)
	base := "http://" + apiSrv.Listener.Addr().String()
	sim := personsim.New(base, personsim.NewMemoryRegistry(population(), testEvents()), idp)
	apiSrv.Config.Handler = sim
	apiSrv.Start()
	t.Cleanup(apiSrv.Close)

	return &env{idp: idp, iss: iss, key: key, sim: sim, base: base, rec: &recorder{base: http.DefaultTransport}}
}

// client returns a Person client for scope that records its traffic.
func (e *env) client(t *testing.T, scope person.Scope) *person.Client {
	t.Helper()
	c, err := person.New(e.base, scope, &http.Client{Transport: e.rec, Timeout: 30 * time.Second})
	if err != nil {
		t.Fatalf("person.New: %v", err)
	}
	return c
}

// sessionAuth adapts a helseid.Client and a user's TokenSet to person.Auth,
// as the portal's handlers do.
type sessionAuth struct {
	c  *helseid.Client
	mu sync.Mutex
	ts helseid.TokenSet
}

func (a *sessionAuth) AccessToken(ctx context.Context, audience string) (string, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	tok, _, err := a.c.AccessToken(ctx, &a.ts, audience)
	return tok, err
}

func (a *sessionAuth) Proof(method, targetURL, accessToken string) (string, error) {
	return a.c.Proof(method, targetURL, accessToken)
}

// login logs the doctor persona in through the HelseID simulator with the
// given Person API scopes and returns the session as a person.Auth.
func (e *env) login(t *testing.T, apiScopes ...string) *sessionAuth {
	t.Helper()
	c, err := helseid.New(helseid.Config{
		Issuer:      e.iss,
		ClientID:    clientID,
		Key:         e.key,
		RedirectURL: redirectURL,
		Scopes:      append(append([]string(nil), identityScopes...), apiScopes...),
		Resources:   []string{person.Audience},
		HTTPClient:  &http.Client{Timeout: 10 * time.Second},
	})
	if err != nil {
		t.Fatalf("helseid.New: %v", err)
	}
	ctx := context.Background()
	ar, err := c.PushAuthorization(ctx, "doctor")
	if err != nil {
		t.Fatalf("PushAuthorization: %v", err)
	}
	browser := &http.Client{CheckRedirect: func(req *http.Request, _ []*http.Request) error {
		if strings.HasPrefix(req.URL.String(), redirectURL) {
			return http.ErrUseLastResponse
		}
		return nil
	}}
	resp, err := browser.Get(ar.AuthorizeURL)
	if err != nil {
		t.Fatalf("GET authorize: %v", err)
	}
	resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || !strings.HasPrefix(loc.String(), redirectURL) {
		t.Fatalf("authorize answered %d, Location %q; want a redirect to the callback", resp.StatusCode, resp.Header.Get("Location"))
	}
	l, err := c.Exchange(ctx, ar, loc.Query())
	if err != nil {
		t.Fatalf("Exchange: %v", err)
	}
	return &sessionAuth{c: c, ts: l.Tokens}
}

// raw sends a request to the Person API simulator with auth's token and a
// proper proof, bypassing the client's own checks.
func (e *env) raw(t *testing.T, auth person.Auth, method, path string, query, form url.Values) (int, string) {
	t.Helper()
	target := e.base + path
	tok, err := auth.AccessToken(context.Background(), person.Audience)
	if err != nil {
		t.Fatalf("AccessToken: %v", err)
	}
	proof, err := auth.Proof(method, target, tok)
	if err != nil {
		t.Fatalf("Proof: %v", err)
	}
	if len(query) > 0 {
		target += "?" + query.Encode()
	}
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, target, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.Header.Set("Authorization", "DPoP "+tok)
	req.Header.Set("DPoP", proof)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// massNIN is the identity number of the i-th person of the bulk population.
func massNIN(i int) string { return fmt.Sprintf("2%010d", i) }

const massSize = 150

// population is the simulator's registry for the tests.
func population() []*person.Person {
	name := func(valid bool, given, middle, family string) person.PersonName {
		return person.PersonName{Meta: person.Meta{IsValid: person.Bool(valid)}, GivenName: given, MiddleName: middle, FamilyName: family}
	}
	nin := func(n string, typ person.IdentificationNumberType) []person.NorwegianIdentificationNumber {
		return []person.NorwegianIdentificationNumber{{Meta: person.Meta{IsValid: person.Bool(true)}, Status: person.IdentificationInUse, IdentificationNumber: n, IdentificationNumberType: typ}}
	}
	birth := func(y int, m time.Month, d int) []person.Birth {
		return []person.Birth{{Meta: person.Meta{IsValid: person.Bool(true)}, BirthDate: person.Date(y, m, d)}}
	}
	current := person.Meta{IsValid: person.Bool(true)}
	secretStreet := func() *person.StreetAddress {
		return &person.StreetAddress{MunicipalityNumber: "0301", AddressName: "Hemmeligveien", AddressNumber: &person.AddressNumber{HouseNumber: "7"},
			City: &person.City{CityName: "OSLO", PostalCode: "0150"}}
	}
	krr := &person.CommonContactRegisterInformation{Reservation: person.ReservationNo, Status: person.KRRActive,
		ContactInformation: &person.KRRContactInformation{Email: "hemmelig@example.test", PhoneNumber: "+4790000000"}}

	protected := &person.Person{
		ID:                            "protected",
		NorwegianIdentificationNumber: nin(ninProtected, person.NationalIdentityNumber),
		Name:                          []person.PersonName{name(true, "Skjult", "", "Person")},
		Birth:                         birth(1980, 1, 1),
		AddressProtection:             []person.AddressProtection{{Meta: current, ProtectionLevel: person.StrictlyConfidential}},
		ResidentialAddress: []person.ResidentialAddress{
			{Meta: current, StreetAddress: secretStreet(), AddressConfidentiality: person.StrictlyConfidential,
				District: person.District{FullBasicStatisticalUnitNumber: "03010101", UrbanDistrictName: "Hemmelig bydel"}},
			// Historic address from before the protection: still the person's whereabouts.
			{Meta: person.Meta{IsValid: person.Bool(false)}, StreetAddress: secretStreet(), AddressConfidentiality: person.Unclassified},
		},
		PresentAddress:                   []person.PresentAddress{{Meta: current, StreetAddress: secretStreet(), AddressConfidentiality: person.StrictlyConfidential}},
		SharedResidence:                  []person.SharedResidence{{Meta: current, StreetAddress: secretStreet(), AddressConfidentiality: person.StrictlyConfidential}},
		PostalAddress:                    []person.ContactAddress{{Meta: current, AddressConfidentiality: person.Unclassified, FreeFormPostalAddress: &person.FreeFormPostalAddress{AddressLine: []string{"Hemmeligveien 7"}}}},
		ForeignPostalAddress:             []person.ForeignContactAddress{{Meta: current, FreeFormForeignAddress: &person.FreeFormInternationalAddress{AddressLine: []string{"Hemmelig gate 1"}, CountryCode: "SE"}}},
		CommonContactRegisterInformation: krr,
	}
	postalOnly := &person.Person{
		ID:                            "postal-only",
		NorwegianIdentificationNumber: nin(ninPostalOnly, person.NationalIdentityNumber),
		Name:                          []person.PersonName{name(true, "Åpen", "", "Postkasse")},
		Birth:                         birth(1980, 2, 2),
		ResidentialAddress: []person.ResidentialAddress{{Meta: current, AddressConfidentiality: person.Unclassified,
			StreetAddress: &person.StreetAddress{MunicipalityNumber: "0301", AddressName: "Åpenveien", City: &person.City{CityName: "OSLO", PostalCode: "0151"}}}},
		PostalAddress: []person.ContactAddress{
			{Meta: current, AddressConfidentiality: person.Unclassified, FreeFormPostalAddress: &person.FreeFormPostalAddress{AddressLine: []string{"Åpenveien 1"}}},
			{Meta: current, AddressConfidentiality: person.Confidential, FreeFormPostalAddress: &person.FreeFormPostalAddress{AddressLine: []string{"Hemmelig postboks 9"}}},
		},
		CommonContactRegisterInformation: krr,
	}
	child := &person.Person{
		ID:                            "child",
		NorwegianIdentificationNumber: nin(ninChild, person.NationalIdentityNumber),
		Name:                          []person.PersonName{name(true, "Øystein", "Ærlig", "Åsen-Sæther")},
		Gender:                        []person.PersonGender{{Meta: current, Gender: person.GenderMale}},
		Birth:                         birth(2015, 3, 3),
		ResidentialAddress: []person.ResidentialAddress{{Meta: current, AddressConfidentiality: person.Unclassified,
			StreetAddress: &person.StreetAddress{MunicipalityNumber: "0301", AddressName: "Storgata", AddressNumber: &person.AddressNumber{HouseNumber: "1"}}}},
	}
	alternate := &person.Person{
		ID:                            "alternate",
		NorwegianIdentificationNumber: nin(ninAlternate, person.AlternateIdentificationNumber),
		Name:                          []person.PersonName{name(true, "Vakker", "", "Blomst")},
		Birth:                         birth(1974, 9, 9),
	}
	out := []*person.Person{richPerson(), protected, postalOnly, child, alternate}
	for i := range massSize {
		out = append(out, &person.Person{
			ID:                            fmt.Sprintf("mass-%d", i),
			NorwegianIdentificationNumber: nin(massNIN(i), person.NationalIdentityNumber),
			Name:                          []person.PersonName{name(true, "Masse", "", fmt.Sprintf("Person%c", 'a'+rune(i%26)))},
			Birth:                         birth(1990, 1, 1+i%28),
		})
	}
	return out
}

func testEvents() []person.EventDocument {
	return []person.EventDocument{
		{SequenceNumber: "1", PersonID: "3f9c", EventType: person.EventPersonIsCreated},
		{SequenceNumber: "2", PersonID: "child", EventType: person.EventChangeInName},
		{SequenceNumber: "3", PersonID: "3f9c", EventType: person.EventChangeInResidentialAddress},
	}
}

// foreignSigner is a HelseID client with a key of its own, for proofs no
// token is bound to.
func foreignSigner(t *testing.T, e *env) *helseid.Client {
	t.Helper()
	key, err := helseid.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	c, err := helseid.New(helseid.Config{Issuer: e.iss, ClientID: "stranger", Key: key, RedirectURL: redirectURL, Scopes: identityScopes})
	if err != nil {
		t.Fatalf("helseid.New: %v", err)
	}
	return c
}
