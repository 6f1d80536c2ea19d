package handlers

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/oppslag/oppslag/clients/person"
	"github.com/oppslag/oppslag/clients/person/protection"
	"github.com/oppslag/oppslag/views"
)

// A panel's content is built from a person document by one function. The
// address builder is the only place an address is copied into a view model,
// and it copies nothing of a person whose address is protected (S19).

// item makes a panel entry with facts (empty values dropped) and its meta.
func item(title views.Words, m person.Meta, facts ...views.Fact) views.PanelItem {
	it := views.PanelItem{Title: title, Meta: metaFacts(m)}
	for _, f := range facts {
		if !blank(f.Value) {
			it.Facts = append(it.Facts, f)
		}
	}
	return it
}

// kv makes a fact labelled by the catalog key.
func kv(key string, value views.Words) views.Fact {
	return views.Fact{Label: views.Msg(key), Value: value}
}

// withPeriod appends the validity period to a history entry's title.
func withPeriod(title views.Words, m person.Meta) views.Words {
	if p := validity(m); !p.IsZero() {
		return views.Join{title, views.Plain(" ("), p, views.Plain(")")}
	}
	return title
}

// place adds an entry to current or history by its validity.
func place(out *views.PersonPanel, m person.Meta, it views.PanelItem) {
	if m.Current() {
		out.Items = append(out.Items, it)
		return
	}
	it.Title = withPeriod(it.Title, m)
	out.History = append(out.History, it)
}

// --- identity ---------------------------------------------------------------

func identityPanel(p *person.Person) views.PersonPanel {
	var out views.PersonPanel
	if fi := p.FalseIdentity; fi != nil && fi.Current() {
		out.Notices = append(out.Notices, views.Notice{Color: "danger", Title: views.Msg("person.identity.false.title"),
			Text: views.Msg("person.identity.false.text"), TestID: "false-identity"})
	}
	for _, n := range p.NorwegianIdentificationNumber {
		it := item(plain(formatNIN(n.IdentificationNumber)), n.Meta,
			kv("person.identity.type", ninKind(n.IdentificationNumberType, n.IdentificationNumber)),
			kv("person.identity.status", enumName("person.enum.ninstatus", string(n.Status))))
		place(&out, n.Meta, it)
	}
	for _, n := range p.ImmigrationAuthoritiesIdentification {
		place(&out, n.Meta, item(plain(n.IdentificationNumber), n.Meta,
			kv("person.identity.type", views.Msg("person.identity.duf"))))
	}
	for _, n := range p.ForeignPersonIdentificationNumber {
		place(&out, n.Meta, item(plain(n.IdentificationNumber), n.Meta,
			kv("person.identity.type", enumName("person.enum.foreignid", string(n.IdentificationNumberType))),
			kv("person.identity.issuer", country(n.IssuerCountry))))
	}
	out.Empty = views.Msg("person.empty")
	return out
}

// --- names ------------------------------------------------------------------

func namesPanel(p *person.Person) views.PersonPanel {
	var out views.PersonPanel
	for _, n := range p.Name {
		orig := ""
		if o := n.OriginalName; o != nil {
			orig = fullName(o.GivenName, o.MiddleName, o.FamilyName)
		}
		it := item(plain(fullName(n.GivenName, n.MiddleName, n.FamilyName)), n.Meta,
			kv("person.name.given", plain(n.GivenName)),
			kv("person.name.middle", plain(n.MiddleName)),
			kv("person.name.family", plain(n.FamilyName)),
			kv("person.name.short", plain(n.ShortName)),
			kv("person.name.original", plain(orig)))
		place(&out, n.Meta, it)
	}
	out.Empty = views.Msg("person.empty")
	return out
}

// --- addresses (S19) -------------------------------------------------------

// protectionTag is the label of a protection level.
func protectionTag(level person.AddressConfidentiality) views.Tag {
	switch level {
	case person.Confidential:
		return views.Tag{Text: views.Msg("person.protected.confidential"), Color: "warning", TestID: "label-protected"}
	case person.StrictlyConfidential:
		return views.Tag{Text: views.Msg("person.protected.strict"), Color: "danger", TestID: "label-protected"}
	}
	return views.Tag{Text: views.Msg("person.protected.unknown"), Color: "danger", TestID: "label-protected"}
}

// protectedNotice says that and why the address is hidden, and that no role
// in Oppslag opens it (F7).
func protectedNotice(level person.AddressConfidentiality, whose string) views.Notice {
	t := protectionTag(level)
	return views.Notice{
		Color:  "warning",
		Title:  t.Text,
		Text:   views.Msg("person.protected.why." + whose),
		More:   views.Msg("person.protected.open"),
		TestID: "protected-address",
	}
}

