package handlers

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/oppslag/oppslag/clients/audit"
	"github.com/oppslag/oppslag/clients/labs"
	"github.com/oppslag/oppslag/clients/labs/basis"
	"github.com/oppslag/oppslag/clients/labs/restricted"
	"github.com/oppslag/oppslag/clients/labs/trend"
	"github.com/oppslag/oppslag/handlers/request"
	"github.com/oppslag/oppslag/views"
)

// Labs serves a patient's lab results (F8): the access-basis chooser and
// the results under the chosen basis. Nothing is fetched before a basis is
// bound (S16), and every fetch is audited before data is written (S20, S27).
type Labs struct {
	Site    Site
	API     *labs.Client // nil when the lab service is not configured
	Audit   Auditor
	Timeout time.Duration // per upstream call (S32)
	Log     *slog.Logger
	Now     func() time.Time
	// EmergencyWindow is how long an emergency opening lasts; 0 means
	// DefaultEmergencyWindow.
	EmergencyWindow time.Duration
}

// BasisLifetime is how long a chosen access basis stays bound.
const BasisLifetime = basis.Lifetime

// labsTimeout is the per-call deadline when Timeout is not set; lab
// searches page, so they get more than a person lookup.
const labsTimeout = 10 * time.Second

func (h Labs) timeout() time.Duration {
	if h.Timeout <= 0 {
		return labsTimeout
	}
	return h.Timeout
}

func (h Labs) now() time.Time {
	if h.Now == nil {
		return time.Now()
	}
	return h.Now()
}

func labsBase(r *http.Request) string { return "/person/" + url.PathEscape(r.PathValue("handle")) }

// Choose shows the access-basis chooser (GET /person/{handle}/labs/basis),
// with the bound basis, if any, preselected. The overview links here until
// a basis is bound.
func (h Labs) Choose(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	nin, bases, err := patientBases(r)
	if err != nil {
		return err
	}
	bound, _ := bases.Bound(ctx, nin, h.now())
	// The chooser names the patient (the banner), so that the basis is
	// chosen for the right one: opening it is recorded before it is written
	// (S20), though no lab result is fetched yet.
	e := audit.Event{Patient: nin, Resource: "lab", Action: "basis_form", Outcome: audit.Granted}
	if err := h.Audit.Record(ctx, request.UserFrom(ctx), e); err != nil {
		return Errorf(http.StatusServiceUnavailable, "error.audit", err)
	}
	return h.chooser(w, r, http.StatusOK, bound.Basis, bound.Role, views.Text{})
}

// LabsURL is where a person page links for the patient's lab results: the
// results when a basis is bound for nin in this session, else the chooser.
func LabsURL(ctx context.Context, personBase, nin string, now time.Time) string {
	if bases := request.AccessBasesFrom(ctx); bases != nil {
		if _, ok := bases.Bound(ctx, nin, now); ok {
			return personBase + "/labs"
		}
	}
	return personBase + "/labs/basis"
}

// patientBases resolves the patient of the request's handle and the
// session's access bases, which every lab handler needs together.
func patientBases(r *http.Request) (nin string, bases request.AccessBases, err error) {
	if nin, err = resolve(r); err != nil {
		return "", nil, err
	}
	if bases = request.AccessBasesFrom(r.Context()); bases == nil {
		return "", nil, Errorf(http.StatusUnauthorized, "", request.ErrLoginRequired)
	}
	return nin, bases, nil
}

// boundBasis resolves the patient and their bound basis. Without one, the
// request is refused (S16): a "denied" audit record for action, then 403
// with the chooser, so the user still has the way forward. ok is false when
// the answer has been written or err is set.
func (h Labs) boundBasis(w http.ResponseWriter, r *http.Request, action string) (nin string, b request.AccessBasis, ok bool, err error) {
	ctx := r.Context()
	nin, bases, err := patientBases(r)
	if err != nil {
		return "", b, false, err
	}
	if b, ok = bases.Bound(ctx, nin, h.now()); ok {
		return nin, b, true, nil
	}
	e := audit.Event{Patient: nin, Resource: "lab", Action: action, Outcome: audit.Denied, Reason: "no access basis"}
	if err := h.Audit.Record(ctx, request.UserFrom(ctx), e); err != nil {
		return "", b, false, Errorf(http.StatusServiceUnavailable, "error.audit", err)
	}
	return "", b, false, h.chooser(w, r, http.StatusForbidden, "", "", views.Msg("labs.chooser.required"))
}

