package labs_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/oppslag/oppslag/clients/labs"
	"github.com/oppslag/oppslag/clients/labs/labsim"
	"github.com/oppslag/oppslag/clients/upstream"
)

func TestSearchReportsDecodes(t *testing.T) {
	e := newEnv(t)
	res, err := e.client(t).SearchReports(t.Context(), e.doctor(t), labs.Query{
		PersonID: ninPlain, AccessBasis: labs.BasisSamtykke, RequesterRole: "LE",
		From: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC),
	})
	if err != nil {
		t.Fatalf("SearchReports: %v", err)
	}
	if len(res.Reports) != 1 || res.Total != 1 || res.NotFound || len(res.Restrictions) != 0 || res.Truncated {
		t.Fatalf("result = %+v, want the one rich report", res)
	}
	r := res.Reports[0]
	if r.ID != "rich" || r.Status != "final" || len(r.Comments) != 1 || r.Comments[0] != "Prøven var lipemisk" || r.Incomplete {
		t.Errorf("report = %+v", r)
	}
	if got, want := r.Effective, day(2024, 3, 5); !got.Equal(want) {
		t.Errorf("Effective = %v, want %v", got, want)
	}
	if r.Performer != (labs.Organisation{Name: "Testlaboratoriet", OrgNumber: "974589095"}) {
		t.Errorf("Performer = %+v", r.Performer)
	}
	if r.Requester.Name != "Ingrid Haugland" || r.Requester.HPRNumber != "565501872" {
		t.Errorf("Requester = %+v", r.Requester)
	}
	if len(r.Specimens) != 1 || r.Specimens[0].ID != "rich-spec" || r.Specimens[0].Type != "Serum" || !r.Specimens[0].Collected.Equal(day(2024, 3, 5)) {
		t.Errorf("Specimens = %+v", r.Specimens)
	}
	if len(r.Analyses) != 4 {
		t.Fatalf("%d analyses, want 4", len(r.Analyses))
	}
	panel := r.Analyses[0]
	if panel.Value.Text != "Se enkeltanalyser" || len(panel.Members) != 2 {
		t.Fatalf("panel = %+v", panel)
	}
	hb := panel.Members[0]
	if hb.Code.Code != "NPU02319" || hb.Code.System != labs.SystemNLK || hb.Interpretation != "L" ||
		hb.Value.Quantity == nil || hb.Value.Quantity.Value != 10.1 || hb.Value.Quantity.Code != "g/dL" ||
		hb.Reference == nil || hb.Reference.Low.Value != 11.7 || hb.Reference.High.Value != 15.3 {
		t.Errorf("haemoglobin = %+v", hb)
	}
	if c := r.Analyses[1].Value.Coded; c == nil || len(c.Codings) != 1 || c.Codings[0].Code != "A+" {
		t.Errorf("coded value = %+v", r.Analyses[1].Value)
	}
	if d := r.Analyses[2].Value.DateTime; d == nil || !d.Equal(day(2024, 3, 4)) || r.Analyses[2].Comment != "Oppgitt av pasient" {
		t.Errorf("date-time value = %+v", r.Analyses[2])
	}
	if rg := r.Analyses[3].Value.Range; rg == nil || rg.Low.Value != 1 || rg.High.Value != 4 || r.Analyses[3].Interpretation != labs.LevelOutside {
		t.Errorf("range value = %+v", r.Analyses[3])
	}
}

func TestSearchReportsRestrictions(t *testing.T) {
	e := newEnv(t)
	c, auth := e.client(t), e.doctor(t)
	tests := []struct {
		name, nin, basis string
		wantIDs          []string
		wantRestr        []string
		wantNotFound     bool
		wantErr          error
	}{
		{"specific", ninSpecific, labs.BasisUnntak, []string{"s-open"}, []string{"Specific"}, false, nil},
		{"specific opened", ninSpecific, labs.BasisForhoyetSamtykke, []string{"s-open", "s-blocked"}, nil, false, nil},
		{"general", ninGeneral, labs.BasisAkutt, nil, []string{"General"}, false, nil},
		{"general opened", ninGeneral, labs.BasisForhoyetAkutt, []string{"g-2", "g-1"}, nil, false, nil},
		{"reservation", ninReserved, labs.BasisSamtykke, nil, []string{"Reservation"}, false, nil},
		{"reservation FORHOYET", ninReserved, labs.BasisForhoyetAkutt, nil, nil, false, labs.ErrNothingMore},
		{"nothing restricted FORHOYET", ninPlain, labs.BasisForhoyetSamtykke, nil, nil, false, labs.ErrNothingMore},
		{"no data", ninUnknown, "", nil, nil, true, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := c.SearchReports(t.Context(), auth, labs.Query{PersonID: tc.nin, AccessBasis: tc.basis})
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) || !errors.Is(err, upstream.ErrBadRequest) {
					t.Fatalf("err = %v, want %v (and ErrBadRequest)", err, tc.wantErr)
				}
				if strings.Contains(err.Error(), tc.nin) {
					t.Error("error holds the identity number")
				}
				return
			}
			if err != nil {
				t.Fatalf("SearchReports: %v", err)
			}
			var ids []string
			for _, r := range res.Reports {
				ids = append(ids, r.ID)
			}
			if !slices.Equal(ids, tc.wantIDs) || !slices.Equal(res.Restrictions, tc.wantRestr) || res.NotFound != tc.wantNotFound {
				t.Errorf("ids %v restrictions %v notFound %v; want %v %v %v", ids, res.Restrictions, res.NotFound, tc.wantIDs, tc.wantRestr, tc.wantNotFound)
			}
		})
	}
}

