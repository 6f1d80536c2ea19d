package synthetic

import (
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/oppslag/oppslag/clients/hpr"
	"github.com/oppslag/oppslag/clients/hpr/hprsim"
)

// Health personnel (Helsepersonellregisteret). Like the lab results, a
// person's HPR entry is drawn on demand from the person's own stream in
// domainHPR, so it costs no memory per person and changed none of the draws
// that made the persons. The draws come in two steps: a profile (whether
// the person is health personnel, the categories and the dates that shape
// the career), which the cheap kinds read, then the rest of the plan
// (specialities, rights, reactions, a replaced number). A plan holds small
// integers and day numbers only; the hpr.Personnel document is built from it
// when asked for.
//
// HPR numbers must be unique across the register, so they come from an
// index built once on first use (hprRegister).

// domainHPR is the random-stream domain of the health-personnel register
// (rand.go: 5 is HPR, 6 lab results).
const domainHPR uint64 = 5

var _ hprsim.Source = (*Population)(nil)

// Bounds of a plan; the draws below never exceed them.
const (
	maxApprovals = 8 // student, internship, authorisation, second category, three senior licences
	maxReactions = 3
)

// planReaction is an administrative reaction; to is none while it lasts.
type planReaction struct {
	kind     uint8 // index into reactions
	from, to int32
}

// planRight is a requisition right, speciality or additional competence.
type planRight struct {
	code     uint8 // index into its table
	from, to int32
	ended    uint8
	react    planReaction
	hasReact bool
}

// planApproval is one godkjenning.
type planApproval struct {
	cat, auth uint8
	from, to  int32 // to: the last valid day (age limit, licence end, withdrawal, death)
	ended     uint8
	turnus    int32 // godkjentTurnusDato; none
	nReq      uint8
	nSpec     uint8
	nComp     uint8
	nCond     uint8
	nReact    uint8
	req       [2]planRight
	spec      [2]planRight
	comp      [1]planRight
	cond      [2]uint8
	react     [maxReactions]planReaction
}

// hprPlan is a person's entry in the register, as drawn.
type hprPlan struct {
	is        bool
	cat, cat2 uint8 // primary and second category; cat2 catNone without
	n         uint8
	apps      [maxApprovals]planApproval
	first     int32 // the first approval's day: registration
	replaced  int32 // the day a first number was replaced by the current one; none
	warn      int32 // a warning (person-level reaction); none
}

// Career paths of the primary category.
const (
	pathNormal    uint8 = iota // authorisation
	pathDoctor                 // internship licence, then authorisation
	pathStudent                // a medical student's licence, nothing else yet
	pathForeign                // educated abroad: licence, then authorisation or not
	pathTemporary              // temporary service from the EEA (D-number holders)
	pathLimited                // a licence with limitations instead of an authorisation, running today
)

// Shares of the scenarios. The rare ones are raised well above the
// register's rates (an active suspension is about 0.1 % there) so that a
// population of a few thousand persons holds some of each for testers; the
// categories keep realistic proportions.
const (
	hprShareWomen      = 0.19  // of adult women
	hprShareMen        = 0.045 // of adult men
	shareConditional   = 0.015 // authorisation with conditions
	shareForeignConv   = 0.75  // a foreign licence leads to an authorisation
	shareStudentLic    = 0.35  // a doctor held a student licence before graduating
	shareActiveSusp    = 0.025
	shareEndedSusp     = 0.02
	shareWithdrawal    = 0.008
	shareLimitation    = 0.006
	shareWarning       = 0.015
	shareReplaced      = 0.02
	shareLimited       = 0.075 // of personnel working today: on a limited licence
	shareRenewalDue    = 0.75  // a running time-limited approval ends within 90 days
	expiringWindowDays = 90
)

// hprGen draws one person's plan.
type hprGen struct {
	p  *Population
	i  int
	rc *rec
	r  *rand.Rand
	pl *hprPlan

	end      int32 // death or the reference day
	latest   int32 // last day an approval may start: end, or emigration
	limit    int32 // last valid day before the age limit
	alive    bool  // alive and in the country on the reference day
	path     uint8
	start    int32 // first approval of the primary category
	licTo    int32 // end of the first licence (doctor, foreign), none
	authFrom int32 // the primary category's authorisation, none
	from2    int32 // the second category's authorisation
	conv     bool
	main     int // index of the primary category's latest approval
}

// hprPlanOf draws person i's whole plan.
func (p *Population) hprPlanOf(i int) hprPlan {
	var pl hprPlan
	g := p.newHPRGen(i, &pl)
	if g.profile() {
		g.career()
	}
	return pl
}

// hprProfileOf draws only person i's profile: membership and categories.
func (p *Population) hprProfileOf(i int) hprPlan {
	var pl hprPlan
	g := p.newHPRGen(i, &pl)
	g.profile()
	return pl
}

