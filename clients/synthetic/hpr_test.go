package synthetic

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/oppslag/oppslag/clients/helseid/helseidsim"
	"github.com/oppslag/oppslag/clients/hpr"
	"github.com/oppslag/oppslag/clients/person/nin"
)

// Failure messages name entries by HPR number, never by identity number.

// hprEntries returns every entry of p, in EachPersonnel order.
func hprEntries(p *Population) []hpr.Personnel {
	var out []hpr.Personnel
	p.EachPersonnel(func(e hpr.Personnel) bool {
		out = append(out, e)
		return true
	})
	return out
}

// defaultHPR is the default population's register, built once.
var defaultHPR = sync.OnceValue(func() []hpr.Personnel {
	p, err := defaultPopulation()
	if err != nil {
		return nil
	}
	return hprEntries(p)
})

// exportDigest hashes the export of p.
func exportDigest(t *testing.T, p *Population) string {
	t.Helper()
	h := sha256.New()
	if err := p.WriteHPRExport(h); err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%x", h.Sum(nil))
}

func TestHPR_Deterministic(t *testing.T) {
	a, err := Generate(Options{Seed: 7, Persons: 2000})
	if err != nil {
		t.Fatal(err)
	}
	b, err := Generate(Options{Seed: 7, Persons: 2000})
	if err != nil {
		t.Fatal(err)
	}
	da, db, da2 := exportDigest(t, a), exportDigest(t, b), exportDigest(t, a)
	if da != db || da != da2 {
		t.Errorf("the register differs between runs or calls: %s %s %s", da, db, da2)
	}
	c, err := Generate(Options{Seed: 8, Persons: 2000})
	if err != nil {
		t.Fatal(err)
	}
	if exportDigest(t, c) == da {
		t.Errorf("seeds 7 and 8 give the same register")
	}
}

// TestHPR_PrefixStable checks that a person's entry, number included, does
// not depend on the population's size (the persons do not either).
func TestHPR_PrefixStable(t *testing.T) {
	small, err := Generate(Options{Seed: 3, Persons: 3000})
	if err != nil {
		t.Fatal(err)
	}
	large, err := Generate(Options{Seed: 3, Persons: 6000})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for i := range small.Len() - maxUnit {
		a, okA := small.hprNumberOf(i)
		b, okB := large.hprNumberOf(i)
		if okA != okB || a != b {
			t.Errorf("person %s: HPR number %d at 3,000 persons, %d at 6,000", small.ids.encode(i), a, b)
			continue
		}
		if !okA {
			continue
		}
		n++
		ea, _ := small.Personnel(a)
		eb, _ := large.Personnel(b)
		ja, _ := json.Marshal(ea)
		jb, _ := json.Marshal(eb)
		if !bytes.Equal(ja, jb) {
			t.Errorf("entry %d differs between 3,000 and 6,000 persons", a)
		}
	}
	if n == 0 {
		t.Error("no health personnel compared")
	}
}

// TestHPR_OwnDomain makes sure the register draws only from its own
// domain, so that it changes no person: domain 5 is read in the hpr files
// only, and nothing else names it. (TestLabsLeavePersonsUnchanged pins the
// person documents to a hash recorded before any register existed.)
func TestHPR_OwnDomain(t *testing.T) {
	files, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	literal5 := regexp.MustCompile(`(personRand|\.at)\(\s*5\s*,|domain\w*\s+uint64\s*=\s*5\b`)
	for _, f := range files {
		name := f.Name()
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		src := string(b)
		own := strings.HasPrefix(name, "hpr")
		if !own && strings.Contains(src, "domainHPR") {
			t.Errorf("%s reads the HPR domain", name)
		}
		if m := literal5.FindString(src); m != "" && !(name == "hpr.go" && strings.HasPrefix(m, "domainHPR")) {
			t.Errorf("%s uses domain 5 (%q)", name, m)
		}
	}
	if domainHPR != 5 || domainHPR == domainUnit || domainHPR == domainNIN || domainHPR == domainKRR ||
		domainHPR == domainContact || domainHPR == domainLabs {
		t.Errorf("domainHPR = %d shares a domain", domainHPR)
	}
}

