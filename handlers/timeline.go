package handlers

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/oppslag/oppslag/clients/person"
	"github.com/oppslag/oppslag/clients/person/nin"
	"github.com/oppslag/oppslag/clients/person/protection"
	"github.com/oppslag/oppslag/views"
	"github.com/oppslag/oppslag/views/i18n"
)

// TimelineKind groups the timeline's events for the filter (F4).
type TimelineKind string

// The kinds of timeline event.
const (
	TimelineMove        TimelineKind = "move"        // residential, present and shared-residence addresses
	TimelinePostal      TimelineKind = "postal"      // postal addresses in Norway and abroad
	TimelineName        TimelineKind = "name"        // name changes
	TimelineMarital     TimelineKind = "marital"     // marital status
	TimelineStatus      TimelineKind = "status"      // person status, birth, death, emigration, immigration
	TimelineIdentity    TimelineKind = "identity"    // identity numbers
	TimelineCitizenship TimelineKind = "citizenship" // citizenship and residence permits
	TimelineProtection  TimelineKind = "protection"  // address protection
	TimelineFamily      TimelineKind = "family"      // family relations and relatives' births
)

// timelineKinds lists the kinds in the order the filter shows them.
var timelineKinds = []TimelineKind{TimelineMove, TimelinePostal, TimelineName, TimelineMarital, TimelineStatus,
	TimelineIdentity, TimelineCitizenship, TimelineProtection, TimelineFamily}

// timelineParts are the information parts the timeline asks for, with history.
var timelineParts = []person.InformationPart{
	person.PartName, person.PartNorwegianIdentificationNumber, person.PartStatus, person.PartBirth,
	person.PartDeath, person.PartMaritalStatus, person.PartResidentialAddress, person.PartPresentAddress,
	person.PartSharedResidence, person.PartPostalAddress, person.PartForeignPostalAddress,
	person.PartAddressProtection, person.PartCitizenship, person.PartResidencePermit,
	person.PartEmigrationFromNorway, person.PartImmigrationToNorway, person.PartFamilyRelation,
}

// timelineText is text to show, translated only when the page is rendered,
// so the builder stays free of a language: a catalog key with arguments, or
// (with no key) the arguments joined by ", " with empty ones left out.
// Arguments may be strings, numbers, person.DateTime (shown as a date) and
// timelineText (translated in turn).
type timelineText struct {
	key  string
	args []any
}

// tlKey is the catalog message key with args.
func tlKey(key string, args ...any) timelineText { return timelineText{key: key, args: args} }

// tlJoin is its parts joined by ", ", empty parts left out.
func tlJoin(parts ...any) timelineText { return timelineText{args: parts} }

// tlCountry is an ISO 3166-1 country code, named in the page's language
// when rendered (as the overview names it).
type tlCountry string

// IsZero reports whether t shows nothing.
func (t timelineText) IsZero() bool {
	if t.key != "" {
		return false
	}
	for _, a := range t.args {
		if s, ok := a.(string); ok && s == "" {
			continue
		}
		if c, ok := a.(tlCountry); ok && c == "" {
			continue
		}
		if x, ok := a.(timelineText); ok && x.IsZero() {
			continue
		}
		if d, ok := a.(person.DateTime); ok && d.IsZero() {
			continue
		}
		return false
	}
	return true
}

