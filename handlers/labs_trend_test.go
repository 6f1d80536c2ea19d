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
	"github.com/oppslag/oppslag/handlers/request"
	"github.com/oppslag/oppslag/views/i18n"
)

// trNow is the tests' clock: 21 November 2026, 10:00 in Oslo.
var trNow = time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)

func trDay(t *testing.T, s string) time.Time {
	t.Helper()
	d, err := time.ParseInLocation(time.DateOnly, s, i18n.Oslo())
	if err != nil {
		t.Fatal(err)
	}
	return d.Add(8 * time.Hour)
}

func trQty(v float64, unit string) labs.AnalysisValue {
	return labs.AnalysisValue{Quantity: &labs.Measure{Value: v, Unit: unit, Code: unit}}
}

func trRef(lo, hi float64, unit string) *labs.Interval {
	return &labs.Interval{Low: &labs.Measure{Value: lo, Unit: unit}, High: &labs.Measure{Value: hi, Unit: unit}}
}

const trK = "NPU03230" // potassium

func trK1(id string, v float64, flag string) labs.Analysis {
	return labs.Analysis{ID: id, Code: labs.Coding{Code: trK, Display: "P-Kalium"}, Value: trQty(v, "mmol/L"),
		Reference: trRef(3.5, 5.0, "mmol/L"), Interpretation: flag}
}

func TestCollectTrend(t *testing.T) {
	res := &labs.Result{Reports: []labs.Report{ // newest first, as the service sends them
		{ID: "r3", Issued: trDay(t, "2026-10-01"), Analyses: []labs.Analysis{ // no effective time: issued
			{Code: labs.Coding{Code: "PANEL"}, Members: []labs.Analysis{
				{Code: labs.Coding{Code: "SUB"}, Members: []labs.Analysis{trK1("o3", 5.6, "H")}}, // two levels down
			}},
		}},
		{ID: "r2", Effective: trDay(t, "2026-05-01"), Issued: trDay(t, "2026-05-03"), Analyses: []labs.Analysis{
			trK1("o2", 4.4, ""),
			{ID: "o9", Code: labs.Coding{Code: "NPU01234"}, Value: trQty(140, "mmol/L")}, // another analysis
		}},
		{ID: "r2b", Effective: trDay(t, "2026-05-01"), Analyses: []labs.Analysis{trK1("o2", 4.4, "")}}, // same observation again
		{ID: "r1", Effective: trDay(t, "2026-01-10"), Analyses: []labs.Analysis{
			// A panel with the analysis's own code and no value of its own is not a result.
			{ID: "p1", Code: labs.Coding{Code: trK}, Members: []labs.Analysis{trK1("o1", 3.9, "")}},
		}},
	}}
	got := collectTrend(res, trK)
	var ids []string
	var dates []string
	for _, r := range got {
		ids = append(ids, r.A.ID)
		dates = append(dates, r.At.In(i18n.Oslo()).Format(time.DateOnly))
	}
	if want := []string{"o1", "o2", "o3"}; !slices.Equal(ids, want) {
		t.Errorf("ids %v, want %v (oldest first, panels and duplicates out)", ids, want)
	}
	if want := []string{"2026-01-10", "2026-05-01", "2026-10-01"}; !slices.Equal(dates, want) {
		t.Errorf("dates %v, want %v (effective, else issued)", dates, want)
	}
	if got := collectTrend(res, "NOPE"); len(got) != 0 {
		t.Errorf("unknown code: %d results, want 0", len(got))
	}
}