func TestHPR_Proportions(t *testing.T) {
	p, _ := population(t)
	var adults, adultHP, women, men, womenHP, menHP, entries, doctors, nurses int
	cats := map[uint8]int{}
	for i := range p.recs {
		rc := &p.recs[i]
		end := p.ref
		if rc.death != none {
			end = rc.death
		}
		pl := p.hprPlanOf(i)
		female := rc.flags&flagFemale != 0
		if ageAt(rc.birth, end) >= 18 {
			adults++
			if female {
				women++
			} else {
				men++
			}
			if pl.is {
				adultHP++
				if female {
					womenHP++
				} else {
					menHP++
				}
			}
		}
		if !pl.is {
			continue
		}
		entries++
		cats[pl.cat]++
		if pl.cat2 != catNone {
			cats[pl.cat2]++
		}
		if pl.doctor() {
			doctors++
		}
		if pl.nurse() {
			nurses++
		}
	}
	share := float64(adultHP) / float64(adults)
	if share < 0.08 || share > 0.14 {
		t.Errorf("health personnel are %.3f of adults; want 0.08–0.14", share)
	}
	ws, ms := float64(womenHP)/float64(women), float64(menHP)/float64(men)
	if ws < 2*ms {
		t.Errorf("share among women %.3f, among men %.3f; want women far more often", ws, ms)
	}
	frac := func(c ...uint8) float64 {
		n := 0
		for _, k := range c {
			n += cats[k]
		}
		return float64(n) / float64(entries)
	}
	tests := []struct {
		name   string
		cats   []uint8
		lo, hi float64
	}{
		{"Sykepleier", []uint8{catSP}, 0.25, 0.42},
		{"Hjelpepleier+Helsefagarbeider", []uint8{catHP, catHF}, 0.20, 0.36},
		{"Lege", []uint8{catLE}, 0.07, 0.15},
		{"Fysioterapeut", []uint8{catFT}, 0.02, 0.07},
		{"Jordmor", []uint8{catJO}, 0.002, 0.03},
	}
	for _, tt := range tests {
		if got := frac(tt.cats...); got < tt.lo || got > tt.hi {
			t.Errorf("%s: %.3f of entries; want %.3f–%.3f", tt.name, got, tt.lo, tt.hi)
		}
	}
	for k, n := range cats {
		if k != catSP && k != catHP && k != catHF && k != catLE && n >= cats[catLE] {
			t.Errorf("%s (%d) is not smaller than Lege (%d)", hprCategories[k].code, n, cats[catLE])
		}
	}
	if len(cats) < 20 {
		t.Errorf("%d categories drawn; want most of code set 9060", len(cats))
	}
	if cats[catXX] != 0 {
		t.Errorf("%d entries of category XX", cats[catXX])
	}
	if got, want := p.Count("health-personnel"), entries; got != want {
		t.Errorf("Count(health-personnel) = %d, want %d", got, want)
	}
	if got, want := p.Count("doctor"), doctors; got != want {
		t.Errorf("Count(doctor) = %d, want %d", got, want)
	}
	if got, want := p.Count("nurse"), nurses; got != want {
		t.Errorf("Count(nurse) = %d, want %d", got, want)
	}
	// The scenarios are few but present.
	for _, k := range []struct {
		kind   string
		lo, hi float64
	}{
		{"suspended", 0.005, 0.05}, {"expiring", 0.01, 0.08}, {"replaced-hpr", 0.005, 0.04},
	} {
		if got := float64(p.Count(k.kind)) / float64(entries); got < k.lo || got > k.hi {
			t.Errorf("%s: %.4f of entries; want %.3f–%.3f", k.kind, got, k.lo, k.hi)
		}
	}
}

