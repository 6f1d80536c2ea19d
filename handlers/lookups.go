package handlers

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/oppslag/oppslag/clients/audit"
	"github.com/oppslag/oppslag/clients/audit/lookups"
	"github.com/oppslag/oppslag/clients/labs/basis"
	"github.com/oppslag/oppslag/clients/person"
	"github.com/oppslag/oppslag/handlers/request"
	"github.com/oppslag/oppslag/views"
	"github.com/oppslag/oppslag/views/i18n"
)

// Lookups serves "My lookups" (F9): the signed-in clinician's own lookups
// today (the Oslo day) and their own emergency openings, derived from the
// audit log (clients/audit/lookups) so the list is the truth and survives
// restarts. Only the clinician's own records are read (audit.Own).
//
// The audit log holds numbers, not names: the names come from ONE bulk
// call to the Person API, recorded (resource "person", action "lookups",
// the numbers as results) before anything is shown (S20). When the call
// fails the rows show the formatted number instead. Each row links back
// through a new session handle, never a number.
//
// An htmx request gets the start page's short list (RecentLookups) instead
// of the whole page: the start page is public ("/") and outside the access
// gate, so the names reach it only through this gated route.
type Lookups struct {
	Site  Site
	API   *person.Client // nil when the Person API is not configured: numbers only
	Audit Auditor
	// EmergencyWindow is how long an emergency opening lasts; 0 means
	// DefaultEmergencyWindow.
	EmergencyWindow time.Duration
	Timeout         time.Duration // the bulk call's deadline (S32)
	Now             func() time.Time
	Log             *slog.Logger
}

// EmergencyPeriod is how far back the page lists the clinician's own
// emergency openings: longer than a day, since an auditor's review may
// take days and the clinician should see it arrive.
const EmergencyPeriod = 30 * 24 * time.Hour

// RecentLookups is how many patients the start page lists.
const RecentLookups = 5

// namesParts is all the bulk call asks for: the name, and the numbers that
// tie the answer to the records.
var namesParts = []person.InformationPart{person.PartName, person.PartNorwegianIdentificationNumber}

func (h Lookups) now() time.Time {
	if h.Now == nil {
		return time.Now()
	}
	return h.Now()
}

func (h Lookups) window() time.Duration {
	if h.EmergencyWindow <= 0 {
		return DefaultEmergencyWindow
	}
	return h.EmergencyWindow
}

// Mine answers GET /me/lookups: the whole page, or the start page's short
// list for htmx.
func (h Lookups) Mine(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u := request.UserFrom(ctx)
	if u == nil {
		return Errorf(http.StatusUnauthorized, "", nil)
	}
	now := h.now()
	from, to := lookups.Day(now, i18n.Oslo())
	recs, err := audit.Own(ctx, h.Audit.Store, u.PID, from, to)
	if err != nil {
		return Errorf(http.StatusServiceUnavailable, "error.audit", err)
	}
	visits := lookups.Visits(recs)
	short := IsFragment(r)
	var openings []lookups.Opening
	if short {
		visits = lookups.Recent(visits, RecentLookups)
	} else if openings, err = h.openings(ctx, u.PID, now); err != nil {
		return Errorf(http.StatusServiceUnavailable, "error.audit", err)
	}
	names, err := h.names(ctx, lookups.Patients(visits, openings))
	if err != nil {
		return err
	}
	if names.of == nil {
		noPatientData(r) // nothing to list: no call, no record
	}
	link := linker(ctx)
	row := func(nin string) views.LookupPatient {
		p := views.LookupPatient{URL: link(nin), Number: formatNIN(nin)}
		if n := names.of[nin]; n != "" {
			p.Name = views.Plain(n)
		}
		return p
	}
	var vs []views.LookupVisit
	for _, v := range visits {
		lv := views.LookupVisit{Patient: row(v.Patient), First: v.First, Last: v.Last}
		for _, o := range v.Opened {
			lv.Opened = append(lv.Opened, views.LookupOpened{What: views.Msg("lookups.kind." + string(o.Kind)), Basis: basisOf(o.Basis)})
		}
		vs = append(vs, lv)
	}
	if short {
		d := views.RecentLookups{Visits: vs, AllURL: "/me/lookups", NamesFailed: names.failed}
		return Render(w, r, http.StatusOK, views.RecentLookupsList(d))
	}
	d := views.LookupsData{Day: from, Visits: vs, NamesFailed: names.failed, EmergencyDays: int(EmergencyPeriod / (24 * time.Hour))}
	for _, o := range openings {
		code := basis.ReasonCode(o.Reason)
		d.Openings = append(d.Openings, views.LookupOpening{
			Patient:   row(o.Patient),
			Basis:     basisOf(o.Basis),
			Reason:    enumOr("labs.emergency.reason."+code, code),
			Opened:    o.Opened,
			Until:     o.Until,
			UntilISO:  o.Until.UTC().Format(time.RFC3339),
			Remaining: o.Until.Sub(now),
			State:     views.Msg("lookups.emergency.state." + string(o.State)),
			Active:    o.State == lookups.Active,
			Ended:     o.Ended,
			Reviewed:  o.Reviewed,
			Review:    o.Review,
		})
	}
	return Render(w, r, http.StatusOK, views.LookupsPage(h.Site.Base(r, "lookups.title"), d))
}

