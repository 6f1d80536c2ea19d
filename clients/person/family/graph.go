package family

import (
	"cmp"
	"slices"
	"strconv"

	"github.com/oppslag/oppslag/clients/person"
	"github.com/oppslag/oppslag/clients/person/nin"
	"github.com/oppslag/oppslag/clients/person/protection"
)

// Role is a relative's role seen from the person. The values are stable
// names a page can turn into words; they are not FREG's values.
type Role string

// The roles. A relation names one of the first seven; the current marital
// status names one of the six after them when no relation already does.
const (
	Mother           Role = "mother"
	Father           Role = "father"
	CoMother         Role = "comother"
	Child            Role = "child"
	Stillborn        Role = "stillborn"
	Sibling          Role = "sibling"
	SpouseOrPartner  Role = "spouse_or_partner" // by family relation, which does not say which
	Spouse           Role = "spouse"
	Partner          Role = "partner"
	SpouseSeparated  Role = "spouse_separated"
	PartnerSeparated Role = "partner_separated"
	SpouseLate       Role = "spouse_late"
	PartnerLate      Role = "partner_late"
	Unknown          Role = "unknown" // a role the API added later; Node.RawRole has it as received
)

// RoleOf is the role of a relative by the family relation's role; Unknown
// for a value the portal does not know.
func RoleOf(r person.FamilyRelationType) Role {
	switch r {
	case person.RelationMother:
		return Mother
	case person.RelationFather:
		return Father
	case person.RelationCoMother:
		return CoMother
	case person.RelationChild:
		return Child
	case person.RelationStillbornChild:
		return Stillborn
	case person.RelationSibling:
		return Sibling
	case person.RelationSpouseOrPartner:
		return SpouseOrPartner
	}
	return Unknown
}

// MaritalRole is the role of the person named by a current marital status
// item, and whether that person is dead; "" when the status names no
// spouse or partner of today (unmarried, divorced).
func MaritalRole(s person.MaritalStatusType) (role Role, deceased bool) {
	switch s {
	case person.MaritalMarried:
		return Spouse, false
	case person.MaritalRegisteredPartner:
		return Partner, false
	case person.MaritalSeparated:
		return SpouseSeparated, false
	case person.MaritalSeparatedPartner:
		return PartnerSeparated, false
	case person.MaritalWidowOrWidower:
		return SpouseLate, true
	case person.MaritalSurvivingPartner:
		return PartnerLate, true
	}
	return "", false
}

// Graph is a person's family as it is today, in rows around the person:
// parents above, partners beside, siblings, children below, and relations
// of a role the portal does not know apart. Every relative is related to
// the person alone; the row is the edge.
type Graph struct {
	Self     Node
	Parents  []Node // mother, father, co-mother, in that order
	Partners []Node // by family relation first, then by marital status
	Siblings []Node // oldest first, unknown birth last
	Children []Node // oldest first, unknown birth last
	Others   []Node // as the document lists them
}

// Empty reports whether the graph has no relatives.
func (g Graph) Empty() bool {
	return len(g.Parents)+len(g.Partners)+len(g.Siblings)+len(g.Children)+len(g.Others) == 0
}

// Node is one person in the graph.
type Node struct {
	Role    Role   // "" for the person
	RawRole string // for Unknown, the role as the document has it
	// NIN is the relative's identity number, for a link to their own page;
	// "" for the person and for a relative without one. A page must turn it
	// into a per-session handle and never show it.
	NIN       string
	Name      string // display name; "" when not known
	Born      string // birth year; "" when not known
	Deceased  bool
	Protected bool // the address is protected (S19): show that, never where
	// Kin, Via and Twin say, for a sibling found in the parents' documents:
	// full or half, the shared parent of a half sibling, and a birth on the
	// person's day.
	Kin  Kin
	Via  Role
	Twin bool
}

// Facts is what the portal knows about the relatives beyond the person's
// own document, keyed by identity number. Every map may be nil: the graph
// then shows what the document itself says, as when the bulk call failed.
type Facts struct {
	Names     map[string]string // display names
	Protected map[string]bool   // a protected address, as protection.OfRelative decides (S19)
	Deceased  map[string]bool
	// Siblings are the siblings found in the parents' documents
	// (Siblings); nil when none are known, and the graph shows the
	// siblings the person's own document names, if any.
	Siblings []DerivedSibling
}

// FactsOf reads names, protection and death out of the relatives fetched
// by the bulk call, keyed by identity number.
func FactsOf(rels map[string]*person.Person) Facts {
	f := Facts{Names: map[string]string{}, Protected: map[string]bool{}, Deceased: map[string]bool{}}
	for n, r := range rels {
		if r == nil {
			continue
		}
		if name := r.CurrentName(); name != nil {
			f.Names[n] = person.JoinParts(name.GivenName, name.MiddleName, name.FamilyName)
		}
		f.Protected[n] = protection.OfRelative(r).Protected()
		f.Deceased[n] = deceased(r)
	}
	return f
}

