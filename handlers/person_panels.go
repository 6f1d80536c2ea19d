package handlers

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/oppslag/oppslag/clients/person"
	"github.com/oppslag/oppslag/clients/person/protection"
	"github.com/oppslag/oppslag/views"
	"github.com/oppslag/oppslag/views/i18n"
)

// A panel's content is built from a person document by one function. The
// address builder is the only place an address is copied into a view model,
// and it copies nothing of a person whose address is protected (S19).

// item makes a panel entry with facts (empty values dropped) and its meta.
func item(ctx context.Context, title string, m person.Meta, facts ...views.Fact) views.PanelItem {
	it := views.PanelItem{Title: title, Meta: metaFacts(ctx, m)}
	for _, f := range facts {
		if f.Value != "" {
			it.Facts = append(it.Facts, f)
		}
	}
	return it
}

// kv makes a fact with a translated label.
func kv(ctx context.Context, key, value string) views.Fact {
	return views.Fact{Label: i18n.T(ctx, key), Value: value}
}

// withPeriod appends the validity period to a history entry's title.
func withPeriod(ctx context.Context, title string, m person.Meta) string {
	if p := validityText(ctx, m); p != "" {
		return title + " (" + p + ")"
	}
	return title
}

// place adds an entry to current or history by its validity.
func place(out *views.PersonPanel, ctx context.Context, m person.Meta, it views.PanelItem) {
	if m.Current() {
		out.Items = append(out.Items, it)
		return
	}
	it.Title = withPeriod(ctx, it.Title, m)
	out.History = append(out.History, it)
}

// --- identity ---------------------------------------------------------------

func identityPanel(ctx context.Context, p *person.Person) views.PersonPanel {
	var out views.PersonPanel
	if fi := p.FalseIdentity; fi != nil && fi.Current() {
		out.Notices = append(out.Notices, views.Notice{Color: "danger", Title: i18n.T(ctx, "person.identity.false.title"),
			Text: i18n.T(ctx, "person.identity.false.text"), TestID: "false-identity"})
	}
	for _, n := range p.NorwegianIdentificationNumber {
		it := item(ctx, formatNIN(n.IdentificationNumber), n.Meta,
			kv(ctx, "person.identity.type", ninKindText(ctx, n.IdentificationNumberType, n.IdentificationNumber)),
			kv(ctx, "person.identity.status", enumText(ctx, "person.enum.ninstatus", string(n.Status))))
		place(&out, ctx, n.Meta, it)
	}
	for _, n := range p.ImmigrationAuthoritiesIdentification {
		place(&out, ctx, n.Meta, item(ctx, n.IdentificationNumber, n.Meta,
			kv(ctx, "person.identity.type", i18n.T(ctx, "person.identity.duf"))))
	}
	for _, n := range p.ForeignPersonIdentificationNumber {
		place(&out, ctx, n.Meta, item(ctx, n.IdentificationNumber, n.Meta,
			kv(ctx, "person.identity.type", enumText(ctx, "person.enum.foreignid", string(n.IdentificationNumberType))),
			kv(ctx, "person.identity.issuer", countryText(ctx, n.IssuerCountry))))
	}
	out.Empty = i18n.T(ctx, "person.empty")
	return out
}

// --- names ------------------------------------------------------------------

func namesPanel(ctx context.Context, p *person.Person) views.PersonPanel {
	var out views.PersonPanel
	for _, n := range p.Name {
		orig := ""
		if o := n.OriginalName; o != nil {
			orig = fullName(o.GivenName, o.MiddleName, o.FamilyName)
		}
		it := item(ctx, fullName(n.GivenName, n.MiddleName, n.FamilyName), n.Meta,
			kv(ctx, "person.name.given", n.GivenName),
			kv(ctx, "person.name.middle", n.MiddleName),
			kv(ctx, "person.name.family", n.FamilyName),
			kv(ctx, "person.name.short", n.ShortName),
			kv(ctx, "person.name.original", orig))
		place(&out, ctx, n.Meta, it)
	}
	out.Empty = i18n.T(ctx, "person.empty")
	return out
}

// --- addresses (S19) -------------------------------------------------------