// TestHPR_KindsAtTestSize checks the scenarios at the size the command's
// tests use (2000 persons): each HPR kind has persons, expiring several.
func TestHPR_KindsAtTestSize(t *testing.T) {
	p, err := Generate(Options{Seed: 1, Persons: 2000})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"health-personnel", "doctor", "nurse", "suspended", "expiring", "replaced-hpr"} {
		want := 1
		if k == "expiring" {
			want = 4
		}
		if got := p.Count(k); got < want {
			t.Errorf("Count(%s) = %d at 2000 persons; want at least %d", k, got, want)
		}
	}
}

// allowedAuth lists, per category, the approval types it may hold: the
// licences of internship and study are a doctor's only.
func allowedAuth(cat, auth string) bool {
	switch auth {
	case "1", "4", "14", "17":
		return true
	case "2", "3", "18":
		return cat == "LE"
	}
	return false
}

func TestHPR_Consistency(t *testing.T) {
	p, _ := population(t)
	entries := defaultHPR()
	ref := hpr.Date{Time: p.Reference()}
	refDay := p.ref
	if got, want := len(entries), p.PersonnelCount(); got != want {
		t.Fatalf("EachPersonnel gave %d entries, PersonnelCount %d", got, want)
	}
	byNum := map[int]hpr.Personnel{}
	for k, e := range entries {
		if k > 0 && e.HPRNumber <= entries[k-1].HPRNumber {
			t.Errorf("entry %d follows %d: not in number order", e.HPRNumber, entries[k-1].HPRNumber)
		}
		if e.HPRNumber < 1_000_000 || e.HPRNumber > 999_999_999 {
			t.Errorf("HPR number %d is not 7–9 digits", e.HPRNumber)
		}
		byNum[e.HPRNumber] = e
	}
	day := func(d hpr.Date) int32 { return dayOf(d.Date()) }
	codeIn := func(c hpr.Code, set int) bool { return c.CodeSet.ID == set && c.Value != "" && c.Name != "" }
	for _, e := range entries {
		n := e.HPRNumber
		if !e.ValidForDate.Equal(ref.Time) {
			t.Errorf("%d: gjelderForDato %s", n, e.ValidForDate)
		}
		if e.LastUpdated.IsZero() || e.LastUpdated.After(p.Reference().Add(6*time.Hour)) {
			t.Errorf("%d: sistOppdatert %v", n, e.LastUpdated)
		}
		if e.Person.MissingNIN || !nin.Valid(e.Person.NIN) {
			t.Errorf("%d: person without a valid nin", n)
		}
		birth := day(e.Person.BirthDate)
		i := p.indexOf(e.Person.NIN)
		if i >= 0 {
			rc := &p.recs[i]
			if e.Person.FamilyName != p.str(rc.family) || e.Person.GivenName != p.str(rc.given) ||
				e.Person.MiddleName != p.str(rc.middle) || birth != rc.birth || hprDate(rc.death) != e.Person.DeathDate {
				t.Errorf("%d: person part differs from the population's person", n)
			}
			if cur, ok := p.hprNumberOf(i); !ok || (cur != n && e.ReplacedBy == nil) {
				t.Errorf("%d: the person's current number is %d", n, cur)
			}
		}
		if e.ReplacedBy != nil {
			cur, ok := byNum[*e.ReplacedBy]
			switch {
			case !ok:
				t.Errorf("%d: replaced by %d, which is not in the register", n, *e.ReplacedBy)
			case cur.ReplacedBy != nil || cur.Person.NIN != e.Person.NIN || cur.HPRNumber <= n:
				t.Errorf("%d: replaced by %d, which is not the same person's later current entry", n, cur.HPRNumber)
			case len(e.Approvals) != 0:
				t.Errorf("%d: a replaced entry keeps approvals", n)
			}
			continue
		}
		if len(e.Approvals) == 0 {
			t.Errorf("%d: no approvals", n)
		}
		death := int32(none)
		if !e.Person.DeathDate.IsZero() {
			death = day(e.Person.DeathDate)
		}
		cats := map[string]int32{}
		for _, a := range e.Approvals {
			cat, auth := a.Category.Value, a.Authorization.Value
			if !codeIn(a.Category, 9060) || !codeIn(a.Authorization, 7704) {
				t.Errorf("%d: category %+v or authorisation %+v outside their code sets", n, a.Category, a.Authorization)
			}
			from, to := day(a.Period.From), day(a.Period.To)
			switch {
			case a.Period.From.IsZero() || a.Period.To.IsZero() || to < from:
				t.Errorf("%d: approval period %s–%s", n, a.Period.From, a.Period.To)
			case from > refDay:
				t.Errorf("%d: approval starts after the reference day", n)
			case ageAt(birth, from) < 19:
				t.Errorf("%d: %s approved at age %d", n, cat, ageAt(birth, from))
			case death != none && (from >= death || to > death):
				t.Errorf("%d: approval beyond death", n)
			}
			if (a.Ended == nil) != (to >= refDay) {
				t.Errorf("%d: approval ending %s has end status %v", n, a.Period.To, a.Ended)
			}
			if death != none && a.Ended == nil {
				t.Errorf("%d: a deceased person's approval has not ended", n)
			}
			if !allowedAuth(cat, auth) {
				t.Errorf("%d: %s holds approval type %s", n, cat, auth)
			}
			switch y := a.Period.From.Year(); {
			case cat == "XX":
				t.Errorf("%d: category XX", n)
			case cat == "JO" && (cats["SP"] == 0 || cats["SP"] > from):
				t.Errorf("%d: Jordmor without an earlier Sykepleier approval", n)
			case cat == "HF" && y < 2006, (cat == "HP" || cat == "OA") && y > 2009 && (auth == "1" || auth == "17"):
				// A Hjelpepleier may hold a licence later (over the age
				// limit), but none has been authorised since 2009.
				t.Errorf("%d: %s approved in %d", n, cat, y)
			}
			if _, ok := cats[cat]; !ok {
				cats[cat] = from
			}
			if len(a.Specialities) > 0 && cat != "LE" && cat != "TL" {
				t.Errorf("%d: specialities on %s", n, cat)
			}
			if !a.InternshipDate.IsZero() && (cat != "LE" || auth != "1" || day(a.InternshipDate) >= from) {
				t.Errorf("%d: internship date %s on %s %s from %s", n, a.InternshipDate, cat, auth, a.Period.From)
			}
			var rights []hpr.Right
			for _, x := range [][]hpr.Right{a.RequisitionRights, a.Specialities, a.Competences} {
				rights = append(rights, x...)
			}
			for _, x := range rights {
				xf, xt := day(x.Period.From), day(x.Period.To)
				if xf < from || xt > to || xt < xf || xf > refDay {
					t.Errorf("%d: right %s %s–%s outside its approval %s–%s", n, x.Type.Value, x.Period.From, x.Period.To, a.Period.From, a.Period.To)
				}
				if (x.Ended == nil) != (xt >= refDay) {
					t.Errorf("%d: right ending %s has end status %v", n, x.Period.To, x.Ended)
				}
				for _, re := range x.Reactions {
					if rf := day(re.Period.From); rf < xf || rf > refDay {
						t.Errorf("%d: a right's reaction from %s", n, re.Period.From)
					}
				}
			}
			for _, re := range a.Reactions {
				rf := day(re.Period.From)
				if !codeIn(re.Type, codeSetReaction) || rf < from || rf > refDay || rf > to ||
					!re.Period.To.IsZero() && day(re.Period.To) < rf {
					t.Errorf("%d: reaction %s %s–%s on approval %s–%s", n, re.Type.Value, re.Period.From, re.Period.To, a.Period.From, a.Period.To)
				}
				if slices.Contains(hpr.SuspensionCodes, re.Type.Value) && re.Period.Covers(ref) && (a.Ended != nil || death != none) {
					t.Errorf("%d: suspended today on an ended approval", n)
				}
			}
			for _, c := range a.Conditions {
				if !codeIn(c.Type, codeSetCondition) {
					t.Errorf("%d: condition %+v", n, c.Type)
				}
			}
		}
		for _, re := range e.Reactions {
			if day(re.Period.From) > refDay {
				t.Errorf("%d: person-level reaction after the reference day", n)
			}
		}
	}
}

