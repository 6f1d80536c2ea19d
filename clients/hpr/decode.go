package hpr

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/oppslag/oppslag/clients/tolerant"
	"github.com/oppslag/oppslag/clients/upstream"
)

// Reading HPR's answers (STYLE 16, issue 9): a value the client cannot read
// costs that field, never the entry. tolerant.Decode leaves a value of the
// wrong JSON type empty and reports it; Date and DateTime keep a date in an
// unknown form as received; code values stay strings, so a value added later
// arrives as sent; unknown members are ignored and null where a list belongs
// is an empty list. Each entry carries what could not be read (Unread).
//
// What still fails, as ErrMalformed, because the whole answer is then
// untrustworthy: an empty body, text that is not JSON, a cut-off or
// trailing-garbage document, the wrong top-level shape (an array for an
// entry, an object for a search), and an entry without a valid hprNummer.
// The content type and the size cap are checked before decoding (getJSON).

// decodeJSON decodes exactly one JSON value from b into out tolerantly and
// returns the fields it could not read; every failure is ErrMalformed and
// none quotes the body.
func decodeJSON(b []byte, out any) ([]tolerant.Field, error) {
	fields, err := tolerant.Decode(b, out)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", upstream.ErrMalformed, err)
	}
	return fields, nil
}

// DecodePersonnel reads one HelsepersonUtvidet (an API answer or one
// object of the export) the way the Client does: tolerantly, with what
// could not be read on Unread, failing with ErrMalformed only for what
// makes the whole entry untrustworthy. The export reader and the local
// index should use it, so an odd value costs a field there too, not the
// whole register copy.
func DecodePersonnel(b []byte) (Personnel, error) { return decodePersonnel(b) }

// decodePersonnel reads one HelsepersonUtvidet and checks it is an entry at
// all: JSON null or {} must not pass as a person without approvals.
func decodePersonnel(b []byte) (Personnel, error) {
	var p Personnel
	fields, err := decodeJSON(b, &p)
	if err != nil {
		return Personnel{}, err
	}
	p.Unread = nil // never what the sender put under our member's name
	if err := p.settle(fields); err != nil {
		return Personnel{}, err
	}
	return p, nil
}

// decodeList reads a search answer: a JSON array of entries.
func decodeList(b []byte) ([]Personnel, error) {
	var list []Personnel
	fields, err := decodeJSON(b, &list)
	if err != nil {
		return nil, err
	}
	if list == nil {
		return nil, fmt.Errorf("%w: search answer is not an array", upstream.ErrMalformed)
	}
	for i := range list {
		list[i].Unread = nil
		if err := list[i].settle(under(fields, "["+strconv.Itoa(i)+"]")); err != nil {
			return nil, err
		}
	}
	return list, nil
}

// under returns the fields below prefix (an array element "[3]"), with the
// prefix and the dot after it removed from their paths.
func under(fields []tolerant.Field, prefix string) []tolerant.Field {
	var out []tolerant.Field
	for _, f := range tolerant.Under(fields, prefix) {
		f.Path = f.Path[len(prefix):]
		if len(f.Path) > 0 && f.Path[0] == '.' {
			f.Path = f.Path[1:]
		}
		out = append(out, f)
	}
	return out
}

// errNoNumber is the cause when an entry has no usable hprNummer.
var errNoNumber = errors.New("entry without a valid hprNummer")

// settle checks what every entry must have and records what could not be
// read. A missing or unreadable hprNummer fails the entry: without it the
// entry is nobody's. An erstattetAvHprNummer that is not a positive number
// costs only that field.
func (p *Personnel) settle(fields []tolerant.Field) error {
	if p.HPRNumber <= 0 {
		return fmt.Errorf("%w: %w", upstream.ErrMalformed, errNoNumber)
	}
	if p.ReplacedBy != nil && *p.ReplacedBy <= 0 {
		fields = append(fields, tolerant.Field{Path: "erstattetAvHprNummer", Raw: strconv.Itoa(*p.ReplacedBy), Kind: tolerant.FieldForm})
		p.ReplacedBy = nil
	}
	slices.SortStableFunc(fields, func(a, b tolerant.Field) int { return strings.Compare(a.Path, b.Path) })
	p.Unread = fields
	return nil
}

// UnreadIn returns the entry's unread fields that lie under one of the
// given paths ("person", "godkjenninger[2]").
func (p Personnel) UnreadIn(paths ...string) []tolerant.Field {
	var out []tolerant.Field
	for _, path := range paths {
		out = append(out, tolerant.Under(p.Unread, path)...)
	}
	return out
}
