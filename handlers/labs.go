package handlers

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/oppslag/oppslag/clients/audit"
	"github.com/oppslag/oppslag/clients/labs"
	"github.com/oppslag/oppslag/handlers/request"
	"github.com/oppslag/oppslag/views"
	"github.com/oppslag/oppslag/views/i18n"
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
const BasisLifetime = 4 * time.Hour

// chooserBases are the non-emergency bases the chooser offers.
var chooserBases = []string{labs.BasisUnntak, labs.BasisSamtykke, labs.BasisForhoyetSamtykke}

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
	return h.chooser(w, r, http.StatusOK, bound.Basis, bound.Role, "")
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

// roleAllowed reports whether role may be the requester role of a user with
// the HPR roles roles: one of them, or none when the user has none.
func roleAllowed(roles []string, role string) bool {
	if len(roles) == 0 {
		return role == ""
	}
	return slices.Contains(roles, role)
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
	return "", b, false, h.chooser(w, r, http.StatusForbidden, "", "", i18n.T(ctx, "labs.chooser.required"))
}

// View fetches and shows the results under the bound basis, for the period
// of ?range= (see resultsPeriod for the default). Every report is fetched
// either way: the period only chooses what the page shows, and the page
// says how many older reports it leaves out.
func (h Labs) View(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	key := r.URL.Query().Get("range")
	if err := checkPeriod(key); err != nil {
		return err
	}
	nin, bound, ok, err := h.boundBasis(w, r, "view")
	if !ok {
		return err
	}
	data := h.labsData(r, bound)
	res, ferr := h.fetch(ctx, nin, bound, "view")
	key = resultsPeriod(res, key, h.now())
	link := func(k string) string { return labsBase(r) + "/labs?range=" + k }
	data.PrintURL = labsBase(r) + "/labs/print?range=" + key
	data.Ranges = periodLinks(ctx, key, link)
	if key != "all" {
		data.AllURL = link("all")
	}
	if h.fill(ctx, &data, res, ferr, key) {
		return ferr
	}
	return Render(w, r, http.StatusOK, views.LabsPage(h.Site.Base(r, "labs.title"), data))
}

// resultsPeriod is key, or when key is "" the default: the last year when
// it holds a report and older reports exist, else everything. A clinician
// sees what is current first, and a patient whose last report is old still
// sees it without a click.
func resultsPeriod(res *labs.Result, key string, now time.Time) string {
	if key != "" {
		return key
	}
	if res == nil {
		return "all"
	}
	year, _ := periodOf("1y")
	from := year.from(now)
	recent, older := false, false
	for _, rep := range res.Reports {
		if when := reportTime(rep); !when.IsZero() && when.Before(from) {
			older = true
		} else {
			recent = true
		}
	}
	if recent && older {
		return "1y"
	}
	return "all"
}

// reportTime is when a report's results were taken: the effective time,
// else the issue time.
func reportTime(rep labs.Report) time.Time {
	if rep.Effective.IsZero() {
		return rep.Issued
	}
	return rep.Effective
}

// Print shows the results as a print view stamped with who printed, when
// and under which basis. Opening it is its own audit event ("print", F10),
// recorded before any data is written.
func (h Labs) Print(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	key := r.URL.Query().Get("range")
	if err := checkPeriod(key); err != nil {
		return err
	}
	nin, bound, ok, err := h.boundBasis(w, r, "print")
	if !ok {
		return err
	}
	data := h.labsData(r, bound)
	u := request.UserFrom(ctx)
	lang := i18n.From(ctx)
	stamp := &views.LabsStamp{
		When:          i18n.DateTime(lang, h.now()),
		Basis:         data.Basis,
		CorrelationID: request.CorrelationID(ctx),
		Back:          labsBase(r) + "/labs",
	}
	if u != nil {
		stamp.Who = u.Name
		stamp.HPRNumber = u.HPRNumber
	}
	if bound.Reason != "" {
		stamp.Reason = data.Emergency.Reason
	}
	data.Stamp = stamp
	res, ferr := h.fetch(ctx, nin, bound, "print")
	if h.fill(ctx, &data, res, ferr, resultsPeriod(res, key, h.now())) {
		return ferr
	}
	return Render(w, r, http.StatusOK, views.LabsPage(h.Site.Base(r, "labs.print.title"), data))
}

