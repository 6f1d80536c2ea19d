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
