package family

import (
	"cmp"
	"slices"
	"time"

	"github.com/oppslag/oppslag/clients/person"
	"github.com/oppslag/oppslag/clients/person/nin"
)

// Kin says how much parentage a sibling shares with the person.
type Kin string

// The kinds of sibling. FREG registers no sibling relation: a sibling is a
// child in a parent's document, and the kind follows from which of the
// person's parents list them.
const (
	// Full: every parent the person's document names lists them, and the
	// person has at least two.
	Full Kin = "full"
	// Half: a parent of the person lists them, another parent of the
	// person, whose document was read, does not.
	Half Kin = "half"
	// KinUnknown: a shared parent, and no way to tell whether the other is
	// shared too: the person has only one parent registered, or another
	// parent's document could not be read. The page says "sibling" and
	// claims neither full nor half.
	KinUnknown Kin = ""
)

// DerivedSibling is a brother or sister of the person, found in the
// documents of the person's parents.
type DerivedSibling struct {
	NIN  string
	Kin  Kin
	Via  Role // for Half and KinUnknown, the first shared parent (mother, father, co-mother order); "" for Full
	Twin bool // born on the person's birth date: twins or more of one birth
	// Listed is true when the person's own document also names them with
	// the role Sibling; they are still one sibling.
	Listed bool
	born   string // YYYY-MM-DD, for ordering; "" when not known
}

// SiblingNumbers are the identity numbers of the person's siblings whose
// own documents are not among docs yet: the ones a second bulk call
// fetches, after the first has brought the parents' documents.
func SiblingNumbers(p *person.Person, docs map[string]*person.Person) []string {
	var out []string
	for _, s := range Siblings(p, docs) {
		if docs[s.NIN] == nil {
			out = append(out, s.NIN)
		}
	}
	return out
}

// Siblings derives the person's siblings from the documents of the
// person's current parents in docs (keyed by identity number; a sibling's
// own document there, when fetched, gives their birth date), oldest first.
// A sibling is a current child relation in a parent's document; the
// person is never their own sibling (any of their numbers, a replaced one
// too). A relative the person's own document names under another role
// (parent, partner, child) stays in that role and is not listed again.
// Children without an identity number in a parent's document are left
// out: they cannot be matched between the two parents, so neither the
// kind nor a link could be given.
func Siblings(p *person.Person, docs map[string]*person.Person) []DerivedSibling {
	if p == nil {
		return nil
	}
	own := map[string]bool{}
	for _, n := range p.NorwegianIdentificationNumber {
		own[n.IdentificationNumber] = true
	}
	listed := map[string]bool{}
	elsewhere := map[string]bool{}
	for _, r := range Relations(p) {
		if !r.Meta.Current() || r.NIN == "" {
			continue
		}
		if r.Role == person.RelationSibling {
			listed[r.NIN] = true
		} else {
			elsewhere[r.NIN] = true
		}
	}

	type parent struct {
		role Role
		doc  *person.Person
	}
	var parents []parent
	seen := map[string]bool{}
	for _, r := range person.Valid(p.FamilyRelation) {
		role := RoleOf(r.RelatedPersonsRole)
		if (role != Mother && role != Father && role != CoMother) || r.RelatedPerson == "" || seen[r.RelatedPerson] {
			continue
		}
		seen[r.RelatedPerson] = true
		parents = append(parents, parent{role, docs[r.RelatedPerson]})
	}
	slices.SortStableFunc(parents, func(a, b parent) int { return cmp.Compare(parentOrder(a.role), parentOrder(b.role)) })

	read := 0
	var order []string
	shared := map[string][]Role{}
	for _, par := range parents {
		if par.doc == nil {
			continue
		}
		read++
		for _, c := range person.Valid(par.doc.FamilyRelation) {
			n := c.RelatedPerson
			if c.RelatedPersonsRole != person.RelationChild || n == "" || own[n] || elsewhere[n] ||
				slices.Contains(shared[n], par.role) {
				continue
			}
			if shared[n] == nil {
				order = append(order, n)
			}
			shared[n] = append(shared[n], par.role)
		}
	}

	self := ownBirth(p)
	var out []DerivedSibling
	for _, n := range order {
		s := DerivedSibling{NIN: n, Listed: listed[n], born: birthOf(n, docs[n])}
		switch via := shared[n]; {
		case len(parents) >= 2 && len(via) == len(parents):
			s.Kin = Full
		case len(via) < read:
			s.Kin, s.Via = Half, via[0]
		default:
			s.Via = via[0]
		}
		s.Twin = self != "" && s.born == self
		out = append(out, s)
	}
	slices.SortStableFunc(out, func(a, b DerivedSibling) int {
		switch {
		case a.born == "" && b.born != "":
			return 1
		case a.born != "" && b.born == "":
			return -1
		}
		return cmp.Compare(a.born, b.born)
	})
	return out
}

// ownBirth is the person's birth date, by the document or else by the
// number; "" when neither says.
func ownBirth(p *person.Person) string {
	if b := p.CurrentBirth(); b != nil && b.BirthDate.Known() {
		return b.BirthDate.DateOnly()
	}
	for _, n := range p.NorwegianIdentificationNumber {
		if d := ninBirth(n.IdentificationNumber); d != "" {
			return d
		}
	}
	return ""
}

// birthOf is a sibling's birth date, by their own document when fetched,
// else by their number.
func birthOf(n string, doc *person.Person) string {
	if doc != nil {
		if b := doc.CurrentBirth(); b != nil && b.BirthDate.Known() {
			return b.BirthDate.DateOnly()
		}
	}
	return ninBirth(n)
}

// ninBirth is the birth date a number encodes, or "" (an FH number has none).
func ninBirth(n string) string {
	num, err := nin.Parse(n)
	if err != nil {
		return ""
	}
	d, ok := num.BirthDate()
	if !ok {
		return ""
	}
	return d.Format(time.DateOnly)
}
