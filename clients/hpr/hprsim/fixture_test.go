package hprsim_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/oppslag/oppslag/clients/clocktest"
	"github.com/oppslag/oppslag/clients/hpr"
	"github.com/oppslag/oppslag/clients/hpr/hprsim"
)

// source is a small in-memory register for the tests.
type source struct{ entries []hpr.Personnel }

func (s *source) Personnel(n int) (hpr.Personnel, bool) {
	for _, p := range s.entries {
		if p.HPRNumber == n {
			return p, true
		}
	}
	return hpr.Personnel{}, false
}

func (s *source) PersonnelByNIN(nin string) (hpr.Personnel, bool) {
	for _, p := range s.entries {
		if p.Person.NIN != "" && p.Person.NIN == nin {
			return p, true
		}
	}
	return hpr.Personnel{}, false
}

func (s *source) SearchPersonnel(surname string, birth hpr.Date) []hpr.Personnel {
	var out []hpr.Personnel
	for _, p := range s.entries {
		if strings.EqualFold(p.Person.FamilyName, surname) && p.Person.BirthDate.Equal(birth.Time) {
			out = append(out, p)
		}
	}
	return out
}

func (s *source) EachPersonnel(fn func(hpr.Personnel) bool) {
	for _, p := range s.entries {
		if !fn(p) {
			return
		}
	}
}

func (s *source) PersonnelCount() int { return len(s.entries) }

var _ hprsim.Source = (*source)(nil)

func kode(set int, setName, value, name string) hpr.Code {
	return hpr.Code{Name: name, Value: value, CodeSet: hpr.CodeSet{ID: set, Name: setName}}
}

var (
	catLE   = kode(hpr.CodeSetCategory, "Kategori helsepersonell", "LE", "Lege")
	catSP   = kode(hpr.CodeSetCategory, "Kategori helsepersonell", "SP", "Sykepleier")
	authAut = kode(hpr.CodeSetAuthorization, "Godkjenningstype", "1", "Autorisasjon")
	authLis = kode(hpr.CodeSetAuthorization, "Godkjenningstype", "2", "Lisens")
	susp    = kode(7706, "Administrativ reaksjon", "1", "Suspensjon")
	ended   = kode(7705, "Avsluttet status", "3", "Tilbakekalt")
)

func date(y int, m time.Month, d int) hpr.Date { return hpr.NewDate(y, m, d) }

func intp(n int) *int { return &n }

// The fixture: a rich entry, a suspended one, a deceased one, a replaced
// one and a licence about to expire. "Today" is 2026-03-02.
const (
	nRich      = 1000001
	nSuspended = 1000002
	nDeceased  = 1000003
	nReplaced  = 1000004
	nLicence   = 1000005
	ninRich    = "12057900499"
)

