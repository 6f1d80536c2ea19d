package synthetic

import "github.com/oppslag/oppslag/clients/labs/labsim"

// Kinds name the scenarios testers look for (oppslag synth --where <kind>,
// the synthetic population browser). Each is a predicate on the record, so
// kinds cost no memory; a later register adds its kinds (health-personnel,
// abnormal-labs) by appending to kindTable with predicates on its own data.

// kind is one named predicate.
type kind struct {
	name string
	has  func(p *Population, i int) bool
}

// kindTable lists the kinds in AllKinds order.
var kindTable = []kind{
	{"protected", func(p *Population, i int) bool { return p.recs[i].protect != protNone }},
	{"confidential", func(p *Population, i int) bool { return p.recs[i].protect == protConfidential }},
	{"strictly-confidential", func(p *Population, i int) bool { return p.recs[i].protect == protStrict }},
	{"client-address", func(p *Population, i int) bool { return p.recs[i].flags&flagClient != 0 }},
	{"deceased", func(p *Population, i int) bool { return p.recs[i].death != none }},
	{"dnumber", func(p *Population, i int) bool { return p.recs[i].idKind == idDnr }},
	{"fh-number", func(p *Population, i int) bool { return p.recs[i].idKind == idFH }},
	{"emigrated", func(p *Population, i int) bool { return p.status(i) == stEmigrated }},
	{"immigrated", func(p *Population, i int) bool { return p.recs[i].immDate != none }},
	{"returned", func(p *Population, i int) bool { return p.recs[i].retDate != none }},
	{"disappeared", func(p *Population, i int) bool { return p.status(i) == stDisappeared }},
	{"not-resident", func(p *Population, i int) bool { return p.status(i) == stNotResident }},
	{"registered-at-birth", func(p *Population, i int) bool { return p.status(i) == stRegisteredAtBirth }},
	{"discontinued", func(p *Population, i int) bool { return p.status(i) == stDiscontinued }},
	{"inactive", func(p *Population, i int) bool { return p.status(i) == stInactive }},
	{"reserved", func(p *Population, i int) bool {
		return p.recs[i].krr.status == krrActive && p.recs[i].krr.reserved
	}},
	{"krr-not-registered", func(p *Population, i int) bool { return p.recs[i].krr.status == krrNotRegistered }},
	{"krr-deleted", func(p *Population, i int) bool { return p.recs[i].krr.status == krrDeleted }},
	{"cannot-be-notified", func(p *Population, i int) bool {
		return p.recs[i].krr.status == krrActive && !p.canBeNotified(&p.recs[i])
	}},
	{"old-verification", func(p *Population, i int) bool {
		r := &p.recs[i]
		v := p.lastVerified(r)
		return r.krr.status == krrActive && v != none && v <= p.ref-oldVerification
	}},
	{"digital-post", func(p *Population, i int) bool { return p.recs[i].krr.digital != 0 }},
	{"family", func(p *Population, i int) bool {
		r := &p.recs[i]
		return r.mother >= 0 || r.father >= 0 || r.childN > 0
	}},
	{"parent", func(p *Population, i int) bool { return p.recs[i].childN > 0 }},
	{"child", func(p *Population, i int) bool {
		r := &p.recs[i]
		return (r.mother >= 0 || r.father >= 0) && r.death == none && addYears(r.birth, 18) > p.ref
	}},
	{"co-mother", func(p *Population, i int) bool {
		r := &p.recs[i]
		if r.flags&flagCoMother != 0 {
			return true
		}
		for _, c := range p.children[r.childOff : r.childOff+uint32(r.childN)] {
			if cr := &p.recs[c]; cr.father == int32(i) && cr.flags&flagCoMother != 0 {
				return true
			}
		}
		return false
	}},
	{"twin", func(p *Population, i int) bool { return p.recs[i].multiple != 0 }},
	{"half-sibling", func(p *Population, i int) bool { return p.hasHalfSibling(i) }},
	{"shared-residence", func(p *Population, i int) bool { return p.recs[i].sharedWith >= 0 }},
	{"married", func(p *Population, i int) bool { return p.maritalNow(i) == msMarried }},
	{"registered-partner", func(p *Population, i int) bool { return p.maritalNow(i) == msPartner }},
	{"separated", func(p *Population, i int) bool { return p.maritalNow(i) == msSeparated }},
	{"divorced", func(p *Population, i int) bool {
		m := p.maritalNow(i)
		return m == msDivorced || m == msDivorcedPartner
	}},
	{"widowed", func(p *Population, i int) bool {
		m := p.maritalNow(i)
		return m == msWidowed || m == msSurvivingPartner
	}},
	{"remarried", func(p *Population, i int) bool {
		n := 0
		r := &p.recs[i]
		for _, m := range p.marital[r.marOff : r.marOff+uint32(r.marN)] {
			if m.status == msMarried || m.status == msPartner {
				n++
			}
		}
		return n > 1 && p.maritalNow(i) == msMarried && !p.converted(i)
	}},
	{"replaced-nin", func(p *Population, i int) bool { return p.recs[i].oldNIN != 0 }},
	{"name-change", func(p *Population, i int) bool { return p.recs[i].nameChange != none }},
	{"postal-address", func(p *Population, i int) bool { return p.recs[i].postal != 0 }},
	{"foreign-postal-address", func(p *Population, i int) bool { return p.recs[i].foreign != 0 }},
	{"present-address", func(p *Population, i int) bool {
		r := &p.recs[i]
		for _, a := range p.addrs[r.addrOff : r.addrOff+uint32(r.addrN)] {
			if a.present {
				return true
			}
		}
		return false
	}},
	{"stay-elsewhere", func(p *Population, i int) bool {
		r := &p.recs[i]
		for _, a := range p.addrs[r.addrOff : r.addrOff+uint32(r.addrN)] {
			if a.stay != stayNone {
				return true
			}
		}
		return false
	}},
	{"sami", func(p *Population, i int) bool { return p.recs[i].flags&flagSami != 0 }},
	{"naturalised", func(p *Population, i int) bool { return p.recs[i].natDate != none }},
	// Lab results (labs.go): the profile kinds read only the first draws.
	{"labs", func(p *Population, i int) bool { return p.labKindProfile(i).has }},
	{"abnormal-labs", func(p *Population, i int) bool { return p.labKindProfile(i).has && p.labAbnormal(i) }},
	{"restricted-labs", func(p *Population, i int) bool {
		k := p.labKindProfile(i).restrict
		return k == labsim.Specific || k == labsim.General
	}},
	{"reserved-labs", func(p *Population, i int) bool { return p.labKindProfile(i).restrict == labsim.Reservation }},
	// The report shapes beyond biochemistry (labs_extra.go): these build
	// the person's whole lab record.
	{"culture-labs", func(p *Population, i int) bool {
		return p.labKindProfile(i).has && p.labHasAnalysis(i, urineCulture.Code)
	}},
	{"text-labs", func(p *Population, i int) bool {
		return p.labKindProfile(i).has && p.labHasAnalysis(i, textResultCodes...)
	}},
	// Pathology and virology (labs_kinds.go), from a stream of their own.
	{"pathology-labs", func(p *Population, i int) bool {
		return p.labKindProfile(i).has && p.labHasReport(i, pathologyCodes...)
	}},
	{"virology-labs", func(p *Population, i int) bool {
		return p.labKindProfile(i).has && p.labHasAnalysis(i, virologyCodes...)
	}},
	// Health personnel (hpr.go): the first three read only the profile
	// draws; the others draw the whole plan, which allocates only its
	// generator.
	{"health-personnel", func(p *Population, i int) bool { return p.hprProfileOf(i).is }},
	{"doctor", func(p *Population, i int) bool { pl := p.hprProfileOf(i); return pl.doctor() }},
	{"nurse", func(p *Population, i int) bool { pl := p.hprProfileOf(i); return pl.nurse() }},
	{"suspended", func(p *Population, i int) bool { pl := p.hprPlanOf(i); return pl.suspendedOn(p.ref) }},
	{"expiring", func(p *Population, i int) bool { pl := p.hprPlanOf(i); return pl.expiringOn(p.ref) }},
	{"replaced-hpr", func(p *Population, i int) bool { return p.hprPlanOf(i).replaced != none }},
	// The population browser's filters (browse.go, issue 14).
	{"resident", func(p *Population, i int) bool { return p.status(i) == stResident }},
	{"sibling", func(p *Population, i int) bool { return p.hasSibling(i) }},
	{"deceased-parent", func(p *Population, i int) bool {
		r := &p.recs[i]
		return (r.mother >= 0 && p.recs[r.mother].death != none) || (r.father >= 0 && p.recs[r.father].death != none)
	}},
	{"hpr-valid", func(p *Population, i int) bool { pl := p.hprPlanOf(i); return pl.validOn(p.ref) }},
}

