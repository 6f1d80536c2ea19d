package synthetic

import (
	"strconv"
	"strings"
	"time"

	"github.com/oppslag/oppslag/clients/person"
)

// Building a person.Person from its record. Lists are newest first; an item
// is current (isValid true) until the next one replaced it. Registration
// times are a few days after the change, during office hours, from a hash of
// the person and item, so they are stable.

// Parts of a person, for the registration-time hash.
const (
	partNIN uint64 = iota + 1
	partName
	partGender
	partStatus
	partBirth
	partDeath
	partRelation
	partMarital
	partResponsibility
	partProtection
	partResidence
	partPresent
	partShared
	partPostal
	partForeign
	partImmigration
	partEmigration
	partCitizenship
	partPermit
	partIdentity
	partSami
)

// builder assembles one person.
type builder struct {
	p *Population
	i int
	r *rec
}

// build returns the full document of person i.
func (p *Population) build(i int) *person.Person {
	b := builder{p: p, i: i, r: &p.recs[i]}
	r := b.r
	out := &person.Person{
		ID:             p.ids.encode(i),
		SequenceNumber: int64(r.lastSeq),
	}
	out.NorwegianIdentificationNumber = b.numbers()
	out.Name = b.names()
	out.Gender = []person.PersonGender{{Meta: b.meta(partGender, 0, r.statusFrom, none), Gender: b.gender()}}
	out.Status = b.statuses()
	out.Birth = []person.Birth{b.birth()}
	out.BirthInNorway = b.birthInNorway()
	if r.death != none {
		out.Death = &person.Death{Meta: b.meta(partDeath, 0, r.death, none), DeceasedDate: date(r.death)}
	}
	out.FamilyRelation = b.relations()
	out.MaritalStatus = b.marital()
	out.ParentalResponsibility = b.responsibilities()
	if r.protect != protNone {
		out.AddressProtection = []person.AddressProtection{{
			Meta:            b.meta(partProtection, 0, r.protectFrom, none),
			ProtectionLevel: protectionLevel(r.protect),
		}}
	}
	out.ResidentialAddress, out.PresentAddress = b.addresses()
	out.SharedResidence = b.sharedResidence()
	out.PostalAddress = b.postalAddress()
	out.ForeignPostalAddress = b.foreignPostalAddress()
	out.ImmigrationToNorway = b.immigrations()
	if r.emiDate != none {
		o := &origins[r.emiTo-1]
		out.EmigrationFromNorway = []person.EmigrationFromNorway{{
			Meta:               b.meta(partEmigration, 0, r.emiDate, none),
			EmigratedToCountry: o.alpha3,
			EmigratedToCity:    o.cities[int(r.emiCity)%len(o.cities)],
			EmigratedMoveDate:  date(r.emiDate),
		}}
	}
	out.Citizenship = b.citizenships()
	out.ResidencePermit = b.permits()
	switch {
	case r.flags&flagVerified != 0:
		out.IdentityVerification = []person.IdentityVerification{{
			Meta: b.meta(partIdentity, 0, r.statusFrom, none), IdentityVerificationStatus: person.IdentityVerified,
		}}
	case r.flags&flagNotVerify != 0:
		out.IdentityVerification = []person.IdentityVerification{{
			Meta: b.meta(partIdentity, 0, r.statusFrom, none), IdentityVerificationStatus: person.IdentityNotVerified,
		}}
	}
	b.sami(out)
	out.CommonContactRegisterInformation = b.krr()
	return out
}

// meta returns the FREG metadata of an item valid from from until to (none:
// current).
func (b builder) meta(part, k uint64, from, to int32) person.Meta {
	m := person.Meta{IsValid: person.Bool(to == none), Source: Source}
	if from == none {
		return m
	}
	m.ValidFrom = date(from)
	if to != none {
		m.ValidTo = date(to)
	}
	h := hash3(uint64(b.p.seed)^uint64(b.i)<<20, part, k)
	reg := dayTime(from).Add(time.Duration(h%4)*24*time.Hour + time.Duration(7*3600+(h>>8)%(10*3600))*time.Second)
	if limit := dayTime(b.p.ref).Add(6 * time.Hour); reg.After(limit) {
		reg = limit
	}
	m.RegisteredAt = person.NewDateTime(reg)
	return m
}

