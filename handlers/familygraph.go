package handlers

import (
	"cmp"
	"slices"
	"strconv"
	"strings"

	"github.com/oppslag/oppslag/clients/person"
	"github.com/oppslag/oppslag/clients/person/nin"
	"github.com/oppslag/oppslag/clients/person/protection"
	"github.com/oppslag/oppslag/views"
)

// familyFacts is what the portal knows about a person's relatives beyond the
// person's own document, keyed by identity number. Every field may be nil:
// the graph then shows what the document itself says.
type familyFacts struct {
	names     map[string]string // display names, from the one bulk call
	protected map[string]bool   // relatives with a protected address, as protection.OfRelative decides (S19)
	deceased  map[string]bool   // relatives the bulk call says are dead
	// href returns the page of a relative (a per-session handle, never the
	// number itself), or "" for no link.
	href func(nin string) string
}

// buildFamilyGraph builds the family graph of p. names maps a relative's
// identity number to the display name from the bulk call and protected marks
// relatives with a protected address; both may be nil or empty.
func buildFamilyGraph(p *person.Person, names map[string]string, protected map[string]bool) views.FamilyGraph {
	return familyFacts{names: names, protected: protected}.graph(p)
}

// familyFactsOf reads names, protection and death out of the relatives
// fetched by the bulk call (keyed by identity number); link makes the link
// to a relative's page.
func familyFactsOf(rels map[string]*person.Person, link func(string) string) familyFacts {
	f := familyFacts{names: map[string]string{}, protected: map[string]bool{}, deceased: map[string]bool{}, href: link}
	for n, r := range rels {
		if r == nil {
			continue
		}
		if name := r.CurrentName(); name != nil {
			f.names[n] = familyName(name.GivenName, name.MiddleName, name.FamilyName)
		}
		f.protected[n] = protection.OfRelative(r).Protected()
		f.deceased[n] = r.CurrentStatus() == person.StatusDeceased || (r.Death != nil && r.Death.Current())
	}
	return f
}

// graph builds the family graph of p from its current family relations and
// marital status. Only current items count: a former spouse or an ended
// relation belongs to the timeline, not the family as it is.
func (f familyFacts) graph(p *person.Person) views.FamilyGraph {
	var g views.FamilyGraph
	if p == nil {
		return g
	}
	g.Self = views.FamilyNode{
		Protected: protection.Of(p).Protected(),
		Deceased:  p.CurrentStatus() == person.StatusDeceased || (p.Death != nil && p.Death.Current()),
	}
	if n := p.CurrentName(); n != nil {
		g.Self.Name = familyName(n.GivenName, n.MiddleName, n.FamilyName)
	}
	if b := p.CurrentBirth(); b != nil {
		g.Self.Born = familyBirthYear(b.BirthDate, b.BirthYear)
	}

	type placed struct {
		node views.FamilyNode
		born string // YYYY-MM-DD or YYYY, for ordering
	}
	var parents, partners, siblings, children, others []placed
	seen := map[string]bool{} // partners already placed, by number

	for _, rel := range person.Valid(p.FamilyRelation) {
		n, born := f.node(rel.RelatedPerson, rel.RelatedPersonWithoutIdentifier)
		switch rel.RelatedPersonsRole {
		case person.RelationMother, person.RelationFather, person.RelationCoMother:
			n.RoleKey = familyRoleKey(rel.RelatedPersonsRole)
			parents = append(parents, placed{n, born})
		case person.RelationChild:
			n.RoleKey = familyRoleKey(rel.RelatedPersonsRole)
			children = append(children, placed{n, born})
		case person.RelationStillbornChild:
			n.RoleKey = familyRoleKey(rel.RelatedPersonsRole)
			n.Deceased = true
			children = append(children, placed{n, born})
		case person.RelationSibling:
			n.RoleKey = familyRoleKey(rel.RelatedPersonsRole)
			siblings = append(siblings, placed{n, born})
		case person.RelationSpouseOrPartner:
			n.RoleKey = familyRoleKey(rel.RelatedPersonsRole)
			if rel.RelatedPerson != "" {
				seen[rel.RelatedPerson] = true
			}
			partners = append(partners, placed{n, born})
		default:
			// A role the API added later: shown as it came, never dropped.
			n.RoleKey, n.RoleArg = "familygraph.role.unknown", string(rel.RelatedPersonsRole)
			others = append(others, placed{n, born})
		}
	}

	// The spouse or partner by marital status, when familyRelation does not
	// already name them. A widow's or surviving partner's item names the
	// late spouse.
	for _, ms := range person.Valid(p.MaritalStatus) {
		key, dead := familyMaritalRole(ms.Status)
		if key == "" || ms.RelatedByMaritalStatus == "" || seen[ms.RelatedByMaritalStatus] {
			continue
		}
		seen[ms.RelatedByMaritalStatus] = true
		n, born := f.node(ms.RelatedByMaritalStatus, nil)
		n.RoleKey = key
		n.Deceased = n.Deceased || dead
		partners = append(partners, placed{n, born})
	}

	// Oldest first among children and siblings; parents in role order
	// (mother, father, co-mother) as FREG lists them.
	byBirth := func(a, b placed) int {
		switch {
		case a.born == "" && b.born != "":
			return 1
		case a.born != "" && b.born == "":
			return -1
		}
		return cmp.Compare(a.born, b.born)
	}
	slices.SortStableFunc(children, byBirth)
	slices.SortStableFunc(siblings, byBirth)
	slices.SortStableFunc(parents, func(a, b placed) int {
		return cmp.Compare(familyParentOrder(a.node.RoleKey), familyParentOrder(b.node.RoleKey))
	})

	nodes := func(ps []placed) []views.FamilyNode {
		var out []views.FamilyNode
		for _, p := range ps {
			out = append(out, p.node)
		}
		return out
	}
	g.Parents, g.Partners, g.Siblings, g.Children, g.Others =
		nodes(parents), nodes(partners), nodes(siblings), nodes(children), nodes(others)
	return g
}