func (p *Population) newHPRGen(i int, pl *hprPlan) hprGen {
	pl.cat, pl.cat2, pl.first, pl.replaced, pl.warn = catNone, catNone, none, none, none
	return hprGen{p: p, i: i, rc: &p.recs[i], r: p.personRand(domainHPR, i), pl: pl,
		licTo: none, authFrom: none, from2: none}
}

// profile draws membership, categories and the dates of the career, and
// reports whether the person is health personnel.
func (g *hprGen) profile() bool {
	p, rc, r := g.p, g.rc, g.r
	uIs := r.Float64()
	if rc.idKind == idFH {
		// A felles hjelpenummer is for persons without a Norwegian number in
		// care; personnel have one.
		return false
	}
	female := rc.flags&flagFemale != 0
	st := p.status(g.i)
	g.end = p.ref
	if rc.death != none && rc.death < g.end {
		g.end = rc.death
	}
	g.latest = g.end
	if st == stEmigrated && rc.emiDate != none && rc.emiDate < g.latest {
		g.latest = rc.emiDate
	}
	g.alive = g.latest == p.ref
	g.limit = ageLimit(rc.birth)
	age := ageAt(rc.birth, g.latest)
	if age < 20 {
		return false
	}
	rate := hprShareMen
	if female {
		rate = hprShareWomen
	}
	if age < 24 {
		rate *= 0.6
	}
	if rc.idKind == idDnr || st == stNotResident || st == stInactive {
		rate *= 0.5
	}
	if uIs >= rate {
		return false
	}
	sex := 0
	if female {
		sex = 1
	}
	cat := uint8(pickWeighted(r, categoryWeights[sex][:]))
	c := &hprCategories[cat]
	u := r.Float64()
	ga := c.minAge + c.spread*u*u
	grad := addYears(rc.birth, int(ga)) + years(ga-math.Floor(ga))
	// Educated abroad: a D-number holder, or an immigrant who came after
	// (or about when) finishing the education. The approval follows the
	// arrival; a Norwegian number is needed in any case.
	foreign := rc.idKind == idDnr || rc.birthCountry != 0 && rc.statusFrom > grad-years(1)
	arrive := between(r, 60, 720)
	start := grad
	if foreign {
		start = max(grad, rc.statusFrom+arrive)
	}
	start = max(start, rc.statusFrom)
	// The categories that replaced one another, and the professions that
	// came under the register later (hprCategories). One educated abroad
	// is authorised up to two years after the licence.
	y := yearOf(start)
	switch {
	case (cat == catHP || cat == catOA) && (y > hprCategories[cat].until || foreign && y > hprCategories[cat].until-2):
		cat = catHF
	case cat == catHF && y < hprCategories[catHF].from:
		cat = catHP
	}
	c = &hprCategories[cat]
	shift := between(r, 0, 730)
	if c.from != 0 && y < c.from {
		start = dayOf(c.from, time.January, 1) + shift
	}
	student := false
	if start >= g.latest-30 || start >= g.limit {
		// Not approved yet: only a medical student near the end of the
		// studies holds something (a student licence).
		if cat != catLE || !g.alive || age < 22 || start > p.ref+years(3) {
			return false
		}
		student = true
	}
	g.start = start
	uPath, uConv, uLic, uLimited := r.Float64(), r.Float64(), r.Float64(), r.Float64()
	switch {
	case student:
		g.path = pathStudent
	case g.alive && !foreign && cat != catLE && c.until == 0 && uLimited < shareLimited:
		// INFERENCE: a licence with limitations (lisens med begrensninger)
		// for one who does not meet the authorisation's requirements,
		// granted for a year or two at a time: the entry shows the licence
		// that runs today and, as one period, the ones before it.
		g.path = pathLimited
		g.licTo = max(start, p.ref-between(r, 30, 730)) - 1
	case foreign && rc.idKind == idDnr && uPath < 0.3:
		g.path = pathTemporary
	case foreign:
		g.path = pathForeign
		g.conv = uConv < shareForeignConv
		g.licTo = start + years(1+uLic)
		if g.conv {
			g.authFrom = g.licTo + 1
		}
	case cat == catLE && start >= dayOf(1985, time.January, 1):
		g.path = pathDoctor
		g.licTo = start + 547 // 18 months of internship
		g.authFrom = g.licTo + 1
	default:
		g.path = pathNormal
		g.authFrom = start
	}
	if g.authFrom != none && (g.authFrom >= g.latest || g.authFrom >= g.limit) {
		g.authFrom = none
	}
	// A second category: a nurse becoming a midwife, a nursing assistant
	// becoming a nurse.
	uS, uSA := r.Float64(), r.Float64()
	cat2 := catNone
	if g.authFrom != none {
		switch {
		case cat == catSP && female && uS < 0.04:
			cat2, g.from2 = catJO, g.authFrom+years(2+4*uSA*uSA)
		case (cat == catHP || cat == catHF || cat == catOA) && uS < 0.06:
			cat2, g.from2 = catSP, g.authFrom+years(3.5+6*uSA)
		}
		if cat2 != catNone && (g.from2 >= g.latest || g.from2 >= g.limit) {
			cat2 = catNone
		}
	}
	g.pl.is, g.pl.cat, g.pl.cat2 = true, cat, cat2
	return true
}