func TestHPR_KindsMeanWhatTheySay(t *testing.T) {
	p, _ := population(t)
	ref := hpr.Date{Time: p.Reference()}
	has := func(e hpr.Personnel, cat string) bool {
		return slices.ContainsFunc(e.Approvals, func(a hpr.Approval) bool { return a.Category.Value == cat })
	}
	suspended := func(e hpr.Personnel) bool {
		for _, a := range e.Approvals {
			for _, re := range a.Reactions {
				if slices.Contains(hpr.SuspensionCodes, re.Type.Value) && re.Period.Covers(ref) {
					return true
				}
			}
		}
		return false
	}
	expiring := func(e hpr.Personnel) bool {
		for _, a := range e.Approvals {
			if a.Ended == nil && a.Period.Covers(ref) && !a.Period.To.After(ref.AddDate(0, 0, 90)) {
				return true
			}
		}
		return false
	}
	// The replaced numbers, by the number that replaced them.
	replaced := map[int]bool{}
	for _, e := range defaultHPR() {
		if e.ReplacedBy != nil {
			replaced[*e.ReplacedBy] = true
		}
	}
	tests := []struct {
		kind  string
		check func(e hpr.Personnel) bool
	}{
		{"health-personnel", func(hpr.Personnel) bool { return true }},
		{"doctor", func(e hpr.Personnel) bool { return has(e, "LE") }},
		{"nurse", func(e hpr.Personnel) bool { return has(e, "SP") }},
		{"suspended", suspended},
		{"expiring", expiring},
		{"replaced-hpr", func(e hpr.Personnel) bool { return replaced[e.HPRNumber] }},
	}
	for _, tt := range tests {
		t.Run(tt.kind, func(t *testing.T) {
			k, ok := kindByName(tt.kind)
			if !ok {
				t.Fatalf("kind %s missing", tt.kind)
			}
			n := 0
			for i := range p.recs {
				num, isHP := p.hprNumberOf(i)
				in := k.has(p, i)
				if !isHP {
					if in {
						t.Errorf("person %s has kind %s without an HPR entry", p.ids.encode(i), tt.kind)
					}
					continue
				}
				e, _ := p.Personnel(num)
				if got := tt.check(e); got != in {
					t.Errorf("entry %d: kind %s %v, entry says %v", num, tt.kind, in, got)
				}
				if in {
					n++
				}
			}
			if n == 0 {
				t.Errorf("no person of kind %s", tt.kind)
			}
		})
	}
}

