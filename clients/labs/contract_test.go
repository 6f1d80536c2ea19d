package labs_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/oppslag/oppslag/clients/labs"
	"github.com/oppslag/oppslag/clients/labs/labsim"
)

// bundleOf decodes a search answer and sorts its entries by mode.
type parsed struct {
	total    int
	matches  []string // "Type/id"
	includes []string
	outcomes []string // pvk-outcome codes (NotFound included)
	next     string
}

func parseBundle(t *testing.T, body string) parsed {
	t.Helper()
	b, err := labs.DecodeBundle([]byte(body))
	if err != nil {
		t.Fatalf("DecodeBundle: %v\n%s", err, body)
	}
	var p parsed
	if b.Total != nil {
		p.total = *b.Total
	}
	for _, l := range b.Link {
		if l.Relation == "next" {
			p.next = l.URL
		}
	}
	for _, e := range b.Entry {
		var head struct {
			ResourceType, ID string
		}
		json.Unmarshal(e.Resource, &head)
		switch e.Search.Mode {
		case "match":
			p.matches = append(p.matches, head.ResourceType+"/"+head.ID)
		case "include":
			p.includes = append(p.includes, head.ResourceType+"/"+head.ID)
		case "outcome":
			var oo labs.OperationOutcome
			json.Unmarshal(e.Resource, &oo)
			for _, is := range oo.Issue {
				if is.Severity != "information" {
					t.Errorf("outcome severity %q, want information", is.Severity)
				}
				for _, c := range is.Details.Coding {
					if c.System == labs.SystemPvkOutcome {
						p.outcomes = append(p.outcomes, c.Code)
					}
				}
			}
		}
	}
	return p
}

func outcomeCode(t *testing.T, body string) string {
	t.Helper()
	var oo labs.OperationOutcome
	if err := json.Unmarshal([]byte(body), &oo); err != nil || oo.ResourceType != "OperationOutcome" || len(oo.Issue) == 0 {
		t.Fatalf("body is not an OperationOutcome: %s", body)
	}
	return oo.Issue[0].Code
}

const reportSearch = labsim.PathDiagnosticReportSearch

func TestContractHeaders(t *testing.T) {
	e := newEnv(t)
	auth := e.doctor(t)
	tests := []struct {
		name   string
		header map[string]string
		want   int
	}{
		{"all set", nil, 200},
		{"person-id missing", map[string]string{"person-id": ""}, 400},
		{"person-id short", map[string]string{"person-id": "1305741234"}, 400},
		{"person-id letters", map[string]string{"person-id": "1305741234x"}, 400},
		{"person-id D-number", map[string]string{"person-id": ninDNumber}, 200},
		{"correlation-id missing", map[string]string{"correlation-id": ""}, 400},
		{"alias Cid", map[string]string{"correlation-id": "", "Cid": "c1"}, 200},
		{"alias traceparent", map[string]string{"correlation-id": "", "traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"}, 200},
		{"alias Correlationid", map[string]string{"correlation-id": "", "Correlationid": "c1"}, 200},
		{"alias Correlation", map[string]string{"correlation-id": "", "Correlation": "c1"}, 200},
		{"alias x-correlation-id lower case", map[string]string{"correlation-id": "", "x-correlation-id": "c1"}, 200},
		{"alias X-Correlationid", map[string]string{"correlation-id": "", "X-Correlationid": "c1"}, 200},
		{"alias X-Correlation", map[string]string{"correlation-id": "", "X-Correlation": "c1"}, 200},
		{"alias X-Request-Id", map[string]string{"correlation-id": "", "X-Request-Id": "c1"}, 200},
		{"alias X-Requestid", map[string]string{"correlation-id": "", "X-Requestid": "c1"}, 200},
		{"alias X-Request", map[string]string{"correlation-id": "", "X-Request": "c1"}, 200},
		{"access-basis UNNTAK", map[string]string{"access-basis": "UNNTAK"}, 200},
		{"access-basis SAMTYKKE", map[string]string{"access-basis": "SAMTYKKE"}, 200},
		{"access-basis AKUTT", map[string]string{"access-basis": "AKUTT"}, 200},
		{"access-basis FORHOYET_SAMTYKKE with restricted data", map[string]string{"access-basis": "FORHOYET_SAMTYKKE", "person-id": ninGeneral}, 200},
		{"access-basis FORHOYET_AKUTT with restricted data", map[string]string{"access-basis": "FORHOYET_AKUTT", "person-id": ninGeneral}, 200},
		{"access-basis lower case", map[string]string{"access-basis": "akutt"}, 400},
		{"access-basis unknown", map[string]string{"access-basis": "NODRETT"}, 400},
		{"requester-hpr-role LE", map[string]string{"requester-hpr-role": "LE"}, 200},
		{"requester-hpr-role SP", map[string]string{"requester-hpr-role": "SP"}, 200},
		{"requester-hpr-role unknown", map[string]string{"requester-hpr-role": "ZZ"}, 400},
		{"requester-hpr-role lower case", map[string]string{"requester-hpr-role": "le"}, 400},
		{"obsolete grunnlag ignored", map[string]string{"grunnlag": "2"}, 200},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, body, _ := e.raw(t, auth, rawReq{path: reportSearch, header: tc.header, form: url.Values{}})
			if status != tc.want {
				t.Fatalf("status = %d, want %d; body %s", status, tc.want, body)
			}
			if status == 400 {
				outcomeCode(t, body)
				for _, n := range []string{ninPlain, ninGeneral, ninDNumber} {
					if strings.Contains(body, n) {
						t.Errorf("400 body echoes the identity number")
					}
				}
			}
		})
	}
}