// In renders t in language l.
func (t timelineText) In(l i18n.Lang) string {
	args := make([]any, 0, len(t.args))
	for _, a := range t.args {
		switch v := a.(type) {
		case timelineText:
			args = append(args, v.In(l))
		case person.DateTime:
			args = append(args, tlDate(l, v))
		case tlCountry:
			args = append(args, countryText(i18n.WithLang(context.Background(), l), string(v)))
		default:
			args = append(args, v)
		}
	}
	if t.key != "" {
		return i18n.TL(l, t.key, args...)
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

// tlEnum translates an enum value by key prefix; a value the portal does not
// know is shown as it came (S33).
func tlEnum(prefix, v string) timelineText {
	if v == "" {
		return timelineText{}
	}
	if k := prefix + "." + strings.ToLower(v); i18n.Has(k) {
		return tlKey(k)
	}
	return tlKey("timeline.unknown_value", v)
}

// timelineField is one labelled value of an item, for the diff.
type timelineField struct {
	label string // catalog key
	value timelineText
}

// TimelineEntry is one event on the timeline: one item of one information
// part (or, for a relative's birth, the birth date an item carries).
type TimelineEntry struct {
	// ID is stable for one document: the part in lower case and the item's
	// index in its list ("name-2"); a derived event adds a suffix.
	ID           string
	Part         person.InformationPart
	Index        int
	Kind         TimelineKind
	Date         person.DateTime // validFrom (birth and death: the event's date), else registeredAt; zero if neither
	ValidTo      person.DateTime
	RegisteredAt person.DateTime
	Source       string
	Reason       string
	Current      bool // the item is current (isValid true or absent)
	Future       bool // dated after now: registered ahead of time
	// Protected marks an address of a person with protection (S19): the
	// entry says only that the address changed. Before, After and Fields
	// are empty and Reason is dropped.
	Protected bool
	// Derived marks an event read out of another item (a relative's birth);
	// it has no fields of its own and cannot be compared.
	Derived bool
	Title   timelineText
	Before  timelineText // the part's previous item, for parts with one current item
	After   timelineText
	Fields  []timelineField
}

// Diffable reports whether e can be one side of a diff.
func (e TimelineEntry) Diffable() bool { return !e.Protected && !e.Derived }

// tlItem is what a part contributes for one item before ordering.
type tlItem struct {
	meta    person.Meta
	date    person.DateTime // overrides validFrom as the event's date
	conf    person.AddressConfidentiality
	title   timelineText // "" lets a sequence choose first or change by position
	summary timelineText
	fields  []timelineField
}

// tlPart describes how one information part shows on the timeline.
type tlPart struct {
	part     person.InformationPart
	kind     TimelineKind
	address  bool   // an address part: masked for a protected person (S19)
	sequence bool   // one current item at a time: entries get Before
	first    string // title key of the first item of a sequence without a title of its own
	change   string // title key of a later item of such a sequence
}

// timelineBuilder turns one person document into entries.
type timelineBuilder struct {
	p   *person.Person
	now time.Time
	// rule decides which address items may be shown (S19).
	rule protection.Rule
	out  []TimelineEntry
}

func newTimelineBuilder(p *person.Person, now time.Time) *timelineBuilder {
	return &timelineBuilder{p: p, now: now, rule: protection.Of(p)}
}

// tlStart is the Norwegian day an item began: validFrom, else registeredAt,
// else "". It is the protection rule's reading, so the as-of card places an
// item on the same days the rule masks it for.
func tlStart(m person.Meta) string { return protection.Start(m) }

// masked reports whether an address item must not be shown: the protection
// rule decides (clients/person/protection, S19).
func (b *timelineBuilder) masked(m person.Meta, conf person.AddressConfidentiality) bool {
	return b.rule.Decide(m, conf).Hidden
}

// add appends the entries of one part.
func (b *timelineBuilder) add(d tlPart, items []tlItem) {
	type indexed struct {
		tlItem
		index int
		date  person.DateTime
	}
	list := make([]indexed, len(items))
	for i, it := range items {
		date := it.date
		if date.IsZero() {
			date = person.Local(it.meta.ValidFrom)
		}
		if date.IsZero() {
			date = person.Local(it.meta.RegisteredAt)
		}
		list[i] = indexed{it, i, date}
	}
	// Within a part, oldest first, so each item's predecessor is the one
	// before it; undated items keep their place at the end.
	slices.SortStableFunc(list, func(a, c indexed) int { return tlCompareDates(a.date, c.date) })
	var prev *indexed
	for i := range list {
		it := &list[i]
		e := TimelineEntry{
			ID:           strings.ToLower(string(d.part)) + "-" + strconv.Itoa(it.index),
			Part:         d.part,
			Index:        it.index,
			Kind:         d.kind,
			Date:         it.date,
			ValidTo:      it.meta.ValidTo,
			RegisteredAt: it.meta.RegisteredAt,
			Source:       it.meta.Source,
			Reason:       it.meta.Reason,
			Current:      it.meta.Current(),
			Future:       !it.date.IsZero() && it.date.After(b.now),
			Title:        it.title,
			After:        it.summary,
			Fields:       it.fields,
		}
		if d.sequence {
			if prev != nil {
				e.Before = prev.summary
			}
			if it.title.IsZero() {
				e.Title = tlKey(d.first)
				if prev != nil {
					e.Title = tlKey(d.change)
				}
			}
		}
		if d.address && b.masked(it.meta, it.conf) {
			e.Protected = true
			e.Title = tlKey("timeline.event.address_protected", tlKey("timeline.part."+strings.ToLower(string(d.part))))
			e.Before, e.After, e.Fields, e.Reason = timelineText{}, timelineText{}, nil, ""
		} else if d.address && d.sequence && prev != nil && b.masked(prev.meta, prev.conf) {
			// The previous address was protected: never show it as "before".
			e.Before = tlKey("timeline.protected_address")
		}
		b.out = append(b.out, e)
		prev = it
	}
}

// tlCompareDates orders dates ascending with unknown ones (absent or
// unreadable) last.
func tlCompareDates(a, c person.DateTime) int {
	switch {
	case !a.Known() && !c.Known():
		return 0
	case !a.Known():
		return 1
	case !c.Known():
		return -1
	}
	return a.Compare(c.Time)
}

// buildTimeline merges every information part of p, current and historic,
// into one chronological list, oldest first; events without any date come
// last. now marks events registered ahead of time as future.
func buildTimeline(p *person.Person, now time.Time) []TimelineEntry {
	if p == nil {
		return nil
	}
	b := newTimelineBuilder(p, now)
	b.addAll()
	order := map[TimelineKind]int{}
	for i, k := range timelineKinds {
		order[k] = i
	}
	// On one day a birth comes first and a death last, whatever else was
	// registered that day.
	rank := func(e TimelineEntry) int {
		switch e.Part {
		case person.PartBirth:
			return 0
		case person.PartDeath:
			return 2
		}
		return 1
	}
	slices.SortStableFunc(b.out, func(a, c TimelineEntry) int {
		if n := tlCompareDates(a.Date, c.Date); n != 0 {
			return n
		}
		if n := cmp.Compare(rank(a), rank(c)); n != 0 {
			return n
		}
		if n := tlCompareDates(a.RegisteredAt, c.RegisteredAt); n != 0 {
			return n
		}
		if n := cmp.Compare(order[a.Kind], order[c.Kind]); n != 0 {
			return n
		}
		return cmp.Compare(a.ID, c.ID)
	})
	return b.out
}

func (b *timelineBuilder) addAll() {
	p := b.p
	b.add(tlPart{part: person.PartBirth, kind: TimelineStatus}, tlMap(p.Birth, func(it person.Birth) tlItem {
		place := tlJoin(it.BirthPlace, it.BirthMunicipalityName, tlCountry(it.BirthCountry))
		return tlItem{meta: it.Meta, date: it.BirthDate, title: tlKey("timeline.event.birth"), summary: tlJoin(it.BirthDate, place),
			fields: []timelineField{
				{"timeline.field.birthdate", tlJoin(it.BirthDate)},
				{"timeline.field.birthyear", tlJoin(it.BirthYear)},
				{"timeline.field.place", tlJoin(it.BirthPlace)},
				{"timeline.field.municipality", tlJoin(it.BirthMunicipalityName, it.BirthMunicipalityNumber)},
				{"timeline.field.county", tlJoin(it.BirthCountyName)},
				{"timeline.field.country", tlJoin(tlCountry(it.BirthCountry))},
			}}
	}))
	if p.Death != nil {
		d := *p.Death
		b.add(tlPart{part: person.PartDeath, kind: TimelineStatus}, []tlItem{{meta: d.Meta, date: d.DeceasedDate,
			title: tlKey("timeline.event.death"), summary: tlJoin(d.DeceasedDate),
			fields: []timelineField{{"timeline.field.deathdate", tlJoin(d.DeceasedDate)}}}})
	}
	b.add(tlPart{part: person.PartStatus, kind: TimelineStatus, sequence: true}, tlMap(p.Status, func(it person.PersonStatus) tlItem {
		s := tlEnum("timeline.status", string(it.Status))
		return tlItem{meta: it.Meta, title: tlKey("timeline.event.status", s), summary: s,
			fields: []timelineField{{"timeline.field.status", s}}}
	}))
	b.add(tlPart{part: person.PartEmigrationFromNorway, kind: TimelineStatus}, tlMap(p.EmigrationFromNorway, func(it person.EmigrationFromNorway) tlItem {
		title := tlKey("timeline.event.emigration.unknown")
		if it.EmigratedToCountry != "" {
			title = tlKey("timeline.event.emigration", tlCountry(it.EmigratedToCountry))
		}
		return tlItem{meta: it.Meta, date: it.EmigratedMoveDate, title: title, summary: tlJoin(it.EmigratedToCity, tlCountry(it.EmigratedToCountry)),
			fields: []timelineField{
				{"timeline.field.country", tlJoin(tlCountry(it.EmigratedToCountry))},
				{"timeline.field.city", tlJoin(it.EmigratedToCity)},
				{"timeline.field.movedate", tlJoin(it.EmigratedMoveDate)},
			}}
	}))
	b.add(tlPart{part: person.PartImmigrationToNorway, kind: TimelineStatus}, tlMap(p.ImmigrationToNorway, func(it person.ImmigrationToNorway) tlItem {
		title := tlKey("timeline.event.immigration.unknown")
		if it.ImmigratedFromCountry != "" {
			title = tlKey("timeline.event.immigration", tlCountry(it.ImmigratedFromCountry))
		}
		return tlItem{meta: it.Meta, title: title, summary: tlJoin(it.ImmigratedFromCity, tlCountry(it.ImmigratedFromCountry)),
			fields: []timelineField{
				{"timeline.field.country", tlJoin(tlCountry(it.ImmigratedFromCountry))},
				{"timeline.field.city", tlJoin(it.ImmigratedFromCity)},
			}}
	}))
	b.add(tlPart{part: person.PartName, kind: TimelineName, sequence: true,
		first: "timeline.event.name.first", change: "timeline.event.name.change"},
		tlMap(p.Name, func(it person.PersonName) tlItem {
			return tlItem{meta: it.Meta, summary: tlJoin(familyName(it.GivenName, it.MiddleName, it.FamilyName)),
				fields: []timelineField{
					{"timeline.field.given", tlJoin(it.GivenName)},
					{"timeline.field.middle", tlJoin(it.MiddleName)},
					{"timeline.field.family", tlJoin(it.FamilyName)},
					{"timeline.field.shortname", tlJoin(it.ShortName)},
				}}
		}))
	b.add(tlPart{part: person.PartMaritalStatus, kind: TimelineMarital, sequence: true},
		tlMap(p.MaritalStatus, func(it person.MaritalStatus) tlItem {
			s := tlEnum("timeline.marital", string(it.Status))
			place := tlJoin(it.Place, it.MunicipalityName, it.Abroad)
			f := []timelineField{
				{"timeline.field.status", s},
				{"timeline.field.statusdate", tlJoin(it.StatusDate)},
				{"timeline.field.place", place},
				{"timeline.field.authority", tlJoin(it.Authority)},
			}
			if it.RelatedByMaritalStatus != "" {
				// The spouse's number stays on the server; the page says only
				// that one is registered.
				f = append(f, timelineField{"timeline.field.spouse", tlKey("timeline.yes")})
			}
			return tlItem{meta: it.Meta, title: tlKey("timeline.event.marital", s), summary: s, fields: f}
		}))
	b.add(tlPart{part: person.PartNorwegianIdentificationNumber, kind: TimelineIdentity, sequence: true,
		first: "timeline.event.nin.first", change: "timeline.event.nin.change"},
		tlMap(p.NorwegianIdentificationNumber, func(it person.NorwegianIdentificationNumber) tlItem {
			num := tlFormatNIN(it.IdentificationNumber)
			t := tlEnum("timeline.nintype", string(it.IdentificationNumberType))
			return tlItem{meta: it.Meta, summary: tlJoin(num, t),
				fields: []timelineField{
					{"timeline.field.number", tlJoin(num)},
					{"timeline.field.type", t},
					{"timeline.field.status", tlEnum("timeline.ninstatus", string(it.Status))},
				}}
		}))
	b.add(tlPart{part: person.PartCitizenship, kind: TimelineCitizenship}, tlMap(p.Citizenship, func(it person.Citizenship) tlItem {
		return tlItem{meta: it.Meta, title: tlKey("timeline.event.citizenship", tlCountry(it.CountryCode)), summary: tlJoin(tlCountry(it.CountryCode)),
			fields: []timelineField{
				{"timeline.field.country", tlJoin(tlCountry(it.CountryCode))},
				{"timeline.field.acquired", tlJoin(it.AquiredDate)},
			}}
	}))
	b.add(tlPart{part: person.PartResidencePermit, kind: TimelineCitizenship}, tlMap(p.ResidencePermit, func(it person.ResidencePermit) tlItem {
		t := tlEnum("timeline.permit", string(it.ResidencePermitType))
		return tlItem{meta: it.Meta, title: tlKey("timeline.event.permit", t), summary: t,
			fields: []timelineField{
				{"timeline.field.type", t},
				{"timeline.field.from", tlJoin(it.StayFrom)},
				{"timeline.field.to", tlJoin(it.StayTo)},
			}}
	}))
	b.add(tlPart{part: person.PartAddressProtection, kind: TimelineProtection, sequence: true},
		tlMap(p.AddressProtection, func(it person.AddressProtection) tlItem {
			lv := tlEnum("timeline.level", string(it.ProtectionLevel))
			return tlItem{meta: it.Meta, title: tlKey("timeline.event.protection", lv), summary: lv,
				fields: []timelineField{{"timeline.field.level", lv}}}
		}))

	// Addresses (S19: masked in add when the person is protected).
	b.add(tlPart{part: person.PartResidentialAddress, kind: TimelineMove, address: true, sequence: true,
		first: "timeline.event.residential.first", change: "timeline.event.residential.change"},
		tlMap(p.ResidentialAddress, func(it person.ResidentialAddress) tlItem {
			line, post, muni, county := tlResidence(it.StreetAddress, it.CadastralAddress, it.UnknownResidence)
			return tlItem{meta: it.Meta, conf: it.AddressConfidentiality, summary: tlJoin(line, post),
				fields: append([]timelineField{
					{"timeline.field.address", line},
					{"timeline.field.postcode", tlJoin(post)},
					{"timeline.field.municipality", tlJoin(muni)},
					{"timeline.field.county", tlJoin(county)},
					{"timeline.field.movedate", tlJoin(it.MoveDate)},
				}, tlDistrictFields(it.District)...)}
		}))
	b.add(tlPart{part: person.PartPresentAddress, kind: TimelineMove, address: true, sequence: true,
		first: "timeline.event.present.first", change: "timeline.event.present.change"},
		tlMap(p.PresentAddress, func(it person.PresentAddress) tlItem {
			var line timelineText
			var post, muni, county string
			switch {
			case it.ForeignAddress != nil:
				line, post = tlForeign(it.ForeignAddress)
			case it.StreetAddress != nil || it.CadastralAddress != nil:
				line, post, muni, county = tlResidence(it.StreetAddress, it.CadastralAddress, nil)
			case it.IsAddressUnknown != nil && *it.IsAddressUnknown:
				line = tlKey("timeline.address_unknown")
			}
			return tlItem{meta: it.Meta, conf: it.AddressConfidentiality, summary: tlJoin(line, post),
				fields: append([]timelineField{
					{"timeline.field.address", line},
					{"timeline.field.postcode", tlJoin(post)},
					{"timeline.field.municipality", tlJoin(muni)},
					{"timeline.field.county", tlJoin(county)},
					{"timeline.field.staydate", tlJoin(it.PresentAddressDate)},
					{"timeline.field.stay", tlEnum("timeline.stay", string(it.StayElsewhere))},
				}, tlDistrictFields(it.District)...)}
		}))
	b.add(tlPart{part: person.PartSharedResidence, kind: TimelineMove, address: true}, tlMap(p.SharedResidence, func(it person.SharedResidence) tlItem {
		line, post, muni, _ := tlResidence(it.StreetAddress, it.CadastralAddress, it.UnknownResidence)
		return tlItem{meta: it.Meta, conf: it.AddressConfidentiality, title: tlKey("timeline.event.shared"), summary: tlJoin(line, post),
			fields: []timelineField{
				{"timeline.field.address", line},
				{"timeline.field.postcode", tlJoin(post)},
				{"timeline.field.municipality", tlJoin(muni)},
				{"timeline.field.from", tlJoin(it.ContractValidFrom)},
				{"timeline.field.to", tlJoin(it.ContractValidTo)},
			}}
	}))
	b.add(tlPart{part: person.PartPostalAddress, kind: TimelinePostal, address: true, sequence: true,
		first: "timeline.event.postal.first", change: "timeline.event.postal.change"},
		tlMap(p.PostalAddress, func(it person.ContactAddress) tlItem {
			line, post := tlPostal(it)
			return tlItem{meta: it.Meta, conf: it.AddressConfidentiality, summary: tlJoin(line, post),
				fields: []timelineField{
					{"timeline.field.address", line},
					{"timeline.field.postcode", tlJoin(post)},
				}}
		}))
	b.add(tlPart{part: person.PartForeignPostalAddress, kind: TimelinePostal, address: true, sequence: true,
		first: "timeline.event.foreignpostal.first", change: "timeline.event.foreignpostal.change"},
		tlMap(p.ForeignPostalAddress, func(it person.ForeignContactAddress) tlItem {
			var line timelineText
			var post, country string
			switch {
			case it.ForeignAddress != nil:
				line, post = tlForeign(it.ForeignAddress)
				country = it.ForeignAddress.CountryCode
			case it.FreeFormForeignAddress != nil:
				f := it.FreeFormForeignAddress
				line = tlJoin(tlAny(f.AddressLine)...)
				post = familyName(f.PostCode, f.CityOrPlaceName)
				country = f.CountryCode
			}
			return tlItem{meta: it.Meta, conf: it.AddressConfidentiality, summary: tlJoin(line, post, country),
				fields: []timelineField{
					{"timeline.field.address", line},
					{"timeline.field.postcode", tlJoin(post)},
					{"timeline.field.country", tlJoin(country)},
				}}
		}))

	b.addFamily()
}

// addFamily adds family relations and the births the document can date: a
// relative without an identity number carries a birth date, and a child's
// or sibling's identity number encodes one. Parents' and partners' births
// are left out (they say nothing about this person's history), and so is
// anything without a date.
func (b *timelineBuilder) addFamily() {
	rels := b.p.FamilyRelation
	b.add(tlPart{part: person.PartFamilyRelation, kind: TimelineFamily}, tlMap(rels, func(it person.FamilyRelation) tlItem {
		role := tlKey(familyRoleKey(it.RelatedPersonsRole))
		if !it.RelatedPersonsRole.Known() {
			role = tlKey("familygraph.role.unknown", string(it.RelatedPersonsRole))
		}
		f := []timelineField{{"timeline.field.role", role}}
		if w := it.RelatedPersonWithoutIdentifier; w != nil {
			if w.Name != nil {
				f = append(f, timelineField{"timeline.field.name", tlJoin(familyName(w.Name.GivenName, w.Name.MiddleName, w.Name.FamilyName))})
			}
			f = append(f, timelineField{"timeline.field.birthdate", tlJoin(w.BirthDate)})
		}
		return tlItem{meta: it.Meta, title: tlKey("timeline.event.relation", role), summary: role, fields: f}
	}))
	for i, it := range rels {
		switch it.RelatedPersonsRole {
		case person.RelationChild, person.RelationStillbornChild, person.RelationSibling:
		default:
			continue
		}
		var born person.DateTime
		var name string
		if w := it.RelatedPersonWithoutIdentifier; w != nil {
			born = w.BirthDate
			if w.Name != nil {
				name = familyName(w.Name.GivenName, w.Name.MiddleName, w.Name.FamilyName)
			}
		}
		if born.IsZero() && it.RelatedPerson != "" {
			if n, err := nin.Parse(it.RelatedPerson); err == nil {
				if d, ok := n.BirthDate(); ok {
					born = person.NewDateTime(d)
				}
			}
		}
		if born.IsZero() {
			continue
		}
		role := tlKey(familyRoleKey(it.RelatedPersonsRole))
		b.out = append(b.out, TimelineEntry{
			ID:      "familyrelation-" + strconv.Itoa(i) + "-birth",
			Part:    person.PartFamilyRelation,
			Index:   i,
			Kind:    TimelineFamily,
			Date:    born,
			Source:  it.Source,
			Current: it.Current(),
			Future:  born.After(b.now),
			Derived: true,
			Title:   tlKey("timeline.event.relative_birth", role),
			After:   tlJoin(name, born),
		})
	}
}

// tlMap converts a part's items.
func tlMap[T any](items []T, f func(T) tlItem) []tlItem {
	out := make([]tlItem, len(items))
	for i, it := range items {
		out[i] = f(it)
	}
	return out
}

func tlAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// tlFormatNIN groups an identity number for reading; a number the parser
// refuses is shown as it came.
func tlFormatNIN(s string) string {
	if n, err := nin.Parse(s); err == nil {
		return n.Format()
	}
	return s
}

// tlResidence describes a Norwegian residence: the address line, postal code
// and city, municipality and county.
func tlResidence(s *person.StreetAddress, c *person.CadastralAddress, u *person.UnknownResidence) (line timelineText, post, muni, county string) {
	switch {
	case s != nil:
		line = tlJoin(streetLine(s.AddressName, s.AddressNumber), s.SeparatelyOccupiedUnitNumber)
		if s.CoAddressName != "" {
			line = tlJoin(tlKey("timeline.co", s.CoAddressName), line)
		}
		post = cityLine(s.City)
		muni, county = placeText(s.MunicipalityNumber, s.MunicipalityName), s.CountyName
	case c != nil:
		if n := c.CadastralNumber; n != nil {
			line = tlJoin(tlKey("timeline.cadastral", n.MunicipalityLandNumber, n.TitleNumber), c.AddressAdditionalName)
			muni, county = placeText(n.MunicipalityNumber, n.MunicipalityName), n.CountyName
		} else {
			line = tlJoin(c.AddressAdditionalName)
		}
		post = cityLine(c.City)
	case u != nil:
		line = tlKey("timeline.residence_unknown")
		muni, county = placeText(u.MunicipalityNumber, u.MunicipalityName), u.CountyName
	}
	return line, post, muni, county
}

// tlForeign describes a structured foreign address.
func tlForeign(a *person.InternationalAddress) (timelineText, string) {
	line := tlJoin(a.CoAddressName, a.AddressName, a.Building, a.PostBox, a.DistrictName, a.Region)
	return line, familyName(a.PostCode, a.CityOrPlaceName)
}

// tlPostal describes a Norwegian postal address.
func tlPostal(a person.ContactAddress) (timelineText, string) {
	switch {
	case a.PostBoxAddress != nil:
		pb := a.PostBoxAddress
		return tlJoin(pb.PostBoxOwner, tlKey("timeline.postbox", pb.PostBoxIdentification)), cityLine(pb.City)
	case a.StreetAddress != nil:
		s := a.StreetAddress
		line := tlJoin(streetLine(s.AddressName, s.StreetAddressNumber), s.SeparatelyOccupiedUnitNumber)
		if s.CoAddressName != "" {
			line = tlJoin(tlKey("timeline.co", s.CoAddressName), line)
		}
		return line, cityLine(s.City)
	case a.FreeFormPostalAddress != nil:
		f := a.FreeFormPostalAddress
		lines := f.AddressLine
		if len(lines) == 0 {
			lines = f.Adresselinje
		}
		return tlJoin(tlAny(lines)...), cityLine(f.City)
	}
	return timelineText{}, ""
}

// tlDistrictFields are the statistical and urban-district enrichment.
func tlDistrictFields(d person.District) []timelineField {
	return []timelineField{
		{"timeline.field.unit", tlJoin(familyName(d.BasicStatisticalUnitName, d.FullBasicStatisticalUnitNumber))},
		{"timeline.field.district", tlJoin(d.UrbanDistrictName)},
	}
}

// timelineAsOfRow is one line of the "as of date" card.
type timelineAsOfRow struct {
	label  string // catalog key
	values []timelineText
}

// tlValidOn reports whether an item was valid on day (YYYY-MM-DD):
// validFrom ≤ day < validTo, compared as calendar days. An item without a
// start (neither validFrom nor registeredAt) counts as valid from the
// beginning; one without validTo as still valid.
func tlValidOn(m person.Meta, day string) bool {
	if from := tlStart(m); from != "" && day < from {
		return false
	}
	if to := m.ToDay(); to != "" && day >= to {
		return false
	}
	return true
}

// tlPickOn returns the indexes of the items valid on day. With one set,
// only the latest-starting match is kept: parts with one current item may
// carry an old item without an end date.
func tlPickOn[T interface{ GetMeta() person.Meta }](items []T, day string, one bool) []int {
	var out []int
	for i, it := range items {
		if tlValidOn(it.GetMeta(), day) {
			out = append(out, i)
		}
	}
	if one && len(out) > 1 {
		best := out[0]
		for _, i := range out[1:] {
			if tlStart(items[i].GetMeta()) >= tlStart(items[best].GetMeta()) {
				best = i
			}
		}
		out = []int{best}
	}
	return out
}

// timelineAsOf is the person as registered on day (YYYY-MM-DD): for each
// part the item valid on that day. Addresses follow the same protection as
// the timeline (S19).
func timelineAsOf(p *person.Person, day string, now time.Time) []timelineAsOfRow {
	if p == nil {
		return nil
	}
	b := newTimelineBuilder(p, now)
	var rows []timelineAsOfRow
	row := func(label string, vals ...timelineText) {
		rows = append(rows, timelineAsOfRow{label: label, values: vals})
	}
	one := func(label string, idx []int, f func(int) timelineText) {
		var vals []timelineText
		for _, i := range idx {
			vals = append(vals, f(i))
		}
		row(label, vals...)
	}
	// address masks the value when the item may not be shown.
	address := func(m person.Meta, conf person.AddressConfidentiality, v timelineText) timelineText {
		if b.masked(m, conf) {
			return tlKey("timeline.protected_address")
		}
		return v
	}

	if bi := p.CurrentBirth(); bi != nil && !bi.BirthDate.IsZero() && day < bi.BirthDate.DateOnly() {
		row("timeline.asof.note", tlKey("timeline.asof.unborn"))
	}
	one("timeline.part.name", tlPickOn(p.Name, day, true), func(i int) timelineText {
		n := p.Name[i]
		return tlJoin(familyName(n.GivenName, n.MiddleName, n.FamilyName))
	})
	one("timeline.part.norwegianidentificationnumber", tlPickOn(p.NorwegianIdentificationNumber, day, true), func(i int) timelineText {
		n := p.NorwegianIdentificationNumber[i]
		return tlJoin(tlFormatNIN(n.IdentificationNumber), tlEnum("timeline.nintype", string(n.IdentificationNumberType)))
	})
	one("timeline.part.status", tlPickOn(p.Status, day, true), func(i int) timelineText {
		return tlEnum("timeline.status", string(p.Status[i].Status))
	})
	one("timeline.part.maritalstatus", tlPickOn(p.MaritalStatus, day, true), func(i int) timelineText {
		return tlEnum("timeline.marital", string(p.MaritalStatus[i].Status))
	})
	one("timeline.part.residentialaddress", tlPickOn(p.ResidentialAddress, day, true), func(i int) timelineText {
		a := p.ResidentialAddress[i]
		line, post, muni, _ := tlResidence(a.StreetAddress, a.CadastralAddress, a.UnknownResidence)
		return address(a.Meta, a.AddressConfidentiality, tlJoin(line, post, muni))
	})
	one("timeline.part.presentaddress", tlPickOn(p.PresentAddress, day, true), func(i int) timelineText {
		a := p.PresentAddress[i]
		var line timelineText
		var post string
		switch {
		case a.ForeignAddress != nil:
			line, post = tlForeign(a.ForeignAddress)
		case a.StreetAddress != nil || a.CadastralAddress != nil:
			line, post, _, _ = tlResidence(a.StreetAddress, a.CadastralAddress, nil)
		default:
			line = tlKey("timeline.address_unknown")
		}
		return address(a.Meta, a.AddressConfidentiality, tlJoin(line, post))
	})
	one("timeline.part.postaladdress", tlPickOn(p.PostalAddress, day, true), func(i int) timelineText {
		a := p.PostalAddress[i]
		line, post := tlPostal(a)
		return address(a.Meta, a.AddressConfidentiality, tlJoin(line, post))
	})
	one("timeline.part.citizenship", tlPickOn(p.Citizenship, day, false), func(i int) timelineText {
		return tlJoin(tlCountry(p.Citizenship[i].CountryCode))
	})
	prot := tlPickOn(p.AddressProtection, day, true)
	if len(prot) == 0 {
		row("timeline.part.addressprotection", tlEnum("timeline.level", string(person.Unclassified)))
	} else {
		one("timeline.part.addressprotection", prot, func(i int) timelineText {
			return tlEnum("timeline.level", string(p.AddressProtection[i].ProtectionLevel))
		})
	}
	if d := p.Death; d != nil && d.DeceasedDate.Known() && d.DeceasedDate.DateOnly() <= day {
		row("timeline.part.death", tlKey("timeline.asof.deceased", d.DeceasedDate))
	}
	return rows
}

// timelineDiff compares two entries field by field, in language l; the
// meta fields (validity, registration, source, reason) come last.
func timelineDiff(a, b TimelineEntry, l i18n.Lang) []views.TimelineDiffRow {
	var labels []string
	va, vb := map[string]string{}, map[string]string{}
	collect := func(fs []timelineField, into map[string]string) {
		for _, f := range fs {
			if _, ok := into[f.label]; ok {
				continue
			}
			if !slices.Contains(labels, f.label) {
				labels = append(labels, f.label)
			}
			into[f.label] = f.value.In(l)
		}
	}
	collect(a.Fields, va)
	collect(b.Fields, vb)
	meta := func(e TimelineEntry) []timelineField {
		cur := tlKey("timeline.no")
		if e.Current {
			cur = tlKey("timeline.yes")
		}
		return []timelineField{
			{"timeline.field.validfrom", tlJoin(e.Date)},
			{"timeline.field.validto", tlJoin(e.ValidTo)},
			{"timeline.field.registered", tlJoin(e.RegisteredAt)},
			{"timeline.field.source", tlJoin(e.Source)},
			{"timeline.field.reason", tlJoin(e.Reason)},
			{"timeline.field.current", cur},
		}
	}
	collect(meta(a), va)
	collect(meta(b), vb)

	var rows []views.TimelineDiffRow
	for _, k := range labels {
		x, y := va[k], vb[k]
		if x == "" && y == "" {
			continue
		}
		rows = append(rows, views.TimelineDiffRow{Label: i18n.TL(l, k), A: x, B: y, Changed: x != y})
	}
	return rows
}

// timelineQuery is the timeline page's GET form.
type timelineQuery struct {
	kinds   map[TimelineKind]bool // the kinds to show
	asOf    string                // YYYY-MM-DD, "" for none
	asOfErr string                // catalog key of the field's message
	a, b    string                // entry ids to compare
}

// parseTimelineQuery reads the form. Without the form's marker field f
// (first visit, or a bare link) every kind is shown; once the form was sent,
// exactly the ticked kinds are. Unknown kinds are ignored.
func parseTimelineQuery(v url.Values) timelineQuery {
	q := timelineQuery{kinds: map[TimelineKind]bool{}, a: v.Get("a"), b: v.Get("b")}
	if v.Get("f") == "" {
		for _, k := range timelineKinds {
			q.kinds[k] = true
		}
	} else {
		for _, s := range v["kind"] {
			if k := TimelineKind(s); slices.Contains(timelineKinds, k) {
				q.kinds[k] = true
			}
		}
	}
	if s := strings.TrimSpace(v.Get("asof")); s != "" {
		d, err := time.Parse(time.DateOnly, s)
		switch {
		case err != nil:
			q.asOfErr = "timeline.asof.invalid"
		case d.Year() < 1800 || d.Year() > 9999:
			q.asOfErr = "timeline.asof.range"
		default:
			q.asOf = d.Format(time.DateOnly)
		}
	}
	return q
}

// Timeline answers GET /person/{handle}/timeline: every part's history on one
// axis, filtered by kind (kind=…, with f=1 once the form was sent), the
// person as registered on a date (asof=YYYY-MM-DD) and a comparison of two
// entries (a=…&b=…), with the family graph below. The lookup is audited
// before anything is written (S20). With htmx the results region alone
// comes back.
func (h Person) Timeline(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	q := parseTimelineQuery(r.URL.Query())
	p, number, err := h.lookup(r, "timeline", timelineParts, true)
	if err != nil {
		return err
	}
	data, status := timelineData(i18n.From(ctx), p, r.PathValue("handle"), q, h.now())
	if !IsFragment(r) {
		// The graph is outside the swapped region, so a fragment needs no
		// relatives. Their names come from one audited bulk call; when it
		// fails the graph still shows roles, without names.
		facts := familyFacts{href: linker(ctx)}
		if rels, err := h.relatives(ctx, number, p); err == nil {
			facts = familyFactsOf(rels, facts.href)
		}
		data.Family = facts.graph(p)
	}
	w.Header().Add("Vary", "HX-Request")
	if IsFragment(r) {
		return Render(w, r, status, views.TimelineResults(data))
	}
	return Render(w, r, status, views.TimelinePage(h.Site.Base(r, "timeline.title"), data))
}

// timelineData fills the page's view model in language l and returns the
// status to answer with: 422 when the form had an error.
func timelineData(l i18n.Lang, p *person.Person, handle string, q timelineQuery, now time.Time) (views.TimelineData, int) {
	status := http.StatusOK
	entries := buildTimeline(p, now)
	base := "/person/" + url.PathEscape(handle)
	d := views.TimelineData{
		Action:      base + "/timeline",
		OverviewURL: base,
		AsOf:        q.asOf,
		A:           q.a,
		B:           q.b,
		Total:       len(entries),
	}
	if n := p.CurrentName(); n != nil {
		d.PersonName = familyName(n.GivenName, n.MiddleName, n.FamilyName)
	}
	if rule := protection.Of(p); rule.Protected() {
		lv := rule.Level()
		d.ProtectionNote = i18n.TL(l, "timeline.protection.note", tlEnum("timeline.level", string(lv)).In(l))
	}
	counts := map[TimelineKind]int{}
	for _, e := range entries {
		counts[e.Kind]++
	}
	for _, k := range timelineKinds {
		d.Kinds = append(d.Kinds, views.TimelineKindOption{
			Value: string(k), Label: i18n.TL(l, "timeline.kind."+string(k)), Checked: q.kinds[k], Count: counts[k],
		})
	}
	if q.asOfErr != "" {
		d.AsOfError = i18n.TL(l, q.asOfErr)
		status = http.StatusUnprocessableEntity
	} else if q.asOf != "" {
		day, _ := time.Parse(time.DateOnly, q.asOf)
		card := &views.TimelineAsOfCard{Date: tlDate(l, person.NewDateTime(day))}
		for _, r := range timelineAsOf(p, q.asOf, now) {
			row := views.TimelineAsOfRow{Label: i18n.TL(l, r.label)}
			for _, v := range r.values {
				row.Values = append(row.Values, v.In(l))
			}
			card.Rows = append(card.Rows, row)
		}
		d.AsOfCard = card
	}

	byID := map[string]TimelineEntry{}
	for _, e := range entries {
		byID[e.ID] = e
	}
	if q.a != "" || q.b != "" {
		ea, okA := byID[q.a]
		eb, okB := byID[q.b]
		switch {
		case q.a == "" || q.b == "":
			d.DiffError = i18n.TL(l, "timeline.diff.error.missing")
		case !okA || !okB:
			d.DiffError = i18n.TL(l, "timeline.diff.error.unknown")
		case ea.Part != eb.Part:
			d.DiffError = i18n.TL(l, "timeline.diff.error.part")
		case ea.Protected || eb.Protected:
			d.DiffError = i18n.TL(l, "timeline.diff.error.protected")
		case !ea.Diffable() || !eb.Diffable():
			d.DiffError = i18n.TL(l, "timeline.diff.error.derived")
		default:
			d.Diff = &views.TimelineDiff{
				A:    tlEntryView(l, ea, q),
				B:    tlEntryView(l, eb, q),
				Rows: timelineDiff(ea, eb, l),
			}
		}
		if d.DiffError != "" {
			status = http.StatusUnprocessableEntity
		}
	}
	for _, e := range entries {
		if q.kinds[e.Kind] {
			d.Entries = append(d.Entries, tlEntryView(l, e, q))
		}
	}
	return d, status
}

// tlEntryView is an entry as the page shows it, in language l.
func tlEntryView(l i18n.Lang, e TimelineEntry, q timelineQuery) views.TimelineEntryView {
	v := views.TimelineEntryView{
		ID:        e.ID,
		Kind:      string(e.Kind),
		KindLabel: i18n.TL(l, "timeline.kind."+string(e.Kind)),
		Title:     e.Title.In(l),
		Before:    e.Before.In(l),
		After:     e.After.In(l),
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
