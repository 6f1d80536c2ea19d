package handlers

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/oppslag/oppslag/clients/person"
	"github.com/oppslag/oppslag/clients/person/timeline"
	"github.com/oppslag/oppslag/views"
	"github.com/oppslag/oppslag/views/i18n"
)

// tlText writes t in language l. A text without a key is its arguments
// joined by ", " with empty ones left out.
func tlText(l i18n.Lang, t timeline.Text) string {
	args := make([]any, 0, len(t.Args))
	for _, a := range t.Args {
		switch v := a.(type) {
		case timeline.Text:
			args = append(args, tlText(l, v))
		case person.DateTime:
			args = append(args, tlDate(l, v))
		case timeline.Country:
			args = append(args, countryText(i18n.WithLang(context.Background(), l), string(v)))
		case timeline.EnumValue:
			args = append(args, tlEnum(l, v))
		case person.FamilyRelationType:
			args = append(args, tlRole(l, v))
		default:
			args = append(args, v)
		}
	}
	if t.Key != "" {
		return i18n.TL(l, t.Key, args...)
	}
	var out []string
	for _, a := range args {
		if s := strings.TrimSpace(fmt.Sprint(a)); s != "" {
			out = append(out, s)
		}
	}
	return strings.Join(out, ", ")
}

// tlDate shows a FREG date as the calendar day it was written with: many are
// dates whose time and zone "are unknown and must be ignored".
func tlDate(l i18n.Lang, d person.DateTime) string {
	if raw, odd := d.UnreadValue(); odd {
		return i18n.TL(l, "person.value.unreadable", raw)
	}
	if !d.Known() {
		return ""
	}
	y, m, day := d.Date()
	return i18n.Date(l, time.Date(y, m, day, 12, 0, 0, 0, i18n.Oslo()))
}

// tlEnum names an enum value by its key prefix; a value the portal does not
// know is shown as it came (S33).
func tlEnum(l i18n.Lang, v timeline.EnumValue) string {
	if v.Value == "" {
		return ""
	}
	if k := v.Prefix + "." + strings.ToLower(v.Value); i18n.Has(k) {
		return i18n.TL(l, k)
	}
	return i18n.TL(l, "timeline.unknown_value", v.Value)
}

// tlRole names a relative's role as the family graph does; a role the
// portal does not know is shown as it came.
func tlRole(l i18n.Lang, r person.FamilyRelationType) string {
	if !r.Known() {
		return i18n.TL(l, "familygraph.role.unknown", string(r))
	}
	return i18n.TL(l, familyRoleKey(r))
}

// tlAsOfCard is the "as of" card for day (YYYY-MM-DD) in language l.
func tlAsOfCard(l i18n.Lang, rows []timeline.AsOfRow, day string) *views.TimelineAsOfCard {
	t, _ := time.Parse(time.DateOnly, day)
	card := &views.TimelineAsOfCard{Date: tlDate(l, person.NewDateTime(t))}
	for _, r := range rows {
		row := views.TimelineAsOfRow{Label: i18n.TL(l, r.Label)}
		for _, v := range r.Values {
			row.Values = append(row.Values, tlText(l, v))
		}
		card.Rows = append(card.Rows, row)
	}
	return card
}

// tlDiffRows are the comparison's rows in language l: a row empty on both
// sides is left out, and one whose sides read differently is changed.
func tlDiffRows(l i18n.Lang, rows []timeline.DiffRow) []views.TimelineDiffRow {
	var out []views.TimelineDiffRow
	for _, r := range rows {
		a, b := tlText(l, r.A), tlText(l, r.B)
		if a == "" && b == "" {
			continue
		}
		out = append(out, views.TimelineDiffRow{Label: i18n.TL(l, r.Label), A: a, B: b, Changed: a != b})
	}
	return out
}

// tlEntryView is an entry as the page shows it, in language l.
func tlEntryView(l i18n.Lang, e timeline.Entry, q timelineQuery) views.TimelineEntryView {
	v := views.TimelineEntryView{
		ID:        e.ID,
		Kind:      string(e.Kind),
		KindLabel: i18n.TL(l, "timeline.kind."+string(e.Kind)),
		Title:     tlText(l, e.Title),
		Before:    tlText(l, e.Before),
		After:     tlText(l, e.After),
		Source:    e.Source,
		Reason:    e.Reason,
		Current:   e.Current,
		Future:    e.Future,
		Protected: e.Protected,
		Diffable:  e.Diffable(),
		SelectedA: e.ID == q.a,
		SelectedB: e.ID == q.b,
	}
	if !e.Date.IsZero() {
		v.Date = tlDate(l, e.Date)
		v.DateISO = e.Date.DateOnly()
	}
	if raw, odd := e.RegisteredAt.UnreadValue(); odd {
		v.RegisteredAt = i18n.TL(l, "person.value.unreadable", raw)
	} else if e.RegisteredAt.Known() {
		v.RegisteredAt = i18n.DateTime(l, e.RegisteredAt.Time)
	}
	return v
}