// date returns day d as a zoneless FREG date (midnight UTC).
func date(d int32) person.DateTime { return person.NewDateTime(dayTime(d)) }

func (b builder) gender() person.Gender {
	if b.r.flags&flagFemale != 0 {
		return person.GenderFemale
	}
	return person.GenderMale
}

var idTypes = [...]person.IdentificationNumberType{
	idFnr: person.NationalIdentityNumber,
	idDnr: person.DNumber,
	idFH:  person.AlternateIdentificationNumber,
}

func (b builder) numbers() []person.NorwegianIdentificationNumber {
	r := b.r
	from := r.statusFrom
	if r.oldNIN != 0 {
		from = r.ninChange
	}
	out := []person.NorwegianIdentificationNumber{{
		Meta:                     b.meta(partNIN, 0, from, none),
		Status:                   person.IdentificationInUse,
		IdentificationNumber:     formatNIN(r.nin),
		IdentificationNumberType: idTypes[r.idKind],
	}}
	if r.oldNIN != 0 {
		oldFrom := r.statusFrom
		if r.oldKind == idFnr {
			oldFrom = r.birth
		}
		out = append(out, person.NorwegianIdentificationNumber{
			Meta:                     b.meta(partNIN, 1, oldFrom, r.ninChange),
			Status:                   person.IdentificationDiscontinued,
			IdentificationNumber:     formatNIN(r.oldNIN),
			IdentificationNumberType: idTypes[r.oldKind],
		})
	}
	return out
}

func (b builder) names() []person.PersonName {
	r := b.r
	p := b.p
	if r.nameChange == none {
		return []person.PersonName{{
			Meta:      b.meta(partName, 0, r.statusFrom, none),
			GivenName: p.str(r.given), MiddleName: p.str(r.middle), FamilyName: p.str(r.family),
		}}
	}
	return []person.PersonName{
		{
			Meta:      b.meta(partName, 0, r.nameChange, none),
			GivenName: p.str(r.given), MiddleName: p.str(r.middle), FamilyName: p.str(r.family),
		},
		{
			Meta:      b.meta(partName, 1, r.statusFrom, r.nameChange),
			GivenName: p.str(r.oldGiven), MiddleName: p.str(r.oldMiddle), FamilyName: p.str(r.oldFamily),
		},
	}
}

func (b builder) statuses() []person.PersonStatus {
	items := b.p.statuses[b.r.statOff : b.r.statOff+uint32(b.r.statN)]
	out := make([]person.PersonStatus, 0, len(items))
	for k := len(items) - 1; k >= 0; k-- {
		to := none
		if k+1 < len(items) {
			to = items[k+1].from
		}
		out = append(out, person.PersonStatus{
			Meta:   b.meta(partStatus, uint64(k), items[k].from, to),
			Status: statusTypes[items[k].status],
		})
	}
	return out
}

func (b builder) birth() person.Birth {
	r := b.r
	t := dayTime(r.birth)
	out := person.Birth{
		Meta:      b.meta(partBirth, 0, r.birth, none),
		BirthDate: date(r.birth),
		BirthYear: strconv.Itoa(t.Year()),
	}
	if r.birthCountry != 0 {
		o := &origins[r.birthCountry-1]
		out.BirthCountry = o.alpha3
		out.BirthPlace = o.cities[int(r.birthCity)%len(o.cities)]
		return out
	}
	out.BirthCountry = norwayAlpha3
	if r.birthMuni >= 0 {
		m := &geo.munis[r.birthMuni]
		c := &counties[m.county]
		out.BirthMunicipalityNumber, out.BirthMunicipalityName = m.number, m.name
		out.BirthCountyNumber, out.BirthCountyName = c.number, c.name
	}
	return out
}

