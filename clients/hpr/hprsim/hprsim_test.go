package hprsim_test

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/oppslag/oppslag/clients/hpr"
	"github.com/oppslag/oppslag/clients/hpr/hprsim"
	"github.com/oppslag/oppslag/clients/hpr/maskinportensim"
	"github.com/oppslag/oppslag/clients/sanitize"
)

// The Maskinporten simulator is the verifier the HPR simulator runs with.
var _ hprsim.TokenVerifier = (*maskinportensim.Server)(nil)

func keysOf(t *testing.T, v any) []string {
	t.Helper()
	m, ok := v.(map[string]any)
	if !ok {
		t.Fatalf("not an object: %v", v)
	}
	return slices.Sorted(maps.Keys(m))
}

func sorted(s ...string) []string { slices.Sort(s); return s }

// TestContract_FieldNames checks the exact Norwegian field names of a
// served entry at every level of HelsepersonUtvidet (upstreams.md §3.3).
func TestContract_FieldNames(t *testing.T) {
	e := newEnv(t, hprsim.Options{})
	a := e.get(t, fmt.Sprintf("/v1/personerutvidet/%d?includeHistory=true", nRich), tokExtended)
	if a.status != http.StatusOK {
		t.Fatalf("status: got %d, want 200: %s", a.status, a.body)
	}
	if got := a.header.Get("Content-Type"); !strings.HasPrefix(got, "application/json") {
		t.Errorf("Content-Type: got %q, want application/json", got)
	}
	var doc map[string]any
	if err := json.Unmarshal(a.body, &doc); err != nil {
		t.Fatal(err)
	}
	kodeKeys := sorted("navn", "verdi", "kodeverk")
	periodeKeys := sorted("fra", "til")
	checks := []struct {
		name string
		v    any
		want []string
	}{
		{"top level", doc, sorted("person", "hprNummer", "erstattetAvHprNummer", "godkjenninger", "administrativeReaksjoner", "sistOppdatert", "gjelderForDato")},
		{"person", doc["person"], sorted("fornavn", "mellomnavn", "etternavn", "fødselsdato", "dødsdato", "manglerNin", "nin")},
	}
	appr := doc["godkjenninger"].([]any)[0].(map[string]any)
	checks = append(checks, []struct {
		name string
		v    any
		want []string
	}{
		{"godkjenning", appr, sorted("helsepersonellkategori", "autorisasjon", "periode", "godkjentTurnusDato", "rekvisisjonsretter", "spesialistgodkjenninger", "tilleggskompetanser", "vilkår", "avsluttetStatus", "administrativeReaksjoner")},
		{"helsepersonellkategori", appr["helsepersonellkategori"], kodeKeys},
		{"kodeverk", appr["helsepersonellkategori"].(map[string]any)["kodeverk"], sorted("id", "navn")},
		{"periode", appr["periode"], periodeKeys},
		{"rekvisisjonsrett", appr["rekvisisjonsretter"].([]any)[0], sorted("type", "periode", "avsluttetStatus", "administrativeReaksjoner")},
		{"rekvisisjonsrett reaksjon", appr["rekvisisjonsretter"].([]any)[0].(map[string]any)["administrativeReaksjoner"].([]any)[0], sorted("type", "periode")},
		{"spesialistgodkjenning", appr["spesialistgodkjenninger"].([]any)[1], sorted("type", "periode", "avsluttetStatus")},
		{"tilleggskompetanse", appr["tilleggskompetanser"].([]any)[0], sorted("type", "periode", "avsluttetStatus")},
		{"vilkår", appr["vilkår"].([]any)[0], sorted("type")},
	}...)
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			if got := keysOf(t, c.v); !slices.Equal(got, c.want) {
				t.Errorf("keys: got %v, want %v", got, c.want)
			}
		})
	}

	values := []struct {
		name string
		got  any
		want any
	}{
		{"hprNummer", doc["hprNummer"], float64(nRich)},
		{"erstattetAvHprNummer", doc["erstattetAvHprNummer"], nil},
		{"gjelderForDato", doc["gjelderForDato"], "2026-03-02"},
		{"sistOppdatert", doc["sistOppdatert"], "2025-11-03T14:22:05"},
		{"person.nin", doc["person"].(map[string]any)["nin"], ninRich},
		{"person.fødselsdato", doc["person"].(map[string]any)["fødselsdato"], "1979-05-12"},
		{"person.dødsdato", doc["person"].(map[string]any)["dødsdato"], nil},
		{"person.manglerNin", doc["person"].(map[string]any)["manglerNin"], false},
		{"periode.til open", appr["periode"].(map[string]any)["til"], nil},
		{"periode.fra", appr["periode"].(map[string]any)["fra"], "2005-08-01"},
		{"kodeverk.id", appr["helsepersonellkategori"].(map[string]any)["kodeverk"].(map[string]any)["id"], float64(9060)},
		{"kategori verdi", appr["helsepersonellkategori"].(map[string]any)["verdi"], "LE"},
		{"autorisasjon kodeverk", appr["autorisasjon"].(map[string]any)["kodeverk"].(map[string]any)["id"], float64(7704)},
		{"avsluttetStatus null", appr["avsluttetStatus"], nil},
	}
	for _, v := range values {
		if v.got != v.want {
			t.Errorf("%s: got %v, want %v", v.name, v.got, v.want)
		}
	}

	// With history the answer is the source entry, but for gjelderForDato
	// and empty lists sent as [].
	want, _ := fixture().Personnel(nRich)
	want.ValidForDate = hpr.NewDate(2026, 3, 2)
	emptyLists(&want)
	var got hpr.Personnel
	if err := sanitize.DecodeJSON(a.body, &got); err != nil {
		t.Fatal(err)
	}
	if g, w := mustJSON(t, got), mustJSON(t, want); g != w {
		t.Errorf("served entry differs from the source:\n got %s\nwant %s", g, w)
	}
}

