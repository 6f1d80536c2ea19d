package family

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/oppslag/oppslag/clients/person"
	"github.com/oppslag/oppslag/clients/person/nin"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// meta is an item's metadata: valid from from to to (YYYY-MM-DD, "" open).
func meta(from, to string) person.Meta {
	m := person.Meta{IsValid: person.Bool(to == "")}
	if from != "" {
		m.ValidFrom, m.RegisteredAt = day(from), day(from)
	}
	if to != "" {
		m.ValidTo = day(to)
	}
	return m
}

func day(s string) person.DateTime {
	d, err := person.ParseDateTime(s)
	if err != nil {
		panic(err)
	}
	return d
}

// testNIN is a valid synthetic identity number for a birth date.
func testNIN(t *testing.T, birth string, seed uint64) string {
	t.Helper()
	b, err := time.Parse(time.DateOnly, birth)
	if err != nil {
		t.Fatal(err)
	}
	n, err := nin.Generate(rand.New(rand.NewPCG(seed, seed+1)), b, seed%2 == 0, nin.Fodselsnummer, true)
	if err != nil {
		t.Fatalf("generate: %v", err)
	}
	return n
}

// testFamily is a person with parents, a co-mother, a spouse by marital
// status, siblings, children (one without an identity number, one
// stillborn), a relation of a role the portal does not know and an ended
// relation.
type testFamily struct {
	p                                             *person.Person
	mother, comother, spouse, sib, child1, child2 string
	cousin                                        string
}

func newTestFamily(t *testing.T) testFamily {
	t.Helper()
	f := testFamily{
		mother:   testNIN(t, "1950-02-02", 10),
		comother: testNIN(t, "1952-03-03", 12),
		spouse:   testNIN(t, "1979-04-04", 13),
		sib:      testNIN(t, "1983-05-05", 14),
		child1:   testNIN(t, "2012-06-06", 15),
		child2:   testNIN(t, "2009-07-07", 16),
		cousin:   testNIN(t, "1990-01-01", 18),
	}
	rel := func(nin string, role, mine person.FamilyRelationType) person.FamilyRelation {
		return person.FamilyRelation{Meta: meta("2000-01-01", ""), RelatedPerson: nin, RelatedPersonsRole: role, MyRoleForRelatedPerson: mine}
	}
	f.p = &person.Person{
		Name:  []person.PersonName{{Meta: meta("1980-03-12", ""), GivenName: "Kari", FamilyName: "Nordmann"}},
		Birth: []person.Birth{{Meta: meta("1980-03-12", ""), BirthDate: day("1980-03-12")}},
		FamilyRelation: []person.FamilyRelation{
			rel(f.comother, person.RelationCoMother, person.RelationChild),
			rel(f.mother, person.RelationMother, person.RelationChild),
			rel(f.child1, person.RelationChild, person.RelationMother),
			rel(f.child2, person.RelationChild, person.RelationMother),
			rel(f.sib, person.RelationSibling, person.RelationSibling),
			{Meta: meta("2020-01-01", ""), RelatedPersonsRole: person.RelationChild, MyRoleForRelatedPerson: person.RelationMother,
				RelatedPersonWithoutIdentifier: &person.RelatedPersonWithoutIdentifier{
					Name: &person.Name{GivenName: "Lisa", FamilyName: "Utland"}, BirthDate: day("2020-01-01")}},
			{Meta: meta("2015-01-01", ""), RelatedPersonsRole: person.RelationStillbornChild, MyRoleForRelatedPerson: person.RelationMother,
				RelatedPersonWithoutIdentifier: &person.RelatedPersonWithoutIdentifier{BirthDate: day("2015-01-01")}},
			{Meta: meta("2000-01-01", ""), RelatedPerson: f.cousin, RelatedPersonsRole: "Cousin"},
			// An ended relation belongs to history, not to the family today.
			{Meta: meta("1990-01-01", "1995-01-01"), RelatedPerson: testNIN(t, "1960-01-01", 20), RelatedPersonsRole: person.RelationFather},
		},
		MaritalStatus: []person.MaritalStatus{
			{Meta: meta("1980-03-12", "2008-07-05"), Status: person.MaritalUnmarried},
			{Meta: meta("2008-07-05", ""), Status: person.MaritalMarried, RelatedByMaritalStatus: f.spouse},
		},
	}
	return f
}

