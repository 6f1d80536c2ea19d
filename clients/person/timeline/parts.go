package timeline

import (
	"strconv"

	"github.com/oppslag/oppslag/clients/person"
	"github.com/oppslag/oppslag/clients/person/nin"
)

func (b *builder) addAll() {
	p := b.p
	b.add(partRule{part: person.PartBirth, kind: KindStatus}, mapItems(p.Birth, func(it person.Birth) item {
		place := Join(it.BirthPlace, it.BirthMunicipalityName, Country(it.BirthCountry))
		return item{meta: it.Meta, date: it.BirthDate, title: Key("timeline.event.birth"), summary: Join(it.BirthDate, place),
			fields: []Field{
				{"timeline.field.birthdate", Join(it.BirthDate)},
				{"timeline.field.birthyear", Join(it.BirthYear)},
				{"timeline.field.place", Join(it.BirthPlace)},
				{"timeline.field.municipality", Join(it.BirthMunicipalityName, it.BirthMunicipalityNumber)},
				{"timeline.field.county", Join(it.BirthCountyName)},
				{"timeline.field.country", Join(Country(it.BirthCountry))},
			}}
	}))
	if p.Death != nil {
		d := *p.Death
		b.add(partRule{part: person.PartDeath, kind: KindStatus}, []item{{meta: d.Meta, date: d.DeceasedDate,
			title: Key("timeline.event.death"), summary: Join(d.DeceasedDate),
			fields: []Field{{"timeline.field.deathdate", Join(d.DeceasedDate)}}}})
	}
	b.add(partRule{part: person.PartStatus, kind: KindStatus, sequence: true}, mapItems(p.Status, func(it person.PersonStatus) item {
		s := Enum("timeline.status", string(it.Status))
		return item{meta: it.Meta, title: Key("timeline.event.status", s), summary: s,
			fields: []Field{{"timeline.field.status", s}}}
	}))
	b.add(partRule{part: person.PartEmigrationFromNorway, kind: KindStatus}, mapItems(p.EmigrationFromNorway, func(it person.EmigrationFromNorway) item {
		title := Key("timeline.event.emigration.unknown")
		if it.EmigratedToCountry != "" {
			title = Key("timeline.event.emigration", Country(it.EmigratedToCountry))
		}
		return item{meta: it.Meta, date: it.EmigratedMoveDate, title: title, summary: Join(it.EmigratedToCity, Country(it.EmigratedToCountry)),
			fields: []Field{
				{"timeline.field.country", Join(Country(it.EmigratedToCountry))},
				{"timeline.field.city", Join(it.EmigratedToCity)},
				{"timeline.field.movedate", Join(it.EmigratedMoveDate)},
			}}
	}))
	b.add(partRule{part: person.PartImmigrationToNorway, kind: KindStatus}, mapItems(p.ImmigrationToNorway, func(it person.ImmigrationToNorway) item {
		title := Key("timeline.event.immigration.unknown")
		if it.ImmigratedFromCountry != "" {
			title = Key("timeline.event.immigration", Country(it.ImmigratedFromCountry))
		}
		return item{meta: it.Meta, title: title, summary: Join(it.ImmigratedFromCity, Country(it.ImmigratedFromCountry)),
			fields: []Field{
				{"timeline.field.country", Join(Country(it.ImmigratedFromCountry))},
				{"timeline.field.city", Join(it.ImmigratedFromCity)},
			}}
	}))
	b.add(partRule{part: person.PartName, kind: KindName, sequence: true,
		first: "timeline.event.name.first", change: "timeline.event.name.change"},
		mapItems(p.Name, func(it person.PersonName) item {
			return item{meta: it.Meta, summary: Join(person.JoinParts(it.GivenName, it.MiddleName, it.FamilyName)),
				fields: []Field{
					{"timeline.field.given", Join(it.GivenName)},
					{"timeline.field.middle", Join(it.MiddleName)},
					{"timeline.field.family", Join(it.FamilyName)},
					{"timeline.field.shortname", Join(it.ShortName)},
				}}
		}))
	b.add(partRule{part: person.PartMaritalStatus, kind: KindMarital, sequence: true},
		mapItems(p.MaritalStatus, func(it person.MaritalStatus) item {
			s := Enum("timeline.marital", string(it.Status))
			place := Join(it.Place, it.MunicipalityName, it.Abroad)
			f := []Field{
				{"timeline.field.status", s},
				{"timeline.field.statusdate", Join(it.StatusDate)},
				{"timeline.field.place", place},
				{"timeline.field.authority", Join(it.Authority)},
			}
			if it.RelatedByMaritalStatus != "" {
				// The spouse's number stays on the server; the page says only
				// that one is registered.
				f = append(f, Field{"timeline.field.spouse", Key("timeline.yes")})
			}
			return item{meta: it.Meta, title: Key("timeline.event.marital", s), summary: s, fields: f}
		}))
	b.add(partRule{part: person.PartNorwegianIdentificationNumber, kind: KindIdentity, sequence: true,
		first: "timeline.event.nin.first", change: "timeline.event.nin.change"},
		mapItems(p.NorwegianIdentificationNumber, func(it person.NorwegianIdentificationNumber) item {
			num := formatNIN(it.IdentificationNumber)
			t := Enum("timeline.nintype", string(it.IdentificationNumberType))
			return item{meta: it.Meta, summary: Join(num, t),
				fields: []Field{
					{"timeline.field.number", Join(num)},
					{"timeline.field.type", t},
					{"timeline.field.status", Enum("timeline.ninstatus", string(it.Status))},
				}}
		}))
	b.add(partRule{part: person.PartCitizenship, kind: KindCitizenship}, mapItems(p.Citizenship, func(it person.Citizenship) item {
		return item{meta: it.Meta, title: Key("timeline.event.citizenship", Country(it.CountryCode)), summary: Join(Country(it.CountryCode)),
			fields: []Field{
				{"timeline.field.country", Join(Country(it.CountryCode))},
				{"timeline.field.acquired", Join(it.AquiredDate)},
			}}
	}))
	b.add(partRule{part: person.PartResidencePermit, kind: KindCitizenship}, mapItems(p.ResidencePermit, func(it person.ResidencePermit) item {
		t := Enum("timeline.permit", string(it.ResidencePermitType))
		return item{meta: it.Meta, title: Key("timeline.event.permit", t), summary: t,
			fields: []Field{
				{"timeline.field.type", t},
				{"timeline.field.from", Join(it.StayFrom)},
				{"timeline.field.to", Join(it.StayTo)},
			}}
	}))
	b.add(partRule{part: person.PartAddressProtection, kind: KindProtection, sequence: true},
		mapItems(p.AddressProtection, func(it person.AddressProtection) item {
			lv := Enum("timeline.level", string(it.ProtectionLevel))
			return item{meta: it.Meta, title: Key("timeline.event.protection", lv), summary: lv,
				fields: []Field{{"timeline.field.level", lv}}}
		}))

	// Addresses (S19: masked in add when the person is protected).
	b.add(partRule{part: person.PartResidentialAddress, kind: KindMove, address: true, sequence: true,
		first: "timeline.event.residential.first", change: "timeline.event.residential.change"},
		mapItems(p.ResidentialAddress, func(it person.ResidentialAddress) item {
			line, post, muni, county := residence(it.StreetAddress, it.CadastralAddress, it.UnknownResidence)
			return item{meta: it.Meta, conf: it.AddressConfidentiality, summary: Join(line, post),
				fields: append([]Field{
					{"timeline.field.address", line},
					{"timeline.field.postcode", Join(post)},
					{"timeline.field.municipality", Join(muni)},
					{"timeline.field.county", Join(county)},
					{"timeline.field.movedate", Join(it.MoveDate)},
				}, districtFields(it.District)...)}
		}))
	b.add(partRule{part: person.PartPresentAddress, kind: KindMove, address: true, sequence: true,
		first: "timeline.event.present.first", change: "timeline.event.present.change"},
		mapItems(p.PresentAddress, func(it person.PresentAddress) item {
			var line Text
			var post, muni, county string
			switch {
			case it.ForeignAddress != nil:
				line, post = foreign(it.ForeignAddress)
			case it.StreetAddress != nil || it.CadastralAddress != nil:
				line, post, muni, county = residence(it.StreetAddress, it.CadastralAddress, nil)
			case it.IsAddressUnknown != nil && *it.IsAddressUnknown:
				line = Key("timeline.address_unknown")
			}
			return item{meta: it.Meta, conf: it.AddressConfidentiality, summary: Join(line, post),
				fields: append([]Field{
					{"timeline.field.address", line},
					{"timeline.field.postcode", Join(post)},
					{"timeline.field.municipality", Join(muni)},
					{"timeline.field.county", Join(county)},
					{"timeline.field.staydate", Join(it.PresentAddressDate)},
					{"timeline.field.stay", Enum("timeline.stay", string(it.StayElsewhere))},
				}, districtFields(it.District)...)}
		}))
	b.add(partRule{part: person.PartSharedResidence, kind: KindMove, address: true}, mapItems(p.SharedResidence, func(it person.SharedResidence) item {
		line, post, muni, _ := residence(it.StreetAddress, it.CadastralAddress, it.UnknownResidence)
		return item{meta: it.Meta, conf: it.AddressConfidentiality, title: Key("timeline.event.shared"), summary: Join(line, post),
			fields: []Field{
				{"timeline.field.address", line},
				{"timeline.field.postcode", Join(post)},
				{"timeline.field.municipality", Join(muni)},
				{"timeline.field.from", Join(it.ContractValidFrom)},
				{"timeline.field.to", Join(it.ContractValidTo)},
			}}
	}))
	b.add(partRule{part: person.PartPostalAddress, kind: KindPostal, address: true, sequence: true,
		first: "timeline.event.postal.first", change: "timeline.event.postal.change"},
		mapItems(p.PostalAddress, func(it person.ContactAddress) item {
			line, post := postal(it)
			return item{meta: it.Meta, conf: it.AddressConfidentiality, summary: Join(line, post),
				fields: []Field{
					{"timeline.field.address", line},
					{"timeline.field.postcode", Join(post)},
				}}
		}))
	b.add(partRule{part: person.PartForeignPostalAddress, kind: KindPostal, address: true, sequence: true,
		first: "timeline.event.foreignpostal.first", change: "timeline.event.foreignpostal.change"},
		mapItems(p.ForeignPostalAddress, func(it person.ForeignContactAddress) item {
			var line Text
			var post, country string
			switch {
			case it.ForeignAddress != nil:
				line, post = foreign(it.ForeignAddress)
				country = it.ForeignAddress.CountryCode
			case it.FreeFormForeignAddress != nil:
				f := it.FreeFormForeignAddress
				line = Join(anys(f.AddressLine)...)
				post = person.JoinParts(f.PostCode, f.CityOrPlaceName)
				country = f.CountryCode
			}
			return item{meta: it.Meta, conf: it.AddressConfidentiality, summary: Join(line, post, country),
				fields: []Field{
					{"timeline.field.address", line},
					{"timeline.field.postcode", Join(post)},
					{"timeline.field.country", Join(country)},
				}}
		}))

	b.addFamily()
}