// View fetches and shows the results under the bound basis, for the period
// of ?range= (see trend.ResultsPeriod for the default), as reports by day
// or, with ?view=sheet, as the cumulative sheet; ?abnormal=1 shows only
// the deviations. Every report is fetched either way: the period and the
// filter only choose what the page shows, and the page says how much it
// leaves out. Both views are one route, so they share the access gate and
// the one audit record of the look.
func (h Labs) View(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	q := r.URL.Query()
	key := q.Get("range")
	if err := checkPeriod(key); err != nil {
		return err
	}
	v, err := readLabsView(q)
	if err != nil {
		return err
	}
	nin, bound, ok, err := h.boundBasis(w, r, "view")
	if !ok {
		return err
	}
	data := h.labsData(r, bound)
	got, ferr := h.fetch(ctx, nin, bound, "view", true)
	key = trend.ResultsPeriod(got.res, key, h.now())
	results := labsBase(r) + "/labs"
	link := func(k string) string { return v.url(results, k) }
	data.PrintURL = v.url(labsBase(r)+"/labs/print", key)
	data.Ranges = periodLinks(key, link)
	if key != trend.KeyAll {
		data.AllURL = link("all")
	}
	data.Views = viewTabs(results, key, v)
	data.OnlyAbnormal = v.abnormal
	data.AbnormalURL = labsView{sheet: v.sheet, abnormal: !v.abnormal}.url(results, key)
	if h.fill(ctx, &data, got, ferr, key, v) {
		return ferr
	}
	return Render(w, r, http.StatusOK, views.LabsPage(h.Site.Base(r, "labs.title"), data))
}

// Print shows the results as a print view stamped with who printed, when
// and under which basis, in the view and filter of the page it was opened
// from. Opening it is its own audit event ("print", F10), recorded before
// any data is written.
func (h Labs) Print(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	q := r.URL.Query()
	key := q.Get("range")
	if err := checkPeriod(key); err != nil {
		return err
	}
	v, err := readLabsView(q)
	if err != nil {
		return err
	}
	nin, bound, ok, err := h.boundBasis(w, r, "print")
	if !ok {
		return err
	}
	data := h.labsData(r, bound)
	u := request.UserFrom(ctx)
	stamp := &views.LabsStamp{
		When:          h.now(),
		Basis:         data.Basis,
		CorrelationID: request.CorrelationID(ctx),
		Back:          v.url(labsBase(r)+"/labs", key),
	}
	if u != nil {
		stamp.Who = u.Name
		stamp.HPRNumber = u.HPRNumber
	}
	if bound.Reason != "" {
		stamp.Reason = data.Emergency.Reason
	}
	data.Stamp = stamp
	data.OnlyAbnormal = v.abnormal
	got, ferr := h.fetch(ctx, nin, bound, "print", true)
	if h.fill(ctx, &data, got, ferr, trend.ResultsPeriod(got.res, key, h.now()), v) {
		return ferr
	}
	return Render(w, r, http.StatusOK, views.LabsPage(h.Site.Base(r, "labs.print.title"), data))
}

// labsData is what every lab view shows of the bound basis. Under AKUTT
// the restricted-results notice offers FORHOYET_AKUTT (ElevateURL): in an
// emergency there is no consent to ask for, so the way to what the
// patient restricted is the elevated emergency basis, with its own reason
// and confirmation.
func (h Labs) labsData(r *http.Request, bound request.AccessBasis) views.LabsData {
	d := views.LabsData{
		OverviewURL: labsBase(r),
		ChangeURL:   labsBase(r) + "/labs/basis",
		TrendURL:    labsBase(r) + "/labs/trend",
		Basis:       basisText(bound.Basis),
		BasisCode:   bound.Basis,
		Role:        bound.Role,
		Until:       bound.Until,
		Emergency:   h.emergencyBanner(r, bound),
	}
	if bound.Basis == labs.BasisAkutt {
		d.ElevateURL = labsBase(r) + "/labs/emergency?basis=" + labs.BasisForhoyetAkutt
	}
	return d
}

// basisText names an access basis; its message is "labs.basis.<basis>",
// and "labs.basis.<basis>.help" explains it.
func basisText(b string) views.Text { return views.Msg("labs.basis." + strings.ToLower(b)) }

// basisOption is basis b as a choice of a form.
func basisOption(b, selected string) views.LabsOption {
	key := "labs.basis." + strings.ToLower(b)
	return views.LabsOption{Value: b, Label: views.Msg(key), Help: views.Msg(key + ".help"), Selected: b == selected}
}