// protectionTag is the label of a protection level.
func protectionTag(ctx context.Context, level person.AddressConfidentiality) views.Tag {
	switch level {
	case person.Confidential:
		return views.Tag{Text: i18n.T(ctx, "person.protected.confidential"), Color: "warning", TestID: "label-protected"}
	case person.StrictlyConfidential:
		return views.Tag{Text: i18n.T(ctx, "person.protected.strict"), Color: "danger", TestID: "label-protected"}
	}
	return views.Tag{Text: i18n.T(ctx, "person.protected.unknown"), Color: "danger", TestID: "label-protected"}
}

// protectedNotice says that and why the address is hidden, and that no role
// in Oppslag opens it (F7).
func protectedNotice(ctx context.Context, level person.AddressConfidentiality, whose string) views.Notice {
	t := protectionTag(ctx, level)
	return views.Notice{
		Color:  "warning",
		Title:  t.Text,
		Text:   i18n.T(ctx, "person.protected.why."+whose),
		More:   i18n.T(ctx, "person.protected.open"),
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
func addressesPanel(ctx context.Context, p *person.Person) views.PersonPanel {
	var out views.PersonPanel
	rule := protection.Of(p)
	if rule.Protected() {
		out.Notices = append(out.Notices, protectedNotice(ctx, rule.Level(), "person"))
		return out
	}
	client := false
	add := func(m person.Meta, kind string, grade person.AddressConfidentiality, build func() []views.Fact) {
		title := i18n.T(ctx, "person.address."+kind)
		v := rule.Decide(m, grade)
		if v.Hidden {
			it := item(ctx, title, m, kv(ctx, "person.address.address", i18n.T(ctx, "person.protected.hidden")))
			it.Tags = []views.Tag{protectionTag(ctx, v.Level)}
			place(&out, ctx, m, it)
			return
		}
		it := item(ctx, title, m, build()...)
		if v.ClientAddress() {
			client = true
			it.Tags = []views.Tag{{Text: i18n.T(ctx, "person.address.client"), Color: "info", TestID: "label-client-address"}}
		}
		it.TestID = "address-" + kind
		place(&out, ctx, m, it)
	}
	for _, a := range p.ResidentialAddress {
		add(a.Meta, "residential", a.AddressConfidentiality, func() []views.Fact {
			facts := locationFacts(ctx, a.StreetAddress, a.CadastralAddress, a.UnknownResidence)
			facts = append(facts, districtFacts(ctx, a.District)...)
			return append(facts, kv(ctx, "person.address.moved", dateText(ctx, a.MoveDate)))
		})
	}
	for _, a := range p.PresentAddress {
		add(a.Meta, "present", a.AddressConfidentiality, func() []views.Fact {
			facts := locationFacts(ctx, a.StreetAddress, a.CadastralAddress, nil)
			if a.ForeignAddress != nil {
				facts = append(facts, internationalFacts(ctx, a.ForeignAddress)...)
			}
			if a.IsAddressUnknown != nil && *a.IsAddressUnknown {
				facts = append(facts, kv(ctx, "person.address.address", i18n.T(ctx, "person.address.unknown")))
			}
			facts = append(facts, districtFacts(ctx, a.District)...)
			return append(facts,
				kv(ctx, "person.address.stay", enumText(ctx, "person.enum.stay", string(a.StayElsewhere))),
				kv(ctx, "person.address.present_since", dateText(ctx, a.PresentAddressDate)))
		})
	}
	for _, a := range p.SharedResidence {
		add(a.Meta, "shared", a.AddressConfidentiality, func() []views.Fact {
			facts := locationFacts(ctx, a.StreetAddress, a.CadastralAddress, a.UnknownResidence)
			facts = append(facts, districtFacts(ctx, a.District)...)
			return append(facts,
				kv(ctx, "person.address.contract_from", dateText(ctx, a.ContractValidFrom)),
				kv(ctx, "person.address.contract_to", dateText(ctx, a.ContractValidTo)))
		})
	}
	for _, a := range p.PostalAddress {
		add(a.Meta, "postal", a.AddressConfidentiality, func() []views.Fact { return postalFacts(ctx, a) })
	}
	for _, a := range p.ForeignPostalAddress {
		add(a.Meta, "foreign", a.AddressConfidentiality, func() []views.Fact {
			if a.ForeignAddress != nil {
				return internationalFacts(ctx, a.ForeignAddress)
			}
			if ff := a.FreeFormForeignAddress; ff != nil {
				return []views.Fact{
					kv(ctx, "person.address.address", strings.Join(ff.AddressLine, ", ")),
					kv(ctx, "person.address.city", strings.TrimSpace(ff.PostCode+" "+ff.CityOrPlaceName)),
					kv(ctx, "person.address.country", countryText(ctx, ff.CountryCode)),
				}
			}
			return nil
		})
	}
	if client {
		out.Notices = append(out.Notices, views.Notice{Color: "info", Title: i18n.T(ctx, "person.address.client"),
			Text: i18n.T(ctx, "person.address.client.text"), TestID: "client-address"})
	}
	out.Empty = i18n.T(ctx, "person.address.none")
	return out
}

func unitText(ctx context.Context, number string, typ person.SeparatelyOccupiedUnitType) string {
	t := enumText(ctx, "person.enum.unit", string(typ))
	switch {
	case number != "" && t != "":
		return number + " (" + t + ")"
	case number != "":
		return number
	}
	return t
}

// locationFacts describes a street, cadastral or unknown-residence address.
func locationFacts(ctx context.Context, sa *person.StreetAddress, ca *person.CadastralAddress, ur *person.UnknownResidence) []views.Fact {
	switch {
	case sa != nil:
		return []views.Fact{
			kv(ctx, "person.address.co", sa.CoAddressName),
			kv(ctx, "person.address.address", streetLine(sa.AddressName, sa.AddressNumber)),
			kv(ctx, "person.address.additional", sa.AddressAdditionalName),
			kv(ctx, "person.address.unit", unitText(ctx, sa.SeparatelyOccupiedUnitNumber, sa.SeparatelyOccupiedUnitType)),
			kv(ctx, "person.address.city", cityLine(sa.City)),
			kv(ctx, "person.address.municipality", placeText(sa.MunicipalityNumber, sa.MunicipalityName)),
			kv(ctx, "person.address.county", placeText(sa.CountyNumber, sa.CountyName)),
		}
	case ca != nil:
		facts := []views.Fact{
			kv(ctx, "person.address.co", ca.CoAddressName),
			kv(ctx, "person.address.additional", ca.AddressAdditionalName),
			kv(ctx, "person.address.unit", unitText(ctx, ca.SeparatelyOccupiedUnitNumber, ca.SeparatelyOccupiedUnitType)),
			kv(ctx, "person.address.city", cityLine(ca.City)),
		}
		if cn := ca.CadastralNumber; cn != nil {
			cad := i18n.T(ctx, "person.address.cadastral.value", cn.MunicipalityLandNumber, cn.TitleNumber, cn.LeaseholdNumber)
			if ca.SubNumber != 0 {
				cad += " " + i18n.T(ctx, "person.address.subnumber", ca.SubNumber)
			}
			facts = append([]views.Fact{kv(ctx, "person.address.cadastral", cad)}, facts...)
			facts = append(facts,
				kv(ctx, "person.address.municipality", placeText(cn.MunicipalityNumber, cn.MunicipalityName)),
				kv(ctx, "person.address.county", placeText(cn.CountyNumber, cn.CountyName)))
		}
		return facts
	case ur != nil:
		return []views.Fact{
			kv(ctx, "person.address.address", i18n.T(ctx, "person.address.unknown_residence")),
			kv(ctx, "person.address.municipality", placeText(ur.MunicipalityNumber, ur.MunicipalityName)),
			kv(ctx, "person.address.county", placeText(ur.CountyNumber, ur.CountyName)),
		}
	}
	return nil
}

// districtFacts lists the basic statistical unit and the urban district,
// with the geographical district only when it differs from the service
// district (Oslo's Marka and Sentrum).
func districtFacts(ctx context.Context, d person.District) []views.Fact {
	var out []views.Fact
	unit := d.FullBasicStatisticalUnitNumber
	if unit == "" && d.BasicStatisticalUnit != 0 {
		unit = fmt.Sprintf("%04d", d.BasicStatisticalUnit)
	}
	if s := strings.TrimSpace(unit + " " + d.BasicStatisticalUnitName); s != "" {
		out = append(out, kv(ctx, "person.address.unit_stat", s))
	}
	service := placeText(d.UrbanDistrictCode, d.UrbanDistrictName)
	geo := placeText(d.GeographicalUrbanDistrictCode, d.GeographicalUrbanDistrictName)
	switch {
	case service != "" && (geo == "" || geo == service):
		out = append(out, kv(ctx, "person.address.district", service))
	case service != "" || geo != "":
		out = append(out,
			kv(ctx, "person.address.district_service", service),
			kv(ctx, "person.address.district_geo", geo))
	}
	return out
}

func internationalFacts(ctx context.Context, a *person.InternationalAddress) []views.Fact {
	lines := []string{}
	for _, s := range []string{a.AddressName, a.Building, a.FloorNumber, a.HousingUnit, a.PostBox} {
		if s = strings.TrimSpace(s); s != "" {
			lines = append(lines, s)
		}
	}
	region := strings.Join(strings.Fields(a.DistrictName+" "+a.Region), " ")
	return []views.Fact{
		kv(ctx, "person.address.co", a.CoAddressName),
		kv(ctx, "person.address.address", strings.Join(lines, ", ")),
		kv(ctx, "person.address.city", strings.TrimSpace(a.PostCode+" "+a.CityOrPlaceName)),
		kv(ctx, "person.address.region", region),
		kv(ctx, "person.address.country", countryText(ctx, a.CountryCode)),
	}
}

func postalFacts(ctx context.Context, a person.ContactAddress) []views.Fact {
	switch {
	case a.PostBoxAddress != nil:
		pb := a.PostBoxAddress
		return []views.Fact{
			kv(ctx, "person.address.owner", pb.PostBoxOwner),
			kv(ctx, "person.address.postbox", pb.PostBoxIdentification),
			kv(ctx, "person.address.city", cityLine(pb.City)),
		}
	case a.StreetAddress != nil:
		sa := a.StreetAddress
		return []views.Fact{
			kv(ctx, "person.address.co", sa.CoAddressName),
			kv(ctx, "person.address.address", streetLine(sa.AddressName, sa.StreetAddressNumber)),
			kv(ctx, "person.address.additional", sa.AddressAdditionalName),
			kv(ctx, "person.address.unit", sa.SeparatelyOccupiedUnitNumber),
			kv(ctx, "person.address.city", cityLine(sa.City)),
		}
	case a.FreeFormPostalAddress != nil:
		ff := a.FreeFormPostalAddress
		lines := ff.AddressLine
		if len(lines) == 0 {
			lines = ff.Adresselinje
		}
		return []views.Fact{
			kv(ctx, "person.address.address", strings.Join(lines, ", ")),
			kv(ctx, "person.address.city", cityLine(ff.City)),
		}
	}
	return nil
}

// --- status -----------------------------------------------------------------

func statusPanel(ctx context.Context, p *person.Person) views.PersonPanel {
	var out views.PersonPanel
	for _, s := range p.Status {
		place(&out, ctx, s.Meta, item(ctx, enumText(ctx, "person.enum.status", string(s.Status)), s.Meta,
			kv(ctx, "person.status.since", metaDateText(ctx, s.ValidFrom))))
	}
	for _, e := range p.EmigrationFromNorway {
		date := dateText(ctx, e.EmigratedMoveDate)
		if date == "" {
			date = metaDateText(ctx, e.ValidFrom)
		}
		place(&out, ctx, e.Meta, item(ctx, i18n.T(ctx, "person.status.emigration"), e.Meta,
			kv(ctx, "person.status.to_country", countryText(ctx, e.EmigratedToCountry)),
			kv(ctx, "person.status.to_city", e.EmigratedToCity),
			kv(ctx, "person.status.date", date)))
	}
	for _, e := range p.ImmigrationToNorway {
		place(&out, ctx, e.Meta, item(ctx, i18n.T(ctx, "person.status.immigration"), e.Meta,
			kv(ctx, "person.status.from_country", countryText(ctx, e.ImmigratedFromCountry)),
			kv(ctx, "person.status.from_city", e.ImmigratedFromCity),
			kv(ctx, "person.status.date", metaDateText(ctx, e.ValidFrom))))
	}
	for _, rp := range p.ResidencePermit {
		place(&out, ctx, rp.Meta, item(ctx, i18n.T(ctx, "person.status.permit"), rp.Meta,
			kv(ctx, "person.status.permit_type", enumText(ctx, "person.enum.permit", string(rp.ResidencePermitType))),
			kv(ctx, "person.status.stay_from", dateText(ctx, rp.StayFrom)),
			kv(ctx, "person.status.stay_to", dateText(ctx, rp.StayTo))))
	}
	out.Empty = i18n.T(ctx, "person.empty")
	return out
}

// --- birth and death ---------------------------------------------------------

func birthPanel(ctx context.Context, p *person.Person) views.PersonPanel {
	var out views.PersonPanel
	for _, b := range p.Birth {
		facts := []views.Fact{
			kv(ctx, "person.birth.date", dateText(ctx, b.BirthDate)),
			kv(ctx, "person.birth.place", b.BirthPlace),
			kv(ctx, "person.birth.municipality", placeText(b.BirthMunicipalityNumber, b.BirthMunicipalityName)),
			kv(ctx, "person.birth.county", placeText(b.BirthCountyNumber, b.BirthCountyName)),
			kv(ctx, "person.birth.country", countryText(ctx, b.BirthCountry)),
		}
		if !b.BirthDate.Known() {
			facts = append(facts, kv(ctx, "person.birth.year", b.BirthYear))
		}
		if b.Current() {
			for _, bn := range person.Valid(p.BirthInNorway) {
				facts = append(facts, kv(ctx, "person.birth.institution", bn.OrganizationName))
				if bn.MultipleBirthNumber > 0 {
					facts = append(facts, kv(ctx, "person.birth.multiple", multipleBirth(ctx, bn.MultipleBirthNumber)))
				}
			}
		}
		place(&out, ctx, b.Meta, item(ctx, i18n.T(ctx, "person.birth.title"), b.Meta, facts...))
	}
	if d := p.Death; d != nil {
		it := item(ctx, i18n.T(ctx, "person.death.title"), d.Meta, kv(ctx, "person.death.date", dateText(ctx, d.DeceasedDate)))
		it.TestID = "death"
		place(&out, ctx, d.Meta, it)
	}
	out.Empty = i18n.T(ctx, "person.empty")
	return out
}

// multipleBirth reads FREG's "total, position" digits: 21 is the first of twins.
func multipleBirth(ctx context.Context, n int64) string {
	s := strconv.FormatInt(n, 10)
	if len(s) != 2 {
		return s
	}
	return i18n.T(ctx, "person.birth.multiple.value", int(s[1]-'0'), int(s[0]-'0'))
}

// --- citizenship ------------------------------------------------------------

func citizenshipPanel(ctx context.Context, p *person.Person) views.PersonPanel {
	var out views.PersonPanel
	for _, c := range p.Citizenship {
		place(&out, ctx, c.Meta, item(ctx, countryText(ctx, c.CountryCode), c.Meta,
			kv(ctx, "person.citizenship.acquired", dateText(ctx, c.AquiredDate))))
	}
	for _, c := range p.CitizenshipRetention {
		place(&out, ctx, c.Meta, item(ctx, i18n.T(ctx, "person.citizenship.retention"), c.Meta,
			kv(ctx, "person.citizenship.retention_status", enumText(ctx, "person.enum.retention", string(c.CitizenshipRetentionStatus))),
			kv(ctx, "person.citizenship.retention_date", dateText(ctx, c.RetentionResolutionDate))))
	}
	out.Empty = i18n.T(ctx, "person.empty")
	return out
}

// --- marital status ---------------------------------------------------------

func maritalPanel(ctx context.Context, p *person.Person) views.PersonPanel {
	var out views.PersonPanel
	for _, m := range p.MaritalStatus {
		where := placeText(m.MunicipalityNumber, m.MunicipalityName)
		if m.Place != "" {
			where = strings.TrimSpace(m.Place + ", " + where)
			where = strings.TrimSuffix(where, ",")
		}
		place(&out, ctx, m.Meta, item(ctx, enumText(ctx, "person.enum.marital", string(m.Status)), m.Meta,
			kv(ctx, "person.marital.date", dateText(ctx, m.StatusDate)),
			kv(ctx, "person.marital.authority", m.Authority),
			kv(ctx, "person.marital.place", where),
			kv(ctx, "person.marital.abroad", countryText(ctx, m.Abroad))))
	}
	out.Empty = i18n.T(ctx, "person.empty")
	return out
}