// emptyLists replaces nil lists with empty ones, as the simulator sends them.
func emptyLists(p *hpr.Personnel) {
	orEmpty := func(s *[]hpr.Reaction) {
		if *s == nil {
			*s = []hpr.Reaction{}
		}
	}
	orEmpty(&p.Reactions)
	for i := range p.Approvals {
		a := &p.Approvals[i]
		orEmpty(&a.Reactions)
		for _, l := range []*[]hpr.Right{&a.RequisitionRights, &a.Specialities, &a.Competences} {
			if *l == nil {
				*l = []hpr.Right{}
			}
		}
		if a.Conditions == nil {
			a.Conditions = []hpr.Condition{}
		}
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestContract_BasicCut: the basic shape is the extended one without
// personal data (nin, fødselsdato null, manglerNin false).
func TestContract_BasicCut(t *testing.T) {
	e := newEnv(t, hprsim.Options{})
	for _, n := range []int{nRich, nLicence} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			basic := e.get(t, fmt.Sprintf("/v1/personer/%d", n), tokBasic)
			ext := e.get(t, fmt.Sprintf("/v1/personerutvidet/%d", n), tokExtended)
			if basic.status != http.StatusOK || ext.status != http.StatusOK {
				t.Fatalf("status: basic %d, extended %d, want 200", basic.status, ext.status)
			}
			var b, x map[string]any
			json.Unmarshal(basic.body, &b)
			json.Unmarshal(ext.body, &x)
			bp, xp := b["person"].(map[string]any), x["person"].(map[string]any)
			for _, k := range []string{"nin", "fødselsdato"} {
				if v, ok := bp[k]; !ok || v != nil {
					t.Errorf("basic person.%s: got %v (present %v), want null", k, v, ok)
				}
			}
			if v := bp["manglerNin"]; v != nil && v != false {
				t.Errorf("basic person.manglerNin: got %v, want false or absent", v)
			}
			if xp["fødselsdato"] == nil {
				t.Error("extended person.fødselsdato is null")
			}
			// Everything else is the same.
			for _, k := range []string{"nin", "fødselsdato", "manglerNin"} {
				delete(bp, k)
				delete(xp, k)
			}
			if g, w := mustJSON(t, b), mustJSON(t, x); g != w {
				t.Errorf("basic differs from extended beyond personal data:\n got %s\nwant %s", g, w)
			}
		})
	}
	ext := e.get(t, fmt.Sprintf("/v1/personerutvidet/%d", nLicence), tokExtended)
	var x map[string]any
	json.Unmarshal(ext.body, &x)
	if got := x["person"].(map[string]any)["manglerNin"]; got != true {
		t.Errorf("extended manglerNin for a person without nin: got %v, want true", got)
	}
}