// roleOptions are the user's HPR professions as the choices of the
// requester role, role (else the first) selected.
func roleOptions(roles []string, role string) []views.LabsRole {
	var out []views.LabsRole
	for i, p := range roles {
		out = append(out, views.LabsRole{Code: p, Selected: p == role || role == "" && i == 0})
	}
	return out
}

// fill puts a fetch's outcome into data; it reports true when the request
// must fail with ferr instead (the audit store is down: no page at all).
func (h Labs) fill(ctx context.Context, data *views.LabsData, got fetched, ferr error, periodKey string, v labsView) bool {
	if isAuditError(ferr) {
		return true
	}
	switch {
	case errors.Is(ferr, labs.ErrNothingMore):
		data.NothingMore = true
	case ferr != nil:
		if e := AsError(ferr); h.Log != nil {
			h.Log.ErrorContext(ctx, "labs failed", "status", e.Status, "err", e.Err,
				"correlation_id", request.CorrelationID(ctx))
		}
		d := ErrorView(ctx, ferr)
		data.Error = &d
	default:
		p, _ := trend.PeriodOf(periodKey)
		fillLabs(data, got.res, labsOptions{from: p.From(h.now()), sheet: v.sheet, abnormal: v.abnormal,
			opened: got.opened, unmarked: got.unmarked})
	}
	return false
}

// fetched is a search's answer: the result and, under an elevated basis,
// the reports the patient had restricted (restricted.Opened).
type fetched struct {
	res    *labs.Result
	opened map[string]bool // nil when not compared
	// unmarked is true when the comparison was asked for and failed: the
	// page then says it cannot tell which reports were restricted.
	unmarked bool
}

// fetch searches the patient's reports under basis and audits the access
// as action ("view", "trend", "print") before returning anything; an audit
// failure is a 503 with no data. With compare, a search under an elevated
// basis is followed by the same search under the basis it elevates, so
// the page can mark what the patient restricted (package restricted); the
// one record of the look says so.
func (h Labs) fetch(ctx context.Context, nin string, b request.AccessBasis, action string, compare bool) (fetched, error) {
	var got fetched
	var err error
	search := func(basis string) (*labs.Result, error) {
		cctx, cancel := context.WithTimeout(ctx, h.timeout())
		defer cancel()
		return h.API.SearchReports(cctx, labsAuth(ctx), labs.Query{PersonID: nin, AccessBasis: basis,
			RequesterRole: b.Role, CorrelationID: request.CorrelationID(ctx)})
	}
	if h.API == nil {
		err = errNoLabs
	} else {
		got.res, err = search(b.Basis)
	}
	// The reason names the emergency reason the basis was opened with
	// (S27), then what the service held back.
	e := audit.Event{Patient: nin, Resource: "lab", Action: action, AccessBasis: b.Basis, Outcome: outcomeOf(err), Reason: b.Reason}
	note := func(s string) {
		if e.Reason != "" {
			e.Reason += "; "
		}
		e.Reason += s
	}
	if ordinary, elevated := restricted.Ordinary(b.Basis); compare && elevated && err == nil && got.res != nil {
		ord, oerr := search(ordinary)
		if oerr != nil {
			got.unmarked = true
			note("restricted not marked: " + ordinary + " search failed")
		} else {
			got.opened = restricted.Opened(got.res, ord)
			note(fmt.Sprintf("opened restricted: %d (compared with %s)", len(got.opened), ordinary))
		}
	}
	switch {
	case err == nil && got.res == nil:
		e.Outcome = audit.UpstreamError
	case err == nil && len(got.res.Restrictions) > 0:
		e.Outcome = audit.Restricted
		note("restricted: " + strings.Join(got.res.Restrictions, ","))
	case errors.Is(err, labs.ErrNothingMore):
		note("elevated basis opened nothing more")
	}
	if aerr := h.Audit.Record(ctx, request.UserFrom(ctx), e); aerr != nil {
		return fetched{}, Errorf(http.StatusServiceUnavailable, "error.audit", aerr)
	}
	if err != nil {
		if errors.Is(err, labs.ErrNothingMore) {
			return fetched{}, err
		}
		return fetched{}, upstreamError(serviceLabs, err)
	}
	if got.res == nil {
		return fetched{}, Errorf(http.StatusBadGateway, "error.labs.malformed", errors.New("labs: empty result"))
	}
	if res := got.res; len(res.Unread) > 0 && h.Log != nil {
		// The paths only: the values could hold an identity number, and
		// the page shows them to the clinician, marked.
		h.Log.WarnContext(ctx, "labs: values not read", "fields", strings.Join(res.Unread[:min(len(res.Unread), 50)], ","),
			"count", len(res.Unread), "correlation_id", request.CorrelationID(ctx))
	}
	return got, nil
}