// hospitals are the maternity wards' health trusts by county number, for
// birthInNorway.
var hospitals = map[string]string{
	"03": "Oslo universitetssykehus HF", "31": "Sykehuset Østfold HF", "32": "Akershus universitetssykehus HF",
	"33": "Vestre Viken HF", "34": "Sykehuset Innlandet HF", "39": "Sykehuset i Vestfold HF",
	"40": "Sykehuset Telemark HF", "42": "Sørlandet sykehus HF", "11": "Helse Stavanger HF",
	"46": "Helse Bergen HF", "15": "Helse Møre og Romsdal HF", "50": "St. Olavs hospital HF",
	"18": "Nordlandssykehuset HF", "55": "Universitetssykehuset Nord-Norge HF", "56": "Finnmarkssykehuset HF",
}

func (b builder) birthInNorway() []person.BirthInNorway {
	r := b.r
	if r.birthCountry != 0 || r.birthMuni < 0 || yearOf(r.birth) < 1990 {
		return nil
	}
	out := person.BirthInNorway{
		Meta:             b.meta(partBirth, 1, r.birth, none),
		OrganizationName: hospitals[counties[geo.munis[r.birthMuni].county].number],
	}
	out.MultipleBirthNumber = int64(r.multiple)
	return []person.BirthInNorway{out}
}

// nin returns person j's current identity number.
func (b builder) nin(j int32) string { return formatNIN(b.p.recs[j].nin) }

func (b builder) relations() []person.FamilyRelation {
	r := b.r
	var out []person.FamilyRelation
	k := uint64(0)
	parent := func(j int32, role person.FamilyRelationType) {
		out = append(out, person.FamilyRelation{
			Meta:                   b.meta(partRelation, k, r.statusFrom, none),
			RelatedPerson:          b.nin(j),
			RelatedPersonsRole:     role,
			MyRoleForRelatedPerson: person.RelationChild,
		})
		k++
	}
	if r.mother >= 0 {
		parent(r.mother, person.RelationMother)
	}
	if r.father >= 0 {
		role := person.RelationFather
		if r.flags&flagCoMother != 0 {
			role = person.RelationCoMother
		}
		parent(r.father, role)
	}
	for _, c := range b.p.children[r.childOff : r.childOff+uint32(r.childN)] {
		cr := &b.p.recs[c]
		my := person.RelationMother
		if cr.father == int32(b.i) {
			my = person.RelationFather
			if cr.flags&flagCoMother != 0 {
				my = person.RelationCoMother
			}
		}
		out = append(out, person.FamilyRelation{
			Meta:                   b.meta(partRelation, k, cr.statusFrom, none),
			RelatedPerson:          b.nin(c),
			RelatedPersonsRole:     person.RelationChild,
			MyRoleForRelatedPerson: my,
		})
		k++
	}
	return out
}

func (b builder) marital() []person.MaritalStatus {
	items := b.p.marital[b.r.marOff : b.r.marOff+uint32(b.r.marN)]
	out := make([]person.MaritalStatus, 0, len(items))
	for k := len(items) - 1; k >= 0; k-- {
		it := items[k]
		to := none
		if k+1 < len(items) {
			to = items[k+1].date
		}
		ms := person.MaritalStatus{
			Meta:   b.meta(partMarital, uint64(k), it.date, to),
			Status: maritalTypes[it.status],
		}
		if it.status != msUnmarried && it.status != msUnspecified {
			ms.StatusDate = date(it.date)
		}
		if it.spouse >= 0 {
			ms.RelatedByMaritalStatus = b.nin(it.spouse)
		}
		if it.muni >= 0 {
			m := &geo.munis[it.muni]
			c := &counties[m.county]
			ms.MunicipalityNumber, ms.MunicipalityName = m.number, m.name
			ms.CountyNumber, ms.CountyName = c.number, c.name
		}
		out = append(out, ms)
	}
	return out
}

// responsibility is one parental responsibility of a minor.
type responsibility struct {
	kind        person.ResponsibilityType
	child, resp int32
	from, to    int32
}