func TestContractToken(t *testing.T) {
	e := newEnv(t)
	doctor := e.doctor(t)
	tests := []struct {
		name string
		auth func(t *testing.T) *sessionAuth
		req  rawReq
		want int
	}{
		{"doctor level 4", func(*testing.T) *sessionAuth { return doctor }, rawReq{}, 200},
		{"no token", func(*testing.T) *sessionAuth { return doctor }, rawReq{noToken: true}, 401},
		{"bearer scheme", func(*testing.T) *sessionAuth { return doctor }, rawReq{header: map[string]string{"DPoP": "x"}}, 401},
		{"token for another audience", func(t *testing.T) *sessionAuth {
			return e.login(t, "doctor", []string{personAud, labs.Audience}, personScope, labs.Scope)
		}, rawReq{audience: personAud}, 401},
		{"scope missing", func(t *testing.T) *sessionAuth {
			return e.login(t, "doctor", []string{labs.Audience}, "nhn:pps/other")
		}, rawReq{}, 403},
		{"security level 3", func(t *testing.T) *sessionAuth {
			return e.login(t, "level3", []string{labs.Audience}, labs.Scope)
		}, rawReq{}, 403},
		{"no hpr_number claim", func(t *testing.T) *sessionAuth {
			return e.login(t, "admin", []string{labs.Audience}, labs.Scope)
		}, rawReq{}, 403},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.req.path, tc.req.form = reportSearch, url.Values{}
			status, body, hdr := e.raw(t, tc.auth(t), tc.req)
			if status != tc.want {
				t.Fatalf("status = %d, want %d; body %s", status, tc.want, body)
			}
			if status == 401 || status == 403 {
				outcomeCode(t, body)
			}
			if status == 401 && !strings.HasPrefix(hdr.Get("WWW-Authenticate"), "DPoP") {
				t.Errorf("WWW-Authenticate = %q, want a DPoP challenge", hdr.Get("WWW-Authenticate"))
			}
		})
	}
	t.Run("bearer scheme instead of DPoP", func(t *testing.T) {
		tok, err := doctor.AccessToken(t.Context(), labs.Audience)
		if err != nil {
			t.Fatal(err)
		}
		status, _, _ := e.raw(t, doctor, rawReq{path: reportSearch, form: url.Values{}, header: map[string]string{"Authorization": "Bearer " + tok}})
		if status != 401 {
			t.Errorf("status = %d, want 401", status)
		}
	})
	st := e.sim.Stats()
	if st.Unauthorized < 3 || st.Forbidden < 3 {
		t.Errorf("stats = %+v, want ≥3 unauthorized and ≥3 forbidden", st)
	}
}

