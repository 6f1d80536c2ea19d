package handlers

import (
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/oppslag/oppslag/clients/audit"
	"github.com/oppslag/oppslag/clients/audit/accesses"
	"github.com/oppslag/oppslag/clients/audit/lookups"
	"github.com/oppslag/oppslag/clients/labs"
	"github.com/oppslag/oppslag/clients/person/nin"
	"github.com/oppslag/oppslag/handlers/request"
	"github.com/oppslag/oppslag/views"
	"github.com/oppslag/oppslag/views/i18n"
)

// AuditPages serves the auditor's pages (F20): the log's search, one
// record in full, and "who has seen this patient" with its letter to the
// patient. web/routes.go puts them behind the auditor role (S21) and the
// access gate.
//
// Auditors are audited: every view is itself a record (resource "audit";
// action "search", "record", "patient" or "patient_print") committed
// before the page is written. A record that names a patient on the page
// carries that patient: the patient lookup's record names the patient
// looked up, and a full record's view names the record's patient and its
// results, so the patient's own answer shows that an auditor looked.
//
// The search's query string is a URL, so it never holds an identity
// number (S15): a value that looks like one is refused, not echoed, and
// the patient is looked up by a POST body instead. Dates are ISO days in
// Norwegian time; "to" includes its day.
type AuditPages struct {
	Site  Site
	Audit Auditor // its Store must be an audit.Searcher; else the pages answer 503
	Now   func() time.Time
}

// PatientPeriod is how far back "who has seen this patient" looks when the
// auditor gives no start date: a year, the span patients usually ask about.
const PatientPeriod = 1

// maxPatientPages bounds how many search pages one patient answer reads;
// beyond it the answer says it is cut and asks for a shorter period.
const maxPatientPages = 20

// errNoSearch is the cause when the audit store cannot search.
var errNoSearch = errors.New("audit pages: the audit store cannot search")

// auditFilters are the search's query parameters, in the form's order.
var auditFilters = []string{"hpr", "user", "org", "from", "to", "resource", "action", "outcome", "basis"}

// auditResources are the resources the search offers to filter by.
var auditResources = []string{"person", "family", "krr", "address", "timeline", "lab", "hpr", "session", "access", "audit", "testdata"}

var auditOutcomes = []audit.Outcome{audit.Granted, audit.Denied, audit.Restricted, audit.UpstreamError, audit.Success, audit.Failure}

// elevenDigits finds an identity number once separators are removed.
var elevenDigits = regexp.MustCompile(`[0-9]{11}`)

func (h AuditPages) now() time.Time {
	if h.Now == nil {
		return time.Now()
	}
	return h.Now()
}

func (h AuditPages) searcher() (audit.Searcher, error) {
	s, ok := h.Audit.Store.(audit.Searcher)
	if !ok {
		return nil, Errorf(http.StatusServiceUnavailable, "error.audit", errNoSearch)
	}
	return s, nil
}

// Search answers GET /audit: the log, newest first, a page at a time.
func (h AuditPages) Search(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	q := r.URL.Query()
	form, f, ok := searchFormOf(q)
	d := views.AuditSearchData{Filter: form, ExportURL: exportURL(q, ok)}
	status := http.StatusOK
	if s, ok := h.Audit.Store.(audit.Searcher); ok {
		chain, err := lastCheck(r, s)
		if err != nil {
			return err
		}
		d.Chain = chain
	}
	e := audit.Event{Resource: "audit", Action: "search", Fields: usedFields(q), Outcome: audit.Success}
	if ok {
		s, err := h.searcher()
		if err != nil {
			return err
		}
		page, err := s.Search(ctx, f)
		if err != nil {
			return Errorf(http.StatusServiceUnavailable, "error.audit", err)
		}
		for _, rec := range page.Records {
			d.Rows = append(d.Rows, rowOf(rec))
		}
		if page.Next != 0 {
			d.NextURL = searchURL(q, page.Next)
		}
		if f.Before != 0 {
			d.FirstURL = searchURL(q, 0)
		}
	} else {
		status, e.Outcome = http.StatusUnprocessableEntity, audit.Failure
	}
	if err := h.Audit.Record(ctx, request.UserFrom(ctx), e); err != nil {
		return Errorf(http.StatusServiceUnavailable, "error.audit", err)
	}
	return Render(w, r, status, views.AuditSearchPage(h.Site.Base(r, "audit.title"), d))
}