// labsData is what every lab view shows of the bound basis.
func (h Labs) labsData(r *http.Request, bound request.AccessBasis) views.LabsData {
	ctx := r.Context()
	return views.LabsData{
		OverviewURL: labsBase(r),
		ChangeURL:   labsBase(r) + "/labs/basis",
		TrendURL:    labsBase(r) + "/labs/trend",
		Basis:       i18n.T(ctx, "labs.basis."+strings.ToLower(bound.Basis)),
		BasisCode:   bound.Basis,
		Role:        professionText(ctx, bound.Role),
		Until:       i18n.Clock(i18n.From(ctx), bound.Until),
		Emergency:   h.emergencyBanner(r, bound),
	}
}

// fill puts a fetch's outcome into data; it reports true when the request
// must fail with ferr instead (the audit store is down: no page at all).
func (h Labs) fill(ctx context.Context, data *views.LabsData, res *labs.Result, ferr error, periodKey string) bool {
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
		p, _ := periodOf(periodKey)
		fillLabs(ctx, data, res, p.from(h.now()))
	}
	return false
}

// fetch searches the patient's reports under basis and audits the access
// as action ("view", "trend", "print") before returning anything; an audit
// failure is a 503 with no data.
func (h Labs) fetch(ctx context.Context, nin string, b request.AccessBasis, action string) (*labs.Result, error) {
	var res *labs.Result
	var err error
	if h.API == nil {
		err = errNoLabs
	} else {
		cctx, cancel := context.WithTimeout(ctx, h.timeout())
		res, err = h.API.SearchReports(cctx, labsAuth(ctx), labs.Query{PersonID: nin, AccessBasis: b.Basis,
			RequesterRole: b.Role, CorrelationID: request.CorrelationID(ctx)})
		cancel()
	}
	// The reason names the emergency reason the basis was opened with
	// (S27), then what the service held back.
	e := audit.Event{Patient: nin, Resource: "lab", Action: action, AccessBasis: b.Basis, Outcome: labsOutcome(err), Reason: b.Reason}
	note := func(s string) {
		if e.Reason != "" {
			e.Reason += "; "
		}
		e.Reason += s
	}
	switch {
	case err == nil && res == nil:
		e.Outcome = audit.UpstreamError
	case err == nil && len(res.Restrictions) > 0:
		e.Outcome = audit.Restricted
		note("restricted: " + strings.Join(res.Restrictions, ","))
	case errors.Is(err, labs.ErrNothingMore):
		note("elevated basis opened nothing more")
	}
	if aerr := h.Audit.Record(ctx, request.UserFrom(ctx), e); aerr != nil {
		return nil, Errorf(http.StatusServiceUnavailable, "error.audit", aerr)
	}
	if err != nil {
		if errors.Is(err, labs.ErrNothingMore) {
			return nil, err
		}
		return nil, labsError(err)
	}
	if res == nil {
		return nil, Errorf(http.StatusBadGateway, "error.labs.malformed", errors.New("labs: empty result"))
	}
	if len(res.Unread) > 0 && h.Log != nil {
		// The paths only: the values could hold an identity number, and
		// the page shows them to the clinician, marked.
		h.Log.WarnContext(ctx, "labs: values not read", "fields", strings.Join(res.Unread[:min(len(res.Unread), 50)], ","),
			"count", len(res.Unread), "correlation_id", request.CorrelationID(ctx))
	}
	return res, nil
}

var errNoLabs = errors.New("labs: no lab service configured")

func labsAuth(ctx context.Context) labs.Auth {
	if t := request.TokensFrom(ctx); t != nil {
		return t
	}
	return nil
}

// labsOutcome is the audit outcome of a lab search's error.
func labsOutcome(err error) audit.Outcome {
	switch {
	case err == nil, errors.Is(err, labs.ErrNothingMore):
		return audit.Granted
	case errors.Is(err, labs.ErrForbidden), errors.Is(err, labs.ErrUnauthorized), errors.Is(err, request.ErrLoginRequired):
		return audit.Denied
	}
	return audit.UpstreamError
}