func TestContractRestrictions(t *testing.T) {
	e := newEnv(t)
	auth := e.doctor(t)
	tests := []struct {
		name, nin, basis string
		form             url.Values
		wantStatus       int
		wantMatches      []string
		wantOutcomes     []string
	}{
		{"no restriction", ninPlain, "", nil, 200, []string{"DiagnosticReport/p-2025", "DiagnosticReport/rich", "DiagnosticReport/p-2023"}, nil},
		{"no restriction FORHOYET fails", ninPlain, "FORHOYET_SAMTYKKE", nil, 400, nil, nil},
		{"specific without FORHOYET", ninSpecific, "SAMTYKKE", nil, 200, []string{"DiagnosticReport/s-open"}, []string{"Specific"}},
		{"specific missing basis", ninSpecific, "", nil, 200, []string{"DiagnosticReport/s-open"}, []string{"Specific"}},
		{"specific AKUTT", ninSpecific, "AKUTT", nil, 200, []string{"DiagnosticReport/s-open"}, []string{"Specific"}},
		{"specific FORHOYET opens", ninSpecific, "FORHOYET_AKUTT", nil, 200, []string{"DiagnosticReport/s-open", "DiagnosticReport/s-blocked"}, nil},
		{"specific blocked outside window: no outcome", ninSpecific, "UNNTAK", url.Values{"date": {"ge2024-03-01"}}, 200, []string{"DiagnosticReport/s-open"}, nil},
		{"specific FORHOYET nothing blocked in window", ninSpecific, "FORHOYET_SAMTYKKE", url.Values{"date": {"ge2024-03-01"}}, 400, nil, nil},
		{"general without FORHOYET", ninGeneral, "UNNTAK", nil, 200, nil, []string{"General"}},
		{"general FORHOYET_SAMTYKKE opens", ninGeneral, "FORHOYET_SAMTYKKE", nil, 200, []string{"DiagnosticReport/g-2", "DiagnosticReport/g-1"}, nil},
		{"general FORHOYET empty window fails", ninGeneral, "FORHOYET_AKUTT", url.Values{"date": {"ge2030"}}, 400, nil, nil},
		{"reservation", ninReserved, "AKUTT", nil, 200, nil, []string{"Reservation"}},
		{"reservation FORHOYET does not open", ninReserved, "FORHOYET_AKUTT", nil, 400, nil, nil},
		{"record without reports", ninEmpty, "UNNTAK", nil, 200, nil, []string{"NotFound"}},
		{"unknown patient", ninUnknown, "UNNTAK", nil, 200, nil, []string{"NotFound"}},
		{"unknown patient FORHOYET fails", ninUnknown, "FORHOYET_AKUTT", nil, 400, nil, nil},
		{"no report in window", ninPlain, "", url.Values{"date": {"lt2000"}}, 200, nil, []string{"NotFound"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			form := tc.form
			if form == nil {
				form = url.Values{}
			}
			status, body, _ := e.raw(t, auth, rawReq{path: reportSearch, form: form,
				header: map[string]string{"person-id": tc.nin, "access-basis": tc.basis}})
			if status != tc.wantStatus {
				t.Fatalf("status = %d, want %d; body %s", status, tc.wantStatus, body)
			}
			if status == 400 {
				if got := outcomeCode(t, body); got != "business-rule" {
					t.Errorf("issue code = %q, want business-rule", got)
				}
				return
			}
			p := parseBundle(t, body)
			if !slices.Equal(p.matches, tc.wantMatches) {
				t.Errorf("matches = %v, want %v", p.matches, tc.wantMatches)
			}
			if !slices.Equal(p.outcomes, tc.wantOutcomes) {
				t.Errorf("outcomes = %v, want %v", p.outcomes, tc.wantOutcomes)
			}
			if p.total != len(tc.wantMatches) {
				t.Errorf("total = %d, want %d", p.total, len(tc.wantMatches))
			}
		})
	}
	if st := e.sim.Stats(); st.NothingMore != 5 {
		t.Errorf("Stats.NothingMore = %d, want 5", st.NothingMore)
	}
}

