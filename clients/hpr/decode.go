package hpr

import (
	"fmt"

	"github.com/oppslag/oppslag/clients/sanitize"
)

// decodeJSON decodes exactly one JSON value from b into out (see
// sanitize.DecodeJSON); every failure is ErrMalformed and none quotes the
// body.
func decodeJSON(b []byte, out any) error {
	if err := sanitize.DecodeJSON(b, out); err != nil {
		return fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	return nil
}

// decodePersonnel reads one HelsepersonUtvidet and checks it is an entry at
// all: JSON null or {} must not pass as a person without approvals.
func decodePersonnel(b []byte) (Personnel, error) {
	var p Personnel
	if err := decodeJSON(b, &p); err != nil {
		return Personnel{}, err
	}
	if err := p.check(); err != nil {
		return Personnel{}, err
	}
	return p, nil
}

// decodeList reads a search answer: a JSON array of entries.
func decodeList(b []byte) ([]Personnel, error) {
	var list []Personnel
	if err := decodeJSON(b, &list); err != nil {
		return nil, err
	}
	if list == nil {
		return nil, fmt.Errorf("%w: search answer is not an array", ErrMalformed)
	}
	for i := range list {
		if err := list[i].check(); err != nil {
			return nil, err
		}
	}
	return list, nil
}

// check refuses an entry that lacks what every entry has.
func (p *Personnel) check() error {
	if p.HPRNumber <= 0 {
		return fmt.Errorf("%w: entry without a valid hprNummer", ErrMalformed)
	}
	if p.ReplacedBy != nil && *p.ReplacedBy <= 0 {
		return fmt.Errorf("%w: erstattetAvHprNummer not a valid number", ErrMalformed)
	}
	return nil
}