// add appends an approval and returns it.
func (g *hprGen) add(cat, auth uint8, from, to int32) *planApproval {
	pl := g.pl
	a := &pl.apps[pl.n]
	pl.n++
	*a = planApproval{cat: cat, auth: auth, from: from, to: to, turnus: none}
	return a
}

// runningEnd returns the end of a time-limited approval that runs on the
// reference day: within expiringWindowDays for a share of them (renewal
// due), else up to dur days ahead.
func (g *hprGen) runningEnd(dur int32) int32 {
	ref := g.p.ref
	if chance(g.r, shareRenewalDue) {
		return ref + between(g.r, 0, expiringWindowDays+1)
	}
	return ref + between(g.r, expiringWindowDays+1, max(dur, expiringWindowDays+2))
}

// career draws the approvals, their rights and the reactions.
func (g *hprGen) career() {
	p, r, pl, rc := g.p, g.r, g.pl, g.rc
	ref := p.ref
	cat := pl.cat
	switch g.path {
	case pathStudent:
		from := max(ref-between(r, 0, 600), rc.birth+years(21.5), rc.statusFrom)
		g.add(catLE, authStudent, from, g.runningEnd(years(2)))
		g.main = 0
	case pathLimited:
		if g.licTo-g.start > 365 {
			g.add(cat, authLicence, g.start, min(g.licTo, g.limit)).ended = endExpired
		}
		a := g.add(cat, authLicence, max(g.start, g.licTo+1), g.runningEnd(years(2)))
		if chance(r, 0.6) {
			a.cond[0], a.nCond = uint8(r.IntN(len(conditions))), 1
		}
		g.main = int(pl.n - 1)
	case pathTemporary:
		to := g.start + between(r, 30, 365)
		if to >= ref && g.alive {
			to = g.runningEnd(365)
		}
		g.add(cat, authTemporary, g.start, to)
		g.main = 0
	case pathDoctor:
		if yearOf(g.start) >= 1995 && chance(r, shareStudentLic) {
			from := max(g.start-years(2+r.Float64()), rc.birth+years(21), rc.statusFrom)
			if from < g.start-60 {
				g.add(catLE, authStudent, from, g.start-1).ended = endExpired
			}
		}
		auth := authInternship
		if g.start >= dayOf(2017, time.September, 1) {
			auth = authLIS1 // LIS1 replaced the internship in September 2017
		}
		lic := g.add(catLE, auth, g.start, g.licTo)
		g.main = int(pl.n - 1)
		if g.authFrom != none {
			lic.ended = endReplaced
			a := g.add(catLE, authAuthorisation, g.authFrom, g.limit)
			a.turnus = g.licTo
			g.main = int(pl.n - 1)
		}
	case pathForeign:
		to := g.licTo
		if !g.conv {
			// A licence that did not lead to an authorisation runs today
			// when it is recent, or ended (the person left, or gave up).
			if g.alive && g.start+years(3) >= ref {
				to = g.runningEnd(years(1))
			} else {
				to = g.start + years(1+2*r.Float64())
			}
		} else if g.authFrom == none && g.alive && to < ref {
			to = g.runningEnd(years(1)) // converted too late: still on licence
		}
		lic := g.add(cat, authLicence, g.start, to)
		if chance(r, 0.35) {
			lic.cond[0], lic.nCond = uint8(r.IntN(2)), 1
		}
		g.main = 0
		if g.authFrom != none {
			lic.ended = endReplaced
			g.add(cat, authAuthorisation, g.authFrom, g.limit)
			g.main = 1
		}
	default:
		auth := authAuthorisation
		if chance(r, shareConditional) {
			auth = authConditional
		}
		a := g.add(cat, auth, g.authFrom, g.limit)
		if auth == authConditional {
			a.nCond = uint8(1 + r.IntN(2))
			for k := range a.nCond {
				a.cond[k] = uint8(k) + uint8(r.IntN(2))*2
			}
		}
		if cat == catLE {
			a.turnus = g.authFrom - 1 // internship before 1985, not registered
		}
		g.main = 0
	}
	if pl.cat2 != catNone {
		g.add(pl.cat2, authAuthorisation, g.from2, g.limit)
	}
	withdrawn := g.reactions()
	g.seniorLicences(withdrawn)
	g.endApprovals()
	for k := range pl.n {
		g.rights(&pl.apps[k])
	}
	pl.first = pl.apps[0].from
	for _, a := range pl.apps[:pl.n] {
		pl.first = min(pl.first, a.from)
	}
	// A second registration merged into this one: the register keeps the
	// first number, replaced by the current one.
	uRep, uWarn := r.Float64(), r.Float64()
	last := min(g.latest, ref)
	if uRep < shareReplaced && last-pl.first > 400 {
		pl.replaced = between(r, pl.first+365, last)
	}
	if uWarn < shareWarning && last-pl.first > 400 {
		pl.warn = between(r, pl.first+180, last)
	}
}