func fixture() *source {
	updated := hpr.DateTime{Time: time.Date(2025, 11, 3, 14, 22, 5, 0, hpr.Oslo)}
	rich := hpr.Personnel{
		Person: hpr.PersonData{
			GivenName: "Kari", MiddleName: "Fjell", FamilyName: "Nordmann",
			BirthDate: date(1979, 5, 12), NIN: ninRich,
		},
		HPRNumber: nRich,
		Approvals: []hpr.Approval{
			{
				Category: catLE, Authorization: authAut,
				Period:         hpr.Period{From: date(2005, 8, 1)},
				InternshipDate: date(2006, 9, 1),
				RequisitionRights: []hpr.Right{{
					Type:      kode(7702, "Rekvisisjonsrett", "1", "Full rekvisisjonsrett"),
					Period:    hpr.Period{From: date(2005, 8, 1)},
					Reactions: []hpr.Reaction{{Type: susp, Period: hpr.Period{From: date(2010, 1, 1), To: date(2010, 6, 30)}}},
				}},
				Specialities: []hpr.Right{
					{Type: kode(7426, "Spesialitet", "1", "Allmennmedisin"), Period: hpr.Period{From: date(2012, 3, 1)}},
					{Type: kode(7426, "Spesialitet", "40", "Psykiatri"), Period: hpr.Period{From: date(2008, 1, 1), To: date(2011, 12, 31)}, Ended: &ended},
				},
				Competences: []hpr.Right{{Type: kode(7427, "Tilleggskompetanse", "1", "Akuttmedisin"), Period: hpr.Period{From: date(2015, 1, 1)}}},
				Conditions:  []hpr.Condition{{Type: kode(7703, "Vilkår", "1", "Begrenset til stilling")}},
			},
			{
				Category: catSP, Authorization: authAut,
				Period: hpr.Period{From: date(1999, 6, 1), To: date(2005, 7, 31)},
				Ended:  &ended,
			},
		},
		LastUpdated: updated,
	}
	suspended := hpr.Personnel{
		Person:      hpr.PersonData{GivenName: "Ola", FamilyName: "Hansen", BirthDate: date(1970, 1, 1), NIN: "01017012345"},
		HPRNumber:   nSuspended,
		Approvals:   []hpr.Approval{{Category: catLE, Authorization: authAut, Period: hpr.Period{From: date(1996, 1, 1)}}},
		Reactions:   []hpr.Reaction{{Type: susp, Period: hpr.Period{From: date(2026, 1, 1)}}},
		LastUpdated: updated,
	}
	deceased := hpr.Personnel{
		Person:      hpr.PersonData{GivenName: "Per", FamilyName: "Nordmann", BirthDate: date(1979, 5, 12), DeathDate: date(2025, 6, 1), NIN: "12057911111"},
		HPRNumber:   nDeceased,
		Approvals:   []hpr.Approval{{Category: catSP, Authorization: authAut, Period: hpr.Period{From: date(2001, 1, 1)}}},
		LastUpdated: updated,
	}
	replaced := hpr.Personnel{
		Person:      hpr.PersonData{GivenName: "Anne", FamilyName: "Berg", BirthDate: date(1985, 2, 3), NIN: "03028512345"},
		HPRNumber:   nReplaced,
		ReplacedBy:  intp(nLicence),
		LastUpdated: updated,
	}
	licence := hpr.Personnel{
		Person:      hpr.PersonData{GivenName: "Anne", FamilyName: "Berg", BirthDate: date(1985, 2, 3), MissingNIN: true},
		HPRNumber:   nLicence,
		Approvals:   []hpr.Approval{{Category: catLE, Authorization: authLis, Period: hpr.Period{From: date(2025, 4, 16), To: date(2026, 4, 15)}}},
		LastUpdated: updated,
	}
	return &source{entries: []hpr.Personnel{rich, suspended, deceased, replaced, licence}}
}

// verifier accepts the tokens it was told about.
type verifier map[string]grantee

type grantee struct {
	client string
	scopes []string
}

func (v verifier) VerifyAccessToken(token string) (string, []string, error) {
	g, ok := v[token]
	if !ok {
		return "", nil, errors.New("unknown token")
	}
	return g.client, slices.Clone(g.scopes), nil
}

// Tokens known to the test verifier.
const (
	tokBasic    = "token-basic"
	tokExtended = "token-extended"
	tokExport   = "token-export"
	tokOther    = "token-other-client"
)

func testVerifier() verifier {
	return verifier{
		tokBasic:    {"client-a", []string{hpr.ScopeBasic}},
		tokExtended: {"client-a", []string{hpr.ScopeBasic, hpr.ScopeExtended}},
		tokExport:   {"client-a", []string{hpr.ScopeExport}},
		tokOther:    {"client-b", []string{hpr.ScopeBasic}},
	}
}

type env struct {
	sim   *hprsim.Server
	clock *clocktest.Clock
	url   string
}

func newEnv(t *testing.T, opts hprsim.Options) *env {
	t.Helper()
	c := clocktest.New(time.Date(2026, 3, 2, 8, 30, 0, 0, time.UTC))
	opts.Now = c.Now
	sim := hprsim.New(fixture(), testVerifier(), opts)
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	return &env{sim: sim, clock: c, url: srv.URL}
}

type answer struct {
	status int
	header http.Header
	body   []byte
}

func (a answer) problem(t *testing.T) hpr.ProblemDetails {
	t.Helper()
	if got := a.header.Get("Content-Type"); !strings.HasPrefix(got, "application/problem+json") {
		t.Errorf("Content-Type: got %q, want application/problem+json", got)
	}
	var pd hpr.ProblemDetails
	if err := json.Unmarshal(a.body, &pd); err != nil {
		t.Fatalf("body is not ProblemDetails: %v: %s", err, a.body)
	}
	if pd.Status != a.status || pd.Title == "" || pd.Type == "" {
		t.Errorf("ProblemDetails: got %+v, want status %d with a type and title", pd, a.status)
	}
	return pd
}

func (e *env) do(t *testing.T, method, path, token, contentType string, body []byte) answer {
	t.Helper()
	req, err := http.NewRequest(method, e.url+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return answer{status: resp.StatusCode, header: resp.Header, body: b}
}

func (e *env) get(t *testing.T, path, token string) answer {
	t.Helper()
	return e.do(t, http.MethodGet, path, token, "", nil)
}