func TestContractPaging(t *testing.T) {
	e := newEnv(t)
	auth := e.doctor(t)
	form := url.Values{"_count": {"50"}}
	var all []string
	for page := 0; ; page++ {
		status, body, _ := e.raw(t, auth, rawReq{path: reportSearch, form: form, header: map[string]string{"person-id": ninMany}})
		if status != 200 {
			t.Fatalf("page %d: status %d: %s", page, status, body)
		}
		p := parseBundle(t, body)
		if p.total != manyReports {
			t.Errorf("page %d: total = %d, want %d", page, p.total, manyReports)
		}
		want := min(50, manyReports-50*page)
		if len(p.matches) != want {
			t.Errorf("page %d: %d matches, want %d", page, len(p.matches), want)
		}
		all = append(all, p.matches...)
		if p.next == "" {
			break
		}
		u, err := url.Parse(p.next)
		if err != nil || u.Path != reportSearch {
			t.Fatalf("next = %q, want a URL on the search path", p.next)
		}
		if strings.Contains(p.next, ninMany) {
			t.Fatal("next link holds the identity number")
		}
		form = u.Query()
		if page > 5 {
			t.Fatal("paging does not end")
		}
	}
	slices.Sort(all)
	if len(slices.Compact(all)) != manyReports {
		t.Errorf("walked %d distinct reports, want %d", len(all), manyReports)
	}
	for _, bad := range []url.Values{{"_count": {"0"}}, {"_count": {"x"}}, {"_skip": {"-1"}}, {"_count": {"1", "2"}}} {
		status, _, _ := e.raw(t, auth, rawReq{path: reportSearch, form: bad})
		if status != 400 {
			t.Errorf("form %v: status %d, want 400", bad, status)
		}
	}
}

