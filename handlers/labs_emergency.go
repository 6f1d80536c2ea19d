package handlers

import (
	"net/http"
	"slices"
	"time"

	"github.com/oppslag/oppslag/clients/audit"
	"github.com/oppslag/oppslag/clients/labs/basis"
	"github.com/oppslag/oppslag/handlers/request"
	"github.com/oppslag/oppslag/views"
)

// Emergency access (S17, Kjernejournal practice): a clinician who cannot
// get consent in time opens the lab results on AKUTT, or FORHOYET_AKUTT to
// also open what the patient has blocked. The opening needs a reason from
// the list, the clinician's own words and an explicit confirmation; it is
// bound to this patient for EmergencyWindow, shown as a banner with a
// countdown on every lab view, and recorded as an audit record that stays
// in the review queue until an auditor reviews it (audit.PendingReviews).

// DefaultEmergencyWindow is how long an emergency opening lasts unless
// configured otherwise.
const DefaultEmergencyWindow = basis.DefaultEmergencyWindow

// The rules of the form (which bases, which reasons, how many words, which
// role) are clients/labs/basis; each reason code has the message
// "labs.emergency.reason.<code>".

// emergencyForm is the posted emergency form.
type emergencyForm struct {
	Basis, Reason, Text, Role string
	Confirmed                 bool
}

// emergencyErrors holds one message key per field that failed; all empty
// when the form is valid.
type emergencyErrors struct{ Basis, Reason, Text, Role, Confirm string }

func (e emergencyErrors) any() bool { return e != emergencyErrors{} }

func parseEmergencyForm(r *http.Request) emergencyForm {
	return emergencyForm{
		Basis:     r.PostFormValue("basis"),
		Reason:    r.PostFormValue("reason"),
		Text:      basis.CleanText(r.PostFormValue("text")),
		Role:      r.PostFormValue("role"),
		Confirmed: r.PostFormValue("confirm") == "yes",
	}
}

// Validate checks every field against the lists and the user's roles.
func (f emergencyForm) Validate(roles []string) emergencyErrors {
	var e emergencyErrors
	if !slices.Contains(basis.Emergency(), f.Basis) {
		e.Basis = "labs.emergency.error.basis"
	}
	if !slices.Contains(basis.Reasons(), f.Reason) {
		e.Reason = "labs.emergency.error.reason"
	}
	if p := basis.CheckText(f.Text); p != "" {
		e.Text = "labs.emergency.error." + string(p)
	}
	if !basis.RoleAllowed(roles, f.Role) {
		e.Role = "labs.chooser.error.role"
	}
	if !f.Confirmed {
		e.Confirm = "labs.emergency.error.confirm"
	}
	return e
}

// auditReason is the reason as the audit record keeps it: the code from the
// list, then the clinician's words.
func (f emergencyForm) auditReason() string { return basis.AuditReason(f.Reason, f.Text) }

func (h Labs) emergencyWindow() time.Duration {
	if h.EmergencyWindow <= 0 {
		return DefaultEmergencyWindow
	}
	return h.EmergencyWindow
}

// Emergency shows the emergency form, under the banner that names the
// patient the opening will apply to. Showing it is recorded (it names the
// patient, S20); nothing is fetched or opened until it is posted.
func (h Labs) Emergency(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	nin, err := resolve(r)
	if err != nil {
		return err
	}
	e := audit.Event{Patient: nin, Resource: "lab", Action: "emergency_form", Outcome: audit.Granted}
	if err := h.Audit.Record(ctx, request.UserFrom(ctx), e); err != nil {
		return Errorf(http.StatusServiceUnavailable, "error.audit", err)
	}
	return h.emergencyPage(w, r, http.StatusOK, emergencyForm{}, emergencyErrors{})
}