// addressesPanel lists the five address types as the protection rule
// decides (clients/person/protection, S19). For a person whose overall
// protection is Confidential, StrictlyConfidential or unknown it lists
// nothing at all — not the current addresses, not the history, not the
// postal addresses — only why. An item the rule hides on its own (its own
// grade, or a past period of protection it overlaps) is masked on its own,
// with the level that hides it.
func addressesPanel(p *person.Person) views.PersonPanel {
	var out views.PersonPanel
	rule := protection.Of(p)
	if rule.Protected() {
		out.Notices = append(out.Notices, protectedNotice(rule.Level(), "person"))
		return out
	}
	client := false
	add := func(m person.Meta, kind string, grade person.AddressConfidentiality, build func() []views.Fact) {
		title := views.Msg("person.address." + kind)
		v := rule.Decide(m, grade)
		if v.Hidden {
			it := item(title, m, kv("person.address.address", views.Msg("person.protected.hidden")))
			it.Tags = []views.Tag{protectionTag(v.Level)}
			place(&out, m, it)
			return
		}
		it := item(title, m, build()...)
		if v.ClientAddress() {
			client = true
			it.Tags = []views.Tag{{Text: views.Msg("person.address.client"), Color: "info", TestID: "label-client-address"}}
		}
		it.TestID = "address-" + kind
		place(&out, m, it)
	}
	for _, a := range p.ResidentialAddress {
		add(a.Meta, "residential", a.AddressConfidentiality, func() []views.Fact {
			facts := locationFacts(a.StreetAddress, a.CadastralAddress, a.UnknownResidence)
			facts = append(facts, districtFacts(a.District)...)
			return append(facts, kv("person.address.moved", dateOf(a.MoveDate)))
		})
	}
	for _, a := range p.PresentAddress {
		add(a.Meta, "present", a.AddressConfidentiality, func() []views.Fact {
			facts := locationFacts(a.StreetAddress, a.CadastralAddress, nil)
			if a.ForeignAddress != nil {
				facts = append(facts, internationalFacts(a.ForeignAddress)...)
			}
			if a.IsAddressUnknown != nil && *a.IsAddressUnknown {
				facts = append(facts, kv("person.address.address", views.Msg("person.address.unknown")))
			}
			facts = append(facts, districtFacts(a.District)...)
			return append(facts,
				kv("person.address.stay", enumName("person.enum.stay", string(a.StayElsewhere))),
				kv("person.address.present_since", dateOf(a.PresentAddressDate)))
		})
	}
	for _, a := range p.SharedResidence {
		add(a.Meta, "shared", a.AddressConfidentiality, func() []views.Fact {
			facts := locationFacts(a.StreetAddress, a.CadastralAddress, a.UnknownResidence)
			facts = append(facts, districtFacts(a.District)...)
			return append(facts,
				kv("person.address.contract_from", dateOf(a.ContractValidFrom)),
				kv("person.address.contract_to", dateOf(a.ContractValidTo)))
		})
	}
	for _, a := range p.PostalAddress {
		add(a.Meta, "postal", a.AddressConfidentiality, func() []views.Fact { return postalFacts(a) })
	}
	for _, a := range p.ForeignPostalAddress {
		add(a.Meta, "foreign", a.AddressConfidentiality, func() []views.Fact {
			if a.ForeignAddress != nil {
				return internationalFacts(a.ForeignAddress)
			}
			if ff := a.FreeFormForeignAddress; ff != nil {
				return []views.Fact{
					kv("person.address.address", plain(strings.Join(ff.AddressLine, ", "))),
					kv("person.address.city", plain(strings.TrimSpace(ff.PostCode+" "+ff.CityOrPlaceName))),
					kv("person.address.country", country(ff.CountryCode)),
				}
			}
			return nil
		})
	}
	if client {
		out.Notices = append(out.Notices, views.Notice{Color: "info", Title: views.Msg("person.address.client"),
			Text: views.Msg("person.address.client.text"), TestID: "client-address"})
	}
	out.Empty = views.Msg("person.address.none")
	return out
}

func unitText(number string, typ person.SeparatelyOccupiedUnitType) views.Words {
	t := enumName("person.enum.unit", string(typ))
	switch {
	case number != "" && !t.IsZero():
		return views.Join{views.Plain(number), views.Plain(" ("), t, views.Plain(")")}
	case number != "":
		return views.Plain(number)
	}
	return t
}