// labsError maps a lab client error to a plain message naming the lab
// service, never the upstream's text (S26, S31).
func labsError(err error) *Error {
	switch {
	case errors.Is(err, errNoLabs):
		return Errorf(http.StatusServiceUnavailable, "error.labs.unavailable", err)
	case errors.Is(err, request.ErrLoginRequired):
		return Errorf(http.StatusUnauthorized, "", err)
	case errors.Is(err, labs.ErrForbidden):
		return Errorf(http.StatusForbidden, "error.labs.forbidden", err)
	case errors.Is(err, labs.ErrUnauthorized):
		// The service answered and refused the token: it is a refusal,
		// audited as a denial, not a service that is down.
		return Errorf(http.StatusBadGateway, "error.labs.refused", err)
	case errors.Is(err, context.DeadlineExceeded):
		return Errorf(http.StatusGatewayTimeout, "error.labs.timeout", err)
	case errors.Is(err, labs.ErrMalformed):
		return Errorf(http.StatusBadGateway, "error.labs.malformed", err)
	}
	return Errorf(http.StatusBadGateway, "error.labs.upstream", err)
}

// Bind binds the posted basis and role for this patient, audits the
// choice and sends the browser back to the results.
func (h Labs) Bind(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	nin, bases, err := patientBases(r)
	if err != nil {
		return err
	}
	basis, role := r.PostFormValue("basis"), r.PostFormValue("role")
	if !slices.Contains(chooserBases, basis) {
		return h.chooser(w, r, http.StatusBadRequest, "", role, i18n.T(ctx, "labs.chooser.error.basis"))
	}
	roles := request.UserFrom(ctx).Professions()
	if !roleAllowed(roles, role) {
		return h.chooser(w, r, http.StatusBadRequest, basis, "", i18n.T(ctx, "labs.chooser.error.role"))
	}
	e := audit.Event{Patient: nin, Resource: "lab", Action: "access_basis", AccessBasis: basis, Outcome: audit.Granted}
	if err := h.Audit.Record(ctx, request.UserFrom(ctx), e); err != nil {
		return Errorf(http.StatusServiceUnavailable, "error.audit", err)
	}
	if err := bases.Bind(ctx, nin, request.AccessBasis{Basis: basis, Role: role, Until: h.now().Add(BasisLifetime)}); err != nil {
		return Errorf(http.StatusServiceUnavailable, "", err)
	}
	http.Redirect(w, r, labsBase(r)+"/labs", http.StatusSeeOther)
	return nil
}

// chooser renders the access-basis form.
func (h Labs) chooser(w http.ResponseWriter, r *http.Request, status int, basis, role, msg string) error {
	ctx := r.Context()
	c := views.LabsChooser{Action: labsBase(r) + "/labs/basis", OverviewURL: labsBase(r), Error: msg,
		EmergencyURL: labsBase(r) + "/labs/emergency", EmergencyWindow: durationText(ctx, h.emergencyWindow())}
	for _, b := range chooserBases {
		c.Bases = append(c.Bases, views.LabsOption{Value: b, Label: i18n.T(ctx, "labs.basis."+strings.ToLower(b)),
			Help: i18n.T(ctx, "labs.basis."+strings.ToLower(b)+".help"), Selected: b == basis})
	}
	roles := request.UserFrom(ctx).Professions()
	for i, p := range roles {
		c.Roles = append(c.Roles, views.LabsOption{Value: p, Label: professionText(ctx, p),
			Selected: p == role || role == "" && i == 0})
	}
	return Render(w, r, status, views.LabsChooserPage(h.Site.Base(r, "labs.title"), c))
}

// professionText names an HPR profession code (kodeverk 9060).
func professionText(ctx context.Context, code string) string {
	key := "profession." + strings.ToLower(code)
	if t := i18n.T(ctx, key); t != key {
		return t + " (" + code + ")"
	}
	return code
}