// responsibilities returns the parental responsibilities for minor child c:
// joint for two parents, the sole parent's otherwise; after a parent's
// death the survivor's alone.
func (p *Population) responsibilities(c int32, out []responsibility) []responsibility {
	r := &p.recs[c]
	if r.death != none || addYears(r.birth, 18) <= p.ref {
		return out
	}
	var parents []int32
	for _, j := range []int32{r.mother, r.father} {
		if j >= 0 {
			parents = append(parents, j)
		}
	}
	role := func(j int32) person.ResponsibilityType {
		switch {
		case j == r.mother:
			return person.ResponsibilityMother
		case r.flags&flagCoMother != 0:
			return person.ResponsibilityCoMother
		}
		return person.ResponsibilityFather
	}
	alive := func(j int32) bool { return p.recs[j].death == none }
	switch len(parents) {
	case 1:
		if alive(parents[0]) {
			out = append(out, responsibility{role(parents[0]), c, parents[0], r.birth, none})
		}
	case 2:
		a, b := parents[0], parents[1]
		switch {
		case alive(a) && alive(b):
			out = append(out, responsibility{person.ResponsibilityJoint, c, a, r.birth, none},
				responsibility{person.ResponsibilityJoint, c, b, r.birth, none})
		case alive(a) != alive(b):
			surv, dead := a, b
			if !alive(a) {
				surv, dead = b, a
			}
			dd := max(p.recs[dead].death, r.birth)
			if dd > r.birth {
				out = append(out, responsibility{person.ResponsibilityJoint, c, a, r.birth, dd},
					responsibility{person.ResponsibilityJoint, c, b, r.birth, dd})
			}
			out = append(out, responsibility{role(surv), c, surv, dd, none})
		}
	}
	return out
}

func (b builder) responsibilities() []person.ParentalResponsibility {
	r := b.r
	list := b.p.responsibilities(int32(b.i), nil)
	for _, c := range b.p.children[r.childOff : r.childOff+uint32(r.childN)] {
		for _, x := range b.p.responsibilities(c, nil) {
			if x.resp == int32(b.i) {
				list = append(list, x)
			}
		}
	}
	var out []person.ParentalResponsibility
	// Current items first, then historic.
	for pass := range 2 {
		for k, x := range list {
			if (x.to == none) != (pass == 0) {
				continue
			}
			out = append(out, person.ParentalResponsibility{
				Meta:                    b.meta(partResponsibility, uint64(k)<<32|uint64(x.child), x.from, x.to),
				ResponsibilityType:      x.kind,
				SubjectOfResponsibility: b.nin(x.child),
				Responsible:             b.nin(x.resp),
			})
		}
	}
	return out
}

// protectionLevel maps a protection code to the API value.
func protectionLevel(l uint8) person.AddressConfidentiality {
	switch l {
	case protConfidential:
		return person.Confidential
	case protStrict:
		return person.StrictlyConfidential
	}
	return ""
}

// confidentiality returns the addressConfidentiality of an address of
// person r lived at from..to.
func confidentiality(r *rec, from, to int32) person.AddressConfidentiality {
	if r.protect != protNone && (from >= r.protectFrom || to == none) {
		return protectionLevel(r.protect)
	}
	if r.flags&flagClient != 0 && to == none {
		return person.ClientAddress
	}
	return ""
}

func (b builder) addresses() ([]person.ResidentialAddress, []person.PresentAddress) {
	r := b.r
	items := b.p.addrs[r.addrOff : r.addrOff+uint32(r.addrN)]
	var res []person.ResidentialAddress
	var pres []person.PresentAddress
	for k := len(items) - 1; k >= 0; k-- {
		a := items[k]
		if a.present {
			pa := person.PresentAddress{
				Meta:                   b.meta(partPresent, uint64(k), a.from, a.to),
				AddressConfidentiality: confidentiality(r, a.from, a.to),
				PresentAddressDate:     date(a.from),
				StayElsewhere:          stayTypes[a.stay],
				District:               enrichment(a),
			}
			pa.StreetAddress = streetAddress(a)
			pres = append(pres, pa)
			continue
		}
		ra := person.ResidentialAddress{
			Meta:                   b.meta(partResidence, uint64(k), a.from, a.to),
			AddressConfidentiality: confidentiality(r, a.from, a.to),
			MoveDate:               date(a.from),
			District:               enrichment(a),
		}
		if a.matrikel {
			ra.CadastralAddress = cadastralAddress(a)
		} else {
			ra.StreetAddress = streetAddress(a)
		}
		if r.flags&flagClient != 0 && a.to == none && ra.StreetAddress != nil {
			ra.StreetAddress.CoAddressName = clientCo(a)
		}
		res = append(res, ra)
	}
	return res, pres
}