// locationFacts describes a street, cadastral or unknown-residence address.
func locationFacts(sa *person.StreetAddress, ca *person.CadastralAddress, ur *person.UnknownResidence) []views.Fact {
	switch {
	case sa != nil:
		return []views.Fact{
			kv("person.address.co", plain(sa.CoAddressName)),
			kv("person.address.address", plain(person.StreetLine(sa.AddressName, sa.AddressNumber))),
			kv("person.address.additional", plain(sa.AddressAdditionalName)),
			kv("person.address.unit", unitText(sa.SeparatelyOccupiedUnitNumber, sa.SeparatelyOccupiedUnitType)),
			kv("person.address.city", plain(person.CityLine(sa.City))),
			kv("person.address.municipality", plain(person.PlaceText(sa.MunicipalityNumber, sa.MunicipalityName))),
			kv("person.address.county", plain(person.PlaceText(sa.CountyNumber, sa.CountyName))),
		}
	case ca != nil:
		facts := []views.Fact{
			kv("person.address.co", plain(ca.CoAddressName)),
			kv("person.address.additional", plain(ca.AddressAdditionalName)),
			kv("person.address.unit", unitText(ca.SeparatelyOccupiedUnitNumber, ca.SeparatelyOccupiedUnitType)),
			kv("person.address.city", plain(person.CityLine(ca.City))),
		}
		if cn := ca.CadastralNumber; cn != nil {
			var cad views.Words = views.Msg("person.address.cadastral.value", cn.MunicipalityLandNumber, cn.TitleNumber, cn.LeaseholdNumber)
			if ca.SubNumber != 0 {
				cad = views.Join{cad, views.Plain(" "), views.Msg("person.address.subnumber", ca.SubNumber)}
			}
			facts = append([]views.Fact{kv("person.address.cadastral", cad)}, facts...)
			facts = append(facts,
				kv("person.address.municipality", plain(person.PlaceText(cn.MunicipalityNumber, cn.MunicipalityName))),
				kv("person.address.county", plain(person.PlaceText(cn.CountyNumber, cn.CountyName))))
		}
		return facts
	case ur != nil:
		return []views.Fact{
			kv("person.address.address", views.Msg("person.address.unknown_residence")),
			kv("person.address.municipality", plain(person.PlaceText(ur.MunicipalityNumber, ur.MunicipalityName))),
			kv("person.address.county", plain(person.PlaceText(ur.CountyNumber, ur.CountyName))),
		}
	}
	return nil
}

// districtFacts lists the basic statistical unit and the urban district,
// with the geographical district only when it differs from the service
// district (Oslo's Marka and Sentrum).
func districtFacts(d person.District) []views.Fact {
	var out []views.Fact
	unit := d.FullBasicStatisticalUnitNumber
	if unit == "" && d.BasicStatisticalUnit != 0 {
		unit = fmt.Sprintf("%04d", d.BasicStatisticalUnit)
	}
	if s := strings.TrimSpace(unit + " " + d.BasicStatisticalUnitName); s != "" {
		out = append(out, kv("person.address.unit_stat", plain(s)))
	}
	service := person.PlaceText(d.UrbanDistrictCode, d.UrbanDistrictName)
	geo := person.PlaceText(d.GeographicalUrbanDistrictCode, d.GeographicalUrbanDistrictName)
	switch {
	case service != "" && (geo == "" || geo == service):
		out = append(out, kv("person.address.district", plain(service)))
	case service != "" || geo != "":
		out = append(out,
			kv("person.address.district_service", plain(service)),
			kv("person.address.district_geo", plain(geo)))
	}
	return out
}

func internationalFacts(a *person.InternationalAddress) []views.Fact {
	lines := []string{}
	for _, s := range []string{a.AddressName, a.Building, a.FloorNumber, a.HousingUnit, a.PostBox} {
		if s = strings.TrimSpace(s); s != "" {
			lines = append(lines, s)
		}
	}
	region := strings.Join(strings.Fields(a.DistrictName+" "+a.Region), " ")
	return []views.Fact{
		kv("person.address.co", plain(a.CoAddressName)),
		kv("person.address.address", plain(strings.Join(lines, ", "))),
		kv("person.address.city", plain(strings.TrimSpace(a.PostCode+" "+a.CityOrPlaceName))),
		kv("person.address.region", plain(region)),
		kv("person.address.country", country(a.CountryCode)),
	}
}

func postalFacts(a person.ContactAddress) []views.Fact {
	switch {
	case a.PostBoxAddress != nil:
		pb := a.PostBoxAddress
		return []views.Fact{
			kv("person.address.owner", plain(pb.PostBoxOwner)),
			kv("person.address.postbox", plain(pb.PostBoxIdentification)),
			kv("person.address.city", plain(person.CityLine(pb.City))),
		}
	case a.StreetAddress != nil:
		sa := a.StreetAddress
		return []views.Fact{
			kv("person.address.co", plain(sa.CoAddressName)),
			kv("person.address.address", plain(person.StreetLine(sa.AddressName, sa.StreetAddressNumber))),
			kv("person.address.additional", plain(sa.AddressAdditionalName)),
			kv("person.address.unit", plain(sa.SeparatelyOccupiedUnitNumber)),
			kv("person.address.city", plain(person.CityLine(sa.City))),
		}
	case a.FreeFormPostalAddress != nil:
		ff := a.FreeFormPostalAddress
		lines := ff.AddressLine
		if len(lines) == 0 {
			lines = ff.Adresselinje
		}
		return []views.Fact{
			kv("person.address.address", plain(strings.Join(lines, ", "))),
			kv("person.address.city", plain(person.CityLine(ff.City))),
		}
	}
	return nil
}