// AllKinds returns the names of every kind, in a stable order.
func AllKinds() []string {
	out := make([]string, len(kindTable))
	for i, k := range kindTable {
		out[i] = k.name
	}
	return out
}

// kindByName finds a kind.
func kindByName(name string) (kind, bool) {
	for _, k := range kindTable {
		if k.name == name {
			return k, true
		}
	}
	return kind{}, false
}

// status returns person i's current status code.
func (p *Population) status(i int) uint8 {
	r := &p.recs[i]
	return p.statuses[r.statOff+uint32(r.statN)-1].status
}

// maritalNow returns person i's current marital status code, or msUnspecified
// without any.
func (p *Population) maritalNow(i int) uint8 {
	r := &p.recs[i]
	if r.marN == 0 {
		return msUnspecified
	}
	return p.marital[r.marOff+uint32(r.marN)-1].status
}

// converted reports whether person i's marriage is a converted registered
// partnership with the same partner (not a second marriage).
func (p *Population) converted(i int) bool {
	r := &p.recs[i]
	items := p.marital[r.marOff : r.marOff+uint32(r.marN)]
	for k := 1; k < len(items); k++ {
		if items[k].status == msMarried && items[k-1].status == msPartner && items[k].spouse == items[k-1].spouse {
			return true
		}
	}
	return false
}