func TestHPR_Personas(t *testing.T) {
	p, _ := population(t)
	ref := hpr.Date{Time: p.Reference()}
	n := 0
	for _, x := range helseidsim.Personas() {
		if x.HPRNumber == "" {
			if _, ok := p.PersonnelByNIN(x.PID); ok {
				t.Errorf("persona %s without an HPR number is in the register", x.ID)
			}
			continue
		}
		n++
		t.Run(x.ID, func(t *testing.T) {
			if p.indexOf(x.PID) >= 0 {
				t.Errorf("persona %s's PID is also a person of the population", x.ID)
			}
			e, ok := p.PersonnelByNIN(x.PID)
			if !ok {
				t.Fatalf("persona %s not found by PID", x.ID)
			}
			byNum, ok := p.Personnel(e.HPRNumber)
			if !ok || byNum.Person.NIN != x.PID {
				t.Errorf("persona %s not found by number %d", x.ID, e.HPRNumber)
			}
			if got := fmt.Sprint(e.HPRNumber); got != x.HPRNumber {
				t.Errorf("HPR number %s, want %s", got, x.HPRNumber)
			}
			id, _ := nin.Parse(x.PID)
			birth, _ := id.BirthDate()
			pd := e.Person
			if pd.GivenName != x.GivenName || pd.MiddleName != x.MiddleName || pd.FamilyName != x.FamilyName ||
				pd.NIN != x.PID || pd.MissingNIN || !pd.DeathDate.IsZero() || !pd.BirthDate.Equal(birth) {
				t.Errorf("person %+v does not match the persona", pd)
			}
			if e.ReplacedBy != nil || len(e.Reactions) != 0 {
				t.Errorf("persona entry replaced or with reactions")
			}
			if got, want := len(e.Approvals), len(x.Approvals); got != want {
				t.Fatalf("%d approvals, want %d", got, want)
			}
			codes := func(rs []hpr.Right) []helseidsim.Code {
				out := []helseidsim.Code{}
				for _, r := range rs {
					out = append(out, helseidsim.Code{Value: r.Type.Value, Description: r.Type.Name})
					if !r.Period.Covers(ref) || r.Ended != nil {
						t.Errorf("right %s not valid on the reference day", r.Type.Value)
					}
				}
				return out
			}
			for k, a := range e.Approvals {
				want := x.Approvals[k]
				got := helseidsim.Approval{
					Profession:        a.Category.Value,
					Authorization:     helseidsim.Code{Value: a.Authorization.Value, Description: a.Authorization.Name},
					RequisitionRights: codes(a.RequisitionRights),
					Specialities:      codes(a.Specialities),
				}
				if want.RequisitionRights == nil {
					want.RequisitionRights = []helseidsim.Code{}
				}
				if want.Specialities == nil {
					want.Specialities = []helseidsim.Code{}
				}
				if fmt.Sprint(got) != fmt.Sprint(want) {
					t.Errorf("approval %d = %+v, want hpr_details %+v", k, got, want)
				}
				if !a.Period.Covers(ref) || a.Ended != nil || a.Category.CodeSet.ID != 9060 || a.Authorization.CodeSet.ID != 7704 {
					t.Errorf("approval %d not a valid approval today", k)
				}
			}
			if got := p.SearchPersonnel(strings.ToUpper(x.FamilyName), hpr.Date{Time: birth}); len(got) != 1 || got[0].HPRNumber != e.HPRNumber {
				t.Errorf("SearchPersonnel found %d entries for the persona", len(got))
			}
		})
	}
	if n < 3 {
		t.Errorf("%d personas with HPR numbers; want the doctor, the nurse and level3", n)
	}
}