func roles(ns []Node) string {
	var out []string
	for _, n := range ns {
		out = append(out, string(n.Role))
	}
	return strings.Join(out, ",")
}

func TestOf_Rows(t *testing.T) {
	f := newTestFamily(t)
	g := Of(f.p, Facts{})
	tests := []struct {
		row  string
		got  []Node
		want string
	}{
		{"parents (mother first, the ended father left out)", g.Parents, "mother,comother"},
		{"partners (by marital status)", g.Partners, "spouse"},
		{"siblings", g.Siblings, "sibling"},
		{"children (oldest first)", g.Children, "child,child,stillborn,child"},
		{"others", g.Others, "unknown"},
	}
	for _, tt := range tests {
		t.Run(tt.row, func(t *testing.T) {
			if got := roles(tt.got); got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
		})
	}
}

func TestOf_Nodes(t *testing.T) {
	f := newTestFamily(t)
	facts := Facts{
		Names:     map[string]string{f.mother: "Anne Nordmann", f.child1: "Per Nordmann", f.spouse: "Ola Nordmann"},
		Protected: map[string]bool{f.child2: true},
	}
	g := Of(f.p, facts)
	// Children: 2009 (child2, protected), 2012 (child1), 2015 stillborn, 2020 without number.
	tests := []struct {
		name      string
		got, want Node
	}{
		{"self: no role, name and year from the document", g.Self, Node{Name: "Kari Nordmann", Born: "1980"}},
		{"mother: name from the bulk call, year from the number", g.Parents[0],
			Node{Role: Mother, NIN: f.mother, Name: "Anne Nordmann", Born: "1950"}},
		{"co-mother: no name without one from the bulk call", g.Parents[1], Node{Role: CoMother, NIN: f.comother, Born: "1952"}},
		{"spouse by marital status", g.Partners[0], Node{Role: Spouse, NIN: f.spouse, Name: "Ola Nordmann", Born: "1979"}},
		{"first child: protected", g.Children[0], Node{Role: Child, NIN: f.child2, Born: "2009", Protected: true}},
		{"second child", g.Children[1], Node{Role: Child, NIN: f.child1, Name: "Per Nordmann", Born: "2012"}},
		{"stillborn: deceased, no link", g.Children[2], Node{Role: Stillborn, Born: "2015", Deceased: true}},
		{"child without number: name and date from the document", g.Children[3], Node{Role: Child, Name: "Lisa Utland", Born: "2020"}},
		{"unknown role: kept as received", g.Others[0], Node{Role: Unknown, RawRole: "Cousin", NIN: f.cousin, Born: "1990"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %+v, want %+v", tt.got, tt.want)
			}
		})
	}
}

func TestOf_Deceased(t *testing.T) {
	spouse := testNIN(t, "1940-01-01", 30)
	mother := testNIN(t, "1915-01-01", 31)
	p := &person.Person{
		Name: []person.PersonName{{GivenName: "Enke"}},
		MaritalStatus: []person.MaritalStatus{
			{Meta: meta("1960-01-01", "2020-01-01"), Status: person.MaritalMarried, RelatedByMaritalStatus: spouse},
			{Meta: meta("2020-01-01", ""), Status: person.MaritalWidowOrWidower, RelatedByMaritalStatus: spouse},
		},
		FamilyRelation: []person.FamilyRelation{{RelatedPerson: mother, RelatedPersonsRole: person.RelationMother}},
		Status:         []person.PersonStatus{{Status: person.StatusDeceased}},
	}
	g := Of(p, Facts{Deceased: map[string]bool{mother: true}})
	tests := []struct {
		name      string
		got, want Node
	}{
		{"self with status deceased", g.Self, Node{Name: "Enke", Deceased: true}},
		{"late spouse by the widow's status", g.Partners[0], Node{Role: SpouseLate, NIN: spouse, Born: "1940", Deceased: true}},
		{"mother the bulk call says is dead", g.Parents[0], Node{Role: Mother, NIN: mother, Born: "1915", Deceased: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %+v, want %+v", tt.got, tt.want)
			}
		})
	}
	if got, want := len(g.Partners), 1; got != want {
		t.Errorf("got %d partners, want %d: the ended marriage names the same spouse", got, want)
	}
}

