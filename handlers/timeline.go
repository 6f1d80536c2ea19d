package handlers

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/oppslag/oppslag/clients/labs"
	"github.com/oppslag/oppslag/clients/labs/trend"
	"github.com/oppslag/oppslag/clients/person"
	"github.com/oppslag/oppslag/clients/person/family"
	"github.com/oppslag/oppslag/clients/person/protection"
	"github.com/oppslag/oppslag/clients/person/timeline"
	"github.com/oppslag/oppslag/handlers/request"
	"github.com/oppslag/oppslag/views"
)

// timelineKinds lists the kinds in the order the filter shows them.
var timelineKinds = timeline.Kinds()

// timelineParts are the information parts the timeline asks for, with history.
var timelineParts = timeline.Parts()

// timelineQuery is the timeline page's GET form.
type timelineQuery struct {
	kinds   map[timeline.Kind]bool // the kinds to show
	asOf    string                 // YYYY-MM-DD, "" for none
	asOfErr string                 // catalog key of the field's message
	a, b    string                 // entry ids to compare
	// order is the order asked for (order=oldest|newest); "" when the
	// query does not say, and the remembered one applies (timelineOrder).
	order timeline.Order
}

// parseTimelineQuery reads the form. Without the form's marker field f
// (first visit, or a bare link) every kind is shown; once the form was sent,
// exactly the ticked kinds are. Unknown kinds and orders are ignored.
func parseTimelineQuery(v url.Values) timelineQuery {
	q := timelineQuery{kinds: map[timeline.Kind]bool{}, a: v.Get("a"), b: v.Get("b")}
	if o, ok := timeline.ParseOrder(v.Get("order")); ok {
		q.order = o
	}
	if v.Get("f") == "" {
		for _, k := range timelineKinds {
			q.kinds[k] = true
		}
	} else {
		for _, s := range v["kind"] {
			if k := timeline.Kind(s); slices.Contains(timelineKinds, k) {
				q.kinds[k] = true
			}
		}
	}
	if s := strings.TrimSpace(v.Get("asof")); s != "" {
		d, err := time.Parse(time.DateOnly, s)
		switch {
		case err != nil:
			q.asOfErr = "timeline.asof.invalid"
		case d.Year() < 1800 || d.Year() > 9999:
			q.asOfErr = "timeline.asof.range"
		default:
			q.asOf = d.Format(time.DateOnly)
		}
	}
	return q
}

// Timeline answers GET /person/{handle}/timeline: every part's history on one
// axis, filtered by kind (kind=…, with f=1 once the form was sent), in the
// order chosen (order=oldest|newest, remembered: timelineOrder), the person
// as registered on a date (asof=YYYY-MM-DD) and a comparison of two entries
// (a=…&b=…), with the family graph below. With htmx the results region
// alone comes back. The rules are package timeline's; this reads the form,
// fetches and writes the page.
//
// Beside the person it fetches, and audits before anything is written
// (S20, S27): the relatives in the one bulk call the family panel makes
// (resource "family", their numbers as results), for their names, births
// and deaths; and, when a lab access basis is bound for this patient in
// this session, the lab reports, recorded as a lab view under that basis.
// Either failing leaves a note on the page, not an error page; only the
// audit store failing is one.
func (h Person) Timeline(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	q := parseTimelineQuery(r.URL.Query())
	p, number, err := h.lookup(r, "timeline", timelineParts, true)
	if err != nil {
		showPatient(r, nil)
		return err
	}
	showPatient(r, p)
	q.order = timelineOrder(w, r, q.order)
	// When the bulk call fails the page shows roles without names, and says
	// so; the graph too.
	facts := familyFacts{href: linker(ctx)}
	var more timeline.More
	var relativesNote *views.TimelineNote
	rels, rerr := h.relatives(ctx, number, p, "view")
	switch {
	case isAuditError(rerr):
		return rerr
	case rerr != nil:
		relativesNote = &views.TimelineNote{Text: views.Msg("timeline.relatives.failed"), TestID: "timeline-relatives-failed"}
	default:
		more.Relatives = timeline.RelativesOf(rels)
		more.Siblings = family.Siblings(p, rels)
		facts = familyFactsOf(rels, facts.href)
	}
	base := "/person/" + url.PathEscape(r.PathValue("handle"))
	reports, labsNote, err := h.timelineLabs(ctx, number, base)
	if err != nil {
		return err
	}
	more.Labs = reports
	data, status := timelineData(p, r.PathValue("handle"), q, h.now(), more)
	data.RelativesNote = relativesNote
	data.LabsNote = labsNote
	if !IsFragment(r) {
		// The graph is outside the swapped region.
		data.Family = facts.graph(p)
	}
	w.Header().Add("Vary", "HX-Request")
	if IsFragment(r) {
		return Render(w, r, status, views.TimelineResults(data))
	}
	return Render(w, r, status, views.TimelinePage(h.Site.Base(r, "timeline.title"), data))
}