// TestContract_Scopes: 401 without or with a bad token (costing nothing),
// 403 for a missing scope, each as ProblemDetails.
func TestContract_Scopes(t *testing.T) {
	nin, _ := json.Marshal(hpr.NINRequest{NIN: ninRich})
	routes := []struct {
		name, method, path string
		body               []byte
	}{
		{"basic by number", http.MethodGet, "/v1/personer/1000001", nil},
		{"basic search", http.MethodGet, "/v1/personer?etternavn=Nordmann&foedselsdato=1979-05-12", nil},
		{"extended by number", http.MethodGet, "/v1/personerutvidet/1000001", nil},
		{"extended search", http.MethodGet, "/v1/personerutvidet?etternavn=Nordmann&foedselsdato=1979-05-12", nil},
		{"by nin", http.MethodPost, "/v1/personerutvidet", nin},
		{"export", http.MethodGet, "/v1/export", nil},
	}
	want := map[string]map[string]int{ // route → token → status
		"basic by number":    {"": 401, "bad": 401, tokBasic: 200, tokExtended: 200, tokExport: 200},
		"basic search":       {"": 401, "bad": 401, tokBasic: 200, tokExtended: 200, tokExport: 200},
		"extended by number": {"": 401, "bad": 401, tokBasic: 403, tokExtended: 200, tokExport: 200},
		"extended search":    {"": 401, "bad": 401, tokBasic: 403, tokExtended: 200, tokExport: 200},
		"by nin":             {"": 401, "bad": 401, tokBasic: 403, tokExtended: 200, tokExport: 200},
		"export":             {"": 401, "bad": 401, tokBasic: 403, tokExtended: 403, tokExport: 200},
	}
	e := newEnv(t, hprsim.Options{})
	for _, r := range routes {
		for _, tok := range []string{"", "bad", tokBasic, tokExtended, tokExport} {
			t.Run(r.name+"/"+tok, func(t *testing.T) {
				ct := ""
				if r.body != nil {
					ct = "application/json"
				}
				a := e.do(t, r.method, r.path, tok, ct, r.body)
				if got, want := a.status, want[r.name][tok]; got != want {
					t.Fatalf("status: got %d, want %d: %s", got, want, a.body)
				}
				switch a.status {
				case http.StatusUnauthorized:
					a.problem(t)
					if got := a.header.Get("WWW-Authenticate"); !strings.HasPrefix(got, "Bearer") {
						t.Errorf("WWW-Authenticate: got %q, want a Bearer challenge", got)
					}
				case http.StatusForbidden:
					a.problem(t)
					if got := a.header.Get("WWW-Authenticate"); !strings.Contains(got, "insufficient_scope") {
						t.Errorf("WWW-Authenticate: got %q, want insufficient_scope", got)
					}
				}
			})
		}
	}
	st := e.sim.Stats()
	if st.Unauthorized != 12 || st.Forbidden != 5 {
		t.Errorf("stats: got %d unauthorized, %d forbidden; want 12, 5", st.Unauthorized, st.Forbidden)
	}
	if got, want := st.Admitted, 6*3; got != want {
		t.Errorf("admitted: got %d, want %d (401s cost no token, 403s do)", got, want)
	}
	if st.ByNumber != 5 || st.Search != 5 || st.ExtendedByNumber != 5 || st.ExtendedSearch != 5 || st.ByNIN != 5 || st.Export != 5 {
		t.Errorf("per-route counts: got %+v, want 5 each", st)
	}
}

