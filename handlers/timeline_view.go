package handlers

import (
	"time"

	"github.com/oppslag/oppslag/clients/person"
	"github.com/oppslag/oppslag/clients/person/family"
	"github.com/oppslag/oppslag/clients/person/timeline"
	"github.com/oppslag/oppslag/views"
)

// tlWords hands t to the view, which writes it. A relative's role is named
// here, with the family graph's key (familyRoleKey), so the timeline and
// the graph call a relative the same; a role the portal does not know is
// shown as it came.
func tlWords(t timeline.Text) views.TimelineText {
	if len(t.Args) == 0 {
		return views.TimelineText(t)
	}
	args := make([]any, len(t.Args))
	for i, a := range t.Args {
		switch v := a.(type) {
		case timeline.Text:
			args[i] = timeline.Text(tlWords(v))
		case person.FamilyRelationType:
			args[i] = tlRole(v)
		case family.DerivedSibling:
			args[i] = views.Msg(siblingRole(v.Kin, v.Via, v.Twin))
		default:
			args[i] = v
		}
	}
	return views.TimelineText{Key: t.Key, Args: args}
}

// tlRole is the message naming a relative's role.
func tlRole(r person.FamilyRelationType) views.Text {
	if !r.Known() {
		return views.Msg("familygraph.role.unknown", string(r))
	}
	return views.Msg(familyRoleKey(r))
}

// tlKind is the label of a kind of entry.
func tlKind(k timeline.Kind) views.Text { return views.Msg("timeline.kind." + string(k)) }

// tlAsOfCard is the "as of" card for day (YYYY-MM-DD).
func tlAsOfCard(rows []timeline.AsOfRow, day string) *views.TimelineAsOfCard {
	t, _ := time.Parse(time.DateOnly, day)
	card := &views.TimelineAsOfCard{Date: person.NewDateTime(t)}
	for _, r := range rows {
		row := views.TimelineAsOfRow{Label: views.Msg(r.Label)}
		for _, v := range r.Values {
			row.Values = append(row.Values, tlWords(v))
		}
		card.Rows = append(card.Rows, row)
	}
	return card
}

// tlDiffRows are the comparison's rows; the view leaves out the empty ones
// and marks the changed ones, as they read once written.
func tlDiffRows(rows []timeline.DiffRow) []views.TimelineDiffRow {
	var out []views.TimelineDiffRow
	for _, r := range rows {
		out = append(out, views.TimelineDiffRow{Label: views.Msg(r.Label), A: tlWords(r.A), B: tlWords(r.B)})
	}
	return out
}

// tlEntryView is an entry as the page shows it.
func tlEntryView(e timeline.Entry, q timelineQuery) views.TimelineEntryView {
	v := views.TimelineEntryView{
		ID:           e.ID,
		Kind:         string(e.Kind),
		KindLabel:    tlKind(e.Kind),
		Title:        tlWords(e.Title),
		Before:       tlWords(e.Before),
		After:        tlWords(e.After),
		Source:       e.Source,
		Reason:       e.Reason,
		RegisteredAt: e.RegisteredAt,
		Current:      e.Current,
		Future:       e.Future,
		Protected:    e.Protected,
		Diffable:     e.Diffable(),
		SelectedA:    e.ID == q.a,
		SelectedB:    e.ID == q.b,
	}
	if !e.Date.IsZero() {
		v.Date = e.Date
		v.DateISO = e.Date.DateOnly()
	}
	return v
}