// reactions draws the administrative reactions on the primary category's
// latest approval, and reports whether it was withdrawn.
func (g *hprGen) reactions() bool {
	p, r, pl := g.p, g.r, g.pl
	ref := p.ref
	a := &pl.apps[g.main]
	licence := !isAuthorisation(a.auth)
	valid := min(a.to, g.end) // the last day the approval could be acted on
	u := r.Float64()
	pending := chance(r, 0.25)
	switch {
	case u < shareActiveSusp:
		if !g.alive || a.from > ref-60 || a.to < ref {
			return false
		}
		kind := reactSuspension
		switch {
		case pending:
			kind = reactPendingSuspension
		case licence:
			kind = reactLicenceSuspension
		}
		from := between(r, max(a.from+30, ref-700), ref-7)
		to := none
		if chance(r, 0.5) {
			to = min(ref+between(r, 30, 365), a.to)
		}
		addReaction(a, kind, from, to)
	case u < shareActiveSusp+shareEndedSusp:
		if min(valid, ref)-a.from < 400 {
			return false
		}
		kind := reactSuspension
		if licence {
			kind = reactLicenceSuspension
		}
		from := between(r, a.from+30, min(valid, ref)-200)
		addReaction(a, kind, from, from+between(r, 30, 180))
	case u < shareActiveSusp+shareEndedSusp+shareWithdrawal:
		// Withdrawn: a person with one category only, so the second does
		// not outlive it unexplained.
		if pl.cat2 != catNone || min(valid, ref)-a.from < 400 {
			return false
		}
		w := between(r, a.from+365, min(valid, ref))
		if pending {
			addReaction(a, reactPendingSuspension, max(a.from+1, w-between(r, 30, 240)), w-1)
		}
		kind := reactWithdrawal
		if licence {
			kind = reactLicenceWithdrawal
		}
		addReaction(a, kind, w, none)
		a.to, a.ended = w, endWithdrawn
		return true
	case u < shareActiveSusp+shareEndedSusp+shareWithdrawal+shareLimitation:
		if min(valid, ref)-a.from < 400 {
			return false
		}
		addReaction(a, reactLimitation, between(r, a.from+365, min(valid, ref)), none)
		if a.nCond < uint8(len(a.cond)) && (a.nCond == 0 || a.cond[a.nCond-1] != 3) {
			a.cond[a.nCond] = 3 // Begrenset til bestemte arbeidsoppgaver
			a.nCond++
		}
	}
	return false
}

// addReaction appends a reaction to an approval.
func addReaction(a *planApproval, kind uint8, from, to int32) {
	a.react[a.nReact] = planReaction{kind: kind, from: from, to: to}
	a.nReact++
}

// seniorLicences adds the one-year licences of personnel who go on working
// past the age limit.
func (g *hprGen) seniorLicences(withdrawn bool) {
	r, pl := g.r, g.pl
	share := 0.03
	switch pl.cat {
	case catLE:
		share = 0.25
	case catPS:
		share = 0.2
	case catTL:
		share = 0.15
	}
	u, n := r.Float64(), 1+r.IntN(3)
	if withdrawn || g.limit >= g.latest || g.authFrom == none || u >= share {
		return
	}
	birthday := g.limit + 1
	for k := range n {
		from := addYears(birthday, k)
		if from >= g.latest || pl.n == maxApprovals {
			return
		}
		g.add(pl.cat, authLicence, from, addYears(birthday, k+1)-1)
		g.main = int(pl.n - 1)
	}
}

// endApprovals ends the approvals at death and gives those that ended
// before the reference day their end status.
func (g *hprGen) endApprovals() {
	pl, rc, ref := g.pl, g.rc, g.p.ref
	for k := range pl.n {
		a := &pl.apps[k]
		if rc.death != none && a.to > rc.death && a.ended != endWithdrawn {
			a.to, a.ended = rc.death, endDeceased
		}
		if a.to >= ref {
			a.ended = endNone
			continue
		}
		if a.ended == endNone {
			a.ended = endExpired
			if isAuthorisation(a.auth) && a.to == g.limit {
				a.ended = endAgeLimit
			}
		}
	}
}

