package web

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/oppslag/oppslag/clients/person"
	"github.com/oppslag/oppslag/clients/person/municipality"
)

// shownByMunicipality reports whether a search by municipality shows p,
// whatever the clinician's access: no protection on person or address.
func shownByMunicipality(p *person.Person) bool {
	a := p.CurrentResidentialAddress()
	return a != nil && a.StreetAddress != nil && !p.Protection().Protected() && !a.AddressConfidentiality.Protected()
}

// municipalityWord is a name of the municipality that finds it alone.
func municipalityWord(number string) (string, bool) {
	full, ok := municipality.Name(number)
	if !ok {
		return "", false
	}
	name := (municipality.Municipality{Number: number, Name: full}).Names()[0]
	if ms := municipality.Lookup(name); len(ms) != 1 || strings.Contains(name, " ") {
		return "", false
	}
	return name, true
}

// TestF2_SearchByMunicipalityName: a name with a municipality's name is
// searched in that municipality; exactly one hit opens the person, several
// are listed, and a name two municipalities share asks for the number.
func TestF2_SearchByMunicipalityName(t *testing.T) {
	h := newHarness(t)
	b, tok := clinician(t, h)

	// From the population, as the Person API simulator matches: a person
	// who is the only one of that name in their municipality, and a given
	// name that several persons in one municipality share.
	var one *person.Person
	var oneQ, severalQ string
	var several []*person.Person
	for _, c := range h.pop.All() {
		if !shownByMunicipality(c) || c.CurrentName() == nil {
			continue
		}
		name := c.CurrentName()
		given := strings.Fields(name.GivenName)
		muni := c.CurrentResidentialAddress().StreetAddress.MunicipalityNumber
		where, ok := municipalityWord(muni)
		if len(given) == 0 || !ok || len([]rune(given[0])) < 3 || strings.ContainsAny(name.FamilyName, " '") {
			continue
		}
		if one == nil && len(municipality.Lookup(name.FamilyName+" "+where)) == 0 {
			found := h.pop.Search(person.SearchQuery{FullName: given[0] + " " + name.FamilyName, MunicipalityNumber: muni})
			if len(found) == 1 && found[0].CurrentNIN() == c.CurrentNIN() {
				one, oneQ = c, given[0]+" "+name.FamilyName+" "+where
			}
		}
		if several == nil {
			found := h.pop.Search(person.SearchQuery{FullName: given[0], MunicipalityNumber: muni})
			if len(found) >= 2 && len(found) <= 20 && !slices.ContainsFunc(found, func(p *person.Person) bool { return !shownByMunicipality(p) }) {
				several, severalQ = found, given[0]+" "+where
			}
		}
		if one != nil && several != nil {
			break
		}
	}
	if one == nil || several == nil {
		t.Fatal("the test population has no unique name in a municipality, or no shared given name")
	}
	t.Logf("one hit: %q; %d hits: %q", oneQ, len(several), severalQ)

	t.Run("one hit opens the person", func(t *testing.T) {
		before := len(h.records())
		p := b.search(tok, oneQ)
		if p.StatusCode != http.StatusSeeOther || !strings.HasPrefix(p.Header.Get("Location"), "/person/") {
			t.Fatalf("%q: status %d to %q; want 303 to /person/<handle>\n%s", oneQ, p.StatusCode, p.Header.Get("Location"), p.body)
		}
		if sensitive.MatchString(p.Header.Get("Location")) {
			t.Errorf("Location carries an identity number")
		}
		recs := h.records()[before:]
		if len(recs) != 1 {
			t.Fatalf("%d records for one search; want 1", len(recs))
		}
		if r := recs[0]; r.Action != "search" || !slices.Equal(r.Fields, []string{"FullName", "MunicipalityNumber"}) || !slices.Equal(r.Results, []string{one.CurrentNIN()}) {
			t.Errorf("record %s fields %v, %d results; want the search by FullName, MunicipalityNumber with its one result", r.Action, r.Fields, len(r.Results))
		}
		o := b.follow(p)
		if o.StatusCode != http.StatusOK || !strings.Contains(o.body, one.CurrentName().FamilyName) {
			t.Errorf("the overview: status %d, or no %s on it", o.StatusCode, one.CurrentName().FamilyName)
		}
	})

	t.Run("several hits are listed", func(t *testing.T) {
		p := b.search(tok, severalQ)
		if p.StatusCode != http.StatusOK {
			t.Fatalf("%q: status %d; want 200", severalQ, p.StatusCode)
		}
		rows := testids(t, p.body, "search-row")
		if len(rows) != len(several) {
			t.Errorf("%q: %d rows; want %d", severalQ, len(rows), len(several))
		}
		var links []string
		for _, l := range testids(t, p.body, "search-row") {
			for _, a := range findAll(l, "a") {
				if href := attr(a, "href"); strings.HasPrefix(href, "/person/") {
					links = append(links, href)
				}
			}
		}
		if len(links) == 0 {
			t.Fatal("no link to a person")
		}
		if o := b.get(links[0]); o.StatusCode != http.StatusOK {
			t.Errorf("result link: status %d", o.StatusCode)
		}
	})

	t.Run("a name two municipalities share", func(t *testing.T) {
		p := b.search(tok, "Kari Nordmann Herøy")
		if p.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("status %d; want 422", p.StatusCode)
		}
		errs := testids(t, p.body, "search-error")
		if len(errs) != 1 {
			t.Fatalf("%d search-error elements; want 1", len(errs))
		}
		for _, want := range []string{"Møre og Romsdal (1515)", "Nordland (1818)"} {
			if got := nodeText(errs[0]); !strings.Contains(got, want) {
				t.Errorf("message %q; want it to name %s", got, want)
			}
		}
	})
}

// findAll returns the elements named tag under n.
func findAll(n *html.Node, tag string) []*html.Node {
	var out []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == tag {
			out = append(out, n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return out
}