func TestContractDateFilter(t *testing.T) {
	e := newEnv(t)
	auth := e.doctor(t)
	tests := []struct {
		name  string
		dates []string
		want  []string // report ids, or nil for a 400
	}{
		{"no filter", nil, []string{"p-2025", "rich", "p-2023"}},
		{"year eq", []string{"2024"}, []string{"rich"}},
		{"eq day", []string{"eq2024-03-05"}, []string{"rich"}},
		{"month", []string{"2023-01"}, []string{"p-2023"}},
		{"ge and lt", []string{"ge2024-01-01", "lt2025-01-01"}, []string{"rich"}},
		{"gt year", []string{"gt2024"}, []string{"p-2025"}},
		{"le day", []string{"le2024-03-05"}, []string{"rich", "p-2023"}},
		{"date-time with zone", []string{"ge2024-03-05T09:30:00Z", "lt2024-03-05T09:30:01Z"}, []string{"rich"}},
		{"bad prefix", []string{"xx2024"}, nil},
		{"not a date", []string{"yesterday"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, body, _ := e.raw(t, auth, rawReq{path: reportSearch, form: url.Values{"date": tc.dates}})
			if tc.want == nil {
				if status != 400 {
					t.Fatalf("status = %d, want 400", status)
				}
				return
			}
			if status != 200 {
				t.Fatalf("status = %d: %s", status, body)
			}
			var got []string
			for _, m := range parseBundle(t, body).matches {
				got = append(got, strings.TrimPrefix(m, "DiagnosticReport/"))
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("reports = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestContractIncludes(t *testing.T) {
	e := newEnv(t)
	auth := e.doctor(t)
	count := func(list []string, typ string) int {
		n := 0
		for _, s := range list {
			if strings.HasPrefix(s, typ+"/") {
				n++
			}
		}
		return n
	}
	tests := []struct {
		name string
		path string
		form url.Values
		want map[string]int // included resources per type; nil for 400
	}{
		{"none", reportSearch, url.Values{"_id": {"rich"}}, map[string]int{}},
		{"specimen", reportSearch, url.Values{"_id": {"rich"}, "_include": {"DiagnosticReport:specimen"}}, map[string]int{"Specimen": 1}},
		{"based-on and requester", reportSearch, url.Values{"_id": {"rich"}, "_include": {"DiagnosticReport:based-on"}, "_include:iterate": {"ServiceRequest:requester"}},
			map[string]int{"ServiceRequest": 1, "PractitionerRole": 1}},
		{"performer", reportSearch, url.Values{"_id": {"rich"}, "_include": {"DiagnosticReport:performer"}}, map[string]int{"PractitionerRole": 1}},
		{"revinclude observations", reportSearch, url.Values{"_id": {"rich"}, "_revinclude:iterate": {"Observation:specimen"}}, map[string]int{"Observation": 6}},
		{"revinclude depth 1", reportSearch, url.Values{"_id": {"rich"}, "_revinclude": {"Observation:specimen"}}, map[string]int{"Observation": 6}},
		{"include result", reportSearch, url.Values{"_id": {"rich"}, "_include": {"DiagnosticReport:result"}}, map[string]int{"Observation": 6}},
		{"requester without based-on", reportSearch, url.Values{"_include:iterate": {"ServiceRequest:requester"}}, nil},
		{"unknown include", reportSearch, url.Values{"_include": {"DiagnosticReport:subject"}}, nil},
		{"unknown parameter", reportSearch, url.Values{"code": {"x"}}, nil},
		{"observation search with specimen", labsim.PathObservationSearch, url.Values{"date": {"2024"}, "_include": {"Observation:specimen"}}, map[string]int{"Specimen": 1}},
		{"observation search _id refused", labsim.PathObservationSearch, url.Values{"_id": {"x"}}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, body, _ := e.raw(t, auth, rawReq{path: tc.path, form: tc.form})
			if tc.want == nil {
				if status != 400 {
					t.Fatalf("status = %d, want 400", status)
				}
				return
			}
			if status != 200 {
				t.Fatalf("status = %d: %s", status, body)
			}
			p := parseBundle(t, body)
			for _, typ := range []string{"Specimen", "ServiceRequest", "PractitionerRole", "Observation"} {
				if got := count(p.includes, typ); got != tc.want[typ] {
					t.Errorf("%s includes = %d, want %d (%v)", typ, got, tc.want[typ], p.includes)
				}
			}
		})
	}
	t.Run("observation search matches every observation", func(t *testing.T) {
		status, body, _ := e.raw(t, auth, rawReq{path: labsim.PathObservationSearch, form: url.Values{"date": {"2024"}}})
		if status != 200 {
			t.Fatalf("status %d: %s", status, body)
		}
		if p := parseBundle(t, body); p.total != 6 || len(p.matches) != 6 {
			t.Errorf("total %d, matches %d; want 6 and 6", p.total, len(p.matches))
		}
	})
	t.Run("observation search restricted", func(t *testing.T) {
		status, body, _ := e.raw(t, auth, rawReq{path: labsim.PathObservationSearch, form: url.Values{}, header: map[string]string{"person-id": ninGeneral}})
		if p := parseBundle(t, body); status != 200 || p.total != 0 || !slices.Equal(p.outcomes, []string{"General"}) {
			t.Errorf("status %d, total %d, outcomes %v; want 200, 0, [General]", status, p.total, p.outcomes)
		}
	})
}

func TestContractMetadataAndRoutes(t *testing.T) {
	e := newEnv(t)
	auth := e.doctor(t)
	for _, m := range []string{http.MethodPost, http.MethodGet} {
		status, body, hdr := e.raw(t, auth, rawReq{method: m, path: labsim.PathMetadata, noToken: true, header: map[string]string{"person-id": "", "correlation-id": ""}})
		var cs labs.CapabilityStatement
		if status != 200 || json.Unmarshal([]byte(body), &cs) != nil || cs.ResourceType != "CapabilityStatement" || cs.FHIRVersion != "4.0.1" {
			t.Errorf("%s metadata: status %d, body %s", m, status, body)
		}
		if !strings.HasPrefix(hdr.Get("Content-Type"), "application/fhir+json") {
			t.Errorf("Content-Type = %q", hdr.Get("Content-Type"))
		}
	}
	status, _, _ := e.raw(t, auth, rawReq{path: labsim.PathMetadata, noToken: true, form: url.Values{"a": {"b"}}, header: map[string]string{"correlation-id": ""}})
	if status != 400 {
		t.Errorf("metadata with a body and no correlation-id: status %d, want 400", status)
	}
	if status, _, _ := e.raw(t, auth, rawReq{method: http.MethodGet, path: reportSearch}); status != 405 {
		t.Errorf("GET search: status %d, want 405", status)
	}
	if status, _, _ := e.raw(t, auth, rawReq{path: "/v2/Patient/_search", form: url.Values{}}); status != 404 {
		t.Errorf("unknown route: status %d, want 404", status)
	}
}
