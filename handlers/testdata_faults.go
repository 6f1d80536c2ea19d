package handlers

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/oppslag/oppslag/clients/audit"
	"github.com/oppslag/oppslag/clients/person"
	"github.com/oppslag/oppslag/clients/simfault"
	"github.com/oppslag/oppslag/handlers/request"
	"github.com/oppslag/oppslag/views"
)

// FaultRegistry is what the fault panel needs of the simulators' fault
// layer; *simfault.Registry implements it.
type FaultRegistry interface {
	Set(simfault.Fault) (simfault.Fault, error)
	Clear(id string) bool
	ClearAll() int
	Active(now time.Time) []simfault.Fault
}

// FaultDurations are the panel's choices of how long a fault lasts; ""
// is until cleared.
var FaultDurations = []string{"1m", "5m", "15m", ""}

// Faults is the fault panel, /testdata/faults (F19): a tester makes the
// simulated upstreams slow, down or broken, and the band on every page says
// so while it lasts.
//
// Decisions:
//   - Every change is audited (resource "testdata", action "fault_set" or
//     "fault_clear", outcome success) before it is made, and a change whose
//     record fails is not made: a fault changes what every user of the
//     instance sees, so who did it must be known. The record's reason
//     describes the fault; it names no person. A refused form changes
//     nothing and records nothing.
//   - After a change the browser is sent back to the panel (303), so a
//     reload repeats nothing.
type Faults struct {
	Site     Site
	Registry FaultRegistry
	Audit    Auditor
	Now      func() time.Time // nil is time.Now
}

func (h Faults) now() time.Time {
	if h.Now == nil {
		return time.Now()
	}
	return h.Now()
}

// Panel answers GET /testdata/faults: the faults in force and the form.
func (h Faults) Panel(w http.ResponseWriter, r *http.Request) error {
	return h.render(w, r, http.StatusOK, views.FaultForm{Upstream: string(simfault.Person), Kind: string(simfault.KindStatus503), Duration: "5m"})
}

func (h Faults) render(w http.ResponseWriter, r *http.Request, status int, form views.FaultForm) error {
	page := views.FaultsPage{Faults: FaultLines(h.Registry.Active(h.now())), Form: form, Durations: FaultDurations}
	for _, u := range simfault.Upstreams {
		page.Upstreams = append(page.Upstreams, string(u))
	}
	for _, k := range simfault.Kinds {
		page.Kinds = append(page.Kinds, string(k))
	}
	for _, p := range person.AllInformationParts() {
		page.Parts = append(page.Parts, string(p))
	}
	return Render(w, r, status, views.FaultsPanel(h.Site.Base(r, "faults.title"), page))
}

// Add answers POST /testdata/faults: validates the form, records the
// change and sets the fault; a form it refuses comes back with a plain
// message and 422.
func (h Faults) Add(w http.ResponseWriter, r *http.Request) error {
	form := views.FaultForm{
		Upstream: r.PostFormValue("upstream"), Kind: r.PostFormValue("kind"), Route: r.PostFormValue("route"),
		LatencyMS: strings.TrimSpace(r.PostFormValue("latency_ms")), RetryAfter: strings.TrimSpace(r.PostFormValue("retry_after")),
		Duration: r.PostFormValue("duration"),
	}
	f, field := h.parse(form)
	if field == "" {
		var err error
		if f, err = f.Validate(); err != nil {
			field = formField(err)
		}
	}
	if field != "" {
		form.ErrorField, form.Error = field, views.Msg("faults.invalid."+strings.TrimSuffix(field, "_ms"))
		return h.render(w, r, http.StatusUnprocessableEntity, form)
	}
	ctx := r.Context()
	e := audit.Event{Resource: "testdata", Action: "fault_set", Reason: describeFault(f), Outcome: audit.Success}
	if err := h.Audit.Record(ctx, request.UserFrom(ctx), e); err != nil {
		return Errorf(http.StatusServiceUnavailable, "error.audit", err)
	}
	if _, err := h.Registry.Set(f); err != nil {
		return Errorf(http.StatusInternalServerError, "", err)
	}
	http.Redirect(w, r, "/testdata/faults", http.StatusSeeOther)
	return nil
}

// Clear answers POST /testdata/faults/clear: id "all" clears every fault,
// any other id that one (an id already gone clears nothing, and is still
// recorded: the tester asked). Then back to the panel, which shows what is
// left.
func (h Faults) Clear(w http.ResponseWriter, r *http.Request) error {
	id := strings.TrimSpace(r.PostFormValue("id"))
	if id == "" || len(id) > 32 {
		return Errorf(http.StatusBadRequest, "", nil)
	}
	ctx := r.Context()
	e := audit.Event{Resource: "testdata", Action: "fault_clear", Reason: "fault " + id, Outcome: audit.Success}
	if err := h.Audit.Record(ctx, request.UserFrom(ctx), e); err != nil {
		return Errorf(http.StatusServiceUnavailable, "error.audit", err)
	}
	if id == "all" {
		h.Registry.ClearAll()
	} else {
		h.Registry.Clear(id)
	}
	http.Redirect(w, r, "/testdata/faults", http.StatusSeeOther)
	return nil
}

// parse reads the form into a fault, or names the field it cannot read.
func (h Faults) parse(form views.FaultForm) (simfault.Fault, string) {
	f := simfault.Fault{Upstream: simfault.Upstream(form.Upstream), Kind: simfault.Kind(form.Kind), Route: form.Route}
	if form.LatencyMS != "" {
		ms, err := strconv.Atoi(form.LatencyMS)
		if err != nil || ms < 0 || time.Duration(ms)*time.Millisecond > simfault.MaxLatency {
			return f, "latency_ms"
		}
		f.Latency = time.Duration(ms) * time.Millisecond
	}
	if form.RetryAfter != "" {
		s, err := strconv.Atoi(form.RetryAfter)
		if err != nil || s < 0 || s > simfault.MaxRetryAfter {
			return f, "retry_after"
		}
		f.RetryAfter = s
	}
	switch form.Duration {
	case "":
	case "1m", "5m", "15m":
		d, _ := time.ParseDuration(form.Duration)
		f.Until = h.now().Add(d)
	default:
		return f, "duration"
	}
	return f, ""
}

// formField is the form field a refused fault is about.
func formField(err error) string {
	var inv *simfault.InvalidError
	if !errors.As(err, &inv) {
		return "kind"
	}
	if inv.Field == simfault.FieldLatency {
		return "latency_ms"
	}
	return string(inv.Field)
}

// describeFault is a fault as its audit record's reason gives it.
func describeFault(f simfault.Fault) string {
	s := fmt.Sprintf("%s %s", f.Upstream, f.Kind)
	if f.Route != "" {
		s += " route=" + f.Route
	}
	if f.Latency > 0 {
		s += " latency=" + f.Latency.String()
	}
	if f.RetryAfter > 0 {
		s += fmt.Sprintf(" retry_after=%ds", f.RetryAfter)
	}
	if !f.Until.IsZero() {
		s += " until=" + f.Until.UTC().Format(time.RFC3339)
	}
	return s
}

// FaultLines turns the faults in force into the view's lines.
func FaultLines(fs []simfault.Fault) []views.FaultLine {
	if len(fs) == 0 {
		return nil
	}
	out := make([]views.FaultLine, len(fs))
	for i, f := range fs {
		out[i] = views.FaultLine{ID: f.ID, Upstream: string(f.Upstream), Kind: string(f.Kind), Route: f.Route,
			Latency: f.Latency, RetryAfter: f.RetryAfter, Until: f.Until}
	}
	return out
}
