package views

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/oppslag/oppslag/clients/person"
	"github.com/oppslag/oppslag/clients/person/timeline"
	"github.com/oppslag/oppslag/views/i18n"
)

// TimelineText is the timeline's own words (see timeline.Text: a key with
// arguments, or its arguments joined) as a view model carries them; the
// view writes it with In or Lang, as it writes a Text. Besides the
// arguments timeline.Text lists, an argument may be a Text: the handler
// names a relative's role that way, with the family graph's key.
type TimelineText timeline.Text

// In returns t in the language of ctx.
func (t TimelineText) In(ctx context.Context) string { return t.Lang(i18n.From(ctx)) }

// Lang returns t in language l. A text without a key is its arguments
// joined by ", " with empty ones left out.
func (t TimelineText) Lang(l i18n.Lang) string {
	args := make([]any, 0, len(t.Args))
	for _, a := range t.Args {
		switch v := a.(type) {
		case timeline.Text:
			args = append(args, TimelineText(v).Lang(l))
		case Text:
			args = append(args, v.Lang(l))
		case person.DateTime:
			args = append(args, tlDate(l, v))
		case timeline.Country:
			args = append(args, Country(v).Lang(l))
		case timeline.EnumValue:
			args = append(args, tlEnum(l, v))
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

// IsZero reports whether t shows nothing (see timeline.Text.IsZero).
func (t TimelineText) IsZero() bool { return timeline.Text(t).IsZero() }

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

// tlInstant shows a registration time, a real instant, in Norwegian time.
func tlInstant(l i18n.Lang, d person.DateTime) string {
	if raw, odd := d.UnreadValue(); odd {
		return i18n.TL(l, "person.value.unreadable", raw)
	}
	if !d.Known() {
		return ""
	}
	return i18n.DateTime(l, d.Time)
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

// tlEntryWords are an entry's words in one language, written once for the
// several places that show them.
type tlEntryWords struct {
	Kind, Date, Title, Before, After, Registered string
}

func (e TimelineEntryView) words(l i18n.Lang) tlEntryWords {
	return tlEntryWords{
		Kind:       e.KindLabel.Lang(l),
		Date:       tlDate(l, e.Date),
		Title:      e.Title.Lang(l),
		Before:     e.Before.Lang(l),
		After:      e.After.Lang(l),
		Registered: tlInstant(l, e.RegisteredAt),
	}
}

// tlDiffLine is a row of the comparison as written in one language.
type tlDiffLine struct {
	Label, A, B string
	Changed     bool
}

// tlDiffLines writes the comparison's rows in language l. Whether a row is
// empty, or changed, depends on how its sides read (two times of one day
// read alike), so it is decided here, once they are written: a row empty on
// both sides is left out, and one whose sides read differently is changed.
func tlDiffLines(l i18n.Lang, rows []TimelineDiffRow) []tlDiffLine {
	var out []tlDiffLine
	for _, r := range rows {
		a, b := r.A.Lang(l), r.B.Lang(l)
		if a == "" && b == "" {
			continue
		}
		out = append(out, tlDiffLine{Label: r.Label.Lang(l), A: a, B: b, Changed: a != b})
	}
	return out
}