var errNoLabs = notConfigured(serviceLabs)

func labsAuth(ctx context.Context) labs.Auth {
	if t := request.TokensFrom(ctx); t != nil {
		return t
	}
	return nil
}

// Bind binds the posted basis and role for this patient, audits the
// choice and sends the browser back to the results.
func (h Labs) Bind(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	nin, bases, err := patientBases(r)
	if err != nil {
		return err
	}
	chosen, role := r.PostFormValue("basis"), r.PostFormValue("role")
	if !slices.Contains(basis.Chooser(), chosen) {
		return h.chooser(w, r, http.StatusBadRequest, "", role, views.Msg("labs.chooser.error.basis"))
	}
	roles := request.UserFrom(ctx).Professions()
	if !basis.RoleAllowed(roles, role) {
		return h.chooser(w, r, http.StatusBadRequest, chosen, "", views.Msg("labs.chooser.error.role"))
	}
	e := audit.Event{Patient: nin, Resource: "lab", Action: "access_basis", AccessBasis: chosen, Outcome: audit.Granted}
	if err := h.Audit.Record(ctx, request.UserFrom(ctx), e); err != nil {
		return Errorf(http.StatusServiceUnavailable, "error.audit", err)
	}
	if err := bases.Bind(ctx, nin, request.AccessBasis{Basis: chosen, Role: role, Until: h.now().Add(BasisLifetime)}); err != nil {
		return Errorf(http.StatusServiceUnavailable, "", err)
	}
	http.Redirect(w, r, labsBase(r)+"/labs", http.StatusSeeOther)
	return nil
}

// chooser renders the access-basis form, with msg (zero for none) above it.
// After EndAccess (?ended=1) it confirms that the access ended, but only
// while nothing is bound (selected is the bound basis on a GET), so a link
// can never claim an ending that did not happen.
func (h Labs) chooser(w http.ResponseWriter, r *http.Request, status int, selected, role string, msg views.Text) error {
	c := views.LabsChooser{Action: labsBase(r) + "/labs/basis", OverviewURL: labsBase(r), Error: msg,
		EmergencyURL: labsBase(r) + "/labs/emergency", EmergencyWindow: h.emergencyWindow(),
		Roles: roleOptions(request.UserFrom(r.Context()).Professions(), role)}
	if r.Method == http.MethodGet && status == http.StatusOK && selected == "" && r.URL.Query().Get("ended") == "1" {
		c.Notice = views.Msg("labs.ended")
	}
	for _, b := range basis.Chooser() {
		c.Bases = append(c.Bases, basisOption(b, selected))
	}
	return Render(w, r, status, views.LabsChooserPage(h.Site.Base(r, "labs.title"), c))
}

// labsView is which view of the results a page shows: the reports by day
// or the cumulative sheet (?view=sheet), all results or only the
// deviations (?abnormal=1).
type labsView struct{ sheet, abnormal bool }

var errLabsView = errors.New("labs: unknown view")

// readLabsView reads ?view= and ?abnormal=; any other value is a 400, as
// an unknown ?range= is, so a mistyped link never shows a page that only
// looks like what was asked for.
func readLabsView(q url.Values) (labsView, error) {
	var v labsView
	switch q.Get("view") {
	case "", "reports":
	case "sheet":
		v.sheet = true
	default:
		return v, Errorf(http.StatusBadRequest, "labs.error.view", errLabsView)
	}
	switch q.Get("abnormal") {
	case "", "0":
	case "1":
		v.abnormal = true
	default:
		return v, Errorf(http.StatusBadRequest, "labs.error.view", errLabsView)
	}
	return v, nil
}

// url is page (the results or the print view) in view v for the period
// rangeKey; the defaults (reports, everything) are left out.
func (v labsView) url(page, rangeKey string) string {
	u := page + "?range=" + url.QueryEscape(rangeKey)
	if v.sheet {
		u += "&view=sheet"
	}
	if v.abnormal {
		u += "&abnormal=1"
	}
	return u
}

// viewTabs are the switch between the two views, keeping the period and
// the filter.
func viewTabs(results, rangeKey string, v labsView) []views.LabsTab {
	reports, sheet := v, v
	reports.sheet, sheet.sheet = false, true
	return []views.LabsTab{
		{Key: "reports", Label: views.Msg("labs.view.reports"), URL: reports.url(results, rangeKey), Current: !v.sheet},
		{Key: "sheet", Label: views.Msg("labs.view.sheet"), URL: sheet.url(results, rangeKey), Current: v.sheet},
	}
}