func TestHPR_SourceMethods(t *testing.T) {
	p, _ := population(t)
	entries := defaultHPR()
	t.Run("Personnel", func(t *testing.T) {
		for _, n := range []int{0, -1, 1, 999_999, math.MaxInt} {
			if _, ok := p.Personnel(n); ok {
				t.Errorf("Personnel(%d) found an entry", n)
			}
		}
		for _, e := range entries[:50] {
			got, ok := p.Personnel(e.HPRNumber)
			if !ok || got.HPRNumber != e.HPRNumber || got.Person.NIN != e.Person.NIN {
				t.Errorf("Personnel(%d) = %d, %v", e.HPRNumber, got.HPRNumber, ok)
			}
		}
	})
	t.Run("PersonnelByNIN", func(t *testing.T) {
		for _, s := range []string{"", "garbage", "00000000000"} {
			if _, ok := p.PersonnelByNIN(s); ok {
				t.Errorf("PersonnelByNIN(%q) found an entry", s)
			}
		}
		found, historic := 0, 0
		for i := range p.recs {
			rc := &p.recs[i]
			e, ok := p.PersonnelByNIN(formatNIN(rc.nin))
			num, isHP := p.hprNumberOf(i)
			if ok != isHP || ok && (e.HPRNumber != num || e.ReplacedBy != nil) {
				t.Errorf("person %s: PersonnelByNIN gives %d, %v; the index %d, %v", p.ids.encode(i), e.HPRNumber, ok, num, isHP)
			}
			if ok {
				found++
			}
			if ok && rc.oldNIN != 0 {
				old, ok := p.PersonnelByNIN(formatNIN(rc.oldNIN))
				if !ok || old.HPRNumber != num || old.Person.NIN != formatNIN(rc.nin) {
					t.Errorf("person %s: a historic number does not find the current entry", p.ids.encode(i))
				}
				historic++
			}
		}
		if found == 0 || historic == 0 {
			t.Errorf("found %d entries, %d by a historic number", found, historic)
		}
	})
	t.Run("SearchPersonnel", func(t *testing.T) {
		for _, e := range entries[:200] {
			got := p.SearchPersonnel(strings.ToLower(e.Person.FamilyName), e.Person.BirthDate)
			if !slices.ContainsFunc(got, func(x hpr.Personnel) bool { return x.HPRNumber == e.HPRNumber }) {
				t.Errorf("SearchPersonnel did not find %d", e.HPRNumber)
			}
			for k, x := range got {
				if !strings.EqualFold(x.Person.FamilyName, e.Person.FamilyName) || !x.Person.BirthDate.Equal(e.Person.BirthDate.Time) {
					t.Errorf("SearchPersonnel for %d found %d, another person", e.HPRNumber, x.HPRNumber)
				}
				if k > 0 && x.HPRNumber <= got[k-1].HPRNumber {
					t.Errorf("SearchPersonnel results not in number order")
				}
			}
			if got := p.SearchPersonnel(e.Person.FamilyName, hpr.Date{Time: e.Person.BirthDate.AddDate(0, 0, 1)}); slices.ContainsFunc(got,
				func(x hpr.Personnel) bool { return x.HPRNumber == e.HPRNumber }) {
				t.Errorf("SearchPersonnel found %d under another birth date", e.HPRNumber)
			}
		}
		if got := p.SearchPersonnel("", entries[0].Person.BirthDate); got != nil {
			t.Errorf("SearchPersonnel without a surname found %d", len(got))
		}
		if got := p.SearchPersonnel(entries[0].Person.FamilyName, hpr.Date{}); got != nil {
			t.Errorf("SearchPersonnel without a birth date found %d", len(got))
		}
	})
	t.Run("EachPersonnel stops", func(t *testing.T) {
		calls := 0
		p.EachPersonnel(func(hpr.Personnel) bool {
			calls++
			return calls < 3
		})
		if calls != 3 {
			t.Errorf("EachPersonnel called fn %d times after it returned false at 3", calls)
		}
	})
	t.Run("lookups do not scan", func(t *testing.T) {
		// A scan would draw every person's plan (two allocations each).
		e := entries[len(entries)/2]
		if n := testing.AllocsPerRun(20, func() { p.Personnel(e.HPRNumber) }); n > 200 {
			t.Errorf("Personnel allocates %.0f times per call", n)
		}
		if n := testing.AllocsPerRun(20, func() { p.PersonnelByNIN(e.Person.NIN) }); n > 200 {
			t.Errorf("PersonnelByNIN allocates %.0f times per call", n)
		}
		if n := testing.AllocsPerRun(20, func() { p.SearchPersonnel(e.Person.FamilyName, e.Person.BirthDate) }); n > 2000 {
			t.Errorf("SearchPersonnel allocates %.0f times per call", n)
		}
		k, _ := kindByName("health-personnel")
		if n := testing.AllocsPerRun(20, func() { k.has(p, 10) }); n > 3 {
			t.Errorf("the health-personnel kind allocates %.0f times per person", n)
		}
	})
}