// searchFormOf reads the search's query into the form shown back and the
// store's filter; ok is false when a value is refused.
func searchFormOf(q url.Values) (views.AuditFilter, audit.SearchFilter, bool) {
	form := views.AuditFilter{HPR: q.Get("hpr"), User: q.Get("user"), Org: q.Get("org"), Action: q.Get("action"),
		From: q.Get("from"), To: q.Get("to")}
	f := audit.SearchFilter{HPRNumber: strings.TrimSpace(form.HPR), User: strings.TrimSpace(form.User),
		Org: strings.ReplaceAll(form.Org, " ", ""), Action: strings.TrimSpace(form.Action),
		Resource: q.Get("resource"), Outcome: audit.Outcome(q.Get("outcome")), AccessBasis: q.Get("basis")}
	for _, res := range auditResources {
		form.Resources = append(form.Resources, views.AuditOption{Value: res, Label: resourceText(res), Selected: res == f.Resource})
	}
	for _, o := range auditOutcomes {
		form.Outcomes = append(form.Outcomes, views.AuditOption{Value: string(o), Label: outcomeText(o), Selected: o == f.Outcome})
	}
	for _, b := range labs.AccessBases {
		form.Bases = append(form.Bases, views.AuditOption{Value: b, Label: basisOf(b), Selected: b == f.AccessBasis})
	}
	ok := true
	for _, name := range auditFilters {
		if elevenDigits.MatchString(numberSeparators.Replace(q.Get(name))) {
			// Not echoed: the page must not repeat what the URL should not hold.
			form = views.AuditFilter{Resources: form.Resources, Outcomes: form.Outcomes, Bases: form.Bases,
				QueryError: views.Msg("audit.error.nin_in_query")}
			return form, f, false
		}
	}
	var err views.Text
	if f.From, err = dayStart(form.From, 0); !err.IsZero() {
		form.FromError, ok = err, false
	}
	if f.To, err = dayStart(form.To, 1); !err.IsZero() {
		form.ToError, ok = err, false
	}
	if ok && !f.From.IsZero() && !f.To.IsZero() && !f.From.Before(f.To) {
		form.ToError, ok = views.Msg("audit.error.period"), false
	}
	if b, err := strconv.ParseInt(q.Get("before"), 10, 64); err == nil && b > 0 {
		f.Before = b
	}
	return form, f, ok
}

// dayStart is the start of the Oslo day s names (an ISO date) plus days;
// zero for "".
func dayStart(s string, days int) (time.Time, views.Text) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, views.Text{}
	}
	t, err := time.ParseInLocation(time.DateOnly, s, i18n.Oslo())
	if err != nil {
		return time.Time{}, views.Msg("audit.error.date")
	}
	return t.AddDate(0, 0, days), views.Text{}
}

// usedFields are the names of the filters given: what the auditor's own
// record keeps of a search (S27: field names, never the values).
func usedFields(q url.Values) []string {
	var out []string
	for _, name := range append(auditFilters, "before") {
		if strings.TrimSpace(q.Get(name)) != "" {
			out = append(out, name)
		}
	}
	return out
}

// searchURL is the search with q's filters, from before on (0: the newest).
func searchURL(q url.Values, before int64) string {
	v := url.Values{}
	for _, name := range auditFilters {
		if s := q.Get(name); s != "" {
			v.Set(name, s)
		}
	}
	if before > 0 {
		v.Set("before", strconv.FormatInt(before, 10))
	}
	if len(v) == 0 {
		return "/audit"
	}
	return "/audit?" + v.Encode()
}

// exportURL is the export of q's filters; only a valid filter is carried
// over, so a refused value never reaches a link.
func exportURL(q url.Values, valid bool) string {
	u := searchURL(q, 0)
	if !valid {
		u = "/audit"
	}
	return strings.Replace(u, "/audit", "/audit/export.ndjson", 1)
}

func recordURL(seq int64) string { return "/audit/record/" + strconv.FormatInt(seq, 10) }

func rowOf(rec audit.Record) views.AuditRow {
	return views.AuditRow{URL: recordURL(rec.Seq), Seq: rec.Seq, Time: rec.Time, Who: rec.Actor.Name,
		HPRNumber: rec.Actor.HPRNumber, Org: actorOrg(rec.Actor), Resource: resourceText(rec.Resource),
		Action: rec.Action, Basis: basisOf(rec.AccessBasis), Outcome: outcomeText(rec.Outcome),
		Denied: rec.Outcome == audit.Denied}
}

func actorOrg(a audit.Actor) string {
	if a.OrgChild != "" {
		return a.OrgChild
	}
	return a.OrgParent
}

func resourceText(res string) views.Text { return views.MsgOr("audit.resource."+res, res) }

func outcomeText(o audit.Outcome) views.Text {
	return views.MsgOr("audit.outcome."+string(o), string(o))
}