// stayTypes map stay-elsewhere codes to the API value.
var stayTypes = [...]person.StayElsewhere{
	stayNone:     "",
	stayMilitary: person.StayElsewhereMilitary,
	stayCommuter: person.StayElsewhereCommuter,
}

// clientCo is the c/o line of a client address.
func clientCo(a addrItem) string {
	return "c/o NAV " + geo.munis[a.muni].plain
}

// streetName returns the street of an address, in nynorsk form where the
// municipality writes "-vegen".
func streetName(a addrItem) string {
	s := streetStems[a.street]
	if geo.munis[a.muni].nynorsk {
		s = strings.Replace(s, "veien", "vegen", 1)
	}
	return s
}

// municipalityFields returns the municipality and county of an address.
func municipalityFields(a addrItem) (mNum, mName, cNum, cName string) {
	m := &geo.munis[a.muni]
	c := &counties[m.county]
	return m.number, m.name, c.number, c.name
}

// unitNumber formats a separately occupied unit number: floor 1,
// apartment 4 is H0104.
func unitNumber(u uint16) string {
	if u == 0 {
		return ""
	}
	return "H" + strconv.Itoa(1000 + int(u))[1:]
}

func streetAddress(a addrItem) *person.StreetAddress {
	ar := &geo.munis[a.muni].areas[a.area]
	s := &person.StreetAddress{
		SeparatelyOccupiedUnitNumber: unitNumber(a.unit),
		SeparatelyOccupiedUnitType:   person.UnitHousing,
		AddressName:                  streetName(a),
		AddressNumber:                &person.AddressNumber{HouseNumber: strconv.Itoa(int(a.house))},
		AddressCode:                  strconv.Itoa(1000 + int(a.street)*7%9000),
		City:                         &person.City{CityName: ar.post.city, PostalCode: ar.post.code},
	}
	s.MunicipalityNumber, s.MunicipalityName, s.CountyNumber, s.CountyName = municipalityFields(a)
	if a.letter != 0 {
		s.AddressNumber.HouseLetter = string(rune(a.letter))
	}
	return s
}

func cadastralAddress(a addrItem) *person.CadastralAddress {
	ar := &geo.munis[a.muni].areas[a.area]
	h := hash3(uint64(a.muni), uint64(a.street), uint64(a.house))
	cn := &person.CadastralNumber{
		MunicipalityLandNumber: int64(1 + h%160),
		TitleNumber:            int64(1 + (h>>16)%90),
	}
	cn.MunicipalityNumber, cn.MunicipalityName, cn.CountyNumber, cn.CountyName = municipalityFields(a)
	return &person.CadastralAddress{
		SeparatelyOccupiedUnitType: person.UnitHousing,
		CadastralNumber:            cn,
		AddressAdditionalName:      farmNames[h%uint64(len(farmNames))],
		City:                       &person.City{CityName: ar.post.city, PostalCode: ar.post.code},
	}
}

// enrichment returns the statistical and urban-district enrichment of an
// address.
func enrichment(a addrItem) person.District {
	m := &geo.munis[a.muni]
	ar := &m.areas[a.area]
	unit, _ := strconv.Atoi(ar.unitNumber[4:])
	d := person.District{
		BasicStatisticalUnit:           int64(unit),
		FullBasicStatisticalUnitNumber: ar.unitNumber,
		BasicStatisticalUnitName:       ar.unitName,
	}
	if ar.geo >= 0 {
		g, s := m.districts[ar.geo], m.districts[ar.service]
		d.GeographicalUrbanDistrictCode, d.GeographicalUrbanDistrictName = g.code, g.name
		d.UrbanDistrictCode, d.UrbanDistrictName = s.code, s.name
	}
	return d
}