func TestHPR_Export(t *testing.T) {
	p, err := Generate(Options{Seed: 3, Persons: 2000})
	if err != nil {
		t.Fatal(err)
	}
	const batch = 50
	var buf bytes.Buffer
	if err := p.writeHPRExport(&buf, batch); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	want := hprEntries(p)
	var got []hpr.Personnel
	for k, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		dec := json.NewDecoder(rc)
		n := 0
		for {
			var e hpr.Personnel
			if err := dec.Decode(&e); errors.Is(err, io.EOF) {
				break
			} else if err != nil {
				t.Fatalf("file %s: %v", f.Name, err)
			}
			got = append(got, e)
			n++
		}
		rc.Close()
		if n > batch || n == 0 || n < batch && k < len(zr.File)-1 {
			t.Errorf("file %s holds %d entries; want %d (fewer only in the last)", f.Name, n, batch)
		}
	}
	if len(got) != len(want) {
		t.Fatalf("export holds %d entries, the register %d", len(got), len(want))
	}
	for k := range want {
		a, _ := json.Marshal(got[k])
		b, _ := json.Marshal(want[k])
		if !bytes.Equal(a, b) {
			t.Fatalf("entry %d differs after the export's round trip", want[k].HPRNumber)
		}
	}
	// The default writer uses files of 10 000 entries.
	var def bytes.Buffer
	if err := p.WriteHPRExport(&def); err != nil {
		t.Fatal(err)
	}
	if zr, err := zip.NewReader(bytes.NewReader(def.Bytes()), int64(def.Len())); err != nil || len(zr.File) != 1 {
		t.Errorf("default export: %v, want one file for %d entries", err, len(want))
	}
	if err := p.WriteHPRExport(failingWriter{}); err == nil {
		t.Errorf("a failing writer gave no error")
	}
}

