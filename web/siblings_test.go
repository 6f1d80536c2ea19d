package web

import (
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/oppslag/oppslag/clients/person"
)

// Siblings (F5): FREG keeps no sibling relation, so the portal finds them
// in the parents' documents. These tests open persons the synthetic kinds
// "twin" and "half-sibling" find.

// withBothParents is the first person of the kind whose document names a
// mother and a father and for whom pick finds a sibling; it returns the
// person and that sibling.
func withBothParents(t *testing.T, h *harness, kind string,
	pick func(p *person.Person, parents map[person.FamilyRelationType]*person.Person) (*person.Person, string)) (*person.Person, *person.Person, string) {
	t.Helper()
	for _, p := range h.pop.Where(kind, 0) {
		parents := map[person.FamilyRelationType]*person.Person{}
		for _, r := range person.Valid(p.FamilyRelation) {
			if r.RelatedPersonsRole == person.RelationMother || r.RelatedPersonsRole == person.RelationFather {
				if d, ok := h.pop.ByNIN(r.RelatedPerson); ok {
					parents[r.RelatedPersonsRole] = d
				}
			}
		}
		if len(parents) != 2 {
			continue
		}
		if sib, via := pick(p, parents); sib != nil {
			return p, sib, via
		}
	}
	t.Fatalf("no %s person with both parents and a sibling in the test population", kind)
	return nil, nil, ""
}

// childrenOf are the numbers of the current children a document lists.
func childrenOf(p *person.Person) []string {
	var out []string
	for _, r := range person.Valid(p.FamilyRelation) {
		if r.RelatedPersonsRole == person.RelationChild && r.RelatedPerson != "" {
			out = append(out, r.RelatedPerson)
		}
	}
	return out
}

// panelRelative is the family panel's item titled with name.
func panelRelative(t *testing.T, body, name string) *html.Node {
	t.Helper()
	for _, it := range testids(t, body, "relative") {
		if strings.Contains(nodeText(it), name) {
			return it
		}
	}
	t.Fatalf("no relative %q in the family panel", name)
	return nil
}

// graphItem is the family graph's text-alternative line naming name.
func graphItem(t *testing.T, body, name string) string {
	t.Helper()
	for _, it := range testids(t, body, "family-graph-item") {
		if s := nodeText(it); strings.Contains(s, name) {
			return s
		}
	}
	t.Fatalf("no %q in the family graph's list", name)
	return ""
}

func siblingName(p *person.Person) string {
	n := p.CurrentName()
	return strings.Join(strings.Fields(n.GivenName+" "+n.MiddleName+" "+n.FamilyName), " ")
}

// TestSiblings_Twin: a twin's family panel and graph show the other twin as
// a twin and a full sibling, and the family audit record names the sibling
// (S27), fetched by the second bulk call.
func TestSiblings_Twin(t *testing.T) {
	h := newHarness(t)
	b, tok := clinician(t, h)
	twin, other, _ := withBothParents(t, h, "twin", func(p *person.Person, parents map[person.FamilyRelationType]*person.Person) (*person.Person, string) {
		mother, father := childrenOf(parents[person.RelationMother]), childrenOf(parents[person.RelationFather])
		for _, n := range mother {
			s, ok := h.pop.ByNIN(n)
			if ok && s.ID != p.ID && slices.Contains(father, n) &&
				s.CurrentBirth().BirthDate.Equal(p.CurrentBirth().BirthDate.Time) {
				return s, ""
			}
		}
		return nil, ""
	})
	page := b.open(tok, numberOf(t, twin))
	name := siblingName(other)

	it := nodeText(panelRelative(t, page.body, name))
	for _, want := range []string{msg("person.family.kin.twin"), msg("person.family.kin.full"), msg("person.family.kin.derived")} {
		if !strings.Contains(it, want) {
			t.Errorf("panel item %q lacks %q", it, want)
		}
	}
	if strings.Contains(it, msg("person.family.kin.half")) {
		t.Errorf("panel item %q says half-sibling; want a full sibling", it)
	}
	if g := graphItem(t, page.body, name); !strings.HasPrefix(g, msg("familygraph.role.twin")+":") {
		t.Errorf("graph item %q; want it to start with %q", g, msg("familygraph.role.twin"))
	}
	// The timeline has the twin's birth, named, with the same word.
	tl := b.get(personPath(page) + "/timeline")
	if want := msg("timeline.event.relative_birth.named", name, msg("familygraph.role.twin")); !strings.Contains(tl.body, want) {
		t.Errorf("timeline lacks %q", want)
	}

	var family []string
	for _, r := range h.records() {
		if r.Resource == "family" && r.Patient == numberOf(t, twin) {
			family = append(family, r.Results...)
		}
	}
	if !slices.Contains(family, numberOf(t, other)) {
		t.Errorf("family audit results %v lack the twin's number", family)
	}
}

// TestSiblings_Half: a half-sibling is marked half, on the side of the
// parent the two share, in the panel and in the graph.
func TestSiblings_Half(t *testing.T) {
	h := newHarness(t)
	b, tok := clinician(t, h)
	p, half, via := withBothParents(t, h, "half-sibling", func(p *person.Person, parents map[person.FamilyRelationType]*person.Person) (*person.Person, string) {
		mother, father := childrenOf(parents[person.RelationMother]), childrenOf(parents[person.RelationFather])
		for _, side := range []struct {
			mine, other []string
			via         string
		}{{mother, father, "mother"}, {father, mother, "father"}} {
			for _, n := range side.mine {
				if s, ok := h.pop.ByNIN(n); ok && s.ID != p.ID && !slices.Contains(side.other, n) {
					return s, side.via
				}
			}
		}
		return nil, ""
	})
	page := b.open(tok, numberOf(t, p))
	name := siblingName(half)

	it := nodeText(panelRelative(t, page.body, name))
	for _, want := range []string{msg("person.family.kin.half"), msg("person.family.kin.half." + via)} {
		if !strings.Contains(it, want) {
			t.Errorf("panel item %q lacks %q", it, want)
		}
	}
	if g, want := graphItem(t, page.body, name), msg("familygraph.role.half_sibling."+via)+":"; !strings.HasPrefix(g, want) {
		t.Errorf("graph item %q; want it to start with %q", g, want)
	}
}
