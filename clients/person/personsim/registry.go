package personsim

import (
	"slices"

	"github.com/oppslag/oppslag/clients/person"
)

// Registry is the population the simulator serves; the synthetic population
// implements it. The simulator never modifies what it returns.
type Registry interface {
	// ByNIN finds a person by any of its identity numbers, current or
	// historic ("Historic NINs are supported").
	ByNIN(nin string) (*person.Person, bool)
	// All returns every person, in a stable order (search results follow it).
	All() []*person.Person
	// Events returns the change events in ascending sequence order.
	Events() []person.EventDocument
}

// Searcher is an optional extension of Registry: a registry that can find
// search candidates faster than a walk over All implements it. Search gets
// the query as sent (IncludeAinResults set) and returns at most 100 persons
// in a stable order; the simulator still applies its own rules to each, so
// a looser match is harmless and the documented behaviour stays the
// simulator's.
type Searcher interface {
	Search(q person.SearchQuery) []*person.Person
}

// MemoryRegistry is a Registry over a fixed slice of persons; tests and small
// demos use it.
type MemoryRegistry struct {
	persons []*person.Person
	byNIN   map[string]*person.Person
	events  []person.EventDocument
}

// NewMemoryRegistry indexes persons by every identity number they have held
// (norwegianIdentificationNumber, current and historic, and the DUF numbers
// of immigrationAuthoritiesIdentificationNumber).
func NewMemoryRegistry(persons []*person.Person, events []person.EventDocument) *MemoryRegistry {
	r := &MemoryRegistry{
		persons: slices.Clone(persons),
		byNIN:   make(map[string]*person.Person),
		events:  slices.Clone(events),
	}
	for _, p := range persons {
		for _, n := range p.NorwegianIdentificationNumber {
			if n.IdentificationNumber != "" {
				r.byNIN[n.IdentificationNumber] = p
			}
		}
		for _, n := range p.ImmigrationAuthoritiesIdentification {
			if n.IdentificationNumber != "" {
				r.byNIN[n.IdentificationNumber] = p
			}
		}
	}
	return r
}

// ByNIN implements Registry.
func (r *MemoryRegistry) ByNIN(nin string) (*person.Person, bool) {
	p, ok := r.byNIN[nin]
	return p, ok
}

// All implements Registry.
func (r *MemoryRegistry) All() []*person.Person { return r.persons }

// Events implements Registry.
func (r *MemoryRegistry) Events() []person.EventDocument { return r.events }

// Overlay serves the persons of top beside those of base: top is asked
// first for a number, and its persons come first in All. Search (when base
// implements Searcher) stays base's, with top's persons that match the
// simulator's own rules put in front. The demo uses it to serve the
// hostile-strings corpus beside the synthetic population (S25).
func Overlay(top *MemoryRegistry, base Registry) Registry {
	return overlay{top: top, base: base}
}

type overlay struct {
	top  *MemoryRegistry
	base Registry
}

func (o overlay) ByNIN(nin string) (*person.Person, bool) {
	if p, ok := o.top.ByNIN(nin); ok {
		return p, true
	}
	return o.base.ByNIN(nin)
}

func (o overlay) All() []*person.Person { return slices.Concat(o.top.All(), o.base.All()) }

func (o overlay) Events() []person.EventDocument { return o.base.Events() }

func (o overlay) Search(q person.SearchQuery) []*person.Person {
	s, ok := o.base.(Searcher)
	if !ok {
		return o.All()
	}
	return slices.Concat(o.top.All(), s.Search(q))
}
