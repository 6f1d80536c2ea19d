package personsim

import (
	"errors"
	"slices"
	"strconv"
	"sync"

	"github.com/oppslag/oppslag/clients/person"
)

// Changes is a Registry over base that a tester can change while the
// simulator runs (issue 15): Rename gives a person a new family name and
// appends a ChangeInName event to the feed, numbered after base's events,
// so a portal that follows the feed sees the change as it would see FREG's.
// Changes live in memory until the process ends; base is never modified.
type Changes struct {
	base Registry

	mu      sync.RWMutex
	changed map[string]*person.Person // by person id: the changed documents
	byNIN   map[string]*person.Person // every number of a changed person
	events  []person.EventDocument    // the events after base's
}

// NewChanges returns a changeable Registry over base.
func NewChanges(base Registry) *Changes {
	return &Changes{base: base, changed: map[string]*person.Person{}, byNIN: map[string]*person.Person{}}
}

// ErrUnknownPerson means Rename was given a number the registry does not know.
var ErrUnknownPerson = errors.New("personsim: no person with that number")

// Rename sets the family name of nin's current name items to family and
// records the change as an event. The change is dated as the event is
// written; it returns the event's sequence number.
func (c *Changes) Rename(nin, family string) (int64, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	p, ok := c.byNINLocked(nin)
	if !ok {
		return 0, ErrUnknownPerson
	}
	q := *p // a shallow copy: only the name list is replaced
	q.Name = slices.Clone(p.Name)
	for i := range q.Name {
		if q.Name[i].Current() {
			q.Name[i].FamilyName = family
		}
	}
	seq := c.baseCount() + int64(len(c.events)) + 1
	q.SequenceNumber = seq
	c.events = append(c.events, person.EventDocument{SequenceNumber: strconv.FormatInt(seq, 10), PersonID: q.ID,
		EventType: person.EventChangeInName})
	c.changed[q.ID] = &q
	for _, n := range q.NorwegianIdentificationNumber {
		if n.IdentificationNumber != "" {
			c.byNIN[n.IdentificationNumber] = &q
		}
	}
	for _, n := range q.ImmigrationAuthoritiesIdentification {
		if n.IdentificationNumber != "" {
			c.byNIN[n.IdentificationNumber] = &q
		}
	}
	c.byNIN[nin] = &q
	return seq, nil
}

// baseCount is the number of base's events: the latest sequence number.
func (c *Changes) baseCount() int64 {
	if n, ok := c.base.(interface{ EventCount() int64 }); ok {
		return n.EventCount()
	}
	return int64(len(c.base.Events()))
}

func (c *Changes) byNINLocked(nin string) (*person.Person, bool) {
	if p, ok := c.byNIN[nin]; ok {
		return p, true
	}
	return c.base.ByNIN(nin)
}

// ByNIN implements Registry.
func (c *Changes) ByNIN(nin string) (*person.Person, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.byNINLocked(nin)
}

// All implements Registry: base's persons, the changed ones in their place.
func (c *Changes) All() []*person.Person {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.swap(c.base.All())
}

// swap replaces changed persons in ps, copying ps only when one is there;
// c.mu is held.
func (c *Changes) swap(ps []*person.Person) []*person.Person {
	if len(c.changed) == 0 {
		return ps
	}
	out := ps
	copied := false
	for i, p := range ps {
		if q, ok := c.changed[p.ID]; ok && p.ID != "" {
			if !copied {
				out, copied = slices.Clone(ps), true
			}
			out[i] = q
		}
	}
	return out
}

// Events implements Registry: base's events, then the changes'.
func (c *Changes) Events() []person.EventDocument {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if len(c.events) == 0 {
		return c.base.Events()
	}
	return slices.Concat(c.base.Events(), c.events)
}

// Search implements Searcher when base does; the changed persons replace
// their originals among the candidates (a renamed person is still found
// by the old name, which the simulator's own rules then filter).
func (c *Changes) Search(q person.SearchQuery) []*person.Person {
	s, ok := c.base.(Searcher)
	if !ok {
		return c.All()
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	out := c.swap(s.Search(q))
	for _, p := range c.changed {
		if !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out
}