// failingWriter fails every write.
type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestHPR_JSONShape(t *testing.T) {
	e := defaultHPR()[0]
	b, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"person", "hprNummer", "erstattetAvHprNummer", "godkjenninger", "administrativeReaksjoner", "sistOppdatert", "gjelderForDato"} {
		if _, ok := m[k]; !ok {
			t.Errorf("entry lacks %q", k)
		}
	}
	a := m["godkjenninger"].([]any)[0].(map[string]any)
	for _, k := range []string{"helsepersonellkategori", "autorisasjon", "periode", "godkjentTurnusDato", "rekvisisjonsretter",
		"spesialistgodkjenninger", "tilleggskompetanser", "vilkår", "avsluttetStatus", "administrativeReaksjoner"} {
		if _, ok := a[k]; !ok {
			t.Errorf("approval lacks %q", k)
		}
	}
	if _, ok := a["rekvisisjonsretter"].([]any); !ok {
		t.Errorf("rekvisisjonsretter is not a list")
	}
	if !regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$`).MatchString(m["sistOppdatert"].(string)) {
		t.Errorf("sistOppdatert %q is not a local date-time", m["sistOppdatert"])
	}
}

func TestHPR_ConcurrentReaders(t *testing.T) {
	p, err := Generate(Options{Seed: 5, Persons: 2000})
	if err != nil {
		t.Fatal(err)
	}
	nins := p.NINs()
	var wg sync.WaitGroup
	counts := make([]int, 4)
	for w := range 4 {
		wg.Go(func() {
			for i := w; i < len(nins); i += 4 {
				if e, ok := p.PersonnelByNIN(nins[i]); ok {
					if _, ok := p.Personnel(e.HPRNumber); !ok {
						t.Errorf("entry %d not found by number", e.HPRNumber)
					}
					counts[w]++
				}
			}
		})
	}
	wg.Wait()
	if got, want := counts[0]+counts[1]+counts[2]+counts[3], p.Count("health-personnel"); got != want {
		t.Errorf("%d entries found by nin, %d health personnel", got, want)
	}
}

func TestAgeLimit(t *testing.T) {
	tests := []struct {
		birth, want int32
	}{
		{dayOf(1900, 5, 1), dayOf(1979, 12, 31)}, // 75 before the rule: lapsed when it came
		{dayOf(1930, 5, 1), dayOf(2005, 4, 30)},  // 75 in 2005
		{dayOf(1940, 6, 30), dayOf(2015, 6, 29)}, // 75 the day before the change
		{dayOf(1940, 7, 1), dayOf(2020, 6, 30)},  // 75 on the day of the change: 80
		{dayOf(1979, 3, 12), dayOf(2059, 3, 11)}, // 80
	}
	for _, tt := range tests {
		if got := ageLimit(tt.birth); got != tt.want {
			t.Errorf("ageLimit(%s) = %s, want %s", dayTime(tt.birth).Format(time.DateOnly),
				dayTime(got).Format(time.DateOnly), dayTime(tt.want).Format(time.DateOnly))
		}
	}
}

func BenchmarkHPRPersonnelByNIN(b *testing.B) {
	p, err := defaultPopulation()
	if err != nil {
		b.Fatal(err)
	}
	e := defaultHPR()[100]
	b.ResetTimer()
	for b.Loop() {
		p.PersonnelByNIN(e.Person.NIN)
	}
}