// node is one relative, by identity number or, for a relative without one,
// by the name and birth date the document carries. It returns the node and
// the birth date for ordering.
func (f familyFacts) node(id string, without *person.RelatedPersonWithoutIdentifier) (views.FamilyNode, string) {
	var n views.FamilyNode
	var born string
	if id != "" {
		n.Name = f.names[id]
		n.Protected = f.protected[id]
		n.Deceased = f.deceased[id]
		if f.href != nil {
			n.Href = f.href(id)
		}
		if num, err := nin.Parse(id); err == nil {
			if d, ok := num.BirthDate(); ok {
				born = d.Format("2006-01-02")
				n.Born = strconv.Itoa(d.Year())
			}
		}
	}
	if without != nil {
		if n.Name == "" && without.Name != nil {
			n.Name = familyName(without.Name.GivenName, without.Name.MiddleName, without.Name.FamilyName)
		}
		if n.Born == "" && !without.BirthDate.IsZero() {
			born = without.BirthDate.DateOnly()
			n.Born = born[:4]
		}
	}
	return n, born
}

// familyRoleKey is the catalog key of a relative's role.
func familyRoleKey(r person.FamilyRelationType) string {
	switch r {
	case person.RelationMother:
		return "familygraph.role.mother"
	case person.RelationFather:
		return "familygraph.role.father"
	case person.RelationCoMother:
		return "familygraph.role.comother"
	case person.RelationChild:
		return "familygraph.role.child"
	case person.RelationStillbornChild:
		return "familygraph.role.stillborn"
	case person.RelationSibling:
		return "familygraph.role.sibling"
	case person.RelationSpouseOrPartner:
		return "familygraph.role.spouse_or_partner"
	}
	return "familygraph.role.unknown"
}

func familyParentOrder(key string) int {
	switch key {
	case "familygraph.role.mother":
		return 0
	case "familygraph.role.father":
		return 1
	}
	return 2
}

// familyMaritalRole is the role of the person named by a current marital
// status item, and whether that person is dead; "" when the status names no
// spouse or partner of today (unmarried, divorced).
func familyMaritalRole(s person.MaritalStatusType) (key string, deceased bool) {
	switch s {
	case person.MaritalMarried:
		return "familygraph.role.spouse", false
	case person.MaritalRegisteredPartner:
		return "familygraph.role.partner", false
	case person.MaritalSeparated:
		return "familygraph.role.spouse_separated", false
	case person.MaritalSeparatedPartner:
		return "familygraph.role.partner_separated", false
	case person.MaritalWidowOrWidower:
		return "familygraph.role.spouse_late", true
	case person.MaritalSurvivingPartner:
		return "familygraph.role.partner_late", true
	}
	return "", false
}

// familyName joins the non-empty name parts with single spaces.
func familyName(parts ...string) string {
	var out []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, " ")
}

// familyBirthYear is the year of a birth date, or the separately registered birth
// year, or "".
func familyBirthYear(d person.DateTime, year string) string {
	if d.Known() {
		return strconv.Itoa(d.Year())
	}
	return year
}