func TestBuildTrend(t *testing.T) {
	results := []trendResult{ // oldest first
		{At: trDay(t, "2020-03-01"), A: trK1("a", 4.0, "")},
		{At: trDay(t, "2026-01-10"), A: trK1("b", 4.2, "")},
		{At: trDay(t, "2026-03-20"), A: labs.Analysis{Code: labs.Coding{Code: trK}, Value: labs.AnalysisValue{Text: "hemolysert"}}},
		{At: trDay(t, "2026-04-01"), A: labs.Analysis{Code: labs.Coding{Code: trK}, Value: trQty(16, "mg/dL")}}, // another unit
		{At: trDay(t, "2026-06-01"), A: trK1("c", 5.6, "H")},
		{At: trDay(t, "2026-09-15"), A: labs.Analysis{Code: labs.Coding{Code: trK, Display: "Kalium"},
			Value:     labs.AnalysisValue{Quantity: &labs.Measure{Value: 3.1, Comparator: "<", Unit: "mmol/L", Code: "mmol/L"}},
			Reference: &labs.Interval{Low: &labs.Measure{Value: 3.6, Unit: "mmol/L"}}, Interpretation: "LL"}},
	}
	from := trNow.AddDate(-1, 0, 0)

	t.Run("nb", func(t *testing.T) {
		ctx := i18n.WithLang(context.Background(), i18n.NB)
		s := buildTrend(ctx, results, from)
		if s.Name != "Kalium" || s.Unit != "mmol/L" {
			t.Errorf("name, unit = %q, %q; want the latest result's Kalium, mmol/L", s.Name, s.Unit)
		}
		if s.OtherUnits != 1 {
			t.Errorf("OtherUnits %d, want 1", s.OtherUnits)
		}
		var values []float64
		for _, p := range s.Points {
			values = append(values, p.Value)
		}
		if want := []float64{4.2, 5.6, 3.1}; !slices.Equal(values, want) {
			t.Errorf("points %v, want %v (the period, one unit, numbers only, oldest first)", values, want)
		}
		last := s.Points[2]
		if last.Comparator != "<" || last.Flag != "LL" || last.Low == nil || *last.Low != 3.6 || last.High != nil {
			t.Errorf("last point %+v, want comparator <, flag LL, lower limit 3.6 only", last)
		}
		if got, want := last.Label, "15.09.2026: <3,1 mmol/L, Kritisk lav"; got != want {
			t.Errorf("label %q, want %q", got, want)
		}
		var rows []string
		for _, r := range s.Rows {
			rows = append(rows, strings.Join([]string{r.Date, r.Value, r.Reference, r.FlagSymbol, r.FlagText}, "|"))
		}
		want := []string{
			"15.09.2026|<3,1 mmol/L|≥ 3,6 mmol/L|↓↓|Kritisk lav",
			"01.06.2026|5,6 mmol/L|3,5–5 mmol/L|↑|Høy",
			"01.04.2026|16 mg/dL|||",
			"20.03.2026|hemolysert|||",
			"10.01.2026|4,2 mmol/L|3,5–5 mmol/L||",
		}
		if !slices.Equal(rows, want) {
			t.Errorf("rows\n%q\nwant\n%q", rows, want)
		}
		var charted []bool
		for _, r := range s.Rows {
			charted = append(charted, r.Charted)
		}
		if want := []bool{true, true, false, false, true}; !slices.Equal(charted, want) {
			t.Errorf("charted %v, want %v", charted, want)
		}
	})

	t.Run("en numbers", func(t *testing.T) {
		s := buildTrend(i18n.WithLang(context.Background(), i18n.EN), results, from)
		if got := s.Rows[1].Value; got != "5.6 mmol/L" {
			t.Errorf("value %q, want 5.6 mmol/L", got)
		}
		if got := s.Rows[0].Date; got != "15 Sep 2026" {
			t.Errorf("date %q, want 15 Sep 2026", got)
		}
	})

	t.Run("all", func(t *testing.T) {
		s := buildTrend(i18n.WithLang(context.Background(), i18n.NB), results, time.Time{})
		if len(s.Rows) != 6 || len(s.Points) != 4 {
			t.Errorf("%d rows, %d points; want 6, 4", len(s.Rows), len(s.Points))
		}
	})

	t.Run("undated result is in the table only", func(t *testing.T) {
		rs := []trendResult{{A: trK1("x", 4.1, "")}, {At: trDay(t, "2026-02-02"), A: trK1("y", 4.3, "")}}
		s := buildTrend(i18n.WithLang(context.Background(), i18n.NB), rs, time.Time{})
		if len(s.Points) != 1 || len(s.Rows) != 2 {
			t.Fatalf("%d points, %d rows; want 1, 2", len(s.Points), len(s.Rows))
		}
		if r := s.Rows[1]; r.Date != "Dato ukjent" || r.DateISO != "" || r.Charted {
			t.Errorf("undated row %+v", r)
		}
	})

	t.Run("nothing numeric in the period keeps the unit for the heading", func(t *testing.T) {
		s := buildTrend(i18n.WithLang(context.Background(), i18n.NB), results[:1], from)
		if len(s.Rows) != 0 || len(s.Points) != 0 || s.Unit != "mmol/L" || s.Name != "P-Kalium" {
			t.Errorf("got %+v", s)
		}
	})
}