// fillLabs turns the search result into the page's reports grouped by
// date; reports from before from are counted in d.Older, not shown.
func fillLabs(ctx context.Context, d *views.LabsData, res *labs.Result, from time.Time) {
	lang := i18n.From(ctx)
	d.Truncated = res.Truncated
	d.NotFound = res.NotFound || len(res.Reports) == 0
	for _, code := range res.Restrictions {
		d.Restrictions = append(d.Restrictions, views.LabsRestriction{
			Text:  enumOr(ctx, "labs.restricted."+strings.ToLower(code), code),
			Opens: enumOr(ctx, "labs.restricted."+strings.ToLower(code)+".opens", ""),
		})
	}
	for _, rep := range res.Reports {
		when := reportTime(rep)
		if !when.IsZero() && when.Before(from) {
			d.Older++
			continue
		}
		date := i18n.Date(lang, when)
		if n := len(d.Days); n == 0 || d.Days[n-1].Date != date {
			d.Days = append(d.Days, views.LabsDay{Date: date, DateISO: when.In(i18n.Oslo()).Format("2006-01-02")})
		}
		day := &d.Days[len(d.Days)-1]
		v := views.LabsReport{
			Title:      firstNonEmpty(rep.Code.Display, rep.Category.Display, rep.Code.Code),
			Status:     enumOr(ctx, "labs.status."+statusKey(rep.Status), rep.Status),
			Requester:  rep.Requester.Name,
			Performer:  rep.Performer.Name,
			Comments:   rep.Comments,
			Incomplete: rep.Incomplete,
			Unread:     unreadRows(rep.Unread),
			// Each result names its own sample when there are several
			// (NILAR: Observation.specimen), never the report's first.
			ShowSpecimen: len(rep.Specimens) > 1,
		}
		// A clinician can glance at the requester in HPR (F14).
		if n, ok := parseHPRNumber(rep.Requester.HPRNumber); ok && rep.Requester.Name != "" {
			v.RequesterURL = hprCardURL(n)
		}
		for _, sp := range rep.Specimens {
			v.Specimens = append(v.Specimens, specimenText(ctx, sp))
			v.Unread = append(v.Unread, unreadRows(sp.Unread)...)
		}
		v.StatusNotice, v.StatusKind = statusNotice(ctx, rep.Status)
		v.Withdrawn = rep.Withdrawn
		switch rep.Kind() {
		case labs.KindPathology, labs.KindImaging:
			// Text reports read as text: each examination a section with
			// its parts under their headings, not rows of a table.
			for _, a := range rep.Analyses {
				v.Sections = append(v.Sections, section(ctx, a))
			}
		default:
			addRows(ctx, &v, &v.Rows, rep.Analyses, 0, d.TrendURL)
		}
		day.Reports = append(day.Reports, v)
	}
}

// specimenText names a sample with when it was taken.
func specimenText(ctx context.Context, sp labs.SpecimenInfo) string {
	s := firstNonEmpty(sp.Type, sp.TypeCode.Display, sp.TypeCode.Code, sp.ID)
	if !sp.Collected.IsZero() {
		when := i18n.DateTime(i18n.From(ctx), sp.Collected)
		if sp.CollectedDay {
			when = i18n.Date(i18n.From(ctx), sp.Collected)
		}
		s = strings.TrimSpace(s + ", " + i18n.T(ctx, "labs.collected", when))
	}
	return s
}

// unreadRows turns the client's unread values into the view's.
func unreadRows(us []labs.Unread) []views.LabsUnread {
	var out []views.LabsUnread
	for _, u := range us {
		out = append(out, views.LabsUnread{Field: u.Field, Raw: u.Raw})
	}
	return out
}