func (b builder) sharedResidence() []person.SharedResidence {
	r := b.r
	if r.sharedWith < 0 {
		return nil
	}
	o := &b.p.recs[r.sharedWith]
	items := b.p.addrs[o.addrOff : o.addrOff+uint32(o.addrN)]
	k := currentResidence(items)
	if k < 0 {
		return nil
	}
	a := items[k]
	sr := person.SharedResidence{
		Meta:                   b.meta(partShared, 0, r.sharedFrom, none),
		AddressConfidentiality: confidentiality(r, r.sharedFrom, none),
		ContractValidFrom:      date(r.sharedFrom),
		District:               enrichment(a),
	}
	if a.matrikel {
		sr.CadastralAddress = cadastralAddress(a)
	} else {
		sr.StreetAddress = streetAddress(a)
	}
	return []person.SharedResidence{sr}
}

// coNames are c/o lines of D-number holders' postal addresses.
var coNames = []string{
	"c/o Nordic Bemanning AS", "c/o Vestlandsbygg AS", "c/o Havbruk Service AS", "c/o Fjordfisk AS",
	"c/o Bygg og Anlegg Nord AS", "c/o Studentsamskipnaden",
}

func (b builder) postalAddress() []person.ContactAddress {
	r := b.r
	if r.postal == 0 {
		return nil
	}
	items := b.p.addrs[r.addrOff : r.addrOff+uint32(r.addrN)]
	var base addrItem
	found := false
	for k := len(items) - 1; k >= 0; k-- {
		if items[k].to == none {
			base, found = items[k], true
			break
		}
	}
	if !found && len(items) > 0 {
		base, found = items[len(items)-1], true
	}
	if !found {
		return nil
	}
	ar := &geo.munis[base.muni].areas[base.area]
	city := &person.City{CityName: ar.post.city, PostalCode: ar.post.code}
	ca := person.ContactAddress{Meta: b.meta(partPostal, 0, r.postalFrom, none)}
	switch {
	case r.postal == 1:
		ca.PostBoxAddress = &person.PostBoxAddress{
			PostBoxIdentification: "Postboks " + strconv.Itoa(int(r.postalNum)),
			City:                  city,
		}
	default:
		h := hash3(uint64(b.p.seed), uint64(b.i), 77)
		sa := &person.StreetAddressForPost{
			AddressName:         genericStreets[h%uint64(len(genericStreets))],
			StreetAddressNumber: &person.AddressNumber{HouseNumber: strconv.Itoa(1 + int(r.postalNum%60))},
			City:                city,
		}
		switch {
		case r.flags&flagClient != 0:
			sa.CoAddressName = clientCo(base)
			ca.AddressConfidentiality = person.ClientAddress
		case r.idKind == idDnr:
			sa.CoAddressName = coNames[h%uint64(len(coNames))]
		default:
			fam := familyNames[(h>>8)%uint64(len(familyNames))]
			sa.CoAddressName = "c/o " + fam
		}
		ca.StreetAddress = sa
	}
	if r.protect != protNone {
		ca.AddressConfidentiality = protectionLevel(r.protect)
	}
	return []person.ContactAddress{ca}
}

func (b builder) foreignPostalAddress() []person.ForeignContactAddress {
	r := b.r
	if r.foreign == 0 {
		return nil
	}
	o := &origins[r.foreign-1]
	to := none
	if r.retDate != none && r.foreignFrom == r.emiDate {
		to = r.retDate
	}
	h := hash3(uint64(b.p.seed), uint64(b.i), 91)
	return []person.ForeignContactAddress{{
		Meta: b.meta(partForeign, 0, r.foreignFrom, to),
		ForeignAddress: &person.InternationalAddress{
			AddressName:     o.streets[int(r.foreignStreet)%len(o.streets)] + " " + strconv.Itoa(int(r.foreignNum)),
			PostCode:        strconv.Itoa(10000 + int(h%89999)),
			CityOrPlaceName: o.cities[int(r.foreignCity)%len(o.cities)],
			CountryCode:     o.alpha2,
		},
	}}
}