// rights draws an approval's requisition rights, specialities and
// additional competences. They start within the approval and end with it.
func (g *hprGen) rights(a *planApproval) {
	r := g.r
	until := min(a.to, g.latest) // a right starts before this
	auth := isAuthorisation(a.auth)
	add := func(list *[2]planRight, n *uint8, code uint8, from int32) *planRight {
		if from >= until || from > g.p.ref || int(*n) == len(list) {
			return nil
		}
		x := &list[*n]
		*n++
		*x = planRight{code: code, from: from, to: a.to, ended: a.ended}
		return x
	}
	switch a.cat {
	case catLE:
		code := reqFull
		if a.auth == authStudent {
			code = reqLimited
		}
		if x := add(&a.req, &a.nReq, code, a.from); x != nil && auth && chance(r, 0.01) && min(x.to, g.p.ref)-x.from > 400 {
			w := between(r, x.from+365, min(x.to, g.p.ref))
			x.to, x.ended = w, endWithdrawn
			x.react, x.hasReact = planReaction{kind: reactRequisitionWithdrawal, from: w, to: none}, true
		}
		if !auth {
			return
		}
		if chance(r, 0.8) {
			s1 := a.from + years(5+6*r.Float64())
			k1 := pickSpeciality(r, medicalSpecialities[:], medicalWeights, s1, -1)
			if k1 >= 0 && add(&a.spec, &a.nSpec, uint8(k1), s1) != nil && chance(r, 0.12) {
				s2 := s1 + years(2+3*r.Float64())
				if k2 := pickSpeciality(r, medicalSpecialities[:], medicalWeights, s2, k1); k2 >= 0 {
					add(&a.spec, &a.nSpec, uint8(k2), s2)
				}
			}
		}
		if chance(r, 0.07) {
			k := compNursingHome + uint8(r.IntN(3))
			from := max(a.from+years(3), dayOf(competences[k].from, time.January, 1)+between(r, 0, 365))
			g.addCompetence(a, k, from, until)
		}
	case catTL:
		add(&a.req, &a.nReq, reqFull, a.from)
		if auth && chance(r, 0.08) {
			s := a.from + years(4+5*r.Float64())
			if k := pickSpeciality(r, dentalSpecialities[:], dentalWeights, s, -1); k >= 0 {
				add(&a.spec, &a.nSpec, uint8(k), s)
			}
		}
		if auth && chance(r, 0.05) {
			g.addCompetence(a, compImplant, a.from+years(3+4*r.Float64()), until)
		}
	case catVE:
		add(&a.req, &a.nReq, reqFull, a.from)
	case catJO:
		add(&a.req, &a.nReq, reqContraceptives, max(a.from, dayOf(2002, time.January, 1)))
	case catSP:
		if auth && chance(r, 0.08) {
			add(&a.req, &a.nReq, reqContraceptives, max(a.from+years(3+5*r.Float64()), dayOf(2016, time.January, 1)))
		}
	case catOP:
		if chance(r, 0.25) {
			add(&a.req, &a.nReq, reqEyeDrops, max(a.from, dayOf(2005, time.January, 1)))
		}
	case catFT:
		if auth && chance(r, 0.08) {
			g.addCompetence(a, compManualTherapy, a.from+years(3+5*r.Float64()), until)
		}
	}
}

// addCompetence adds an additional competence from day from, if it starts
// before until.
func (g *hprGen) addCompetence(a *planApproval, code uint8, from, until int32) {
	if from >= until || from > g.p.ref || a.nComp == uint8(len(a.comp)) {
		return
	}
	a.comp[a.nComp] = planRight{code: code, from: from, to: a.to, ended: a.ended}
	a.nComp++
}

// pickSpeciality draws a speciality approved on day from, other than not;
// one newer than from falls back to the first (Allmennmedisin), and -1
// means none could be approved then.
func pickSpeciality(r *rand.Rand, table []hprSpeciality, weights []float64, from int32, not int) int {
	k := pickWeighted(r, weights)
	if k == not {
		k = (k + 1) % len(table)
	}
	if y := yearOf(from); table[k].from > y {
		k = 0
		if table[0].from > y || k == not {
			return -1
		}
	}
	return k
}

// --- kinds ----------------------------------------------------------------------

// doctor reports whether the plan holds an approval as Lege.
func (pl *hprPlan) doctor() bool { return pl.cat == catLE }

// nurse reports whether the plan holds an approval as Sykepleier.
func (pl *hprPlan) nurse() bool { return pl.cat == catSP || pl.cat2 == catSP }

// suspendedOn reports whether a suspension (hpr.SuspensionCodes) covers day d.
func (pl *hprPlan) suspendedOn(d int32) bool {
	for _, a := range pl.apps[:pl.n] {
		for _, x := range a.react[:a.nReact] {
			if isSuspension(x.kind) && x.from <= d && (x.to == none || x.to >= d) {
				return true
			}
		}
	}
	return false
}

// expiringOn reports whether an approval valid on day d ends within
// expiringWindowDays of it.
func (pl *hprPlan) expiringOn(d int32) bool {
	for _, a := range pl.apps[:pl.n] {
		if a.ended == endNone && a.from <= d && a.to >= d && a.to <= d+expiringWindowDays {
			return true
		}
	}
	return false
}

// --- the register: numbers and indexes ----------------------------------------

// hprRegister holds the register's indexes, built on first use so that
// Generate does not pay: about 16 bytes per entry.
type hprRegister struct {
	once     sync.Once
	byNum    []hprSlot   // every entry, by HPR number
	byPerson []hprHolder // the population's personnel, by person index
	byBirth  []int32     // indices into byNum, by birth day, then number
}