func TestContract_Routes(t *testing.T) {
	e := newEnv(t, hprsim.Options{BasePath: "/hpr"})
	tests := []struct {
		name, method, path string
		wantStatus         int
		wantAllow          string
	}{
		{"unknown path", http.MethodGet, "/v1/behandlere/1", 404, ""},
		{"outside /v1", http.MethodGet, "/personer/1000001", 404, ""},
		{"extra segment", http.MethodGet, "/v1/personer/1000001/x", 404, ""},
		{"empty number", http.MethodGet, "/v1/personer/", 404, ""},
		{"POST to basic", http.MethodPost, "/v1/personer/1000001", 405, "GET"},
		{"DELETE extended", http.MethodDelete, "/v1/personerutvidet", 405, "GET, POST"},
		{"letters as number", http.MethodGet, "/v1/personer/abc", 400, ""},
		{"zero", http.MethodGet, "/v1/personer/0", 400, ""},
		{"ten digits", http.MethodGet, "/v1/personer/1234567890", 400, ""},
		{"negative", http.MethodGet, "/v1/personer/-5", 400, ""},
		{"unknown number", http.MethodGet, "/v1/personer/7654321", 404, ""},
		{"bad atDate", http.MethodGet, "/v1/personer/1000001?atDate=02.03.2026", 400, ""},
		{"bad includeHistory", http.MethodGet, "/v1/personer/1000001?includeHistory=kanskje", 400, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := e.do(t, tt.method, "/hpr"+tt.path, tokExtended, "", nil)
			if a.status != tt.wantStatus {
				t.Fatalf("status: got %d, want %d: %s", a.status, tt.wantStatus, a.body)
			}
			a.problem(t)
			if got := a.header.Get("Allow"); got != tt.wantAllow {
				t.Errorf("Allow: got %q, want %q", got, tt.wantAllow)
			}
		})
	}
	// The base path is part of the URL.
	if a := e.get(t, "/hpr/v1/personer/1000001", tokBasic); a.status != http.StatusOK {
		t.Errorf("under the base path: got %d, want 200", a.status)
	}
}

func TestSearch(t *testing.T) {
	e := newEnv(t, hprsim.Options{})
	tests := []struct {
		name, query string
		token       string
		wantStatus  int
		wantNumbers []int
	}{
		{"two namesakes born the same day", "etternavn=Nordmann&foedselsdato=1979-05-12", tokBasic, 200, []int{nRich, nDeceased}},
		{"case-insensitive surname", "etternavn=nordmann&foedselsdato=1979-05-12", tokBasic, 200, []int{nRich, nDeceased}},
		{"no match is an empty array", "etternavn=Nordmann&foedselsdato=1979-05-13", tokBasic, 200, []int{}},
		{"missing surname", "foedselsdato=1979-05-12", tokBasic, 400, nil},
		{"blank surname", "etternavn=%20&foedselsdato=1979-05-12", tokBasic, 400, nil},
		{"surname too long", "etternavn=" + strings.Repeat("a", 101) + "&foedselsdato=1979-05-12", tokBasic, 400, nil},
		{"missing birth date", "etternavn=Nordmann", tokBasic, 400, nil},
		{"birth date not ISO", "etternavn=Nordmann&foedselsdato=12.05.1979", tokBasic, 400, nil},
		{"impossible birth date", "etternavn=Nordmann&foedselsdato=1979-02-30", tokBasic, 400, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := e.get(t, "/v1/personer?"+tt.query, tt.token)
			if a.status != tt.wantStatus {
				t.Fatalf("status: got %d, want %d: %s", a.status, tt.wantStatus, a.body)
			}
			if a.status != http.StatusOK {
				a.problem(t)
				return
			}
			var got []map[string]any
			if err := json.Unmarshal(a.body, &got); err != nil {
				t.Fatalf("not a JSON array: %v: %s", err, a.body)
			}
			numbers := []int{}
			for _, p := range got {
				numbers = append(numbers, int(p["hprNummer"].(float64)))
				if nin := p["person"].(map[string]any)["nin"]; nin != nil {
					t.Errorf("basic search result carries nin")
				}
			}
			if !slices.Equal(numbers, tt.wantNumbers) {
				t.Errorf("numbers: got %v, want %v", numbers, tt.wantNumbers)
			}
		})
	}
	// The extended search carries the personal data.
	a := e.get(t, "/v1/personerutvidet?etternavn=Nordmann&foedselsdato=1979-05-12", tokExtended)
	var got []hpr.Personnel
	if err := json.Unmarshal(a.body, &got); err != nil || len(got) != 2 {
		t.Fatalf("extended search: %v, %d results", err, len(got))
	}
	if got[0].Person.NIN != ninRich {
		t.Errorf("extended search: nin missing")
	}
}

