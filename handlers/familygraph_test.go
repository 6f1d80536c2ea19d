package handlers

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/oppslag/oppslag/clients/person"
	"github.com/oppslag/oppslag/clients/person/family"
	"github.com/oppslag/oppslag/views"
	"github.com/oppslag/oppslag/views/i18n"
)

// fgFamily is a person with parents, a co-mother, a spouse by marital
// status, siblings, children (one without an identity number, one
// stillborn) and a relation of a role the portal does not know.
type fgFamily struct {
	p                                             *person.Person
	mother, comother, spouse, sib, child1, child2 string
}

func newFGFamily(t *testing.T) fgFamily {
	t.Helper()
	f := fgFamily{
		mother:   tlTestNIN(t, "1950-02-02", 10),
		comother: tlTestNIN(t, "1952-03-03", 12),
		spouse:   tlTestNIN(t, "1979-04-04", 13),
		sib:      tlTestNIN(t, "1983-05-05", 14),
		child1:   tlTestNIN(t, "2012-06-06", 15),
		child2:   tlTestNIN(t, "2009-07-07", 16),
	}
	rel := func(nin string, role, mine person.FamilyRelationType) person.FamilyRelation {
		return person.FamilyRelation{Meta: tlMeta("2000-01-01", ""), RelatedPerson: nin, RelatedPersonsRole: role, MyRoleForRelatedPerson: mine}
	}
	f.p = &person.Person{
		Name:  []person.PersonName{{Meta: tlMeta("1980-03-12", ""), GivenName: "Kari", FamilyName: "Nordmann"}},
		Birth: []person.Birth{{Meta: tlMeta("1980-03-12", ""), BirthDate: tlDay("1980-03-12")}},
		FamilyRelation: []person.FamilyRelation{
			rel(f.comother, person.RelationCoMother, person.RelationChild),
			rel(f.mother, person.RelationMother, person.RelationChild),
			rel(f.child1, person.RelationChild, person.RelationMother),
			rel(f.child2, person.RelationChild, person.RelationMother),
			rel(f.sib, person.RelationSibling, person.RelationSibling),
			{Meta: tlMeta("2020-01-01", ""), RelatedPersonsRole: person.RelationChild, MyRoleForRelatedPerson: person.RelationMother,
				RelatedPersonWithoutIdentifier: &person.RelatedPersonWithoutIdentifier{
					Name: &person.Name{GivenName: "Lisa", FamilyName: "Utland"}, BirthDate: tlDay("2020-01-01")}},
			{Meta: tlMeta("2015-01-01", ""), RelatedPersonsRole: person.RelationStillbornChild, MyRoleForRelatedPerson: person.RelationMother,
				RelatedPersonWithoutIdentifier: &person.RelatedPersonWithoutIdentifier{BirthDate: tlDay("2015-01-01")}},
			{Meta: tlMeta("2000-01-01", ""), RelatedPerson: tlTestNIN(t, "1990-01-01", 18), RelatedPersonsRole: "Cousin"},
			// An ended relation belongs to history, not to the family today.
			{Meta: tlMeta("1990-01-01", "1995-01-01"), RelatedPerson: tlTestNIN(t, "1960-01-01", 20), RelatedPersonsRole: person.RelationFather},
		},
		MaritalStatus: []person.MaritalStatus{
			{Meta: tlMeta("1980-03-12", "2008-07-05"), Status: person.MaritalUnmarried},
			{Meta: tlMeta("2008-07-05", ""), Status: person.MaritalMarried, RelatedByMaritalStatus: f.spouse},
		},
	}
	return f
}

func fgRoles(ns []views.FamilyNode) []string {
	var out []string
	for _, n := range ns {
		out = append(out, strings.TrimPrefix(n.RoleKey, "familygraph.role."))
	}
	return out
}

// buildFamilyGraph is the family graph of p as the view draws it, without
// links. names maps a relative's identity number to the display name from
// the bulk call and protected marks relatives with a protected address;
// both may be nil or empty.
func buildFamilyGraph(p *person.Person, names map[string]string, protected map[string]bool) views.FamilyGraph {
	return familyFacts{Facts: family.Facts{Names: names, Protected: protected}}.graph(p)
}