func TestSearchReportsPaging(t *testing.T) {
	e := newEnv(t)
	res, err := e.client(t).SearchReports(t.Context(), e.doctor(t), labs.Query{PersonID: ninMany, Count: 50})
	if err != nil {
		t.Fatalf("SearchReports: %v", err)
	}
	if len(res.Reports) != manyReports || res.Total != manyReports || res.Truncated {
		t.Fatalf("%d reports, total %d, truncated %v; want %d, %d, false", len(res.Reports), res.Total, res.Truncated, manyReports, manyReports)
	}
	if got := e.sim.Stats().DiagnosticReportSearch; got != 3 {
		t.Errorf("%d search requests, want 3 pages", got)
	}
	if first, last := res.Reports[0].ID, res.Reports[manyReports-1].ID; first != "m-119" || last != "m-000" {
		t.Errorf("order %s … %s, want newest first", first, last)
	}
	res, err = e.client(t).SearchReports(t.Context(), e.doctor(t), labs.Query{PersonID: ninMany, Count: 5})
	if err != nil || !res.Truncated || len(res.Reports) != 5*labs.MaxPages {
		t.Errorf("small pages: err %v, truncated %v, %d reports; want cap at %d", err, res != nil && res.Truncated, len(res.Reports), 5*labs.MaxPages)
	}
}

func TestSearchReportsRefusesBadQuery(t *testing.T) {
	e := newEnv(t)
	c, auth := e.client(t), e.doctor(t)
	for _, q := range []labs.Query{
		{PersonID: "123"},
		{PersonID: ninPlain, AccessBasis: "NODRETT"},
		{PersonID: ninPlain, RequesterRole: "lege"},
		{PersonID: ninPlain, Count: -1},
		{PersonID: ninPlain, From: day(2025, 1, 1), To: day(2024, 1, 1)},
	} {
		if _, err := c.SearchReports(t.Context(), auth, q); !errors.Is(err, upstream.ErrBadRequest) {
			t.Errorf("query %+v: err = %v, want ErrBadRequest", q, err)
		}
	}
	if n := e.sim.Stats().DiagnosticReportSearch; n != 0 {
		t.Errorf("%d requests reached the service, want 0", n)
	}
}

func TestSearchReportsAuthErrors(t *testing.T) {
	e := newEnv(t)
	c := e.client(t)
	_, err := c.SearchReports(t.Context(), e.login(t, "level3", []string{labs.Audience}, labs.Scope), labs.Query{PersonID: ninPlain})
	var oe *labs.OutcomeError
	if !errors.Is(err, upstream.ErrForbidden) || !errors.As(err, &oe) || len(oe.Issues) == 0 {
		t.Errorf("level 3: err = %v, want ErrForbidden with the outcome", err)
	}
	_, err = c.SearchReports(t.Context(), e.login(t, "doctor", []string{labs.Audience}, "nhn:pps/other"), labs.Query{PersonID: ninPlain})
	if !errors.Is(err, upstream.ErrForbidden) {
		t.Errorf("no scope: err = %v, want ErrForbidden", err)
	}
}