// addRows flattens analyses into the report's rows, panels before their
// members; a numeric result with a code links to its trend under
// trendURL. An isolated organism (a result whose members are
// susceptibilities) becomes a culture of its own, so each antibiotic is
// shown under its organism.
//
// A result group (KITH heading GR) at the top becomes a table of its own
// under the group's name, so grouped results read as groups.
func addRows(ctx context.Context, v *views.LabsReport, rows *[]views.LabsRow, as []labs.Analysis, depth int, trendURL string) {
	lang := i18n.From(ctx)
	for _, a := range as {
		if a.Organism() {
			v.Cultures = append(v.Cultures, culture(ctx, a))
			continue
		}
		if a.Group() && depth == 0 {
			g := views.LabsGroup{Name: firstNonEmpty(a.Value.Coded.Text, a.Code.Display, a.Code.Code)}
			addRows(ctx, v, &g.Rows, a.Members, 0, trendURL)
			v.Groups = append(v.Groups, g)
			continue
		}
		row := views.LabsRow{
			Name:      firstNonEmpty(a.Code.Display, a.Code.Code),
			Value:     valueText(ctx, a.Value),
			Reference: intervalText(lang, a.Reference),
			Depth:     depth,
			Comment:   a.Comment,
			Panel:     len(a.Members) > 0,
			Unread:    unreadRows(a.Unread),
		}
		if a.Specimen != nil && v.ShowSpecimen {
			row.Specimen = firstNonEmpty(a.Specimen.Type, a.Specimen.TypeCode.Display, a.Specimen.ID)
		}
		row.FlagSymbol, row.FlagText, row.Flag = flagView(ctx, analysisFlag(a))
		if a.Value.Quantity != nil && analysisCode.MatchString(a.Code.Code) && trendURL != "" {
			row.TrendURL = trendURL + "?analysis=" + url.QueryEscape(a.Code.Code)
		}
		row.Status, row.Withdrawn = resultStatus(ctx, a.Status), a.Withdrawn
		if a.Withdrawn {
			row.Status = enumOr(ctx, "labs.row.withdrawn."+statusKey(a.Status), row.Status)
		}
		*rows = append(*rows, row)
		addRows(ctx, v, rows, a.Members, depth+1, trendURL)
	}
}

// statusNotice says in words what a report status other than final means
// for the reader, and the notice's kind; both "" for final. An unknown
// status code is named as received.
func statusNotice(ctx context.Context, status string) (text, kind string) {
	switch status {
	case labs.StatusFinal, "":
		return "", ""
	case labs.StatusRegistered, labs.StatusPartial, labs.StatusPreliminary:
		kind = "preliminary"
	case labs.StatusCancelled, labs.StatusEnteredInError:
		kind = "withdrawn"
	default:
		kind = "amended"
	}
	return enumOr(ctx, "labs.status.notice."+statusKey(status), i18n.T(ctx, "labs.status.notice.unknown")+" ("+status+")"), kind
}

// resultStatus is a result's status in words when it is not final; a
// final result (or one with no status) says nothing, so only what a
// clinician must notice stands out.
func resultStatus(ctx context.Context, status string) string {
	if status == labs.StatusFinal || status == "" {
		return ""
	}
	return enumOr(ctx, "labs.status."+statusKey(status), status)
}

// statusKey is a FHIR status code as a catalog key part
// ("entered-in-error" → "entered_in_error").
func statusKey(status string) string {
	return strings.ReplaceAll(strings.ToLower(status), "-", "_")
}

// section is one examination of a pathology or imaging report. Its own
// text (an imaging report's description sits on the examination) comes
// first; then each member with a value is a part under its heading (the
// KITH heading, FU Funn og undersøkelsesresultater, VU Vurdering, or the
// investigation, Makroskopisk undersøkelse), and each member without one
// is a procedure the examination covered (NCRP codes in imaging).
func section(ctx context.Context, a labs.Analysis) views.LabsSection {
	s := views.LabsSection{Status: resultStatus(ctx, a.Status)}
	if a.Withdrawn {
		s.Status = enumOr(ctx, "labs.row.withdrawn."+statusKey(a.Status), s.Status)
	}
	own := labs.Kodeverk(a.Code.System) == "8243" // a name made of the KITH heading, not an examination
	if p, ok := textPart(ctx, a); ok {
		// The section's heading and status already name this part.
		p.Heading, p.Status = "", ""
		s.Parts = append(s.Parts, p)
	}
	var walk func(ms []labs.Analysis)
	walk = func(ms []labs.Analysis) {
		for _, m := range ms {
			if p, ok := textPart(ctx, m); ok {
				s.Parts = append(s.Parts, p)
			} else if len(m.Members) == 0 {
				s.Procedures = append(s.Procedures, procedureText(m))
			}
			walk(m.Members)
		}
	}
	walk(a.Members)
	switch {
	case !own:
		s.Heading = firstNonEmpty(a.Code.Display, a.Code.Code)
	case len(s.Procedures) > 0:
		s.Heading = strings.Join(s.Procedures, "; ")
		s.Procedures = nil
	}
	if s.Heading == "" {
		s.Heading = i18n.T(ctx, "labs.section.unnamed")
	}
	return s
}

