package handlers

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/oppslag/oppslag/clients/audit"
	"github.com/oppslag/oppslag/clients/labs"
	"github.com/oppslag/oppslag/clients/labs/labsim"
	"github.com/oppslag/oppslag/clients/labs/trend"
	"github.com/oppslag/oppslag/handlers/request"
	"github.com/oppslag/oppslag/views"
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

// TestTrendRows words a series: the rule (clients/labs/trend) picks the
// rows and points, trendRows puts them in the view model, and the view
// says them in the user's language.
func TestTrendRows(t *testing.T) {
	entries := []trend.Entry{ // oldest first
		{At: trDay(t, "2020-03-01"), Analysis: trK1("a", 4.0, "")},
		{At: trDay(t, "2026-01-10"), Analysis: trK1("b", 4.2, "")},
		{At: trDay(t, "2026-03-20"), Analysis: labs.Analysis{Code: labs.Coding{Code: trK}, Value: labs.AnalysisValue{Text: "hemolysert"}}},
		{At: trDay(t, "2026-04-01"), Analysis: labs.Analysis{Code: labs.Coding{Code: trK}, Value: trQty(16, "mg/dL")}}, // another unit
		{At: trDay(t, "2026-06-01"), Analysis: trK1("c", 5.6, "H")},
		{At: trDay(t, "2026-09-15"), Analysis: labs.Analysis{Code: labs.Coding{Code: trK, Display: "Kalium"},
			Value:     labs.AnalysisValue{Quantity: &labs.Measure{Value: 3.1, Comparator: "<", Unit: "mmol/L", Code: "mmol/L"}},
			Reference: &labs.Interval{Low: &labs.Measure{Value: 3.6, Unit: "mmol/L"}}, Interpretation: "LL"}},
		{Analysis: trK1("undated", 4.1, "")},
	}
	s := trend.Build(entries, trNow.AddDate(-1, 0, 0))
	tests := []struct {
		name       string
		lang       i18n.Lang
		wantRows   []string // date|ISO date|value|reference|symbol|flag|charted, newest first
		wantLabels []string // the points, oldest first
	}{
		{"nb", i18n.NB, []string{
			"15.09.2026|2026-09-15|<3,1 mmol/L|≥ 3,6 mmol/L|↓↓|Kritisk lav|true",
			"01.06.2026|2026-06-01|5,6 mmol/L|3,5–5 mmol/L|↑|Høy|true",
			"01.04.2026|2026-04-01|16 mg/dL||||false",
			"20.03.2026|2026-03-20|hemolysert||||false",
			"10.01.2026|2026-01-10|4,2 mmol/L|3,5–5 mmol/L|||true",
		}, []string{"10.01.2026: 4,2 mmol/L", "01.06.2026: 5,6 mmol/L, Høy", "15.09.2026: <3,1 mmol/L, Kritisk lav"}},
		{"en", i18n.EN, []string{
			"15 Sep 2026|2026-09-15|<3.1 mmol/L|≥ 3.6 mmol/L|↓↓|Critically low|true",
			"1 Jun 2026|2026-06-01|5.6 mmol/L|3.5–5 mmol/L|↑|High|true",
			"1 Apr 2026|2026-04-01|16 mg/dL||||false",
			"20 Mar 2026|2026-03-20|hemolysert||||false",
			"10 Jan 2026|2026-01-10|4.2 mmol/L|3.5–5 mmol/L|||true",
		}, []string{"10 Jan 2026: 4.2 mmol/L", "1 Jun 2026: 5.6 mmol/L, High", "15 Sep 2026: <3.1 mmol/L, Critically low"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows := trendRows(s)
			var got []string
			for _, r := range rows {
				got = append(got, strings.Join([]string{i18n.Date(tt.lang, r.At), r.At.In(i18n.Oslo()).Format(time.DateOnly),
					r.Value.Lang(tt.lang), r.Reference.Lang(tt.lang), r.FlagSymbol, r.FlagText.Lang(tt.lang),
					strconv.FormatBool(r.Point != nil)}, "|"))
			}
			if !slices.Equal(got, tt.wantRows) {
				t.Errorf("rows\n%q\nwant\n%q", got, tt.wantRows)
			}
			chart := views.LabsTrendData{Name: s.Name, Unit: s.Unit, Rows: rows}.Chart(tt.lang)
			var labels []string
			for _, m := range chart.Markers {
				labels = append(labels, m.Label)
			}
			if !slices.Equal(labels, tt.wantLabels) {
				t.Errorf("labels\n%q\nwant\n%q", labels, tt.wantLabels)
			}
			var points []views.TrendPoint
			for _, r := range slices.Backward(rows) {
				if r.Point != nil {
					points = append(points, *r.Point)
				}
			}
			last := points[len(points)-1]
			if last.Comparator != "<" || last.Value != 3.1 || last.Flag != "LL" ||
				last.Low == nil || *last.Low != 3.6 || last.High != nil {
				t.Errorf("last point %+v, want <3.1 drawn at the limit, flag LL, lower limit 3.6 only", last)
			}
			if latest := rows[0].Value.Lang(tt.lang); !strings.Contains(chart.Desc, latest) {
				t.Errorf("chart description %q does not name the latest value %q", chart.Desc, latest)
			}
		})
	}
	t.Run("undated", func(t *testing.T) {
		rows := trendRows(trend.Build(entries[len(entries)-1:], time.Time{}))
		if len(rows) != 1 {
			t.Fatalf("%d rows, want 1", len(rows))
		}
		if r := rows[0]; !r.At.IsZero() || r.Point != nil {
			t.Errorf("undated row %+v, want no date and no point", r)
		}
	})
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
	return withPatient(r.WithContext(i18n.WithLang(ctx, i18n.NB)))
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

// TestLabsWithdrawnResultsLeaveTheTrend: a cancelled result and an
// entered-in-error report are no points of a series, though the same
// analysis in a valid report is.
func TestLabsWithdrawnResultsLeaveTheTrend(t *testing.T) {
	dir := "../clients/labs/testdata/corpus/"
	amended, _ := renderCorpus(t, dir+"lifecycle-amended.json")
	if got := trend.Collect(amended, "NOR05863"); len(got) != 0 {
		t.Errorf("cancelled Us-FT4 is in the trend: %+v", got)
	}
	if got := trend.Collect(amended, "NOR05172"); len(got) != 1 {
		t.Errorf("amended B-Hemoglobin: %d trend points, want 1", len(got))
	}
	withdrawn, _ := renderCorpus(t, dir+"lifecycle-entered-in-error.json")
	if got := trend.Collect(withdrawn, "NPU19767"); len(got) != 0 {
		t.Errorf("entered-in-error P-D-dimer is in the trend: %+v", got)
	}
}
