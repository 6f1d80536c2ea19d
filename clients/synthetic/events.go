package synthetic

import (
	"slices"
	"strconv"

	"github.com/oppslag/oppslag/clients/person"
)

// The event feed. It starts on p.feed with a zero-day load (PersonPopulated)
// of every person registered by then, followed by one event per change
// after that day, in date order: the changes are exactly the dated items of
// the persons' histories, so a consumer that follows the feed sees what the
// documents say. Sequence numbers start at 1.

// event is one change; its sequence number is its index in p.events + 1.
type event struct {
	day    int32
	person int32
	typ    uint8
}

// Event type codes, indexing eventTypes; the zero-day load sorts first.
const (
	evPopulated uint8 = iota
	evCreated
	evCreatedAIN
	evNIN
	evName
	evStatus
	evResident
	evEmigrated
	evDeceased
	evMarital
	evResidential
	evPresent
	evImmigration
	evEmigration
	evProtection
	evFamily
	evResponsibility
	evShared
	evPostal
	evForeignPostal
	evCitizenship
	evKRR
)

var eventTypes = [...]person.EventType{
	evPopulated:      person.EventPersonPopulated,
	evCreated:        person.EventPersonIsCreated,
	evCreatedAIN:     person.EventCreatedAlternateIdentificationNumber,
	evNIN:            person.EventChangeInNorwegianIdentificationNumber,
	evName:           person.EventChangeInName,
	evStatus:         person.EventChangeInStatus,
	evResident:       person.EventPersonIsResident,
	evEmigrated:      person.EventPersonIsEmigrated,
	evDeceased:       person.EventPersonIsDeceased,
	evMarital:        person.EventChangeInMaritalStatus,
	evResidential:    person.EventChangeInResidentialAddress,
	evPresent:        person.EventChangeInPresentAddress,
	evImmigration:    person.EventChangeInImmigrationToNorway,
	evEmigration:     person.EventChangeInEmigrationFromNorway,
	evProtection:     person.EventChangeInAddressProtection,
	evFamily:         person.EventChangeInFamilyRelation,
	evResponsibility: person.EventChangeInParentalResponsibility,
	evShared:         person.EventChangeInSharedResidence,
	evPostal:         person.EventChangeInPostalAddress,
	evForeignPostal:  person.EventChangeInForeignPostalAddress,
	evCitizenship:    person.EventChangeInCitizenship,
	evKRR:            person.EventChangeInCommonContactRegisterInformation,
}

// statusEvents maps a new status to its event.
var statusEvents = [...]uint8{
	stResident: evResident, stEmigrated: evEmigrated, stDisappeared: evStatus, stDeceased: evDeceased,
	stDiscontinued: evStatus, stRegisteredAtBirth: evStatus, stTemporary: evStatus, stInactive: evStatus,
	stNotResident: evStatus, stActive: evStatus,
}

// buildEvents derives the feed from the records and stores each person's
// latest sequence number.
func (p *Population) buildEvents() {
	evs := make([]event, 0, len(p.recs)*5/4)
	for i := range p.recs {
		evs = p.personEvents(i, evs)
	}
	slices.SortFunc(evs, func(a, b event) int {
		switch {
		case a.day != b.day:
			return int(a.day) - int(b.day)
		case (a.typ == evPopulated) != (b.typ == evPopulated):
			if a.typ == evPopulated {
				return -1
			}
			return 1
		case a.person != b.person:
			return int(a.person) - int(b.person)
		}
		return int(a.typ) - int(b.typ)
	})
	evs = slices.Compact(evs)
	for k, e := range evs {
		p.recs[e.person].lastSeq = uint32(k + 1)
	}
	p.events = slices.Clip(evs)
}

// personEvents appends the events of person i.
func (p *Population) personEvents(i int, evs []event) []event {
	r := &p.recs[i]
	reg := r.statusFrom
	pi := int32(i)
	if reg < p.feed {
		evs = append(evs, event{p.feed, pi, evPopulated})
	} else if r.idKind == idFH {
		evs = append(evs, event{reg, pi, evCreatedAIN})
	} else {
		evs = append(evs, event{reg, pi, evCreated})
	}
	add := func(d int32, t uint8) {
		if d != none && d >= p.feed && d > reg && d <= p.ref {
			evs = append(evs, event{d, pi, t})
		}
	}
	add(r.ninChange, evNIN)
	add(r.nameChange, evName)
	for _, s := range p.statuses[r.statOff : r.statOff+uint32(r.statN)] {
		add(s.from, statusEvents[s.status])
	}
	for _, m := range p.marital[r.marOff : r.marOff+uint32(r.marN)] {
		add(m.date, evMarital)
	}
	for _, a := range p.addrs[r.addrOff : r.addrOff+uint32(r.addrN)] {
		if a.present {
			add(a.from, evPresent)
		} else {
			add(a.from, evResidential)
		}
	}
	add(r.immDate, evImmigration)
	add(r.retDate, evImmigration)
	add(r.emiDate, evEmigration)
	add(r.protectFrom, evProtection)
	add(r.sharedFrom, evShared)
	add(r.postalFrom, evPostal)
	add(r.foreignFrom, evForeignPostal)
	if r.foreign != 0 && r.foreignFrom == r.emiDate {
		add(r.retDate, evForeignPostal)
	}
	add(r.natDate, evCitizenship)
	if r.krr.status == krrActive {
		add(r.krr.emailUpd, evKRR)
		add(r.krr.phoneUpd, evKRR)
		add(r.krr.langUpdate, evKRR)
	}
	// A birth changes the parents' family relations and responsibilities.
	for _, c := range p.children[r.childOff : r.childOff+uint32(r.childN)] {
		cr := &p.recs[c]
		add(cr.statusFrom, evFamily)
		if addYears(cr.birth, 18) > p.ref && cr.death == none {
			add(cr.statusFrom, evResponsibility)
		}
	}
	// A parent's death changes a minor's responsibilities.
	if addYears(r.birth, 18) > p.ref && r.death == none {
		for _, j := range []int32{r.mother, r.father} {
			if j >= 0 {
				add(p.recs[j].death, evResponsibility)
			}
		}
	}
	return evs
}

// document returns event k (0-based) as the API's EventDocument.
func (p *Population) document(k int) person.EventDocument {
	e := p.events[k]
	return person.EventDocument{
		SequenceNumber: strconv.Itoa(k + 1),
		PersonID:       p.ids.encode(int(e.person)),
		EventType:      eventTypes[e.typ],
	}
}

// Events returns the whole event feed in sequence order (sequence numbers
// 1..n). At large sizes prefer EventsFrom.
func (p *Population) Events() []person.EventDocument {
	out := make([]person.EventDocument, len(p.events))
	for k := range p.events {
		out[k] = p.document(k)
	}
	return out
}

// EventCount returns the number of events; the latest has this sequence
// number.
func (p *Population) EventCount() int64 { return int64(len(p.events)) }

// EventsFrom returns up to limit events starting at sequence number seq
// (1-based), keeping only the given types when types is not empty. The
// scan stops after limit matches, as the API's "up to 1000 events from a
// given sequenceNumber" does.
func (p *Population) EventsFrom(seq int64, limit int, types ...person.EventType) []person.EventDocument {
	if seq < 1 {
		seq = 1
	}
	var out []person.EventDocument
	for k := int(seq - 1); k < len(p.events) && (limit <= 0 || len(out) < limit); k++ {
		if len(types) > 0 && !slices.Contains(types, eventTypes[p.events[k].typ]) {
			continue
		}
		out = append(out, p.document(k))
	}
	return out
}