// hprSlot is one entry of the register. who is a person index, or -1-k for
// persona k (hprPersonas).
type hprSlot struct {
	num uint32
	who int32
	old bool // a replaced number (erstattetAvHprNummer set)
}

// hprHolder is a person's numbers: the current one and a replaced one (0).
type hprHolder struct {
	person   int32
	cur, old uint32
}

// HPR numbers grow with the day of registration, from 7 digits (before
// about 1950) to 9 (after about 2001), like the register's: day d's
// numbers start at minHPR·spanHPR^((d−1900)/140 years), and a registration
// takes a number in its day's range from a hash of the person. So a
// person's number does not depend on the population's size (as the persons
// do not: a larger population starts with the same persons), except when
// two registrations of a day meet and the later one takes the next free
// number.
const (
	minHPR  = 1_000_000
	spanHPR = 600 // numbers of 2040 are about 600 000 000
)

var hprEpoch, hprEpochEnd = dayOf(1900, time.January, 1), dayOf(2040, time.January, 1)

// hprBase returns the first number of day d's range.
func hprBase(d int32) uint32 {
	f := float64(min(max(d, hprEpoch), hprEpochEnd)-hprEpoch) / float64(hprEpochEnd-hprEpoch)
	return uint32(minHPR * math.Pow(spanHPR, f))
}

// hprIndex returns the register's indexes, building them once.
func (p *Population) hprIndex() *hprRegister {
	p.hpr.once.Do(p.buildHPR)
	return &p.hpr
}

func (p *Population) buildHPR() {
	type reg struct {
		day, who int32
		old      bool
	}
	var regs []reg
	for i := range p.recs {
		pl := p.hprPlanOf(i)
		if !pl.is {
			continue
		}
		if pl.replaced != none {
			regs = append(regs, reg{pl.first, int32(i), true}, reg{pl.replaced, int32(i), false})
		} else {
			regs = append(regs, reg{pl.first, int32(i), false})
		}
	}
	slices.SortFunc(regs, func(a, b reg) int {
		if a.day != b.day {
			return int(a.day) - int(b.day)
		}
		return int(a.who) - int(b.who)
	})
	personas := hprPersonas()
	reserved := make(map[uint32]bool, len(personas))
	for _, x := range personas {
		reserved[uint32(x.number)] = true
	}
	h := &p.hpr
	h.byNum = make([]hprSlot, 0, len(regs)+len(personas))
	h.byPerson = make([]hprHolder, 0, len(regs))
	used := make(map[uint32]bool, len(regs))
	for _, x := range regs {
		lo := hprBase(x.day)
		span := max(hprBase(x.day+1)-lo, 1)
		salt := uint64(0x6870726e)
		if x.old {
			salt++
		}
		num := lo + uint32(hash3(uint64(p.seed)^mix(domainHPR), uint64(x.who), salt)%uint64(span))
		for used[num] || reserved[num] {
			num++
		}
		used[num] = true
		h.byNum = append(h.byNum, hprSlot{num: num, who: x.who, old: x.old})
	}
	for k, x := range personas {
		h.byNum = append(h.byNum, hprSlot{num: uint32(x.number), who: int32(-1 - k)})
	}
	slices.SortFunc(h.byNum, func(a, b hprSlot) int { return cmpUint32(a.num, b.num) })
	// The population's holders: one per person, with both numbers.
	for _, s := range h.byNum {
		switch {
		case s.who < 0:
		case s.old:
			h.byPerson = append(h.byPerson, hprHolder{person: s.who, old: s.num})
		default:
			h.byPerson = append(h.byPerson, hprHolder{person: s.who, cur: s.num})
		}
	}
	slices.SortFunc(h.byPerson, func(a, b hprHolder) int { return int(a.person) - int(b.person) })
	merged := h.byPerson[:0]
	for _, x := range h.byPerson {
		if n := len(merged); n > 0 && merged[n-1].person == x.person {
			merged[n-1].cur |= x.cur
			merged[n-1].old |= x.old
			continue
		}
		merged = append(merged, x)
	}
	h.byPerson = merged
	h.byBirth = make([]int32, len(h.byNum))
	for k := range h.byBirth {
		h.byBirth[k] = int32(k)
	}
	slices.SortStableFunc(h.byBirth, func(a, b int32) int {
		return int(p.slotBirth(h.byNum[a])) - int(p.slotBirth(h.byNum[b]))
	})
}

func cmpUint32(a, b uint32) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// holderIndex returns the index in byPerson of person i, or -1.
func (p *Population) holderIndex(i int) int {
	hs := p.hpr.byPerson
	k := sort.Search(len(hs), func(k int) bool { return int(hs[k].person) >= i })
	if k < len(hs) && int(hs[k].person) == i {
		return k
	}
	return -1
}

// slotBirth returns the birth day of an entry's person.
func (p *Population) slotBirth(s hprSlot) int32 {
	if s.who < 0 {
		return hprPersonas()[-1-s.who].birth
	}
	return p.recs[s.who].birth
}