// timelineOrderCookie remembers the order a user last chose for the
// timeline. It is a cookie like the language one, not a session value: it
// is a display preference, not a secret, and needs nothing of the session
// store. The logout's Clear-Site-Data removes it with the session, so on a
// shared workstation the next user starts from oldest first.
const timelineOrderCookie = "timeline_order"

// timelineOrder is the order to show: the one asked for, which is then
// remembered for the next timeline; else the remembered one; else oldest
// first.
func timelineOrder(w http.ResponseWriter, r *http.Request, asked timeline.Order) timeline.Order {
	var kept timeline.Order
	if c, err := r.Cookie(timelineOrderCookie); err == nil {
		if o, ok := timeline.ParseOrder(c.Value); ok {
			kept = o
		}
	}
	if asked == "" {
		if kept == "" {
			return timeline.OldestFirst
		}
		return kept
	}
	if asked != kept {
		http.SetCookie(w, &http.Cookie{Name: timelineOrderCookie, Value: string(asked), Path: "/", MaxAge: 365 * 24 * 3600,
			Secure: true, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	}
	return asked
}

// timelineLabs fetches the patient's lab reports for the timeline when a
// lab access basis is bound for them in this session (S16), with the lab
// pages' own fetch, so the look is recorded as theirs is: resource "lab",
// action "view", the basis and its reason. Without a basis nothing is
// fetched or recorded and the note offers the chooser; a failing call is a
// note too. err is set only when the record could not be written.
func (h Person) timelineLabs(ctx context.Context, nin, base string) ([]timeline.LabReport, *views.TimelineNote, error) {
	if h.Labs == nil {
		return nil, nil, nil
	}
	var bound request.AccessBasis
	ok := false
	if bases := request.AccessBasesFrom(ctx); bases != nil {
		bound, ok = bases.Bound(ctx, nin, h.now())
	}
	if !ok {
		return nil, &views.TimelineNote{Text: views.Msg("timeline.labs.none"),
			Link: views.Msg("timeline.labs.choose"), Href: base + "/labs/basis", TestID: "timeline-labs-none"}, nil
	}
	l := Labs{API: h.Labs, Audit: h.Audit, Timeout: h.Timeout, Log: h.Log, Now: h.Now}
	got, err := l.fetch(ctx, nin, bound, "view", false)
	open := base + "/labs?range=" + trend.KeyAll
	switch {
	case isAuditError(err):
		return nil, nil, err
	case err != nil:
		if h.Log != nil && !errors.Is(err, labs.ErrNothingMore) {
			e := AsError(err)
			h.Log.ErrorContext(ctx, "timeline: labs failed", "status", e.Status, "err", e.Err,
				"correlation_id", request.CorrelationID(ctx))
		}
		return nil, &views.TimelineNote{Text: views.Msg("timeline.labs.failed"),
			Link: views.Msg("timeline.lab.open"), Href: open, TestID: "timeline-labs-failed"}, nil
	}
	var out []timeline.LabReport
	for _, rep := range got.res.Reports {
		out = append(out, timeline.LabReport{When: trend.When(rep), Name: firstNonEmpty(rep.Code.Display, rep.Code.Code),
			Category: rep.Category.Display, Withdrawn: rep.Withdrawn})
	}
	var note *views.TimelineNote
	if len(got.res.Restrictions) > 0 {
		note = &views.TimelineNote{Text: views.Msg("timeline.labs.restricted"),
			Link: views.Msg("timeline.lab.open"), Href: open, TestID: "timeline-labs-restricted"}
	}
	return out, note, nil
}

// tlDiffErrors are the messages for the reasons two entries cannot be
// compared.
var tlDiffErrors = []struct {
	err error
	key string
}{
	{timeline.ErrPickTwo, "timeline.diff.error.missing"},
	{timeline.ErrNoSuchEntry, "timeline.diff.error.unknown"},
	{timeline.ErrOtherPart, "timeline.diff.error.part"},
	{timeline.ErrProtected, "timeline.diff.error.protected"},
	{timeline.ErrDerived, "timeline.diff.error.derived"},
}

// tlDiffError is the catalog key of the message for err.
func tlDiffError(err error) string {
	for _, e := range tlDiffErrors {
		if errors.Is(err, e.err) {
			return e.key
		}
	}
	return "timeline.diff.error.unknown"
}

// timelineData fills the page's view model and returns the status to answer
// with: 422 when the form had an error.
func timelineData(p *person.Person, handle string, q timelineQuery, now time.Time, more timeline.More) (views.TimelineData, int) {
	status := http.StatusOK
	entries := timeline.BuildWith(p, now, more)
	base := "/person/" + url.PathEscape(handle)
	order := q.order
	if order == "" {
		order = timeline.OldestFirst
	}
	d := views.TimelineData{
		Action:      base + "/timeline",
		OverviewURL: base,
		Order:       string(order),
		AsOf:        q.asOf,
		A:           q.a,
		B:           q.b,
		Total:       len(entries),
	}
	if n := p.CurrentName(); n != nil {
		d.PersonName = person.JoinParts(n.GivenName, n.MiddleName, n.FamilyName)
	}
	if rule := protection.Of(p); rule.Protected() {
		level := timeline.Enum("timeline.level", string(rule.Level()))
		d.ProtectionNote = tlWords(timeline.Key("timeline.protection.note", level))
	}
	counts := map[timeline.Kind]int{}
	for _, e := range entries {
		counts[e.Kind]++
	}
	for _, k := range timelineKinds {
		d.Kinds = append(d.Kinds, views.TimelineKindOption{
			Value: string(k), Label: tlKind(k), Checked: q.kinds[k], Count: counts[k],
		})
	}
	if q.asOfErr != "" {
		d.AsOfError = views.Msg(q.asOfErr)
		status = http.StatusUnprocessableEntity
	} else if q.asOf != "" {
		d.AsOfCard = tlAsOfCard(timeline.AsOf(p, q.asOf), q.asOf)
	}
	if q.a != "" || q.b != "" {
		diff, err := timeline.Compare(entries, q.a, q.b)
		if err != nil {
			d.DiffError = views.Msg(tlDiffError(err))
			status = http.StatusUnprocessableEntity
		} else {
			d.Diff = &views.TimelineDiff{
				A:    tlEntryView(diff.A, q),
				B:    tlEntryView(diff.B, q),
				Rows: tlDiffRows(diff.Rows),
			}
		}
	}
	for _, e := range timeline.Sorted(entries, order) {
		if !q.kinds[e.Kind] {
			continue
		}
		v := tlEntryView(e, q)
		if e.Kind == timeline.KindLab {
			// The labs page shows every report with range=all, so the one
			// clicked is there whatever its age.
			v.Href = base + "/labs?range=" + trend.KeyAll
		}
		d.Entries = append(d.Entries, v)
	}
	return d, status
}