func (b builder) immigrations() []person.ImmigrationToNorway {
	r := b.r
	var out []person.ImmigrationToNorway
	if r.retDate != none {
		o := &origins[r.emiTo-1]
		out = append(out, person.ImmigrationToNorway{
			Meta:                  b.meta(partImmigration, 1, r.retDate, none),
			ImmigratedFromCountry: o.alpha3,
			ImmigratedFromCity:    o.cities[int(r.emiCity)%len(o.cities)],
		})
	}
	if r.immDate != none {
		to := none
		if r.retDate != none {
			to = r.retDate
		}
		o := &origins[r.immFrom-1]
		out = append(out, person.ImmigrationToNorway{
			Meta:                  b.meta(partImmigration, 0, r.immDate, to),
			ImmigratedFromCountry: o.alpha3,
			ImmigratedFromCity:    o.cities[int(r.immCity)%len(o.cities)],
		})
	}
	return out
}

func (b builder) citizenships() []person.Citizenship {
	r := b.r
	if r.citizen == 0 {
		return []person.Citizenship{{Meta: b.meta(partCitizenship, 0, r.birth, none), CountryCode: norwayAlpha3, AquiredDate: date(r.birth)}}
	}
	first := person.Citizenship{
		Meta:        b.meta(partCitizenship, 1, r.statusFrom, none),
		CountryCode: origins[r.citizen-1].alpha3,
		AquiredDate: date(r.birth),
	}
	if r.natDate == none {
		return []person.Citizenship{first}
	}
	if r.flags&flagDualCitizen == 0 {
		first.Meta = b.meta(partCitizenship, 1, r.statusFrom, r.natDate)
	}
	return []person.Citizenship{
		{Meta: b.meta(partCitizenship, 0, r.natDate, none), CountryCode: norwayAlpha3, AquiredDate: date(r.natDate)},
		first,
	}
}

// eea are the origins whose citizens need no residence permit.
var eea = map[string]bool{"POL": true, "LTU": true, "SWE": true, "DNK": true, "DEU": true, "ESP": true, "FIN": true}

func (b builder) permits() []person.ResidencePermit {
	r := b.r
	if r.citizen == 0 || eea[origins[r.citizen-1].alpha3] {
		return nil
	}
	start := r.immDate
	if start == none {
		start = r.dnrFrom
	}
	if start == none {
		return nil
	}
	if r.natDate != none && r.natDate <= start {
		return nil
	}
	tempTo := addYears(start, 3)
	if r.idKind == idDnr || tempTo >= b.p.ref {
		// A temporary permit only, current until it expires.
		to := none
		if tempTo < b.p.ref {
			to = tempTo
		}
		return []person.ResidencePermit{{
			Meta: b.meta(partPermit, 0, start, to), ResidencePermitType: person.PermitTemporary,
			StayFrom: date(start), StayTo: date(tempTo),
		}}
	}
	return []person.ResidencePermit{
		{Meta: b.meta(partPermit, 1, tempTo, none), ResidencePermitType: person.PermitPermanent, StayFrom: date(tempTo)},
		{Meta: b.meta(partPermit, 0, start, tempTo), ResidencePermitType: person.PermitTemporary, StayFrom: date(start), StayTo: date(tempTo)},
	}
}

// samiLanguages gives the Sámi language of the administrative area's
// municipalities where it is not North Sámi.
var samiLanguages = map[string]person.SamiLanguageType{
	"5025": person.SamiSouthern, "5041": person.SamiSouthern, "5043": person.SamiSouthern, "1826": person.SamiSouthern,
	"1875": person.SamiLule,
}