// --- status -----------------------------------------------------------------

func statusPanel(p *person.Person) views.PersonPanel {
	var out views.PersonPanel
	for _, s := range p.Status {
		place(&out, s.Meta, item(enumName("person.enum.status", string(s.Status)), s.Meta,
			kv("person.status.since", metaDateOf(s.ValidFrom))))
	}
	for _, e := range p.EmigrationFromNorway {
		date := dateOf(e.EmigratedMoveDate)
		if date.IsZero() {
			date = metaDateOf(e.ValidFrom)
		}
		place(&out, e.Meta, item(views.Msg("person.status.emigration"), e.Meta,
			kv("person.status.to_country", country(e.EmigratedToCountry)),
			kv("person.status.to_city", plain(e.EmigratedToCity)),
			kv("person.status.date", date)))
	}
	for _, e := range p.ImmigrationToNorway {
		place(&out, e.Meta, item(views.Msg("person.status.immigration"), e.Meta,
			kv("person.status.from_country", country(e.ImmigratedFromCountry)),
			kv("person.status.from_city", plain(e.ImmigratedFromCity)),
			kv("person.status.date", metaDateOf(e.ValidFrom))))
	}
	for _, rp := range p.ResidencePermit {
		place(&out, rp.Meta, item(views.Msg("person.status.permit"), rp.Meta,
			kv("person.status.permit_type", enumName("person.enum.permit", string(rp.ResidencePermitType))),
			kv("person.status.stay_from", dateOf(rp.StayFrom)),
			kv("person.status.stay_to", dateOf(rp.StayTo))))
	}
	out.Empty = views.Msg("person.empty")
	return out
}

// --- birth and death ---------------------------------------------------------

func birthPanel(p *person.Person) views.PersonPanel {
	var out views.PersonPanel
	for _, b := range p.Birth {
		facts := []views.Fact{
			kv("person.birth.date", dateOf(b.BirthDate)),
			kv("person.birth.place", plain(b.BirthPlace)),
			kv("person.birth.municipality", plain(person.PlaceText(b.BirthMunicipalityNumber, b.BirthMunicipalityName))),
			kv("person.birth.county", plain(person.PlaceText(b.BirthCountyNumber, b.BirthCountyName))),
			kv("person.birth.country", country(b.BirthCountry)),
		}
		if !b.BirthDate.Known() {
			facts = append(facts, kv("person.birth.year", plain(b.BirthYear)))
		}
		if b.Current() {
			for _, bn := range person.Valid(p.BirthInNorway) {
				facts = append(facts, kv("person.birth.institution", plain(bn.OrganizationName)))
				if bn.MultipleBirthNumber > 0 {
					facts = append(facts, kv("person.birth.multiple", multipleBirth(bn.MultipleBirthNumber)))
				}
			}
		}
		place(&out, b.Meta, item(views.Msg("person.birth.title"), b.Meta, facts...))
	}
	if d := p.Death; d != nil {
		it := item(views.Msg("person.death.title"), d.Meta, kv("person.death.date", dateOf(d.DeceasedDate)))
		it.TestID = "death"
		place(&out, d.Meta, it)
	}
	out.Empty = views.Msg("person.empty")
	return out
}

// multipleBirth reads FREG's "total, position" digits: 21 is the first of twins.
func multipleBirth(n int64) views.Text {
	s := strconv.FormatInt(n, 10)
	if len(s) != 2 {
		return views.Plain(s)
	}
	return views.Msg("person.birth.multiple.value", int(s[1]-'0'), int(s[0]-'0'))
}

// --- citizenship ------------------------------------------------------------

func citizenshipPanel(p *person.Person) views.PersonPanel {
	var out views.PersonPanel
	for _, c := range p.Citizenship {
		place(&out, c.Meta, item(country(c.CountryCode), c.Meta,
			kv("person.citizenship.acquired", dateOf(c.AquiredDate))))
	}
	for _, c := range p.CitizenshipRetention {
		place(&out, c.Meta, item(views.Msg("person.citizenship.retention"), c.Meta,
			kv("person.citizenship.retention_status", enumName("person.enum.retention", string(c.CitizenshipRetentionStatus))),
			kv("person.citizenship.retention_date", dateOf(c.RetentionResolutionDate))))
	}
	out.Empty = views.Msg("person.empty")
	return out
}