func TestOf_Partners(t *testing.T) {
	spouse := testNIN(t, "1979-04-04", 40)
	other := testNIN(t, "1978-01-01", 41)
	tests := []struct {
		name      string
		relations []person.FamilyRelation
		marital   []person.MaritalStatus
		want      string
	}{
		{"relation and marital status name the same: once, by relation",
			[]person.FamilyRelation{{RelatedPerson: spouse, RelatedPersonsRole: person.RelationSpouseOrPartner}},
			[]person.MaritalStatus{{Status: person.MaritalRegisteredPartner, RelatedByMaritalStatus: spouse}},
			"spouse_or_partner"},
		{"marital status names another: both",
			[]person.FamilyRelation{{RelatedPerson: spouse, RelatedPersonsRole: person.RelationSpouseOrPartner}},
			[]person.MaritalStatus{{Status: person.MaritalSeparated, RelatedByMaritalStatus: other}},
			"spouse_or_partner,spouse_separated"},
		{"registered partner", nil, []person.MaritalStatus{{Status: person.MaritalRegisteredPartner, RelatedByMaritalStatus: other}}, "partner"},
		{"separated partner", nil, []person.MaritalStatus{{Status: person.MaritalSeparatedPartner, RelatedByMaritalStatus: other}}, "partner_separated"},
		{"surviving partner", nil, []person.MaritalStatus{{Status: person.MaritalSurvivingPartner, RelatedByMaritalStatus: other}}, "partner_late"},
		{"divorced: nobody", nil, []person.MaritalStatus{{Status: person.MaritalDivorced, RelatedByMaritalStatus: other}}, ""},
		{"married without a number: nobody", nil, []person.MaritalStatus{{Status: person.MaritalMarried}}, ""},
		{"ended marriage: nobody", nil,
			[]person.MaritalStatus{{Meta: meta("2000-01-01", "2010-01-01"), Status: person.MaritalMarried, RelatedByMaritalStatus: other}}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := Of(&person.Person{FamilyRelation: tt.relations, MaritalStatus: tt.marital}, Facts{})
			if got := roles(g.Partners); got != tt.want {
				t.Errorf("got partners %q, want %q", got, tt.want)
			}
		})
	}
}