func (b builder) sami(out *person.Person) {
	r := b.r
	if r.flags&flagSami == 0 {
		return
	}
	items := b.p.addrs[r.addrOff : r.addrOff+uint32(r.addrN)]
	k := currentResidence(items)
	if k < 0 {
		return
	}
	a := items[k]
	lang, ok := samiLanguages[geo.munis[a.muni].number]
	if !ok {
		lang = person.SamiNorthern
	}
	out.UseOfSamiLanguage = []person.SamiLanguage{{
		Meta: b.meta(partSami, 0, a.from, none), Language: []person.SamiLanguageType{lang},
	}}
	if adult := addYears(r.birth, 18); adult <= b.p.ref {
		res := max(a.from, adult) + int32(hash3(uint64(b.i), 5, 5)%60)
		res = min(res, b.p.ref)
		out.SamiParliamentElectoralRegistryStatus = []person.SamiParliamentElectoralRegistry{{
			Meta: b.meta(partSami, 1, res, none), Status: person.SamiEnrolled, ResolutionDate: date(res),
		}}
	}
}

func (b builder) krr() *person.CommonContactRegisterInformation {
	r := b.r
	k := &r.krr
	switch k.status {
	case krrNone:
		return nil
	case krrNotRegistered:
		return &person.CommonContactRegisterInformation{Status: person.KRRNotRegistered, NotificationStatus: person.CanNotBeNotified}
	case krrDeleted:
		return &person.CommonContactRegisterInformation{Status: person.KRRDeleted, NotificationStatus: person.CanNotBeNotified}
	}
	out := &person.CommonContactRegisterInformation{
		Status:              person.KRRActive,
		Reservation:         person.ReservationNo,
		NotificationStatus:  person.CanNotBeNotified,
		Language:            krrLanguages[k.lang],
		LanguageLastUpdated: date(k.langUpdate),
	}
	if k.reserved {
		out.Reservation = person.ReservationYes
	}
	if b.p.canBeNotified(r) {
		out.NotificationStatus = person.CanBeNotified
	}
	ci := &person.KRRContactInformation{}
	local := b.mailLocal()
	if k.hasEmail {
		ci.Email = local + "@" + emailDomains[k.emailDomain]
		ci.EmailLastUpdated, ci.EmailLastVerified = date(k.emailUpd), date(k.emailVer)
	}
	if k.hasPhone {
		ci.PhoneNumber = "+47" + strconv.Itoa(int(k.phone))
		ci.PhoneNumberLastUpdated, ci.PhoneNumberLastVerified = date(k.phoneUpd), date(k.phoneVer)
	}
	if k.hasEmail || k.hasPhone {
		out.ContactInformation = ci
	}
	if k.digital != 0 {
		h := hash3(uint64(b.p.seed), uint64(b.i), 33)
		out.DigitalPost = &person.DigitalPost{
			DigitalPostAddress:       local + "#" + strings.ToUpper(strconv.FormatUint(0x1000+h%0xefff, 16)),
			DigitalPostVendorAddress: digitalPostVendors[k.digital],
		}
	}
	return out
}

// mailLocal is the local part of the person's e-mail address.
func (b builder) mailLocal() string {
	r := b.r
	given, _, _ := strings.Cut(b.p.str(r.given), " ")
	fam := b.p.str(r.family)
	if i := strings.LastIndexByte(fam, '-'); i >= 0 {
		fam = fam[i+1:]
	}
	s := asciiFold(given) + "." + asciiFold(fam)
	if r.krr.emailNum != 0 {
		s += strconv.Itoa(int(r.krr.emailNum))
	}
	return s
}

// canBeNotified applies KRR's rule: active, not reserved, and contact
// information verified within the last 18 months.
func (p *Population) canBeNotified(r *rec) bool {
	k := &r.krr
	if k.status != krrActive || k.reserved || (!k.hasEmail && !k.hasPhone) {
		return false
	}
	return p.lastVerified(r) > p.ref-oldVerification
}

// lastVerified returns the latest verification of the person's KRR contact
// information, none without any.
func (p *Population) lastVerified(r *rec) int32 {
	k := &r.krr
	v := none
	if k.hasEmail {
		v = max(v, k.emailVer)
	}
	if k.hasPhone {
		v = max(v, k.phoneVer)
	}
	return v
}
