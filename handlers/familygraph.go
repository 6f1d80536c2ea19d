package handlers

import (
	"github.com/oppslag/oppslag/clients/person"
	"github.com/oppslag/oppslag/clients/person/family"
	"github.com/oppslag/oppslag/views"
)

// familyFacts is what the portal knows about a person's relatives (see
// family.Facts) and how a page links to one of them.
type familyFacts struct {
	family.Facts
	// href returns the page of a relative (a per-session handle, never the
	// number itself), or "" for no link.
	href func(nin string) string
	// rels are the relatives' documents the facts were read from; the
	// parents' among them name the siblings.
	rels map[string]*person.Person
}

// familyFactsOf reads names, protection and death out of the relatives
// fetched by the bulk call (keyed by identity number); link makes the link
// to a relative's page.
func familyFactsOf(rels map[string]*person.Person, link func(string) string) familyFacts {
	return familyFacts{Facts: family.FactsOf(rels), href: link, rels: rels}
}

// graph is the family graph of p as the view draws it; family.Of decides
// who stands where.
func (f familyFacts) graph(p *person.Person) views.FamilyGraph {
	facts := f.Facts
	facts.Siblings = family.Siblings(p, f.rels)
	g := family.Of(p, facts)
	nodes := func(ns []family.Node) []views.FamilyNode {
		var out []views.FamilyNode
		for _, n := range ns {
			out = append(out, f.node(n))
		}
		return out
	}
	return views.FamilyGraph{
		Self:     f.node(g.Self),
		Parents:  nodes(g.Parents),
		Partners: nodes(g.Partners),
		Siblings: nodes(g.Siblings),
		Children: nodes(g.Children),
		Others:   nodes(g.Others),
	}
}

// node is one person of the graph as the view draws it: the role as a
// catalog key, and the number turned into a link, never shown.
func (f familyFacts) node(n family.Node) views.FamilyNode {
	v := views.FamilyNode{Name: n.Name, Born: n.Born, Deceased: n.Deceased, Protected: n.Protected}
	switch {
	case n.Role == family.Sibling:
		v.RoleKey = siblingRole(n.Kin, n.Via, n.Twin)
	case n.Role != "":
		v.RoleKey, v.RoleArg = familyRole(n.Role), n.RawRole
	}
	if n.NIN != "" && f.href != nil {
		v.Href = f.href(n.NIN)
	}
	return v
}

// familyRole is the catalog key of a role in the family graph.
func familyRole(r family.Role) string { return "familygraph.role." + string(r) }

// siblingRole is the catalog key of a sibling's role: twin, half-sibling
// on the shared parent's side, full sibling, or sibling when the kind is not
// known. A half-sibling born on the person's day is named half-sibling:
// the shared parent matters more than the day.
func siblingRole(kin family.Kin, via family.Role, twin bool) string {
	switch {
	case kin == family.Half && via != "":
		return "familygraph.role.half_sibling." + string(via)
	case twin:
		return "familygraph.role.twin"
	case kin == family.Full:
		return "familygraph.role.sibling_full"
	}
	return familyRole(family.Sibling)
}

// familyRoleKey is the catalog key of a relative's role.
func familyRoleKey(r person.FamilyRelationType) string { return familyRole(family.RoleOf(r)) }