// hasHalfSibling reports whether one of person i's parents has a child
// with someone else: the children of a remarriage (remarry) and of the
// first marriage are half-siblings.
func (p *Population) hasHalfSibling(i int) bool {
	r := &p.recs[i]
	return p.anySibling(i, func(c *rec) bool { return c.mother != r.mother || c.father != r.father })
}

// hasSibling reports whether one of person i's parents has another child:
// a full or half sibling, as the family panel derives them.
func (p *Population) hasSibling(i int) bool {
	return p.anySibling(i, func(*rec) bool { return true })
}

// anySibling reports whether one of person i's parents has another child
// that keep accepts.
func (p *Population) anySibling(i int, keep func(*rec) bool) bool {
	r := &p.recs[i]
	for _, par := range []int32{r.mother, r.father} {
		if par < 0 {
			continue
		}
		pr := &p.recs[par]
		for _, c := range p.children[pr.childOff : pr.childOff+uint32(pr.childN)] {
			if int(c) != i && keep(&p.recs[c]) {
				return true
			}
		}
	}
	return false
}

// validOn reports whether the plan holds an approval valid on day d and no
// suspension covers d: health personnel who may work that day.
func (pl *hprPlan) validOn(d int32) bool {
	if !pl.is || pl.suspendedOn(d) {
		return false
	}
	for _, a := range pl.apps[:pl.n] {
		if a.ended == endNone && a.from <= d && a.to >= d {
			return true
		}
	}
	return false
}
