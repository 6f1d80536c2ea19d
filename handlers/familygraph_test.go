package handlers

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/oppslag/oppslag/clients/person"
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

func TestBuildFamilyGraph_Roles(t *testing.T) {
	f := newFGFamily(t)
	names := map[string]string{f.mother: "Anne Nordmann", f.child1: "Per Nordmann", f.spouse: "Ola Nordmann"}
	g := buildFamilyGraph(f.p, names, map[string]bool{f.child2: true})

	tests := []struct {
		row  string
		got  []string
		want []string
	}{
		{"parents (mother first)", fgRoles(g.Parents), []string{"mother", "comother"}},
		{"partners", fgRoles(g.Partners), []string{"spouse"}},
		{"siblings", fgRoles(g.Siblings), []string{"sibling"}},
		{"children (oldest first)", fgRoles(g.Children), []string{"child", "child", "stillborn", "child"}},
		{"others", fgRoles(g.Others), []string{"unknown"}},
	}
	for _, tt := range tests {
		if strings.Join(tt.got, ",") != strings.Join(tt.want, ",") {
			t.Errorf("%s: %v, want %v", tt.row, tt.got, tt.want)
		}
	}
	if got, want := g.Self.Name, "Kari Nordmann"; got != want {
		t.Errorf("self %q, want %q", got, want)
	}
	if g.Self.RoleKey != "" {
		t.Errorf("self has role %q", g.Self.RoleKey)
	}
	if got, want := g.Parents[0].Name, "Anne Nordmann"; got != want {
		t.Errorf("mother named %q, want %q from the bulk call", got, want)
	}
	if got := g.Parents[1].Name; got != "" {
		t.Errorf("co-mother named %q without a name from the bulk call", got)
	}
	if got, want := g.Parents[0].Born, "1950"; got != want {
		t.Errorf("mother born %q, want %q (from the number)", got, want)
	}
	// Children: 2009 (child2, protected), 2012 (child1), 2015 stillborn, 2020 without number.
	if c := g.Children[0]; !c.Protected || c.Born != "2009" {
		t.Errorf("first child %+v, want protected, born 2009", c)
	}
	if c := g.Children[2]; !c.Deceased {
		t.Errorf("stillborn child not marked deceased: %+v", c)
	}
	if c := g.Children[3]; c.Name != "Lisa Utland" || c.Born != "2020" {
		t.Errorf("child without number %+v, want Lisa Utland born 2020", c)
	}
	if got, want := g.Others[0].RoleArg, "Cousin"; got != want {
		t.Errorf("unknown role arg %q, want %q", got, want)
	}
}

func TestBuildFamilyGraph_Deceased(t *testing.T) {
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
	g := familyFacts{deceased: map[string]bool{mother: true}}.graph(p)
	if !g.Self.Deceased {
		t.Errorf("person with status deceased not marked")
	}
	if len(g.Partners) != 1 || !g.Partners[0].Deceased || g.Partners[0].RoleKey != "familygraph.role.spouse_late" {
		t.Errorf("partners %+v, want one late spouse", g.Partners)
	}
	if !g.Parents[0].Deceased {
		t.Errorf("mother the bulk call says is dead not marked")
	}
	html := fgRender(t, i18n.NB, g)
	for _, want := range []string{"† Navn ikke hentet", "død", "avdød ektefelle"} {
		if !strings.Contains(html, want) {
			t.Errorf("graph lacks %q", want)
		}
	}
}

func TestBuildFamilyGraph_SpouseNotTwice(t *testing.T) {
	spouse := tlTestNIN(t, "1979-04-04", 40)
	p := &person.Person{
		FamilyRelation: []person.FamilyRelation{{RelatedPerson: spouse, RelatedPersonsRole: person.RelationSpouseOrPartner}},
		MaritalStatus:  []person.MaritalStatus{{Status: person.MaritalRegisteredPartner, RelatedByMaritalStatus: spouse}},
	}
	g := buildFamilyGraph(p, nil, nil)
	if got := fgRoles(g.Partners); len(got) != 1 || got[0] != "spouse_or_partner" {
		t.Errorf("partners %v, want the relation once", got)
	}
}

func TestBuildFamilyGraph_Empty(t *testing.T) {
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
		names:     map[string]string{f.mother: "Anne Nordmann", f.child2: "Skjult Barn"},
		protected: map[string]bool{f.child2: true},
		href:      func(n string) string { return "/person/h-" + n[:2] },
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