// Of builds the family graph of p from its current family relations and
// marital status. Only current items count: a former spouse or an ended
// relation belongs to the timeline, not the family as it is.
func Of(p *person.Person, f Facts) Graph {
	var g Graph
	if p == nil {
		return g
	}
	g.Self = Node{Protected: protection.Of(p).Protected(), Deceased: deceased(p)}
	if n := p.CurrentName(); n != nil {
		g.Self.Name = person.JoinParts(n.GivenName, n.MiddleName, n.FamilyName)
	}
	if b := p.CurrentBirth(); b != nil {
		g.Self.Born = birthYear(b.BirthDate, b.BirthYear)
	}

	type placed struct {
		node Node
		born string // YYYY-MM-DD or YYYY, for ordering
	}
	var parents, partners, siblings, children, others []placed
	seen := map[string]bool{} // partners already placed, by number
	derived := map[string]bool{}
	for _, s := range f.Siblings {
		derived[s.NIN] = true
		n, born := f.node(s.NIN, nil)
		if s.born != "" {
			born = s.born
		}
		n.Role, n.Kin, n.Via, n.Twin = Sibling, s.Kin, s.Via, s.Twin
		if s.Kin != Half {
			n.Via = ""
		}
		siblings = append(siblings, placed{n, born})
	}

	for _, rel := range person.Valid(p.FamilyRelation) {
		n, born := f.node(rel.RelatedPerson, rel.RelatedPersonWithoutIdentifier)
		n.Role = RoleOf(rel.RelatedPersonsRole)
		switch n.Role {
		case Mother, Father, CoMother:
			parents = append(parents, placed{n, born})
		case Child:
			children = append(children, placed{n, born})
		case Stillborn:
			n.Deceased = true
			children = append(children, placed{n, born})
		case Sibling:
			if !derived[rel.RelatedPerson] { // else already placed, with the kind
				siblings = append(siblings, placed{n, born})
			}
		case SpouseOrPartner:
			if rel.RelatedPerson != "" {
				seen[rel.RelatedPerson] = true
			}
			partners = append(partners, placed{n, born})
		default:
			// Shown as it came, never dropped.
			n.RawRole = string(rel.RelatedPersonsRole)
			others = append(others, placed{n, born})
		}
	}

	// The spouse or partner by marital status, when familyRelation does not
	// already name them. A widow's or surviving partner's item names the
	// late spouse.
	for _, ms := range person.Valid(p.MaritalStatus) {
		role, dead := MaritalRole(ms.Status)
		if role == "" || ms.RelatedByMaritalStatus == "" || seen[ms.RelatedByMaritalStatus] {
			continue
		}
		seen[ms.RelatedByMaritalStatus] = true
		n, born := f.node(ms.RelatedByMaritalStatus, nil)
		n.Role = role
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
		return cmp.Compare(parentOrder(a.node.Role), parentOrder(b.node.Role))
	})

	nodes := func(ps []placed) []Node {
		var out []Node
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
func (f Facts) node(id string, without *person.RelatedPersonWithoutIdentifier) (Node, string) {
	var n Node
	var born string
	if id != "" {
		n.NIN = id
		n.Name = f.Names[id]
		n.Protected = f.Protected[id]
		n.Deceased = f.Deceased[id]
		if num, err := nin.Parse(id); err == nil {
			if d, ok := num.BirthDate(); ok {
				born = d.Format("2006-01-02")
				n.Born = strconv.Itoa(d.Year())
			}
		}
	}
	if without != nil {
		if n.Name == "" && without.Name != nil {
			n.Name = person.JoinParts(without.Name.GivenName, without.Name.MiddleName, without.Name.FamilyName)
		}
		if n.Born == "" && !without.BirthDate.IsZero() {
			born = without.BirthDate.DateOnly()
			n.Born = born[:4]
		}
	}
	return n, born
}

func parentOrder(r Role) int {
	switch r {
	case Mother:
		return 0
	case Father:
		return 1
	}
	return 2
}

// deceased reports whether the document says the person is dead, by status
// or by a current death item: either alone is enough.
func deceased(p *person.Person) bool {
	return p.CurrentStatus() == person.StatusDeceased || (p.Death != nil && p.Death.Current())
}

// birthYear is the year of a birth date, or the separately registered birth
// year, or "".
func birthYear(d person.DateTime, year string) string {
	if d.Known() {
		return strconv.Itoa(d.Year())
	}
	return year
}