// addFamily adds family relations and the births the document can date: a
// relative without an identity number carries a birth date, and a child's
// or sibling's identity number encodes one; the relative's own document
// (More.Relatives) names them and dates it better. Parents' and partners' births
// are left out (they say nothing about this person's history), and so is
// anything without a date.
func (b *builder) addFamily() {
	rels := b.p.FamilyRelation
	b.add(partRule{part: person.PartFamilyRelation, kind: KindFamily}, mapItems(rels, func(it person.FamilyRelation) item {
		// The page names the role as the family graph does, a role it does
		// not know as received.
		role := Join(it.RelatedPersonsRole)
		f := []Field{{"timeline.field.role", role}}
		if w := it.RelatedPersonWithoutIdentifier; w != nil {
			if w.Name != nil {
				f = append(f, Field{"timeline.field.name", Join(person.JoinParts(w.Name.GivenName, w.Name.MiddleName, w.Name.FamilyName))})
			}
			f = append(f, Field{"timeline.field.birthdate", Join(w.BirthDate)})
		}
		return item{meta: it.Meta, title: Key("timeline.event.relation", role), summary: role, fields: f}
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
				name = person.JoinParts(w.Name.GivenName, w.Name.MiddleName, w.Name.FamilyName)
			}
		}
		// The relative's own document, when the bulk call fetched it, names
		// them and has the registered birth date, which a D-number does not
		// encode.
		if r, ok := b.more.Relatives[it.RelatedPerson]; ok && it.RelatedPerson != "" {
			if r.Name != "" {
				name = r.Name
			}
			if !r.Born.IsZero() {
				born = r.Born
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
		b.out = append(b.out, Entry{
			ID:      "familyrelation-" + strconv.Itoa(i) + "-birth",
			Part:    person.PartFamilyRelation,
			Index:   i,
			Kind:    KindFamily,
			Date:    born,
			Source:  it.Source,
			Current: it.Current(),
			Future:  born.After(b.now),
			Derived: true,
			Title:   relativeTitle("timeline.event.relative_birth", name, it.RelatedPersonsRole),
		})
	}
}

// mapItems converts a part's items.
func mapItems[T any](items []T, f func(T) item) []item {
	out := make([]item, len(items))
	for i, it := range items {
		out[i] = f(it)
	}
	return out
}

func anys(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// formatNIN groups an identity number for reading; a number the parser
// refuses is shown as it came.
func formatNIN(s string) string {
	if n, err := nin.Parse(s); err == nil {
		return n.Format()
	}
	return s
}

// residence describes a Norwegian residence: the address line, postal code
// and city, municipality and county.
func residence(s *person.StreetAddress, c *person.CadastralAddress, u *person.UnknownResidence) (line Text, post, muni, county string) {
	switch {
	case s != nil:
		line = Join(person.StreetLine(s.AddressName, s.AddressNumber), s.SeparatelyOccupiedUnitNumber)
		if s.CoAddressName != "" {
			line = Join(Key("timeline.co", s.CoAddressName), line)
		}
		post = person.CityLine(s.City)
		muni, county = person.PlaceText(s.MunicipalityNumber, s.MunicipalityName), s.CountyName
	case c != nil:
		if n := c.CadastralNumber; n != nil {
			line = Join(Key("timeline.cadastral", n.MunicipalityLandNumber, n.TitleNumber), c.AddressAdditionalName)
			muni, county = person.PlaceText(n.MunicipalityNumber, n.MunicipalityName), n.CountyName
		} else {
			line = Join(c.AddressAdditionalName)
		}
		post = person.CityLine(c.City)
	case u != nil:
		line = Key("timeline.residence_unknown")
		muni, county = person.PlaceText(u.MunicipalityNumber, u.MunicipalityName), u.CountyName
	}
	return line, post, muni, county
}

// foreign describes a structured foreign address.
func foreign(a *person.InternationalAddress) (Text, string) {
	line := Join(a.CoAddressName, a.AddressName, a.Building, a.PostBox, a.DistrictName, a.Region)
	return line, person.JoinParts(a.PostCode, a.CityOrPlaceName)
}

// postal describes a Norwegian postal address.
func postal(a person.ContactAddress) (Text, string) {
	switch {
	case a.PostBoxAddress != nil:
		pb := a.PostBoxAddress
		return Join(pb.PostBoxOwner, Key("timeline.postbox", pb.PostBoxIdentification)), person.CityLine(pb.City)
	case a.StreetAddress != nil:
		s := a.StreetAddress
		line := Join(person.StreetLine(s.AddressName, s.StreetAddressNumber), s.SeparatelyOccupiedUnitNumber)
		if s.CoAddressName != "" {
			line = Join(Key("timeline.co", s.CoAddressName), line)
		}
		return line, person.CityLine(s.City)
	case a.FreeFormPostalAddress != nil:
		f := a.FreeFormPostalAddress
		lines := f.AddressLine
		if len(lines) == 0 {
			lines = f.Adresselinje
		}
		return Join(anys(lines)...), person.CityLine(f.City)
	}
	return Text{}, ""
}

// districtFields are the statistical and urban-district enrichment.
func districtFields(d person.District) []Field {
	return []Field{
		{"timeline.field.unit", Join(person.JoinParts(d.BasicStatisticalUnitName, d.FullBasicStatisticalUnitNumber))},
		{"timeline.field.district", Join(d.UrbanDistrictName)},
	}
}