func TestDefaultTrendRange(t *testing.T) {
	ctx := i18n.WithLang(context.Background(), i18n.NB)
	old := trendResult{At: trDay(t, "2019-05-05"), A: trK1("o", 4, "")}
	recent := func(s string) trendResult { return trendResult{At: trDay(t, s), A: trK1(s, 4, "")} }
	tests := []struct {
		name    string
		results []trendResult
		want    string
	}{
		{"two in the last year", []trendResult{old, recent("2026-01-01"), recent("2026-11-01")}, "1y"},
		{"one in the last year", []trendResult{old, recent("2026-11-01")}, "all"},
		{"none in the last year", []trendResult{old}, "all"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := defaultTrendRange(ctx, tt.results, trNow); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestTrendRangeFrom(t *testing.T) {
	tests := []struct {
		key, want string
	}{
		{"1m", "2026-10-21"},
		{"1y", "2025-11-21"},
		{"5y", "2021-11-21"},
		{"all", ""},
	}
	for _, tt := range tests {
		r, ok := periodOf(tt.key)
		if !ok {
			t.Fatalf("range %q unknown", tt.key)
		}
		got := ""
		if f := r.from(trNow); !f.IsZero() {
			got = f.In(i18n.Oslo()).Format(time.DateOnly)
		}
		if got != tt.want {
			t.Errorf("%s: from %q, want %q", tt.key, got, tt.want)
		}
	}
	for _, bad := range []string{"", "2y", "ALL", "1Y", "1m "} {
		if _, ok := periodOf(bad); ok {
			t.Errorf("range %q accepted", bad)
		}
	}
}

func TestAnalysisCode(t *testing.T) {
	for _, ok := range []string{"NPU03230", "NOR05432", "a", "SCT.1234-5", strings.Repeat("A", 32)} {
		if !analysisCode.MatchString(ok) {
			t.Errorf("%q refused", ok)
		}
	}
	for _, bad := range []string{"", strings.Repeat("A", 33), "NPU 1", "NPU/1", "<script>", "NPU1\n", "æøå", "a&b=c"} {
		if analysisCode.MatchString(bad) {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestTrendURL(t *testing.T) {
	if got, want := trendURL("/person/h1", "NPU03230", ""), "/person/h1/labs/trend?analysis=NPU03230"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got, want := trendURL("/person/h1", "NPU03230", "5y"), "/person/h1/labs/trend?analysis=NPU03230&range=5y"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// Fakes for the handler tests.

type trHandles map[string]string

func (h trHandles) Handle(_ context.Context, nin string) (string, error) {
	for k, v := range h {
		if v == nin {
			return k, nil
		}
	}
	return "", errors.New("no handle")
}

func (h trHandles) Resolve(_ context.Context, handle string) (string, bool) {
	n, ok := h[handle]
	return n, ok
}

type trBases struct{ bound *request.AccessBasis }

func (b trBases) Bound(_ context.Context, _ string, now time.Time) (request.AccessBasis, bool) {
	if b.bound == nil || !now.Before(b.bound.Until) {
		return request.AccessBasis{}, false
	}
	return *b.bound, true
}
func (trBases) Bind(context.Context, string, request.AccessBasis) error { return nil }
func (trBases) Clear(context.Context, string) error                     { return nil }

type trAudit struct{ events []audit.Event }

func (a *trAudit) Record(_ context.Context, e audit.Event) (audit.Record, error) {
	a.events = append(a.events, e)
	return audit.Record{}, nil
}
func (a *trAudit) Query(context.Context, audit.Filter) ([]audit.Record, error) { return nil, nil }
func (a *trAudit) Verify(context.Context) (audit.Report, error)                { return audit.Report{}, nil }
func (a *trAudit) Ping(context.Context) error                                  { return nil }
func (a *trAudit) Close() error                                                { return nil }

// trVerifier stands in for HelseID: every token is a level-4 clinician's.
type trVerifier struct{}

func (trVerifier) VerifyAccessToken(*http.Request, string, string, string) (map[string]any, error) {
	return map[string]any{"scope": labsim.Scope, labsim.ClaimPID: "x", labsim.ClaimHPRNumber: "9144889",
		labsim.ClaimSecurityLevel: "4", labsim.ClaimOrgParent: "123456789", labsim.ClaimOrgChild: "987654321"}, nil
}

type trTokens struct{}

func (trTokens) AccessToken(context.Context, string) (string, error) { return "token", nil }
func (trTokens) Proof(string, string, string) (string, error)        { return "proof", nil }

const trNIN = "12345678901" // not a valid identity number; the simulator only checks the shape

// trEnv is a lab simulator with one patient whose potassium was measured
// three times in the last year, and a Labs handler in front of it.
func trEnv(t *testing.T) (Labs, *labsim.Server, *trAudit) {
	t.Helper()
	k := func(id string, v float64, flag string) labsim.Observation {
		return labsim.Observation{ID: id, Code: labsim.Coding{System: labsim.NLKSystem, Code: trK, Display: "P-Kalium"},
			Value:          labsim.Value{Quantity: &labsim.Quantity{Value: v, Unit: "mmol/L", Code: "mmol/L"}},
			Reference:      &labsim.Range{Low: &labsim.Quantity{Value: 3.5, Unit: "mmol/L"}, High: &labsim.Quantity{Value: 5.0, Unit: "mmol/L"}},
			Interpretation: flag}
	}
	rep := func(id, date string, obs ...labsim.Observation) labsim.Report {
		d := trDay(t, date)
		return labsim.Report{ID: id, Effective: d, Issued: d, Status: "final", Observations: obs,
			Code: labsim.Coding{System: labsim.NLKSystem, Code: "PANEL", Display: "Elektrolytter"}}
	}
	reg := labsim.MemoryRegistry{trNIN: {Reports: []labsim.Report{
		rep("r1", "2026-02-01", k("o1", 4.1, "")),
		rep("r2", "2026-06-01", k("o2", 5.6, "1")), // kodeverk 8244: over the upper limit
		rep("r3", "2026-11-01", k("o3", 3.2, "2")), // under the lower
	}}}
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
	store := &trAudit{}
	return Labs{API: api, Audit: Auditor{Store: store}, Now: func() time.Time { return trNow }}, sim, store
}

func trRequest(target string, bound bool) *http.Request {
	r := httptest.NewRequest(http.MethodGet, target, nil)
	r.SetPathValue("handle", "h1")
	ctx := request.WithUser(r.Context(), &request.User{Name: "Kari Lege", HPRNumber: "9144889",
		Approvals: []request.Approval{{Profession: "LE"}}})
	ctx = request.WithHandles(ctx, trHandles{"h1": trNIN})
	ctx = request.WithTokens(ctx, trTokens{})
	b := trBases{}
	if bound {
		b.bound = &request.AccessBasis{Basis: labs.BasisSamtykke, Role: "LE", Until: trNow.Add(time.Hour)}
	}
	ctx = request.WithAccessBases(ctx, b)
	return r.WithContext(i18n.WithLang(ctx, i18n.NB))
}

// TestS16_TrendNeedsAnAccessBasis: without a basis the trend shows the
// chooser and fetches nothing; malformed parameters fetch nothing either.
func TestS16_TrendNeedsAnAccessBasis(t *testing.T) {
	tests := []struct {
		name       string
		target     string
		bound      bool
		wantStatus int // of the returned *Error; 0 when a page is written
		wantBody   string
		wantDenied bool // refused for want of a basis: 403 page and one "denied" record (S16)
	}{
		{"no basis", "/person/h1/labs/trend?analysis=" + trK, false, 0, `data-testid="labs-chooser"`, true},
		{"no basis, bad range", "/person/h1/labs/trend?analysis=" + trK + "&range=9y", false, 0, `data-testid="labs-chooser"`, true},
		{"missing analysis", "/person/h1/labs/trend", true, http.StatusNotFound, "", false},
		{"malformed analysis", "/person/h1/labs/trend?analysis=%3Cscript%3E", true, http.StatusNotFound, "", false},
		{"too long analysis", "/person/h1/labs/trend?analysis=" + strings.Repeat("A", 33), true, http.StatusNotFound, "", false},
		{"unknown range", "/person/h1/labs/trend?analysis=" + trK + "&range=2y", true, http.StatusBadRequest, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, sim, store := trEnv(t)
			w := httptest.NewRecorder()
			err := h.Trend(w, trRequest(tt.target, tt.bound))
			if tt.wantStatus != 0 {
				if e := AsError(err); err == nil || e.Status != tt.wantStatus {
					t.Errorf("error %v, want status %d", err, tt.wantStatus)
				}
			} else {
				if err != nil {
					t.Fatalf("Trend: %v", err)
				}
				if w.Code != http.StatusForbidden || !strings.Contains(w.Body.String(), tt.wantBody) {
					t.Errorf("status %d, want 403 with %s", w.Code, tt.wantBody)
				}
			}
			if n := sim.Stats().DiagnosticReportSearch; n != 0 {
				t.Errorf("%d searches, want none", n)
			}
			switch n := len(store.events); {
			case tt.wantDenied && (n != 1 || store.events[0].Outcome != audit.Denied || store.events[0].Action != "trend"):
				t.Errorf("audit records %+v, want one denied trend record", store.events)
			case !tt.wantDenied && n != 0:
				t.Errorf("%d audit records, want none", n)
			}
		})
	}
}

func TestTrend(t *testing.T) {
	t.Run("default range", func(t *testing.T) {
		h, _, store := trEnv(t)
		w := httptest.NewRecorder()
		if err := h.Trend(w, trRequest("/person/h1/labs/trend?analysis="+trK, true)); err != nil {
			t.Fatalf("Trend: %v", err)
		}
		body := w.Body.String()
		if w.Code != http.StatusOK {
			t.Fatalf("status %d", w.Code)
		}
		for _, want := range []string{
			`data-testid="labs-trend-chart"`,
			`data-testid="labs-trend-table"`,
			`aria-current="page" data-testid="labs-trend-range-1y"`, // three points this year: a year
			`href="/person/h1/labs/trend?analysis=NPU03230&amp;range=all"`,
			`href="/person/h1/labs"`,
			"P-Kalium",
		} {
			if !strings.Contains(body, want) {
				t.Errorf("body lacks %s", want)
			}
		}
		if got := strings.Count(body, `data-testid="labs-trend-row"`); got != 3 {
			t.Errorf("%d rows, want 3", got)
		}
		if got := strings.Count(body, `data-testid="labs-trend-flagged"`); got != 2 {
			t.Errorf("%d flagged markers, want 2", got)
		}
		if strings.Contains(body, trNIN) {
			t.Errorf("page shows the identity number")
		}
		if len(store.events) != 1 {
			t.Fatalf("%d audit records, want 1", len(store.events))
		}
		if e := store.events[0]; e.Action != "trend" || e.Resource != "lab" || e.Patient != trNIN ||
			e.AccessBasis != labs.BasisSamtykke || e.Outcome != audit.Granted {
			t.Errorf("audit %+v, want a granted lab trend under SAMTYKKE for the patient", e)
		}
	})

	t.Run("one month", func(t *testing.T) {
		h, _, _ := trEnv(t)
		w := httptest.NewRecorder()
		if err := h.Trend(w, trRequest("/person/h1/labs/trend?analysis="+trK+"&range=1m", true)); err != nil {
			t.Fatalf("Trend: %v", err)
		}
		body := w.Body.String()
		if got := strings.Count(body, `data-testid="labs-trend-row"`); got != 1 {
			t.Errorf("%d rows, want 1", got)
		}
		if !strings.Contains(body, `aria-current="page" data-testid="labs-trend-range-1m"`) {
			t.Errorf("1m not current")
		}
		if strings.Contains(body, "<polyline") {
			t.Errorf("one point drew a line")
		}
	})

	t.Run("unknown analysis is a 404 after the audited search", func(t *testing.T) {
		h, sim, store := trEnv(t)
		err := h.Trend(httptest.NewRecorder(), trRequest("/person/h1/labs/trend?analysis=NPU99999", true))
		if e := AsError(err); err == nil || e.Status != http.StatusNotFound || e.MessageKey != "labs.trend.error.analysis" {
			t.Errorf("error %v, want 404 labs.trend.error.analysis", err)
		}
		if sim.Stats().DiagnosticReportSearch != 1 || len(store.events) != 1 {
			t.Errorf("%d searches, %d audit records; want 1, 1", sim.Stats().DiagnosticReportSearch, len(store.events))
		}
	})

	t.Run("upstream failure shows the error on the page", func(t *testing.T) {
		h, sim, store := trEnv(t)
		sim.SetFault(labsim.Fault{Status: http.StatusBadGateway})
		w := httptest.NewRecorder()
		if err := h.Trend(w, trRequest("/person/h1/labs/trend?analysis="+trK, true)); err != nil {
			t.Fatalf("Trend: %v", err)
		}
		body := w.Body.String()
		if !strings.Contains(body, `data-testid="error"`) || strings.Contains(body, `data-testid="labs-trend-chart"`) {
			t.Errorf("want the error alert and no chart")
		}
		if len(store.events) != 1 || store.events[0].Outcome != audit.UpstreamError {
			t.Errorf("audit %+v, want one upstream_error", store.events)
		}
	})
}

// TestTrendPageHasNoStyleAttribute renders the whole page through the
// handler: the CSP allows no inline style, so neither the chart nor the
// page around it may carry one.
func TestTrendPageHasNoStyleAttribute(t *testing.T) {
	h, _, _ := trEnv(t)
	w := httptest.NewRecorder()
	if err := h.Trend(w, trRequest("/person/h1/labs/trend?analysis="+trK+"&range=all", true)); err != nil {
		t.Fatalf("Trend: %v", err)
	}
	body := strings.ToLower(w.Body.String())
	if !strings.Contains(body, "<svg") {
		t.Fatal("no chart rendered")
	}
	if strings.Contains(body, "style=") || strings.Contains(body, "<style") {
		t.Errorf("page has inline style")
	}
}

func TestResultsPeriodDefault(t *testing.T) {
	now := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	recent := labs.Report{Effective: now.AddDate(0, -2, 0)}
	old := labs.Report{Effective: now.AddDate(-3, 0, 0)}
	issuedOld := labs.Report{Issued: now.AddDate(-2, 0, 0)}
	undated := labs.Report{}
	result := func(rs ...labs.Report) *labs.Result { return &labs.Result{Reports: rs} }
	tests := []struct {
		name string
		res  *labs.Result
		key  string
		want string
	}{
		{"chosen period kept", result(recent, old), "5y", "5y"},
		{"no answer", nil, "", "all"},
		{"nothing", result(), "", "all"},
		{"only recent", result(recent), "", "all"},
		{"only old: still shown without a click", result(old), "", "all"},
		{"recent and old", result(recent, old), "", "1y"},
		{"issue time when no effective time", result(recent, issuedOld), "", "1y"},
		{"undated counts as current", result(undated, old), "", "1y"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := resultsPeriod(tt.res, tt.key, now); got != tt.want {
				t.Errorf("resultsPeriod = %q, want %q", got, tt.want)
			}
		})
	}
}