// OpenEmergency validates the posted form, records the opening (before
// anything else: no record, no opening) and binds the emergency basis for
// this patient for the emergency window.
func (h Labs) OpenEmergency(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	nin, bases, err := patientBases(r)
	if err != nil {
		return err
	}
	f := parseEmergencyForm(r)
	if e := f.Validate(request.UserFrom(ctx).Professions()); e.any() {
		// The form again, naming its patient in the banner: the same look
		// at the form as its GET, recorded the same way.
		fe := audit.Event{Patient: nin, Resource: "lab", Action: "emergency_form", Outcome: audit.Granted}
		if err := h.Audit.Record(ctx, request.UserFrom(ctx), fe); err != nil {
			return Errorf(http.StatusServiceUnavailable, "error.audit", err)
		}
		return h.emergencyPage(w, r, http.StatusUnprocessableEntity, f, e)
	}
	e := audit.Event{Patient: nin, Resource: "lab", Action: audit.ActionEmergency, AccessBasis: f.Basis,
		Reason: f.auditReason(), Outcome: audit.Granted}
	if err := h.Audit.Record(ctx, request.UserFrom(ctx), e); err != nil {
		return Errorf(http.StatusServiceUnavailable, "error.audit", err)
	}
	b := request.AccessBasis{Basis: f.Basis, Role: f.Role, Until: h.now().Add(h.emergencyWindow()), Reason: f.auditReason()}
	if err := bases.Bind(ctx, nin, b); err != nil {
		return Errorf(http.StatusServiceUnavailable, "", err)
	}
	http.Redirect(w, r, labsBase(r)+"/labs", http.StatusSeeOther)
	return nil
}

// EndAccess ends the bound basis for this patient before it lapses (the
// banner's "end emergency access now"), records that it ended, and ends
// on the chooser saying so (?ended=1): the clinician sees the access end,
// not a refusal that reads as if it had lapsed.
func (h Labs) EndAccess(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	nin, bases, err := patientBases(r)
	if err != nil {
		return err
	}
	bound, ok := bases.Bound(ctx, nin, h.now())
	if ok {
		e := audit.Event{Patient: nin, Resource: "lab", Action: "access_basis_end", AccessBasis: bound.Basis, Outcome: audit.Success}
		if err := h.Audit.Record(ctx, request.UserFrom(ctx), e); err != nil {
			return Errorf(http.StatusServiceUnavailable, "error.audit", err)
		}
		if err := bases.Clear(ctx, nin); err != nil {
			return Errorf(http.StatusServiceUnavailable, "", err)
		}
	}
	http.Redirect(w, r, labsBase(r)+"/labs/basis?ended=1", http.StatusSeeOther)
	return nil
}

// emergencyPage renders the form with f's values and the messages in e.
func (h Labs) emergencyPage(w http.ResponseWriter, r *http.Request, status int, f emergencyForm, e emergencyErrors) error {
	msg := func(key string) views.Text {
		if key == "" {
			return views.Text{}
		}
		return views.Msg(key)
	}
	v := views.LabsEmergencyForm{
		Action:       labsBase(r) + "/labs/emergency",
		OverviewURL:  labsBase(r),
		ChooserURL:   labsBase(r) + "/labs/basis",
		Window:       h.emergencyWindow(),
		Text:         f.Text,
		TextMin:      basis.TextMin,
		TextMax:      basis.TextMax,
		Confirmed:    f.Confirmed,
		BasisError:   msg(e.Basis),
		ReasonError:  msg(e.Reason),
		TextError:    msg(e.Text),
		RoleError:    msg(e.Role),
		ConfirmError: msg(e.Confirm),
	}
	chosen := f.Basis
	if q := r.URL.Query().Get("basis"); chosen == "" && r.Method == http.MethodGet && slices.Contains(basis.Emergency(), q) {
		// The restriction notice under AKUTT links here with
		// FORHOYET_AKUTT chosen; the reason and words are still asked.
		chosen = q
	}
	for _, b := range basis.Emergency() {
		v.Bases = append(v.Bases, basisOption(b, chosen))
	}
	for _, reason := range basis.Reasons() {
		v.Reasons = append(v.Reasons, views.LabsOption{Value: reason, Label: views.Msg("labs.emergency.reason." + reason),
			Selected: reason == f.Reason})
	}
	v.Roles = roleOptions(request.UserFrom(r.Context()).Professions(), f.Role)
	return Render(w, r, status, views.LabsEmergencyPage(h.Site.Base(r, "labs.emergency.title"), v))
}

// emergencyBanner is the countdown banner of an emergency basis, or nil.
func (h Labs) emergencyBanner(r *http.Request, b request.AccessBasis) *views.LabsEmergency {
	if !b.Emergency() {
		return nil
	}
	code := basis.ReasonCode(b.Reason)
	return &views.LabsEmergency{
		Basis:     basisText(b.Basis),
		Reason:    enumOr("labs.emergency.reason."+code, code),
		Until:     b.Until,
		UntilISO:  b.Until.UTC().Format(time.RFC3339),
		Remaining: b.Until.Sub(h.now()),
		EndAction: labsBase(r) + "/labs/end",
	}
}