// Record answers GET /audit/record/{seq}: one record in full, with its
// correlation id and client address.
func (h AuditPages) Record(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	seq, err := strconv.ParseInt(r.PathValue("seq"), 10, 64)
	if err != nil || seq <= 0 {
		return Errorf(http.StatusNotFound, "", nil)
	}
	s, err := h.searcher()
	if err != nil {
		return err
	}
	page, err := s.Search(ctx, audit.SearchFilter{Before: seq + 1, Limit: 1})
	if err != nil {
		return Errorf(http.StatusServiceUnavailable, "error.audit", err)
	}
	if len(page.Records) == 0 || page.Records[0].Seq != seq {
		return Errorf(http.StatusNotFound, "", nil)
	}
	rec := page.Records[0]
	// The reason names the record viewed as a review does ("seq:<n>").
	e := audit.Event{Resource: "audit", Action: "record", Patient: rec.Patient, Results: rec.Results,
		Reason: "seq:" + strconv.FormatInt(seq, 10), Outcome: audit.Success}
	if err := h.Audit.Record(ctx, request.UserFrom(ctx), e); err != nil {
		return Errorf(http.StatusServiceUnavailable, "error.audit", err)
	}
	return Render(w, r, http.StatusOK, views.AuditRecordPage(h.Site.Base(r, "audit.record.title"), recordData(rec)))
}

func recordData(rec audit.Record) views.AuditRecordData {
	a := rec.Actor
	results := make([]string, len(rec.Results))
	for i, res := range rec.Results {
		results[i] = formatNIN(res)
	}
	fields := []struct{ key, value string }{
		{"seq", strconv.FormatInt(rec.Seq, 10)},
		{"time", rec.Time.UTC().Format(time.RFC3339Nano)},
		{"correlation", rec.CorrelationID},
		{"actor_name", a.Name},
		{"actor_pid", formatNIN(a.PID)},
		{"hpr", a.HPRNumber},
		{"role", a.HPRRole},
		{"security_level", a.SecurityLevel},
		{"org_parent", a.OrgParent},
		{"org_child", a.OrgChild},
		{"patient", formatNIN(rec.Patient)},
		{"resource", rec.Resource},
		{"action", rec.Action},
		{"basis", rec.AccessBasis},
		{"reason", rec.Reason},
		{"outcome", string(rec.Outcome)},
		{"client_ip", rec.ClientIP},
		{"fields", strings.Join(rec.Fields, ", ")},
		{"results", strings.Join(results, ", ")},
		{"prev_hash", rec.PrevHash},
		{"hash", rec.Hash},
	}
	d := views.AuditRecordData{Seq: rec.Seq, Back: "/audit"}
	for _, f := range fields {
		d.Fields = append(d.Fields, views.AuditField{Label: views.Msg("audit.field." + f.key), Value: f.value,
			TestID: "audit-field-" + strings.ReplaceAll(f.key, "_", "-")})
	}
	return d
}

// Patient answers POST /audit/patient: every access to the patient in the
// period, newest first.
func (h AuditPages) Patient(w http.ResponseWriter, r *http.Request) error {
	return h.patient(w, r, false)
}

// PatientPrint answers POST /audit/patient/print: the same accesses as a
// letter to the patient.
func (h AuditPages) PatientPrint(w http.ResponseWriter, r *http.Request) error {
	return h.patient(w, r, true)
}

// patientQuery is a valid patient lookup.
type patientQuery struct {
	number   nin.Number
	from, to time.Time // Oslo days: from's start, the end of to
}