func TestSearchReportsFaults(t *testing.T) {
	e := newEnv(t)
	c, auth := e.client(t), e.doctor(t)
	tests := []struct {
		name  string
		fault labsim.Fault
		query labs.Query
		want  error // nil: succeeds
	}{
		{"500", labsim.Fault{Status: 500}, labs.Query{PersonID: ninPlain}, upstream.ErrUnavailable},
		{"502 html", labsim.Fault{Status: 502}, labs.Query{PersonID: ninPlain}, upstream.ErrUnavailable},
		{"503 html", labsim.Fault{Status: 503}, labs.Query{PersonID: ninPlain}, upstream.ErrUnavailable},
		{"truncated", labsim.Fault{Malformed: labsim.MalformedTruncated}, labs.Query{PersonID: ninPlain}, upstream.ErrMalformed},
		{"wrong content type", labsim.Fault{Malformed: labsim.MalformedWrongContentType}, labs.Query{PersonID: ninPlain}, upstream.ErrMalformed},
		{"empty", labsim.Fault{Malformed: labsim.MalformedEmpty}, labs.Query{PersonID: ninPlain}, upstream.ErrMalformed},
		{"oversized", labsim.Fault{Malformed: labsim.MalformedOversized}, labs.Query{PersonID: ninPlain}, upstream.ErrMalformed},
		{"not a bundle", labsim.Fault{Malformed: labsim.MalformedNotBundle}, labs.Query{PersonID: ninPlain}, upstream.ErrMalformed},
		{"unknown resource tolerated", labsim.Fault{Malformed: labsim.MalformedUnknownResource}, labs.Query{PersonID: ninPlain}, nil},
		{"plain-text 400", labsim.Fault{Malformed: labsim.MalformedPlainText400}, labs.Query{PersonID: ninPlain}, upstream.ErrBadRequest},
		{"later page fails the whole call", labsim.Fault{Status: 500, MinSkip: 50}, labs.Query{PersonID: ninMany, Count: 50}, upstream.ErrUnavailable},
		{"later page fault not reached", labsim.Fault{Status: 500, MinSkip: 50}, labs.Query{PersonID: ninPlain, Count: 50}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e.sim.SetFault(tc.fault)
			defer e.sim.SetFault(labsim.Fault{})
			res, err := c.SearchReports(t.Context(), auth, tc.query)
			if tc.want == nil {
				if err != nil {
					t.Fatalf("err = %v, want success", err)
				}
				return
			}
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			if res != nil {
				t.Error("a result came back with the error")
			}
			if strings.Contains(err.Error(), tc.query.PersonID) {
				t.Error("error holds the identity number")
			}
		})
	}
	t.Run("latency cut by the caller's deadline", func(t *testing.T) {
		e.sim.SetFault(labsim.Fault{Latency: time.Hour})
		defer e.sim.SetFault(labsim.Fault{})
		ctx, cancel := context.WithCancel(t.Context())
		// Cancel once the request is in flight; no sleeps, no timing.
		before := e.sim.Stats().Faulted
		done := make(chan error, 1)
		go func() {
			_, err := c.SearchReports(ctx, auth, labs.Query{PersonID: ninPlain})
			done <- err
		}()
		for e.sim.Stats().Faulted == before {
			select {
			case err := <-done:
				t.Fatalf("returned before the fault: %v", err)
			default:
				time.Sleep(time.Millisecond)
			}
		}
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v, want context.Canceled", err)
		}
	})
	if st := e.sim.Stats(); st.Faulted < 10 {
		t.Errorf("Stats.Faulted = %d, want at least 10", st.Faulted)
	}
}

func TestNewRejectsBadBaseURL(t *testing.T) {
	for _, u := range []string{"", "ftp://x", "https://x/?a=b", "https://u@x", "/relative"} {
		if _, err := labs.New(u, http.DefaultClient); err == nil {
			t.Errorf("New(%q) succeeded, want an error", u)
		}
	}
}

// stubAuth gives fixed tokens, for tests against hand-made servers.
type stubAuth struct{}

func (stubAuth) AccessToken(context.Context, string) (string, error) { return "tok", nil }
func (stubAuth) Proof(string, string, string) (string, error)        { return "proof", nil }

func TestSearchReportsPagingGuards(t *testing.T) {
	tests := []struct {
		name string
		body func(base string) string
	}{
		{"next to another host", func(string) string {
			return `{"resourceType":"Bundle","type":"searchset","total":2,"link":[{"relation":"next","url":"https://evil.test/v2/DiagnosticReport/_search?_skip=1"}],"entry":[{"resource":{"resourceType":"DiagnosticReport","id":"a","code":{}},"search":{"mode":"match"}}]}`
		}},
		{"next repeats the page", func(base string) string {
			return `{"resourceType":"Bundle","type":"searchset","total":2,"link":[{"relation":"next","url":"` + base + `/v2/DiagnosticReport/_search?_include=DiagnosticReport%3Aspecimen&_include=DiagnosticReport%3Abased-on&_include=DiagnosticReport%3Aperformer&_include%3Aiterate=ServiceRequest%3Arequester&_revinclude%3Aiterate=Observation%3Aspecimen"}],"entry":[]}`
		}},
		{"fewer reports than total", func(string) string {
			return `{"resourceType":"Bundle","type":"searchset","total":3,"entry":[{"resource":{"resourceType":"DiagnosticReport","id":"a","code":{}},"search":{"mode":"match"}}]}`
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var base string
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/fhir+json")
				w.Write([]byte(tc.body(base)))
			}))
			defer srv.Close()
			base = srv.URL
			c, _ := labs.New(srv.URL, srv.Client())
			_, err := c.SearchReports(t.Context(), stubAuth{}, labs.Query{PersonID: ninPlain})
			if !errors.Is(err, upstream.ErrMalformed) {
				t.Errorf("err = %v, want ErrMalformed", err)
			}
		})
	}
}