// textPart is a result's value as a section part, false when it has none.
// A coded text keeps its text with its line breaks and every coding but
// the KITH heading (the heading is the part's name).
func textPart(ctx context.Context, a labs.Analysis) (views.LabsPart, bool) {
	p := views.LabsPart{Heading: firstNonEmpty(a.Code.Display, a.Code.Code), Comment: a.Comment, Status: resultStatus(ctx, a.Status)}
	switch v := a.Value; {
	case a.Withdrawn:
		p.Text = enumOr(ctx, "labs.row.withdrawn."+statusKey(a.Status), a.Status)
	case v.Coded != nil:
		p.Text = v.Coded.Text
		if h, ok := v.Coded.Heading(); ok && p.Heading == "" {
			p.Heading = firstNonEmpty(h.Display, h.Code)
		}
		for _, cd := range v.Coded.Codes() {
			p.Codes = append(p.Codes, views.LabsCode{Code: cd.Code, Display: cd.Display, System: kodeverkName(ctx, cd.System)})
		}
	case v != (labs.AnalysisValue{}):
		p.Text = valueText(ctx, v)
	default:
		return p, a.Comment != ""
	}
	return p, p.Text != "" || len(p.Codes) > 0 || p.Comment != ""
}

// procedureText names an examination without a value of its own: its
// name and its code.
func procedureText(a labs.Analysis) string {
	s := firstNonEmpty(a.Code.Display, a.Code.Code)
	if a.Code.Display != "" && a.Code.Code != "" && a.Code.Code != a.Code.Display {
		s += " (" + a.Code.Code + ")"
	}
	return s
}

// kodeverkName names a code system for a reader: a kodeverk by its name
// and number, another system as received.
func kodeverkName(ctx context.Context, system string) string {
	kv := labs.Kodeverk(system)
	if kv == "" {
		return system
	}
	return enumOr(ctx, "labs.kodeverk."+kv, i18n.T(ctx, "labs.kodeverk", kv))
}

// culture is an organism with its amount and susceptibilities.
func culture(ctx context.Context, a labs.Analysis) views.LabsCulture {
	c := views.LabsCulture{
		Organism: firstNonEmpty(valueText(ctx, organismValue(a.Value)), a.Code.Display),
		Test:     firstNonEmpty(a.Code.Display, a.Code.Code),
		Comment:  a.Comment,
		Unread:   unreadRows(a.Unread),
	}
	if a.Specimen != nil {
		c.Specimen = firstNonEmpty(a.Specimen.Type, a.Specimen.TypeCode.Display)
	}
	for _, m := range a.Members {
		if !m.Susceptibility() {
			// The amount, and anything else said of the organism.
			if t := valueText(ctx, m.Value); t != "" {
				c.Amounts = append(c.Amounts, t)
			}
			for _, u := range m.Unread {
				c.Unread = append(c.Unread, views.LabsUnread{Field: u.Field, Raw: u.Raw})
			}
			continue
		}
		row := views.LabsSusceptibility{Antibiotic: firstNonEmpty(m.Code.Display, m.Code.Code), Unread: unreadRows(m.Unread)}
		row.FlagSymbol, row.FlagText, row.Flag = flagView(ctx, m.Flag)
		if m.Flag != nil && m.Flag.Level == labs.LevelSusceptible {
			// Susceptible is the answer hoped for: the row tint is kept for
			// what a clinician must notice (R, I), the text still says S.
			row.Flag = ""
		}
		row.MIC = micText(ctx, m)
		c.Rows = append(c.Rows, row)
	}
	return c
}

// organismValue drops the KITH heading (kodeverk 8243, "Laboratorieresultat")
// from an organism's value: the culture's heading already says what it is.
func organismValue(v labs.AnalysisValue) labs.AnalysisValue {
	if v.Coded == nil {
		return v
	}
	c := &labs.Concept{Text: v.Coded.Text}
	for _, cd := range v.Coded.Codings {
		if labs.Kodeverk(cd.System) != "8243" {
			c.Codings = append(c.Codings, cd)
		}
	}
	v.Coded = c
	return v
}

