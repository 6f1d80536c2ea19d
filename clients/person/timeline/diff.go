package timeline

import (
	"errors"
	"slices"
)

// The reasons two entries cannot be compared.
var (
	ErrPickTwo     = errors.New("timeline: compare: two entries are needed")
	ErrNoSuchEntry = errors.New("timeline: compare: no such entry")
	ErrOtherPart   = errors.New("timeline: compare: entries of different parts")
	ErrProtected   = errors.New("timeline: compare: a protected address")
	ErrDerived     = errors.New("timeline: compare: a derived entry")
)

// Diff is two entries of one part side by side.
type Diff struct {
	A, B Entry
	Rows []DiffRow
}

// DiffRow is one labelled value of each side; a side without the field has
// no text.
type DiffRow struct {
	Label string // message key
	A, B  Text
}

// Compare finds the entries with IDs a and b and lists their fields side by
// side, in the order they first appear, with the meta fields (validity,
// registration, source, reason, current) last. Only two entries of one part
// that are neither protected (S19) nor derived can be compared.
//
// Every label either side has gets a row: whether a row is empty, or
// changed, depends on how its values read (two times of one day read
// alike), so the page decides that once it has written them.
func Compare(entries []Entry, a, b string) (Diff, error) {
	if a == "" || b == "" {
		return Diff{}, ErrPickTwo
	}
	ea, okA := find(entries, a)
	eb, okB := find(entries, b)
	switch {
	case !okA || !okB:
		return Diff{}, ErrNoSuchEntry
	case ea.Part != eb.Part:
		return Diff{}, ErrOtherPart
	case ea.Protected || eb.Protected:
		return Diff{}, ErrProtected
	case !ea.Diffable() || !eb.Diffable():
		return Diff{}, ErrDerived
	}
	return Diff{A: ea, B: eb, Rows: diffRows(ea, eb)}, nil
}

// find returns the entry with id.
func find(entries []Entry, id string) (Entry, bool) {
	i := slices.IndexFunc(entries, func(e Entry) bool { return e.ID == id })
	if i < 0 {
		return Entry{}, false
	}
	return entries[i], true
}

// metaFields are the item metadata of e, compared after its own fields.
func metaFields(e Entry) []Field {
	cur := Key("timeline.no")
	if e.Current {
		cur = Key("timeline.yes")
	}
	return []Field{
		{"timeline.field.validfrom", Join(e.Date)},
		{"timeline.field.validto", Join(e.ValidTo)},
		{"timeline.field.registered", Join(e.RegisteredAt)},
		{"timeline.field.source", Join(e.Source)},
		{"timeline.field.reason", Join(e.Reason)},
		{"timeline.field.current", cur},
	}
}

func diffRows(a, b Entry) []DiffRow {
	var labels []string
	va, vb := map[string]Text{}, map[string]Text{}
	collect := func(fs []Field, into map[string]Text) {
		for _, f := range fs {
			if _, ok := into[f.Label]; ok {
				continue
			}
			if !slices.Contains(labels, f.Label) {
				labels = append(labels, f.Label)
			}
			into[f.Label] = f.Value
		}
	}
	collect(a.Fields, va)
	collect(b.Fields, vb)
	collect(metaFields(a), va)
	collect(metaFields(b), vb)
	rows := make([]DiffRow, len(labels))
	for i, k := range labels {
		rows[i] = DiffRow{Label: k, A: va[k], B: vb[k]}
	}
	return rows
}