func TestByNIN(t *testing.T) {
	e := newEnv(t, hprsim.Options{})
	tests := []struct {
		name        string
		contentType string
		body        string
		wantStatus  int
		wantNumber  int
		wantDay     string
	}{
		{"found", "application/json", `{"nin":"12057900499"}`, 200, nRich, "2026-03-02"},
		{"found at a date", "application/json", `{"nin":"12057900499","atDate":"2004-01-01","includeHistory":false}`, 200, nRich, "2004-01-01"},
		{"charset parameter", "application/json; charset=utf-8", `{"nin":"12057900499","atDate":null}`, 200, nRich, "2026-03-02"},
		{"unknown", "application/json", `{"nin":"31129999999"}`, 404, 0, ""},
		{"ten digits", "application/json", `{"nin":"1205790049"}`, 400, 0, ""},
		{"letters", "application/json", `{"nin":"1205790049x"}`, 400, 0, ""},
		{"with a space", "application/json", `{"nin":"120579 00499"}`, 400, 0, ""},
		{"no nin", "application/json", `{"atDate":"2026-01-01"}`, 400, 0, ""},
		{"bad atDate", "application/json", `{"nin":"12057900499","atDate":"01.01.2026"}`, 400, 0, ""},
		{"not JSON", "application/json", `nin=12057900499`, 400, 0, ""},
		{"a form", "application/x-www-form-urlencoded", `nin=12057900499`, 415, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := e.do(t, http.MethodPost, "/v1/personerutvidet", tokExtended, tt.contentType, []byte(tt.body))
			if a.status != tt.wantStatus {
				t.Fatalf("status: got %d, want %d: %s", a.status, tt.wantStatus, a.body)
			}
			if a.status != http.StatusOK {
				pd := a.problem(t)
				if strings.Contains(string(a.body), "1205790049") || strings.Contains(pd.Title, "3112999") {
					t.Errorf("the problem echoes the identity number: %s", a.body)
				}
				return
			}
			var p hpr.Personnel
			if err := json.Unmarshal(a.body, &p); err != nil {
				t.Fatal(err)
			}
			if p.HPRNumber != tt.wantNumber || p.ValidForDate.String() != tt.wantDay {
				t.Errorf("got %d at %s, want %d at %s", p.HPRNumber, p.ValidForDate, tt.wantNumber, tt.wantDay)
			}
		})
	}
}