// hprNumberOf returns person i's current HPR number, if the person is
// health personnel.
func (p *Population) hprNumberOf(i int) (int, bool) {
	h := p.hprIndex()
	k := p.holderIndex(i)
	if k < 0 {
		return 0, false
	}
	return int(h.byPerson[k].cur), true
}

// HPRNumber returns the current HPR number of the person with identity
// number nin (current or historic), if the person is health personnel of
// the population. The personas are not persons of the population.
func (p *Population) HPRNumber(nin string) (int, bool) {
	i := p.indexOf(nin)
	if i < 0 {
		return 0, false
	}
	return p.hprNumberOf(i)
}

// --- hprsim.Source --------------------------------------------------------------

// Personnel returns the entry with HPR number n: a current entry, or a
// replaced one (erstattetAvHprNummer set).
func (p *Population) Personnel(n int) (hpr.Personnel, bool) {
	h := p.hprIndex()
	if n <= 0 || uint64(n) > math.MaxUint32 {
		return hpr.Personnel{}, false
	}
	k := sort.Search(len(h.byNum), func(k int) bool { return h.byNum[k].num >= uint32(n) })
	if k == len(h.byNum) || h.byNum[k].num != uint32(n) {
		return hpr.Personnel{}, false
	}
	return p.personnelAt(h.byNum[k]), true
}

// PersonnelByNIN returns the current entry of the person with identity
// number nin. A persona's PID finds the persona; a population member's
// current or historic number finds the person's current entry (INFERENCE:
// the register follows FREG's number changes).
func (p *Population) PersonnelByNIN(nin string) (hpr.Personnel, bool) {
	for k, x := range hprPersonas() {
		if x.pid == nin {
			return p.personaPersonnel(k), true
		}
	}
	i := p.indexOf(nin)
	if i < 0 {
		return hpr.Personnel{}, false
	}
	h := p.hprIndex()
	k := p.holderIndex(i)
	if k < 0 {
		return hpr.Personnel{}, false
	}
	return p.personnelAt(hprSlot{num: h.byPerson[k].cur, who: int32(i)}), true
}

// SearchPersonnel returns the entries whose current family name equals
// surname (case-insensitive) and who were born on birth, in HPR number
// order; a person with a replaced number is found under both numbers.
func (p *Population) SearchPersonnel(surname string, birth hpr.Date) []hpr.Personnel {
	h := p.hprIndex()
	surname = strings.TrimSpace(surname)
	if surname == "" || birth.IsZero() {
		return nil
	}
	day := dayOf(birth.Date())
	k := sort.Search(len(h.byBirth), func(k int) bool { return p.slotBirth(h.byNum[h.byBirth[k]]) >= day })
	var out []hpr.Personnel
	for ; k < len(h.byBirth); k++ {
		s := h.byNum[h.byBirth[k]]
		if p.slotBirth(s) != day {
			break
		}
		if strings.EqualFold(p.slotFamily(s), surname) {
			out = append(out, p.personnelAt(s))
		}
	}
	return out
}

// slotFamily returns the current family name of an entry's person.
func (p *Population) slotFamily(s hprSlot) string {
	if s.who < 0 {
		return hprPersonas()[-1-s.who].family
	}
	return p.str(p.recs[s.who].family)
}

// EachPersonnel calls fn with every entry in HPR number order until fn
// returns false. It builds one entry at a time.
func (p *Population) EachPersonnel(fn func(hpr.Personnel) bool) {
	for _, s := range p.hprIndex().byNum {
		if !fn(p.personnelAt(s)) {
			return
		}
	}
}

// PersonnelCount returns the number of entries, replaced numbers and the
// personas included.
func (p *Population) PersonnelCount() int { return len(p.hprIndex().byNum) }

// --- building entries ------------------------------------------------------------

// personnelAt builds the entry of a slot.
func (p *Population) personnelAt(s hprSlot) hpr.Personnel {
	if s.who < 0 {
		return p.personaPersonnel(int(-1 - s.who))
	}
	i := int(s.who)
	pl := p.hprPlanOf(i)
	if s.old {
		cur := int(p.hpr.byPerson[p.holderIndex(i)].cur)
		// INFERENCE: a replaced entry keeps the person and its number; the
		// approvals moved to the number that replaced it.
		return hpr.Personnel{
			Person:       p.hprPerson(i),
			HPRNumber:    int(s.num),
			ReplacedBy:   &cur,
			Approvals:    []hpr.Approval{},
			Reactions:    []hpr.Reaction{},
			LastUpdated:  p.hprUpdated(i, pl.replaced),
			ValidForDate: hprDate(p.ref),
		}
	}
	out := hpr.Personnel{
		Person:       p.hprPerson(i),
		HPRNumber:    int(s.num),
		Approvals:    make([]hpr.Approval, 0, pl.n),
		Reactions:    []hpr.Reaction{},
		ValidForDate: hprDate(p.ref),
	}
	last := pl.first
	seen := func(d int32) {
		if d != none && d <= p.ref && d > last {
			last = d
		}
	}
	for _, a := range pl.apps[:pl.n] {
		out.Approvals = append(out.Approvals, a.approval(seen))
	}
	if pl.warn != none {
		out.Reactions = append(out.Reactions, reaction(planReaction{kind: reactWarning, from: pl.warn, to: none}))
		seen(pl.warn)
	}
	if pl.replaced != none {
		seen(pl.replaced)
	}
	if d := p.recs[i].death; d != none {
		seen(d)
	}
	out.LastUpdated = p.hprUpdated(i, last)
	return out
}

