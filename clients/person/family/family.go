// Package family is the rule for a person's relatives: which of them the
// portal fetches and with which parts, in what order the family panel lists
// them, who holds parental responsibility, and the family graph (who stands
// in which row, in what order, named and dated how, marked deceased or
// address-protected).
//
// It lives under clients/person, beside the model it reads, like
// clients/person/protection: it reads person.Person documents only, and has
// no HTTP, no language and no view model. Words come from the page: a Role
// is a stable name, not text. Whether a relative's address is protected is
// protection.OfRelative's decision, never this package's.
package family

import (
	"slices"

	"github.com/oppslag/oppslag/clients/person"
)

// RelativeParts are the parts the portal fetches of each relative the
// person's document names. No address part is asked for except
// SharedResidence, of which only the existence and the contract dates are
// ever read (S19). FamilyRelation is asked for because a parent's children
// are the person's siblings (Siblings): one list for the whole bulk call,
// so a spouse's or child's relations come along too, and nothing reads
// them.
func RelativeParts() []person.InformationPart {
	return append(SiblingParts(), person.PartFamilyRelation)
}

// SiblingParts are the parts the portal fetches of each sibling, in the
// second bulk call (SiblingNumbers): what the panel and the graph show of
// any relative, without their own relations.
func SiblingParts() []person.InformationPart {
	return []person.InformationPart{
		person.PartName, person.PartBirth, person.PartDeath, person.PartStatus, person.PartGender,
		person.PartAddressProtection, person.PartNorwegianIdentificationNumber, person.PartSharedResidence,
	}
}

// Relation is one relative of the person as the person's own document
// states it.
type Relation struct {
	NIN     string                    // "" for a relative without one; then Without says who
	Role    person.FamilyRelationType // the relative's role
	Mine    person.FamilyRelationType // the person's role for the relative
	Meta    person.Meta
	Without *person.RelatedPersonWithoutIdentifier
	// Sibling is set for a sibling found in the parents' documents
	// (RelationsWith): the kind, the shared parent, a twin.
	Sibling *DerivedSibling
}

// Relations lists the person's relatives in panel order (parents, spouse or
// partner, children, siblings, others): every family relation, current and
// ended, and the spouse or partner of the current marital status (a late
// one too, for the widowed) when no current relation already names them.
func Relations(p *person.Person) []Relation {
	var out []Relation
	for _, fr := range p.FamilyRelation {
		out = append(out, Relation{NIN: fr.RelatedPerson, Role: fr.RelatedPersonsRole, Mine: fr.MyRoleForRelatedPerson,
			Meta: fr.Meta, Without: fr.RelatedPersonWithoutIdentifier})
	}
	for _, m := range person.Valid(p.MaritalStatus) {
		if role, _ := MaritalRole(m.Status); role == "" {
			continue
		}
		if m.RelatedByMaritalStatus == "" || slices.ContainsFunc(out, func(r Relation) bool {
			return r.NIN == m.RelatedByMaritalStatus && r.Meta.Current()
		}) {
			continue
		}
		out = append(out, Relation{NIN: m.RelatedByMaritalStatus, Role: person.RelationSpouseOrPartner,
			Mine: person.RelationSpouseOrPartner, Meta: m.Meta})
	}
	slices.SortStableFunc(out, func(a, b Relation) int { return relationOrder(a.Role) - relationOrder(b.Role) })
	return out
}

// relationOrder is a role's group in panel order.
func relationOrder(t person.FamilyRelationType) int {
	switch t {
	case person.RelationMother, person.RelationFather, person.RelationCoMother:
		return 0
	case person.RelationSpouseOrPartner:
		return 1
	case person.RelationChild, person.RelationStillbornChild:
		return 2
	case person.RelationSibling:
		return 3
	}
	return 4
}

// RelationsWith is Relations with the siblings found in the parents'
// documents (Siblings) in the siblings' place: oldest first, then the
// siblings only the person's own document names. A sibling both name is
// one relation, with the own document's metadata; one found only through
// the parents carries no metadata of its own, since no item says it.
func RelationsWith(p *person.Person, sibs []DerivedSibling) []Relation {
	own := Relations(p)
	listed := map[string]Relation{}
	for _, r := range own {
		if r.Role == person.RelationSibling && r.NIN != "" && r.Meta.Current() {
			if _, dup := listed[r.NIN]; !dup {
				listed[r.NIN] = r
			}
		}
	}
	derived := map[string]bool{}
	var found []Relation
	for _, s := range sibs {
		derived[s.NIN] = true
		r, ok := listed[s.NIN]
		if !ok {
			r = Relation{NIN: s.NIN, Role: person.RelationSibling, Mine: person.RelationSibling}
		}
		r.Sibling = &s
		found = append(found, r)
	}
	var out []Relation
	placed := false
	for _, r := range own {
		if !placed && relationOrder(r.Role) >= relationOrder(person.RelationSibling) {
			out, placed = append(out, found...), true
		}
		if r.Role == person.RelationSibling && derived[r.NIN] && r.Meta.Current() {
			continue
		}
		out = append(out, r)
	}
	if !placed {
		out = append(out, found...)
	}
	return out
}

// RelativeNumbers are the distinct identity numbers of the person's
// relatives, in panel order: the ones the one bulk call fetches.
func RelativeNumbers(p *person.Person) []string {
	var out []string
	for _, r := range Relations(p) {
		if r.NIN != "" && !slices.Contains(out, r.NIN) {
			out = append(out, r.NIN)
		}
	}
	return out
}

// Responsibility finds the current parental responsibility between the
// person and a relative, in either direction: theirs is true when the
// relative has it for the person, false when the person has it for the
// relative; nil when neither has. An item that leaves out the person's side
// means the person: the document is the person's own.
func Responsibility(p *person.Person, relNIN string) (pr *person.ParentalResponsibility, theirs bool) {
	own := func(n string) bool {
		return n == "" || slices.ContainsFunc(p.NorwegianIdentificationNumber, func(x person.NorwegianIdentificationNumber) bool {
			return x.IdentificationNumber == n
		})
	}
	for _, it := range person.Valid(p.ParentalResponsibility) {
		switch {
		case it.Responsible == relNIN && own(it.SubjectOfResponsibility):
			return &it, true
		case it.SubjectOfResponsibility == relNIN && own(it.Responsible):
			return &it, false
		}
	}
	return nil, false
}