// TestHistory: without includeHistory only items valid on gjelderForDato
// are sent; with it, all of them.
func TestHistory(t *testing.T) {
	e := newEnv(t, hprsim.Options{})
	type shape struct {
		approvals []string // category values
		specs     int      // specialities of the first approval
		reqReacts int      // reactions on the first approval's requisition right
	}
	tests := []struct {
		name  string
		query string
		want  shape
	}{
		{"today, current only", "", shape{[]string{"LE"}, 1, 0}},
		{"includeHistory=false", "?includeHistory=false", shape{[]string{"LE"}, 1, 0}},
		{"includeHistory=true", "?includeHistory=true", shape{[]string{"LE", "SP"}, 2, 1}},
		{"as of 2003", "?atDate=2003-01-01", shape{[]string{"SP"}, 0, 0}},
		{"as of 2010-03-01", "?atDate=2010-03-01", shape{[]string{"LE"}, 1, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := e.get(t, fmt.Sprintf("/v1/personerutvidet/%d%s", nRich, tt.query), tokExtended)
			var p hpr.Personnel
			if err := json.Unmarshal(a.body, &p); err != nil {
				t.Fatalf("%d: %v", a.status, err)
			}
			got := shape{}
			for _, ap := range p.Approvals {
				got.approvals = append(got.approvals, ap.Category.Value)
			}
			if len(p.Approvals) > 0 && p.Approvals[0].Category.Value == "LE" {
				got.specs = len(p.Approvals[0].Specialities)
				got.reqReacts = len(p.Approvals[0].RequisitionRights[0].Reactions)
			}
			if !slices.Equal(got.approvals, tt.want.approvals) || got.specs != tt.want.specs || got.reqReacts != tt.want.reqReacts {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
	// The suspended person keeps the active reaction without history.
	a := e.get(t, fmt.Sprintf("/v1/personer/%d", nSuspended), tokBasic)
	var p hpr.Personnel
	json.Unmarshal(a.body, &p)
	if len(p.Reactions) != 1 || p.Reactions[0].Type.Value != "1" {
		t.Errorf("suspension: got %+v, want the active reaction", p.Reactions)
	}
	// Empty lists are [] rather than null.
	a = e.get(t, fmt.Sprintf("/v1/personer/%d", nReplaced), tokBasic)
	var m map[string]any
	json.Unmarshal(a.body, &m)
	if _, ok := m["godkjenninger"].([]any); !ok {
		t.Errorf("godkjenninger: got %v, want []", m["godkjenninger"])
	}
	if got := m["erstattetAvHprNummer"]; got != float64(nLicence) {
		t.Errorf("erstattetAvHprNummer: got %v, want %d", got, nLicence)
	}
}

// TestBucket proves the arithmetic with a frozen clock: exactly 200
// requests, then 429 with Retry-After until a token is back; 10 per minute.
func TestBucket(t *testing.T) {
	e := newEnv(t, hprsim.Options{})
	get := func(tok string) answer {
		// Alternate hits and misses: a 404 costs a token too.
		return e.get(t, "/v1/personer/7654321", tok)
	}
	for i := range 200 {
		path := "/v1/personer/7654321"
		if i%2 == 0 {
			path = fmt.Sprintf("/v1/personer/%d", nRich)
		}
		if a := e.get(t, path, tokBasic); a.status == http.StatusTooManyRequests {
			t.Fatalf("request %d: 429 before the bucket was empty", i+1)
		}
	}
	expect429 := func(step, wantRetry string) {
		t.Helper()
		a := get(tokBasic)
		if a.status != http.StatusTooManyRequests {
			t.Fatalf("%s: status %d, want 429", step, a.status)
		}
		a.problem(t)
		if got := a.header.Get("Retry-After"); got != wantRetry {
			t.Errorf("%s: Retry-After %q, want %q", step, got, wantRetry)
		}
	}
	expectAdmitted := func(step string, n int) {
		t.Helper()
		for i := range n {
			if a := get(tokBasic); a.status == http.StatusTooManyRequests {
				t.Fatalf("%s: request %d of %d refused", step, i+1, n)
			}
		}
	}
	expect429("201st request", "6")
	// Unauthenticated requests are not rate limited (no bucket to charge).
	if a := get(""); a.status != http.StatusUnauthorized {
		t.Errorf("no token with an empty bucket: got %d, want 401", a.status)
	}
	// Another client has its own bucket.
	if a := get(tokOther); a.status != http.StatusNotFound {
		t.Errorf("other client: got %d, want 404", a.status)
	}
	e.clock.Advance(5 * time.Second)
	expect429("after 5 s", "1")
	e.clock.Advance(1 * time.Second)
	expectAdmitted("after 6 s", 1)
	expect429("after the refilled token", "6")
	e.clock.Advance(3500 * time.Millisecond)
	expect429("3.5 s later", "3")
	e.clock.Advance(56500 * time.Millisecond) // one minute after the last admission
	expectAdmitted("after a minute", 10)
	expect429("after the minute's 10", "6")
	e.clock.Advance(time.Hour)
	expectAdmitted("after an hour (capped at 200)", 200)
	expect429("after the full bucket", "6")

	st := e.sim.Stats()
	if got, want := st.RateLimited, 6; got != want {
		t.Errorf("429s: got %d, want %d", got, want)
	}
	if got, want := st.Admitted, 200+1+1+10+200; got != want {
		t.Errorf("admitted: got %d, want %d", got, want)
	}
	if got, want := st.MaxAdmittedInWindow, 200+1; got != want {
		t.Errorf("max admitted in a minute: got %d, want %d", got, want)
	}
}

func TestBucket_Configurable(t *testing.T) {
	e := newEnv(t, hprsim.Options{Capacity: 3, RefillPerMinute: 60})
	for i := range 3 {
		if a := e.get(t, "/v1/personer/1000001", tokBasic); a.status != http.StatusOK {
			t.Fatalf("request %d: %d", i+1, a.status)
		}
	}
	a := e.get(t, "/v1/personer/1000001", tokBasic)
	if a.status != http.StatusTooManyRequests || a.header.Get("Retry-After") != "1" {
		t.Errorf("got %d Retry-After %q, want 429 and 1", a.status, a.header.Get("Retry-After"))
	}
}

func readZip(t *testing.T, b []byte) (names []string, numbers []int, entries []hpr.Personnel) {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("not a zip: %v", err)
	}
	for _, f := range zr.File {
		names = append(names, f.Name)
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		dec := json.NewDecoder(rc)
		for {
			var p hpr.Personnel
			err := dec.Decode(&p)
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("%s: %v", f.Name, err)
			}
			numbers = append(numbers, p.HPRNumber)
			entries = append(entries, p)
		}
		rc.Close()
	}
	return names, numbers, entries
}

func TestExport(t *testing.T) {
	e := newEnv(t, hprsim.Options{ExportEntrySize: 2})
	a := e.get(t, "/v1/export", tokExport)
	if a.status != http.StatusOK {
		t.Fatalf("status: got %d, want 200: %s", a.status, a.body)
	}
	if got, want := a.header.Get("Content-Type"), "application/zip"; got != want {
		t.Errorf("Content-Type: got %q, want %q", got, want)
	}
	names, numbers, entries := readZip(t, a.body)
	if want := []string{"hpr-export-0001.json", "hpr-export-0002.json", "hpr-export-0003.json"}; !slices.Equal(names, want) {
		t.Errorf("entries: got %v, want %v", names, want)
	}
	if want := []int{nRich, nSuspended, nDeceased, nReplaced, nLicence}; !slices.Equal(numbers, want) {
		t.Errorf("numbers: got %v, want %v (complete, in order)", numbers, want)
	}
	if entries[0].Person.NIN != ninRich || len(entries[0].Approvals) != 2 {
		t.Errorf("export entry: got nin %q and %d approvals, want the full shape with history", entries[0].Person.NIN, len(entries[0].Approvals))
	}
	if got := entries[0].ValidForDate.String(); got != "2026-03-02" {
		t.Errorf("gjelderForDato: got %q, want today", got)
	}
	if got := e.sim.Stats().Export; got != 1 {
		t.Errorf("export count: got %d, want 1", got)
	}
}

func TestFault(t *testing.T) {
	path := fmt.Sprintf("/v1/personerutvidet/%d", nRich)
	tests := []struct {
		name  string
		fault hprsim.Fault
		check func(t *testing.T, a answer)
	}{
		{"500", hprsim.Fault{Status: 500}, func(t *testing.T, a answer) {
			if a.status != 500 {
				t.Errorf("status: got %d, want 500", a.status)
			}
			a.problem(t)
		}},
		{"503 from a gateway", hprsim.Fault{Status: 503}, func(t *testing.T, a answer) {
			if a.status != 503 || !strings.HasPrefix(a.header.Get("Content-Type"), "text/html") {
				t.Errorf("got %d %q, want 503 text/html", a.status, a.header.Get("Content-Type"))
			}
		}},
		{"truncated", hprsim.Fault{Malformed: hprsim.MalformedTruncated}, func(t *testing.T, a answer) {
			if a.status != 200 || json.Valid(a.body) || len(a.body) == 0 {
				t.Errorf("got %d, %d bytes, valid %v; want 200 with cut JSON", a.status, len(a.body), json.Valid(a.body))
			}
		}},
		{"wrong content type", hprsim.Fault{Malformed: hprsim.MalformedWrongContentType}, func(t *testing.T, a answer) {
			if a.status != 200 || !strings.HasPrefix(a.header.Get("Content-Type"), "text/html") {
				t.Errorf("got %d %q, want 200 text/html", a.status, a.header.Get("Content-Type"))
			}
		}},
		{"empty", hprsim.Fault{Malformed: hprsim.MalformedEmpty}, func(t *testing.T, a answer) {
			if a.status != 200 || len(a.body) != 0 || !strings.HasPrefix(a.header.Get("Content-Type"), "application/json") {
				t.Errorf("got %d, %d bytes, %q; want an empty 200 JSON", a.status, len(a.body), a.header.Get("Content-Type"))
			}
		}},
		{"oversized", hprsim.Fault{Malformed: hprsim.MalformedOversized}, func(t *testing.T, a answer) {
			if a.status != 200 || len(a.body) <= hpr.MaxBodyBytes {
				t.Errorf("got %d, %d bytes; want 200 over %d", a.status, len(a.body), hpr.MaxBodyBytes)
			}
		}},
		{"unknown fields", hprsim.Fault{Malformed: hprsim.MalformedUnknownFields}, func(t *testing.T, a answer) {
			var p hpr.Personnel
			if err := sanitize.DecodeJSON(a.body, &p); err != nil || p.HPRNumber != nRich {
				t.Errorf("decode: %v, number %d; want the entry", err, p.HPRNumber)
			}
			if !bytes.Contains(a.body, []byte(`"ukjentFelt"`)) {
				t.Error("no unknown field in the body")
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, hprsim.Options{})
			e.sim.SetFault(tt.fault)
			tt.check(t, e.get(t, path, tokExtended))
			if got := e.sim.Stats().Faulted; got != 1 {
				t.Errorf("faulted: got %d, want 1", got)
			}
			// Faults come after the checks: a missing token is still 401.
			if a := e.get(t, path, ""); a.status != http.StatusUnauthorized {
				t.Errorf("without a token: got %d, want 401", a.status)
			}
			e.sim.SetFault(hprsim.Fault{})
			if a := e.get(t, path, tokExtended); a.status != http.StatusOK {
				t.Errorf("after clearing: got %d, want 200", a.status)
			}
		})
	}
}

func TestFault_Export(t *testing.T) {
	tests := []struct {
		name  string
		kind  string
		check func(t *testing.T, a answer)
	}{
		{"truncated", hprsim.MalformedTruncated, func(t *testing.T, a answer) {
			if _, err := zip.NewReader(bytes.NewReader(a.body), int64(len(a.body))); err == nil {
				t.Error("a cut zip opened")
			}
		}},
		{"empty", hprsim.MalformedEmpty, func(t *testing.T, a answer) {
			if len(a.body) != 0 {
				t.Errorf("got %d bytes, want 0", len(a.body))
			}
		}},
		{"oversized object", hprsim.MalformedOversized, func(t *testing.T, a answer) {
			zr, err := zip.NewReader(bytes.NewReader(a.body), int64(len(a.body)))
			if err != nil {
				t.Fatal(err)
			}
			last := zr.File[len(zr.File)-1]
			if last.UncompressedSize64 <= hpr.MaxBodyBytes {
				t.Errorf("last entry: %d bytes, want more than %d", last.UncompressedSize64, hpr.MaxBodyBytes)
			}
		}},
		{"unknown fields", hprsim.MalformedUnknownFields, func(t *testing.T, a answer) {
			_, numbers, _ := readZip(t, a.body)
			if len(numbers) != 5 {
				t.Errorf("entries: got %d, want 5", len(numbers))
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, hprsim.Options{})
			e.sim.SetFault(hprsim.Fault{Malformed: tt.kind})
			a := e.get(t, "/v1/export", tokExport)
			if a.status != http.StatusOK {
				t.Fatalf("status: got %d, want 200", a.status)
			}
			tt.check(t, a)
		})
	}
}