func TestOf_Empty(t *testing.T) {
	tests := []struct {
		name string
		p    *person.Person
	}{
		{"nil", nil},
		{"no parts", &person.Person{}},
		{"divorced", &person.Person{MaritalStatus: []person.MaritalStatus{{Status: person.MaritalDivorced, RelatedByMaritalStatus: "x"}}}},
		{"ended relations only", &person.Person{FamilyRelation: []person.FamilyRelation{
			{Meta: meta("1990-01-01", "1995-01-01"), RelatedPerson: "x", RelatedPersonsRole: person.RelationFather}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if g := Of(tt.p, Facts{}); !g.Empty() {
				t.Errorf("got %+v, want an empty graph", g)
			}
		})
	}
}

func TestFactsOf(t *testing.T) {
	relative := func(edit func(*person.Person)) *person.Person {
		r := &person.Person{Name: []person.PersonName{{GivenName: " Anne ", MiddleName: "", FamilyName: "Nordmann"}}}
		edit(r)
		return r
	}
	rels := map[string]*person.Person{
		"plain": relative(func(*person.Person) {}),
		// The first current level is Unclassified, the strictest
		// StrictlyConfidential: protection.OfRelative decides.
		"protected": relative(func(r *person.Person) {
			r.AddressProtection = []person.AddressProtection{
				{Meta: meta("2010-06-01", ""), ProtectionLevel: person.Unclassified},
				{Meta: meta("2020-01-01", ""), ProtectionLevel: person.StrictlyConfidential},
			}
		}),
		"protection ended": relative(func(r *person.Person) {
			r.AddressProtection = []person.AddressProtection{{Meta: meta("2010-06-01", "2012-01-01"), ProtectionLevel: person.Confidential}}
		}),
		"dead by status": relative(func(r *person.Person) { r.Status = []person.PersonStatus{{Status: person.StatusDeceased}} }),
		"dead by death":  relative(func(r *person.Person) { r.Death = &person.Death{DeceasedDate: day("2021-01-01")} }),
		"no name":        {},
		"nil":            nil,
	}
	f := FactsOf(rels)
	tests := []struct {
		nin                 string
		name                string
		protected, deceased bool
	}{
		{"plain", "Anne Nordmann", false, false},
		{"protected", "Anne Nordmann", true, false},
		{"protection ended", "Anne Nordmann", false, false},
		{"dead by status", "Anne Nordmann", false, true},
		{"dead by death", "Anne Nordmann", false, true},
		{"no name", "", false, false},
		{"nil", "", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.nin, func(t *testing.T) {
			if got, want := f.Names[tt.nin], tt.name; got != want {
				t.Errorf("got name %q, want %q", got, want)
			}
			if got, want := f.Protected[tt.nin], tt.protected; got != want {
				t.Errorf("got protected %v, want %v", got, want)
			}
			if got, want := f.Deceased[tt.nin], tt.deceased; got != want {
				t.Errorf("got deceased %v, want %v", got, want)
			}
		})
	}
}

func TestRoleOf(t *testing.T) {
	tests := []struct {
		in   person.FamilyRelationType
		want Role
	}{
		{person.RelationMother, Mother},
		{person.RelationFather, Father},
		{person.RelationCoMother, CoMother},
		{person.RelationChild, Child},
		{person.RelationStillbornChild, Stillborn},
		{person.RelationSibling, Sibling},
		{person.RelationSpouseOrPartner, SpouseOrPartner},
		{"Cousin", Unknown},
		{"", Unknown},
	}
	for _, tt := range tests {
		t.Run(string(tt.in), func(t *testing.T) {
			if got := RoleOf(tt.in); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestMaritalRole(t *testing.T) {
	tests := []struct {
		in       person.MaritalStatusType
		want     Role
		deceased bool
	}{
		{person.MaritalMarried, Spouse, false},
		{person.MaritalRegisteredPartner, Partner, false},
		{person.MaritalSeparated, SpouseSeparated, false},
		{person.MaritalSeparatedPartner, PartnerSeparated, false},
		{person.MaritalWidowOrWidower, SpouseLate, true},
		{person.MaritalSurvivingPartner, PartnerLate, true},
		{person.MaritalUnspecified, "", false},
		{person.MaritalUnmarried, "", false},
		{person.MaritalDivorced, "", false},
		{person.MaritalDivorcedPartner, "", false},
		{"SomethingNew", "", false},
	}
	for _, tt := range tests {
		t.Run(string(tt.in), func(t *testing.T) {
			got, deceased := MaritalRole(tt.in)
			if got != tt.want || deceased != tt.deceased {
				t.Errorf("got %q, %v, want %q, %v", got, deceased, tt.want, tt.deceased)
			}
		})
	}
}

// TestOf_Golden writes the whole graph of the test family as text, to read
// the layout at a glance: go test ./clients/person/family/ -run Golden -update.
func TestOf_Golden(t *testing.T) {
	f := newTestFamily(t)
	g := Of(f.p, Facts{
		Names:     map[string]string{f.mother: "Anne Nordmann", f.child1: "Per Nordmann", f.spouse: "Ola Nordmann"},
		Protected: map[string]bool{f.child2: true},
		Deceased:  map[string]bool{f.comother: true},
	})
	var b strings.Builder
	line := func(row string, n Node) {
		fmt.Fprintf(&b, "%-8s %-17s %-7s %-16q born=%-4s link=%-5v deceased=%-5v protected=%v\n",
			row, n.Role, n.RawRole, n.Name, n.Born, n.NIN != "", n.Deceased, n.Protected)
	}
	line("self", g.Self)
	for _, row := range []struct {
		name  string
		nodes []Node
	}{{"parent", g.Parents}, {"partner", g.Partners}, {"sibling", g.Siblings}, {"child", g.Children}, {"other", g.Others}} {
		for _, n := range row.nodes {
			line(row.name, n)
		}
	}
	golden := filepath.Join("testdata", "graph.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to write it)", err)
	}
	if got := b.String(); got != string(want) {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}