func (h AuditPages) patient(w http.ResponseWriter, r *http.Request, print bool) error {
	ctx := r.Context()
	form, pq, ok := h.patientFormOf(r)
	e := audit.Event{Resource: "audit", Action: "patient", Fields: []string{"nin", "from", "to"}, Outcome: audit.Success}
	if print {
		e.Action = "patient_print"
	}
	if ok {
		e.Patient = pq.number.Digits
	} else {
		e.Outcome = audit.Failure
	}
	// Recorded before the log is read, so the answer itself lists this
	// lookup: the patient learns that an auditor read their log.
	if err := h.Audit.Record(ctx, request.UserFrom(ctx), e); err != nil {
		return Errorf(http.StatusServiceUnavailable, "error.audit", err)
	}
	base := h.Site.Base(r, "audit.patient.title")
	if !ok {
		return Render(w, r, http.StatusUnprocessableEntity, views.AuditPatientPage(base, views.AuditPatientData{Form: form}))
	}
	recs, truncated, err := h.patientRecords(r, pq)
	if err != nil {
		return err
	}
	found := accesses.Of(recs, pq.number.Digits)
	last := pq.to.AddDate(0, 0, -1)
	if print {
		p := views.AuditPatientPrint{Number: pq.number.Format(), From: pq.from, To: last, Made: h.now(),
			Truncated: truncated, Reference: request.CorrelationID(ctx)}
		for _, a := range found {
			p.Lines = append(p.Lines, views.AuditPatientLine{Time: a.Time, Who: a.Actor.Name, Role: roleText(a.Actor.HPRRole),
				Org: actorOrg(a.Actor), What: views.Msg("audit.letter.kind." + string(a.What)), Basis: basisOf(a.Basis),
				Refused: a.Outcome == audit.Denied})
		}
		return Render(w, r, http.StatusOK, views.AuditPatientPrintPage(h.Site.Base(r, "audit.letter.title"), p))
	}
	d := views.AuditPatientData{Form: form, NIN: pq.number.Digits, Number: pq.number.Format(), From: pq.from, To: last,
		Truncated: truncated, Looked: true}
	d.Form.NIN = "" // the answer names the patient; the field starts empty for the next
	for _, a := range found {
		d.Accesses = append(d.Accesses, views.AuditAccess{URL: recordURL(a.Seq), Time: a.Time, Who: a.Actor.Name,
			HPRNumber: a.Actor.HPRNumber, Role: roleText(a.Actor.HPRRole), Org: actorOrg(a.Actor), What: kindText(a.What),
			Basis: basisOf(a.Basis), Reason: a.Reason, Outcome: outcomeText(a.Outcome), Denied: a.Outcome == audit.Denied})
	}
	return Render(w, r, http.StatusOK, views.AuditPatientPage(base, d))
}

// patientFormOf reads the lookup's form: the number (required, valid) and
// the period, a year back from today unless given.
func (h AuditPages) patientFormOf(r *http.Request) (views.AuditPatientForm, patientQuery, bool) {
	form := views.AuditPatientForm{NIN: r.PostFormValue("nin"), From: r.PostFormValue("from"), To: r.PostFormValue("to")}
	var pq patientQuery
	ok := true
	switch n, err := nin.Parse(form.NIN); {
	case strings.TrimSpace(form.NIN) == "":
		form.NINError, ok = views.Msg("audit.patient.error.required"), false
	case err != nil:
		form.NINError, ok = views.Msg("audit.patient.error.nin"), false
	default:
		pq.number = n
	}
	today := h.now().In(i18n.Oslo()).Format(time.DateOnly)
	if strings.TrimSpace(form.To) == "" {
		form.To = today
	}
	var bad views.Text
	if pq.to, bad = dayStart(form.To, 1); !bad.IsZero() {
		form.ToError, ok = bad, false
	}
	if strings.TrimSpace(form.From) == "" && form.ToError.IsZero() {
		form.From = pq.to.AddDate(-PatientPeriod, 0, 0).Format(time.DateOnly)
	}
	if pq.from, bad = dayStart(form.From, 0); !bad.IsZero() {
		form.FromError, ok = bad, false
	}
	if form.FromError.IsZero() && form.ToError.IsZero() && !pq.from.Before(pq.to) {
		form.ToError, ok = views.Msg("audit.error.period"), false
	}
	return form, pq, ok
}

// patientRecords reads every record naming the patient in the period, at
// most maxPatientPages pages; truncated when there were more.
func (h AuditPages) patientRecords(r *http.Request, pq patientQuery) ([]audit.Record, bool, error) {
	s, err := h.searcher()
	if err != nil {
		return nil, false, err
	}
	f := audit.SearchFilter{Patient: pq.number.Digits, From: pq.from, To: pq.to, Limit: audit.MaxPageSize}
	var recs []audit.Record
	for range maxPatientPages {
		page, err := s.Search(r.Context(), f)
		if err != nil {
			return nil, false, Errorf(http.StatusServiceUnavailable, "error.audit", err)
		}
		recs = append(recs, page.Records...)
		if page.Next == 0 {
			return recs, false, nil
		}
		f.Before = page.Next
	}
	return recs, true, nil
}

func roleText(code string) views.Text {
	if code == "" {
		return views.Text{}
	}
	return views.ProfessionName(code)
}

// kindText words what an access opened, as "My lookups" words it, or in
// the audit's own words for what only the auditor sees.
func kindText(k lookups.Kind) views.Text {
	switch k {
	case accesses.Search, accesses.List, accesses.Relative, accesses.Audit:
		return views.Msg("audit.kind." + string(k))
	}
	return views.MsgOr("lookups.kind."+string(k), string(k))
}