// micText is what a susceptibility says besides S/I/R: the MIC or other
// text, a number, or codings other than the heading and the S/I/R code.
func micText(ctx context.Context, a labs.Analysis) string {
	if a.Value.Coded == nil {
		return valueText(ctx, a.Value)
	}
	c := &labs.Concept{Text: a.Value.Coded.Text}
	for _, cd := range a.Value.Coded.Codings {
		if labs.Kodeverk(cd.System) != "8243" && (a.Flag == nil || cd != a.Flag.Coding) {
			c.Codings = append(c.Codings, cd)
		}
	}
	return c.String()
}

// analysisFlag is a's flag: the one the client read, or one made of the
// level alone for an Analysis built without it.
func analysisFlag(a labs.Analysis) *labs.Flag {
	if a.Flag != nil || a.Interpretation == "" {
		return a.Flag
	}
	return &labs.Flag{Level: a.Interpretation}
}

// flagView is a flag's symbol, word and highlight. A code the client does
// not know is shown as received, never dropped; normal is not flagged.
func flagView(ctx context.Context, f *labs.Flag) (symbol, text, highlight string) {
	if !f.Flagged() {
		return "", "", ""
	}
	if f.Level == "" {
		raw := firstNonEmpty(f.Coding.Code, f.Coding.Display)
		if f.Coding.Code != "" && f.Coding.Display != "" {
			raw = f.Coding.Code + " (" + f.Coding.Display + ")"
		}
		return "?", i18n.T(ctx, "labs.flag.unknown", raw), "unknown"
	}
	return flagSymbol(f.Level), enumOr(ctx, "labs.flag."+strings.ToLower(f.Level), f.Level), strings.ToLower(f.Level)
}

func flagSymbol(f string) string {
	switch f {
	case labs.LevelHigh:
		return "↑"
	case labs.LevelCriticalHigh:
		return "↑↑"
	case labs.LevelLow:
		return "↓"
	case labs.LevelCriticalLow:
		return "↓↓"
	case labs.LevelOutside:
		return "↕"
	case labs.LevelSusceptible, labs.LevelIncreased, labs.LevelResistant, labs.LevelSeeComment:
		return f
	}
	return "!"
}

// valueText writes a value as the page shows it. A coded value shows every
// coding and the text (Concept.String), never only the first coding.
func valueText(ctx context.Context, v labs.AnalysisValue) string {
	lang := i18n.From(ctx)
	switch {
	case v.Quantity != nil:
		return measureText(lang, v.Quantity)
	case v.Coded != nil:
		return v.Coded.String()
	case v.Range != nil:
		return intervalText(lang, v.Range)
	case v.DateTime != nil:
		return i18n.DateTime(lang, *v.DateTime)
	case v.Absent != nil:
		return i18n.T(ctx, "labs.value.absent", firstNonEmpty(v.Absent.Display, v.Absent.Code))
	}
	return v.Text
}

// numberText is a measure's comparator and number in the user's locale.
func numberText(lang i18n.Lang, m *labs.Measure) string {
	return m.Comparator + i18n.Decimal(lang, strconv.FormatFloat(m.Value, 'f', -1, 64))
}

func measureText(lang i18n.Lang, m *labs.Measure) string {
	if m == nil {
		return ""
	}
	s := numberText(lang, m)
	if m.Unit != "" {
		s += " " + m.Unit
	}
	return s
}

func intervalText(lang i18n.Lang, iv *labs.Interval) string {
	if iv == nil {
		return ""
	}
	num := func(m *labs.Measure) string { return numberText(lang, m) }
	switch {
	case iv.Low != nil && iv.High != nil:
		s := num(iv.Low) + "–" + num(iv.High)
		if iv.High.Unit != "" {
			s += " " + iv.High.Unit
		}
		return s
	case iv.Low != nil:
		return "≥ " + measureText(lang, iv.Low)
	case iv.High != nil:
		return "≤ " + measureText(lang, iv.High)
	}
	return iv.Text
}

// enumOr translates key, falling back to raw when the catalog lacks it.
func enumOr(ctx context.Context, key, raw string) string {
	if t := i18n.T(ctx, key); t != key {
		return t
	}
	return raw
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}