// openings are the clinician's emergency openings of EmergencyPeriod and
// where each stands.
func (h Lookups) openings(ctx context.Context, pid string, now time.Time) ([]lookups.Opening, error) {
	opened, err := audit.Own(ctx, h.Audit.Store, pid, now.Add(-EmergencyPeriod), time.Time{}, audit.ActionEmergency)
	if err != nil || len(opened) == 0 {
		return nil, err
	}
	later, err := audit.Own(ctx, h.Audit.Store, pid, opened[0].Time, time.Time{},
		"access_basis", "access_basis_end", audit.ActionEmergency, "logout")
	if err != nil {
		return nil, err
	}
	reviews, err := audit.ReviewsOf(ctx, h.Audit.Store, opened)
	if err != nil {
		return nil, err
	}
	return lookups.Openings(opened, later, reviews, h.window(), now), nil
}

// patientNames are the names the bulk call gave, by identity number.
type patientNames struct {
	of     map[string]string
	failed bool // the call failed: the rows show numbers
}

// names fetches the names of nins in one bulk call and records the access
// before returning them. No numbers: no call, no record, and a nil map.
// Only an audit failure or a lost login is an error; a failed call leaves
// the names out.
func (h Lookups) names(ctx context.Context, nins []string) (patientNames, error) {
	if len(nins) == 0 {
		return patientNames{}, nil
	}
	var found []person.Person
	var err error
	if h.API == nil {
		err = errNoAPI
	} else {
		timeout := h.Timeout
		if timeout <= 0 {
			timeout = defaultTimeout
		}
		cctx, cancel := context.WithTimeout(ctx, timeout)
		found, err = h.API.BulkByNIN(cctx, tokens(ctx), nins, namesParts)
		cancel()
	}
	e := audit.Event{Resource: "person", Action: "lookups", Results: nins, Outcome: outcomeOf(err)}
	if aerr := h.Audit.Record(ctx, request.UserFrom(ctx), e); aerr != nil {
		return patientNames{}, Errorf(http.StatusServiceUnavailable, "error.audit", aerr)
	}
	if errors.Is(err, request.ErrLoginRequired) {
		return patientNames{}, upstreamError(servicePerson, err) // "log in again"
	}
	out := patientNames{of: map[string]string{}, failed: err != nil}
	if err != nil {
		if h.Log != nil {
			h.Log.WarnContext(ctx, "lookups: names not fetched; numbers shown", "err", err,
				"correlation_id", request.CorrelationID(ctx))
		}
		return out, nil
	}
	for i := range found {
		for _, n := range found[i].NorwegianIdentificationNumber {
			if n.IdentificationNumber != "" {
				out.of[n.IdentificationNumber] = nameOf(&found[i])
			}
		}
	}
	return out, nil
}

// basisOf is an access basis as the lists name it; none for "".
func basisOf(b string) views.Text {
	if b == "" {
		return views.Text{}
	}
	return enumOr("labs.basis."+strings.ToLower(b), b)
}