// approval builds a godkjenning, telling seen every date it holds.
func (a *planApproval) approval(seen func(int32)) hpr.Approval {
	c := &hprCategories[a.cat]
	at := &authTypes[a.auth]
	out := hpr.Approval{
		Category:          codeOf(hpr.CodeSetCategory, c.code, c.name),
		Authorization:     codeOf(hpr.CodeSetAuthorization, at.value, at.name),
		Period:            period(a.from, a.to),
		InternshipDate:    hprDate(a.turnus),
		RequisitionRights: make([]hpr.Right, 0, a.nReq),
		Specialities:      make([]hpr.Right, 0, a.nSpec),
		Competences:       make([]hpr.Right, 0, a.nComp),
		Conditions:        make([]hpr.Condition, 0, a.nCond),
		Ended:             endStatus(a.ended),
		Reactions:         make([]hpr.Reaction, 0, a.nReact),
	}
	seen(a.from)
	seen(a.to)
	for _, x := range a.req[:a.nReq] {
		rq := &requisitionRights[x.code]
		out.RequisitionRights = append(out.RequisitionRights, x.right(codeOf(codeSetRequisition, rq.value, rq.name), seen))
	}
	specs := medicalSpecialities[:]
	if a.cat == catTL {
		specs = dentalSpecialities[:]
	}
	for _, x := range a.spec[:a.nSpec] {
		s := &specs[x.code]
		out.Specialities = append(out.Specialities, x.right(codeOf(codeSetSpeciality, s.value, s.name), seen))
	}
	for _, x := range a.comp[:a.nComp] {
		c := &competences[x.code]
		out.Competences = append(out.Competences, x.right(codeOf(codeSetCompetence, c.value, c.name), seen))
	}
	for _, k := range a.cond[:a.nCond] {
		out.Conditions = append(out.Conditions, hpr.Condition{Type: codeOf(codeSetCondition, conditions[k].value, conditions[k].name)})
	}
	for _, x := range a.react[:a.nReact] {
		out.Reactions = append(out.Reactions, reaction(x))
		seen(x.from)
		seen(x.to)
	}
	return out
}

// right builds a right of type code.
func (x *planRight) right(code hpr.Code, seen func(int32)) hpr.Right {
	out := hpr.Right{Type: code, Period: period(x.from, x.to), Ended: endStatus(x.ended)}
	seen(x.from)
	seen(x.to)
	if x.hasReact {
		out.Reactions = []hpr.Reaction{reaction(x.react)}
		seen(x.react.from)
	}
	return out
}

func reaction(x planReaction) hpr.Reaction {
	k := &reactions[x.kind]
	return hpr.Reaction{Type: codeOf(codeSetReaction, k.value, k.name), Period: period(x.from, x.to)}
}

func endStatus(e uint8) *hpr.Code {
	if e == endNone {
		return nil
	}
	s := &endStatuses[e]
	c := codeOf(codeSetEndStatus, s.value, s.name)
	return &c
}

// hprDate returns day d as an hpr.Date; none is the zero (null) Date.
func hprDate(d int32) hpr.Date {
	if d == none {
		return hpr.Date{}
	}
	return hpr.Date{Time: dayTime(d)}
}

func period(from, to int32) hpr.Period { return hpr.Period{From: hprDate(from), To: hprDate(to)} }

// hprPerson returns the personal part of person i's entry: the current name.
func (p *Population) hprPerson(i int) hpr.PersonData {
	rc := &p.recs[i]
	return hpr.PersonData{
		GivenName:  p.str(rc.given),
		MiddleName: p.str(rc.middle),
		FamilyName: p.str(rc.family),
		BirthDate:  hprDate(rc.birth),
		DeathDate:  hprDate(rc.death),
		NIN:        formatNIN(rc.nin),
	}
}

// hprUpdated returns sistOppdatert: day d during office hours (Oslo), from a
// hash of the person, never later than the morning of the reference day.
func (p *Population) hprUpdated(i int, d int32) hpr.DateTime {
	h := hash3(uint64(p.seed)^mix(domainHPR), uint64(i), uint64(d))
	t := dayTime(d)
	local := time.Date(t.Year(), t.Month(), t.Day(), 7, 0, 0, 0, hpr.Oslo).Add(time.Duration(h%(10*3600)) * time.Second)
	if limit := dayTime(p.ref).Add(6 * time.Hour); local.After(limit) {
		local = limit
	}
	return hpr.DateTime{Time: local}
}