// TestFamilyGraph_View covers the mapping of family.Of's graph to the view:
// the rows as they are, roles as catalog keys, numbers as links only. Who
// stands where is clients/person/family's rule, tested there.
func TestFamilyGraph_View(t *testing.T) {
	f := newFGFamily(t)
	ff := familyFacts{
		Facts: family.Facts{Names: map[string]string{f.mother: "Anne Nordmann"}, Protected: map[string]bool{f.child2: true}},
		href:  func(n string) string { return "/person/h-" + n },
	}
	g := ff.graph(f.p)
	tests := []struct {
		name      string
		got, want views.FamilyNode
	}{
		{"self: no role, no link", g.Self, views.FamilyNode{Name: "Kari Nordmann", Born: "1980"}},
		{"mother", g.Parents[0], views.FamilyNode{RoleKey: "familygraph.role.mother", Name: "Anne Nordmann", Born: "1950", Href: "/person/h-" + f.mother}},
		{"spouse by marital status", g.Partners[0], views.FamilyNode{RoleKey: "familygraph.role.spouse", Born: "1979", Href: "/person/h-" + f.spouse}},
		{"protected child", g.Children[0], views.FamilyNode{RoleKey: "familygraph.role.child", Born: "2009", Protected: true, Href: "/person/h-" + f.child2}},
		{"stillborn: no number, no link", g.Children[2], views.FamilyNode{RoleKey: "familygraph.role.stillborn", Born: "2015", Deceased: true}},
		{"unknown role: the raw value as argument", g.Others[0], views.FamilyNode{RoleKey: "familygraph.role.unknown", RoleArg: "Cousin", Born: "1990",
			Href: "/person/h-" + f.p.FamilyRelation[7].RelatedPerson}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %+v, want %+v", tt.got, tt.want)
			}
		})
	}
	rows := []struct {
		name string
		got  []views.FamilyNode
		want string
	}{
		{"parents", g.Parents, "mother,comother"},
		{"partners", g.Partners, "spouse"},
		{"siblings", g.Siblings, "sibling"},
		{"children", g.Children, "child,child,stillborn,child"},
		{"others", g.Others, "unknown"},
	}
	for _, tt := range rows {
		t.Run(tt.name, func(t *testing.T) {
			if got := strings.Join(fgRoles(tt.got), ","); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
	if got := buildFamilyGraph(f.p, nil, nil).Parents[0].Href; got != "" {
		t.Errorf("got link %q without a link maker, want none", got)
	}
}

func TestFamilyRoleKey(t *testing.T) {
	tests := []struct {
		in   person.FamilyRelationType
		want string
	}{
		{person.RelationMother, "familygraph.role.mother"},
		{person.RelationCoMother, "familygraph.role.comother"},
		{person.RelationStillbornChild, "familygraph.role.stillborn"},
		{person.RelationSpouseOrPartner, "familygraph.role.spouse_or_partner"},
		{"Cousin", "familygraph.role.unknown"},
	}
	for _, tt := range tests {
		t.Run(string(tt.in), func(t *testing.T) {
			if got := familyRoleKey(tt.in); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// TestSiblingRole: a sibling found in the parents' documents is named by
// kind, and every key is in the catalog.
func TestSiblingRole(t *testing.T) {
	tests := []struct {
		name string
		kin  family.Kin
		via  family.Role
		twin bool
		want string
	}{
		{"full", family.Full, "", false, "familygraph.role.sibling_full"},
		{"twin", family.Full, "", true, "familygraph.role.twin"},
		{"twin, kind not known", family.KinUnknown, family.Mother, true, "familygraph.role.twin"},
		{"half on the mother's side", family.Half, family.Mother, false, "familygraph.role.half_sibling.mother"},
		{"half on the father's side", family.Half, family.Father, false, "familygraph.role.half_sibling.father"},
		{"half on the co-mother's side", family.Half, family.CoMother, false, "familygraph.role.half_sibling.comother"},
		{"half, born the same day: half first", family.Half, family.Father, true, "familygraph.role.half_sibling.father"},
		{"kind not known", family.KinUnknown, family.Mother, false, "familygraph.role.sibling"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := siblingRole(tt.kin, tt.via, tt.twin)
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			if !i18n.Has(got) {
				t.Errorf("got %q, not in the catalog", got)
			}
		})
	}
}

func TestFamilyGraph_Deceased(t *testing.T) {
	spouse := tlTestNIN(t, "1940-01-01", 30)
	p := &person.Person{
		Name: []person.PersonName{{GivenName: "Enke"}},
		MaritalStatus: []person.MaritalStatus{
			{Meta: tlMeta("1960-01-01", "2020-01-01"), Status: person.MaritalMarried, RelatedByMaritalStatus: spouse},
			{Meta: tlMeta("2020-01-01", ""), Status: person.MaritalWidowOrWidower, RelatedByMaritalStatus: spouse},
		},
		FamilyRelation: []person.FamilyRelation{
			{RelatedPerson: tlTestNIN(t, "1915-01-01", 31), RelatedPersonsRole: person.RelationMother},
		},
		Status: []person.PersonStatus{{Status: person.StatusDeceased}},
	}
	mother := p.FamilyRelation[0].RelatedPerson
	g := familyFacts{Facts: family.Facts{Deceased: map[string]bool{mother: true}}}.graph(p)
	html := fgRender(t, i18n.NB, g)
	for _, want := range []string{"† Navn ikke hentet", "død", "avdød ektefelle"} {
		if !strings.Contains(html, want) {
			t.Errorf("graph lacks %q", want)
		}
	}
}

func TestFamilyGraph_Empty(t *testing.T) {
	for name, p := range map[string]*person.Person{
		"nil":      nil,
		"no parts": {},
		"divorced": {MaritalStatus: []person.MaritalStatus{{Status: person.MaritalDivorced, RelatedByMaritalStatus: "x"}}},
	} {
		t.Run(name, func(t *testing.T) {
			g := buildFamilyGraph(p, nil, nil)
			if !g.Empty() {
				t.Fatalf("graph %+v not empty", g)
			}
			html := fgRender(t, i18n.NB, g)
			if strings.Contains(html, "<svg") {
				t.Errorf("empty family drawn as SVG")
			}
			if !strings.Contains(html, "Ingen familierelasjoner er registrert.") {
				t.Errorf("empty family not stated: %s", html)
			}
		})
	}
}

func TestFamilyGraphSVG(t *testing.T) {
	f := newFGFamily(t)
	ff := familyFacts{
		Facts: family.Facts{
			Names:     map[string]string{f.mother: "Anne Nordmann", f.child2: "Skjult Barn"},
			Protected: map[string]bool{f.child2: true},
		},
		href: func(n string) string { return "/person/h-" + n[:2] },
	}
	g := ff.graph(f.p)
	for _, l := range i18n.Supported() {
		html := fgRender(t, l, g)
		for _, want := range []string{`role="img"`, `<title id="familygraph-title">`, `<desc id="familygraph-desc">`,
			`aria-labelledby="familygraph-title familygraph-desc"`, `data-testid="family-graph-list"`} {
			if !strings.Contains(html, want) {
				t.Errorf("%s: graph lacks %s", l, want)
			}
		}
		for _, bad := range []string{" style=", "<script", "<style", "familygraph.", f.mother} {
			if strings.Contains(html, bad) {
				t.Errorf("%s: graph contains %q", l, bad)
			}
		}
		if got, want := strings.Count(html, `data-testid="family-graph-item"`), len(g.Relatives()); got != want {
			t.Errorf("%s: %d items in the text alternative, want %d", l, got, want)
		}
	}
	html := fgRender(t, i18n.NB, g)
	for _, want := range []string{">mor<", ">medmor<", ">ektefelle<", ">barn<", ">søsken<", "Beskyttet adresse", "Skjult Barn", "f. 1950",
		`href="/person/h-`} {
		if !strings.Contains(html, want) {
			t.Errorf("graph lacks %q", want)
		}
	}
	// Look at it: go test -run TestFamilyGraphSVG ./handlers/ with
	// OPPSLAG_FAMILYGRAPH_HTML=/tmp/familygraph.html writes a page to open.
	if out := os.Getenv("OPPSLAG_FAMILYGRAPH_HTML"); out != "" {
		page := `<!DOCTYPE html><html lang="nb"><head><meta charset="utf-8">` +
			`<link rel="stylesheet" href="` + os.Getenv("OPPSLAG_STATIC") + `/css/designsystemet-1.22.0.css">` +
			`<link rel="stylesheet" href="` + os.Getenv("OPPSLAG_STATIC") + `/css/designsystemet-theme-1.22.0.css">` +
			`<link rel="stylesheet" href="` + os.Getenv("OPPSLAG_STATIC") + `/css/app.css"></head><body><main class="app-main">` +
			html + fgRender(t, i18n.NB, buildFamilyGraph(&person.Person{
			Name:           []person.PersonName{{GivenName: "Ung", FamilyName: "Voksen"}},
			FamilyRelation: f.p.FamilyRelation[4:5],
		}, nil, nil)) + `</main></body></html>`
		if err := os.WriteFile(out, []byte(page), 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

func fgRender(t *testing.T, l i18n.Lang, g views.FamilyGraph) string {
	t.Helper()
	var buf bytes.Buffer
	if err := views.FamilyGraphSVG(g).Render(i18n.WithLang(context.Background(), l), &buf); err != nil {
		t.Fatalf("render: %v", err)
	}
	return buf.String()
}
