package handlers

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/oppslag/oppslag/clients/person"
	"github.com/oppslag/oppslag/clients/person/protection"
	"github.com/oppslag/oppslag/clients/person/timeline"
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
}

// parseTimelineQuery reads the form. Without the form's marker field f
// (first visit, or a bare link) every kind is shown; once the form was sent,
// exactly the ticked kinds are. Unknown kinds are ignored.
func parseTimelineQuery(v url.Values) timelineQuery {
	q := timelineQuery{kinds: map[timeline.Kind]bool{}, a: v.Get("a"), b: v.Get("b")}
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
// axis, filtered by kind (kind=…, with f=1 once the form was sent), the
// person as registered on a date (asof=YYYY-MM-DD) and a comparison of two
// entries (a=…&b=…), with the family graph below. The lookup is audited
// before anything is written (S20). With htmx the results region alone
// comes back. The rules are package timeline's; this reads the form and
// writes the page.
func (h Person) Timeline(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	q := parseTimelineQuery(r.URL.Query())
	p, number, err := h.lookup(r, "timeline", timelineParts, true)
	if err != nil {
		showPatient(r, nil)
		return err
	}
	showPatient(r, p)
	data, status := timelineData(p, r.PathValue("handle"), q, h.now())
	if !IsFragment(r) {
		// The graph is outside the swapped region, so a fragment needs no
		// relatives. Their names come from one audited bulk call; when it
		// fails the graph still shows roles, without names.
		facts := familyFacts{href: linker(ctx)}
		if rels, err := h.relatives(ctx, number, p, "view"); err == nil {
			facts = familyFactsOf(rels, facts.href)
		}
		data.Family = facts.graph(p)
	}
	w.Header().Add("Vary", "HX-Request")
	if IsFragment(r) {
		return Render(w, r, status, views.TimelineResults(data))
	}
	return Render(w, r, status, views.TimelinePage(h.Site.Base(r, "timeline.title"), data))
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
func timelineData(p *person.Person, handle string, q timelineQuery, now time.Time) (views.TimelineData, int) {
	status := http.StatusOK
	entries := timeline.Build(p, now)
	base := "/person/" + url.PathEscape(handle)
	d := views.TimelineData{
		Action:      base + "/timeline",
		OverviewURL: base,
		AsOf:        q.asOf,
		A:           q.a,
		B:           q.b,
		Total:       len(entries),
	}
	if n := p.CurrentName(); n != nil {
		d.PersonName = familyName(n.GivenName, n.MiddleName, n.FamilyName)
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
	for _, e := range entries {
		if q.kinds[e.Kind] {
			d.Entries = append(d.Entries, tlEntryView(e, q))
		}
	}
	return d, status
}
