package web

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/oppslag/oppslag/clients/audit"
	"github.com/oppslag/oppslag/clients/person"
	"github.com/oppslag/oppslag/clients/person/nin"
	"github.com/oppslag/oppslag/clients/person/personsim"
	"github.com/oppslag/oppslag/views/i18n"
)

// The person pages through the real portal, the HelseID simulator and the
// Person API simulator over the synthetic test population.

// clinician signs in as the doctor persona and returns the browser and the
// session's CSRF token.
func clinician(t *testing.T, h *harness) (*browser, string) {
	t.Helper()
	b := h.browser()
	start := b.login("doctor")
	return b, csrfToken(t, start.body)
}

func (b *browser) search(tok, q string) *page {
	b.t.Helper()
	return b.post("/search", url.Values{"csrf_token": {tok}, "q": {q}})
}

// open searches for number and follows the redirect to the overview.
func (b *browser) open(tok, number string) *page {
	b.t.Helper()
	p := b.search(tok, number)
	if p.StatusCode != http.StatusSeeOther {
		b.t.Fatalf("search for a number: status %d; want 303\n%s", p.StatusCode, p.body)
	}
	return b.follow(p)
}

// personPath is the overview's path of a page reached by open.
func personPath(p *page) string { return p.Request.URL.Path }

// someone returns the first person of the given kind in the test population.
func someone(t *testing.T, h *harness, kind string) *person.Person {
	t.Helper()
	ps := h.pop.Where(kind, 1)
	if len(ps) == 0 {
		t.Fatalf("no %s person in the test population", kind)
	}
	return ps[0]
}

// numberOf is the person's current identity number.
func numberOf(t *testing.T, p *person.Person) string {
	t.Helper()
	if n := p.CurrentNIN(); n != "" {
		return n
	}
	t.Fatal("person without a current identity number")
	return ""
}

// nodes parses a page or fragment and returns the elements with the given
// data-testid.
func testids(t *testing.T, body, id string) []*html.Node {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var out []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			for _, a := range n.Attr {
				if a.Key == "data-testid" && a.Val == id {
					out = append(out, n)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return out
}

func nodeText(n *html.Node) string {
	var sb strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			sb.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return strings.Join(strings.Fields(sb.String()), " ")
}

// panelText is the text of one panel of an overview page ("" if absent).
func panelText(t *testing.T, body, id string) string {
	t.Helper()
	ns := testids(t, body, "panel-"+id)
	if len(ns) != 1 {
		t.Fatalf("%d panels %q on the page; want 1", len(ns), id)
	}
	return nodeText(ns[0])
}

func msg(key string, args ...any) string { return i18n.TL(i18n.NB, key, args...) }

// withNumber returns a valid number with the first nine digits made from
// prefix (6 digits) and the individual digits, whose check digits pass Parse
// as wanted by ok.
func findNumber(t *testing.T, prefix string, ok func(nin.Number, error) bool) string {
	t.Helper()
	for ind := 0; ind < 1000; ind++ {
		for k := 0; k < 100; k++ {
			s := fmt.Sprintf("%s%03d%02d", prefix, ind, k)
			if n, err := nin.Parse(s); ok(n, err) {
				return s
			}
		}
	}
	t.Fatalf("no number with prefix %s fits", prefix)
	return ""
}

func TestF2_SearchValidation(t *testing.T) {
	h := newHarness(t)
	b, tok := clinician(t, h)

	synthetic := numberOf(t, someone(t, h, "family"))
	dnumber := numberOf(t, someone(t, h, "dnumber"))
	post2032 := findNumber(t, "150585", func(n nin.Number, err error) bool { return err == nil && n.Post2032 })
	fh := nin.GenerateFH(rand.New(rand.NewPCG(1, 2)))
	impossibleDate := findNumber(t, "320579", func(_ nin.Number, err error) bool {
		return err != nil && strings.Contains(err.Error(), nin.ErrDate.Error()) && !strings.Contains(err.Error(), nin.ErrChecksum.Error())
	})
	hnumber := findNumber(t, "124579", func(n nin.Number, err error) bool { return err == nil && n.Kind == nin.HNumber })
	var named *person.Person
	municipality := ""
	for _, c := range h.pop.Where("married", 50) {
		if a := c.CurrentResidentialAddress(); a != nil && a.StreetAddress != nil && !c.Protection().Protected() {
			named, municipality = c, a.StreetAddress.MunicipalityNumber
			break
		}
	}
	if named == nil {
		t.Fatal("no married person with a street address")
	}
	name := named.CurrentName()
	birth := named.CurrentBirth().BirthDate

	tests := []struct {
		name    string
		q       string
		status  int
		message string // for 422: the message the form shows
	}{
		{"valid fnr", "12057900499", http.StatusSeeOther, ""},
		{"valid fnr with space", "120579 00499", http.StatusSeeOther, ""},
		{"synthetic number", synthetic, http.StatusSeeOther, ""},
		{"D-number", dnumber, http.StatusSeeOther, ""},
		{"D- and synthetic number", "48895100539", http.StatusSeeOther, ""},
		{"2032 check digits", post2032, http.StatusSeeOther, ""},
		{"felles hjelpenummer", fh, http.StatusSeeOther, ""},
		{"wrong length", "1205790049", http.StatusUnprocessableEntity, msg("search.error.length", 10)},
		{"twelve digits", "120579004990", http.StatusUnprocessableEntity, msg("search.error.length", 12)},
		{"letters in the number", "1205790O499", http.StatusUnprocessableEntity, msg("search.error.digits")},
		{"bad checksum", "12057900498", http.StatusUnprocessableEntity, msg("search.error.checksum")},
		{"impossible date", impossibleDate, http.StatusUnprocessableEntity, msg("search.error.date")},
		{"H-number", hnumber, http.StatusUnprocessableEntity, msg("search.error.hnumber")},
		{"empty", "   ", http.StatusUnprocessableEntity, msg("search.error.empty")},
		// One person matches each of these in the test population, so the
		// search opens them directly (issue 12); lists: TestF2_SearchByMunicipalityName.
		{"name with birth date", name.GivenName + " " + name.FamilyName + " " + birth.Format("02.01.2006"), http.StatusSeeOther, ""},
		{"family first with year", name.FamilyName + ", " + name.GivenName + " " + birth.Format("2006"), http.StatusSeeOther, ""},
		{"name with municipality", name.GivenName + " " + name.FamilyName + " " + municipality, http.StatusSeeOther, ""},
		{"name without date", name.GivenName + " " + name.FamilyName, http.StatusUnprocessableEntity, msg("search.error.need_date")},
		{"name with impossible date", name.GivenName + " " + name.FamilyName + " 31.02.1980", http.StatusUnprocessableEntity, msg("search.error.bad_date")},
		{"too short a name", "Al 1980", http.StatusUnprocessableEntity, msg("search.error.name_short")},
		{"date only", "01.02.1980", http.StatusUnprocessableEntity, msg("search.error.need_name")},
		{"odd characters", "Kari Nord#mann 1980", http.StatusUnprocessableEntity, msg("search.error.name_chars")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := b.search(tok, tt.q)
			if p.StatusCode != tt.status {
				t.Fatalf("status %d; want %d\n%s", p.StatusCode, tt.status, p.body)
			}
			switch tt.status {
			case http.StatusSeeOther:
				loc := p.Header.Get("Location")
				if !strings.HasPrefix(loc, "/person/") || elevenDigits.MatchString(loc) {
					t.Errorf("Location %q; want /person/<handle> without the number", loc)
				}
			case http.StatusUnprocessableEntity:
				errs := testids(t, p.body, "search-error")
				if len(errs) != 1 {
					t.Fatalf("%d search-error elements; want 1", len(errs))
				}
				if got := nodeText(errs[0]); !strings.Contains(got, tt.message) {
					t.Errorf("message %q; want it to contain %q", got, tt.message)
				}
			case http.StatusOK:
				if len(testids(t, p.body, "search-row")) == 0 || !strings.Contains(p.body, name.FamilyName) {
					t.Errorf("no result row for %s", name.FamilyName)
				}
			}
		})
	}

	t.Run("synthetic number is badged", func(t *testing.T) {
		p := b.open(tok, synthetic)
		if p.StatusCode != http.StatusOK {
			t.Fatalf("status %d", p.StatusCode)
		}
		if len(testids(t, p.body, "label-synthetic")) != 1 {
			t.Error("no synthetic badge in the demo")
		}
	})
	t.Run("D-number is labelled", func(t *testing.T) {
		p := b.open(tok, dnumber)
		if len(testids(t, p.body, "label-dnumber")) != 1 {
			t.Error("no D-number label")
		}
	})
	t.Run("unknown valid number", func(t *testing.T) {
		if p := b.open(tok, "12057900499"); p.StatusCode != http.StatusNotFound {
			t.Errorf("status %d; want 404", p.StatusCode)
		}
	})
	t.Run("a single hit opens the person", func(t *testing.T) {
		p := b.search(tok, name.GivenName+" "+name.FamilyName+" "+birth.Format("02.01.2006"))
		if p.StatusCode != http.StatusSeeOther {
			t.Fatalf("status %d; want 303", p.StatusCode)
		}
		if o := b.follow(p); o.StatusCode != http.StatusOK || !strings.Contains(o.body, name.FamilyName) {
			t.Errorf("the hit: status %d, or no %s on the page", o.StatusCode, name.FamilyName)
		}
	})
}

// sensitive matches an identity number, with or without the display space.
var sensitive = regexp.MustCompile(`(^|\D)\d{6} ?\d{5}(\D|$)`)

func TestS15_NoIdentityNumberInURLsAttributesOrLogs(t *testing.T) {
	h := newHarness(t)
	b, tok := clinician(t, h)
	subject := someone(t, h, "parent")
	number := numberOf(t, subject)
	var seen []*page

	seen = append(seen, b.search(tok, "1205790049"), b.search(tok, "12057900498")) // 422s
	s := b.search(tok, number)
	seen = append(seen, s)
	overview := b.follow(s)
	seen = append(seen, overview)
	for _, id := range []string{"identity", "names", "addresses", "krr", "family"} {
		seen = append(seen, b.get(personPath(overview)+"/panel/"+id, "HX-Request", "true"))
	}
	// The relatives, through their links.
	for _, a := range testids(t, overview.body, "relative-link") {
		for _, at := range a.Attr {
			if at.Key == "href" {
				seen = append(seen, b.get(at.Val))
			}
		}
	}
	name := subject.CurrentName()
	birth := subject.CurrentBirth().BirthDate
	seen = append(seen, b.search(tok, name.GivenName+" "+name.FamilyName+" "+birth.Format("02.01.2006")))
	if len(seen) < 9 {
		t.Fatalf("walked only %d pages", len(seen))
	}

	for _, p := range seen {
		if sensitive.MatchString(p.Request.URL.String()) {
			t.Errorf("URL carries an identity number: %s", p.Request.URL.Path)
		}
		if loc := p.Header.Get("Location"); sensitive.MatchString(loc) {
			t.Errorf("Location carries an identity number: %s", loc)
		}
		doc, err := html.Parse(strings.NewReader(p.body))
		if err != nil {
			t.Fatal(err)
		}
		var walk func(*html.Node)
		walk = func(n *html.Node) {
			if n.Type == html.ElementNode {
				for _, a := range n.Attr {
					if sensitive.MatchString(a.Val) {
						t.Errorf("%s: <%s %s=%q> holds an identity number", p.Request.URL.Path, n.Data, a.Key, a.Val)
					}
				}
			}
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				walk(c)
			}
		}
		walk(doc)
	}
	if !strings.Contains(overview.body, number[:6]+" "+number[6:]) {
		t.Error("the overview does not show the number as text")
	}
	if logs := h.logs.String(); elevenDigits.MatchString(logs) || strings.Contains(logs, number) {
		t.Error("technical log holds an identity number")
	}
}

// overlay serves extra persons on top of the test population.
type overlay struct {
	extra *personsim.MemoryRegistry
	personsim.Registry
}

func (o overlay) ByNIN(n string) (*person.Person, bool) {
	if p, ok := o.extra.ByNIN(n); ok {
		return p, true
	}
	return o.Registry.ByNIN(n)
}

// hostileNumbers are synthetic numbers outside the test population.
func hostileNumbers(t *testing.T, h *harness, n int) []string {
	t.Helper()
	r := rand.New(rand.NewPCG(7, 7))
	var out []string
	for len(out) < n {
		s, err := nin.Generate(r, time.Date(1980+len(out), 3, 14, 0, 0, 0, 0, time.UTC), len(out)%2 == 0, nin.Fodselsnummer, true)
		if err != nil {
			t.Fatal(err)
		}
		if _, taken := h.pop.ByNIN(s); !taken && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// hostile builds a person whose upstream document carries full addresses
// with every marker value, whatever the protection says.
func hostile(number, given string, level person.AddressConfidentiality, itemLevel person.AddressConfidentiality, relatives ...person.FamilyRelation) *person.Person {
	cur := person.Meta{IsValid: person.Bool(true), Source: "Skatteetaten", ValidFrom: person.Date(2020, 1, 1)}
	old := person.Meta{IsValid: person.Bool(false), Source: "Skatteetaten", ValidFrom: person.Date(2010, 1, 1), ValidTo: person.Date(2020, 1, 1)}
	street := &person.StreetAddress{
		MunicipalityNumber: "0301", MunicipalityName: "Oslo", CountyNumber: "03", CountyName: "Oslo",
		SeparatelyOccupiedUnitNumber: "H7777", AddressName: "Hemmelighetsveien", AddressNumber: &person.AddressNumber{HouseNumber: "77", HouseLetter: "B"},
		AddressAdditionalName: "Skjulegarden", City: &person.City{CityName: "HEMMELIGBY", PostalCode: "9797"}, CoAddressName: "c/o Skjulested",
	}
	district := person.District{BasicStatisticalUnit: 9101, FullBasicStatisticalUnitNumber: "97979101", BasicStatisticalUnitName: "Skjultkrets",
		UrbanDistrictCode: "979701", UrbanDistrictName: "Skjultbydel", GeographicalUrbanDistrictCode: "979702", GeographicalUrbanDistrictName: "Gjemtbydel"}
	oldStreet := *street
	oldStreet.AddressName, oldStreet.City = "Tidligerestien", &person.City{CityName: "FORTIDSBY", PostalCode: "9696"}
	cadastral := &person.CadastralAddress{SeparatelyOccupiedUnitNumber: "H8888", CadastralNumber: &person.CadastralNumber{
		MunicipalityNumber: "0301", MunicipalityName: "Oslo", MunicipalityLandNumber: 4242, TitleNumber: 4343, LeaseholdNumber: 4444},
		AddressAdditionalName: "Matrikkelgjemmet", City: &person.City{CityName: "MATRIKKELBY", PostalCode: "9595"}, CoAddressName: "c/o Matrikkelskjul"}
	p := &person.Person{
		ID: "hostile-" + given,
		NorwegianIdentificationNumber: []person.NorwegianIdentificationNumber{{Meta: cur, Status: person.IdentificationInUse,
			IdentificationNumber: number, IdentificationNumberType: person.NationalIdentityNumber}},
		Name:           []person.PersonName{{Meta: cur, GivenName: given, FamilyName: "Fiendtlig"}},
		Gender:         []person.PersonGender{{Meta: cur, Gender: person.GenderFemale}},
		Status:         []person.PersonStatus{{Meta: cur, Status: person.StatusResident}},
		Birth:          []person.Birth{{Meta: cur, BirthDate: person.Date(1980, 3, 14), BirthCountry: "NOR"}},
		FamilyRelation: relatives,
		ResidentialAddress: []person.ResidentialAddress{
			{Meta: cur, StreetAddress: street, AddressConfidentiality: itemLevel, MoveDate: person.Date(2020, 1, 1), District: district},
			{Meta: old, StreetAddress: &oldStreet, District: district},
		},
		PresentAddress: []person.PresentAddress{{Meta: cur, CadastralAddress: cadastral, AddressConfidentiality: itemLevel, District: district}},
		SharedResidence: []person.SharedResidence{{Meta: cur, StreetAddress: street, AddressConfidentiality: itemLevel,
			ContractValidFrom: person.Date(2021, 1, 1), District: district}},
		PostalAddress: []person.ContactAddress{{Meta: cur, AddressConfidentiality: itemLevel, PostBoxAddress: &person.PostBoxAddress{
			PostBoxOwner: "Skjulested AS", PostBoxIdentification: "Postboks 9191", City: &person.City{CityName: "POSTGJEMMET", PostalCode: "9494"}}}},
		ForeignPostalAddress: []person.ForeignContactAddress{{Meta: cur, AddressConfidentiality: itemLevel, ForeignAddress: &person.InternationalAddress{
			AddressName: "Rue Secrète 5", CityOrPlaceName: "Cachéville", PostCode: "F-77777", CountryCode: "FR"}}},
	}
	if level != "" {
		p.AddressProtection = []person.AddressProtection{{Meta: cur, ProtectionLevel: level}}
	}
	return p
}

// hostileMarkers are the address values the hostile fixtures carry.
var hostileMarkers = []string{"Hemmelighetsveien", "H7777", "HEMMELIGBY", "9797", "Skjulested", "Skjulegarden", "97979101",
	"Skjultkrets", "979701", "Skjultbydel", "979702", "Gjemtbydel", "Tidligerestien", "FORTIDSBY", "9696", "H8888", "4242", "4343",
	"Matrikkelgjemmet", "MATRIKKELBY", "9595", "Matrikkelskjul", "Postboks 9191", "POSTGJEMMET", "9494", "Rue Secrète", "Cachéville", "F-77777"}

// addressMarkers lists the address values of a full upstream document: what
// must never reach a page when the person is protected.
func addressMarkers(p *person.Person) []string {
	var out []string
	add := func(ss ...string) {
		for _, s := range ss {
			if s = strings.TrimSpace(s); len(s) >= 3 && !slices.Contains(out, s) {
				out = append(out, s)
			}
		}
	}
	city := func(c *person.City) {
		if c != nil {
			add(c.CityName, c.PostalCode)
		}
	}
	streetAddr := func(sa *person.StreetAddress) {
		if sa == nil {
			return
		}
		line := sa.AddressName
		if sa.AddressNumber != nil {
			line += " " + sa.AddressNumber.HouseNumber
		}
		add(line, sa.AddressName, sa.SeparatelyOccupiedUnitNumber, sa.CoAddressName, sa.AddressAdditionalName)
		city(sa.City)
	}
	cad := func(ca *person.CadastralAddress) {
		if ca == nil {
			return
		}
		add(ca.SeparatelyOccupiedUnitNumber, ca.CoAddressName, ca.AddressAdditionalName)
		city(ca.City)
		if cn := ca.CadastralNumber; cn != nil {
			add(fmt.Sprintf("gnr. %d, bnr. %d", cn.MunicipalityLandNumber, cn.TitleNumber))
		}
	}
	dist := func(d person.District) {
		add(d.FullBasicStatisticalUnitNumber, d.BasicStatisticalUnitName, d.UrbanDistrictCode, d.UrbanDistrictName,
			d.GeographicalUrbanDistrictCode, d.GeographicalUrbanDistrictName)
	}
	for _, a := range p.ResidentialAddress {
		streetAddr(a.StreetAddress)
		cad(a.CadastralAddress)
		dist(a.District)
	}
	for _, a := range p.PresentAddress {
		streetAddr(a.StreetAddress)
		cad(a.CadastralAddress)
		dist(a.District)
	}
	for _, a := range p.SharedResidence {
		streetAddr(a.StreetAddress)
		cad(a.CadastralAddress)
		dist(a.District)
	}
	for _, a := range p.PostalAddress {
		if pb := a.PostBoxAddress; pb != nil {
			add(pb.PostBoxIdentification, pb.PostBoxOwner)
			city(pb.City)
		}
		if sa := a.StreetAddress; sa != nil {
			add(sa.AddressName, sa.CoAddressName, sa.SeparatelyOccupiedUnitNumber)
			city(sa.City)
		}
	}
	for _, a := range p.ForeignPostalAddress {
		if fa := a.ForeignAddress; fa != nil {
			add(fa.AddressName, fa.CityOrPlaceName, fa.PostCode)
		}
	}
	return out
}

// leaks returns the markers found as whole words in body.
func leaks(body string, markers []string) []string {
	var out []string
	for _, m := range markers {
		if regexp.MustCompile(`(^|[^\p{L}\p{N}])` + regexp.QuoteMeta(m) + `([^\p{L}\p{N}]|$)`).MatchString(body) {
			out = append(out, m)
		}
	}
	return out
}

// everyView fetches the overview at path, each panel as a fragment, and the
// timeline, and returns them by name.
func everyView(t *testing.T, b *browser, path string) map[string]*page {
	t.Helper()
	out := map[string]*page{"overview": b.get(path)}
	for _, id := range []string{"identity", "names", "addresses", "status", "birth", "citizenship", "marital", "krr", "family"} {
		out["panel "+id] = b.get(path+"/panel/"+id, "HX-Request", "true")
	}
	if p := b.get(path + "/timeline"); p.StatusCode == http.StatusOK {
		out["timeline"] = p
	}
	for name, p := range out {
		if p.StatusCode != http.StatusOK {
			t.Errorf("%s: status %d", name, p.StatusCode)
		}
	}
	return out
}

func TestS19_ProtectedAddressesNeverShown(t *testing.T) {
	h0 := newHarness(t)
	numbers := hostileNumbers(t, h0, 5)
	strict, unknown, item, parent, child := numbers[0], numbers[1], numbers[2], numbers[3], numbers[4]
	cur := person.Meta{IsValid: person.Bool(true)}
	fixtures := []*person.Person{
		hostile(strict, "Strengt", person.StrictlyConfidential, "", person.FamilyRelation{Meta: cur, RelatedPerson: child,
			RelatedPersonsRole: person.RelationChild, MyRoleForRelatedPerson: person.RelationMother}),
		hostile(unknown, "Ukjent", "TopSecret", ""),
		hostile(item, "Enkelt", "", person.Confidential),
		hostile(parent, "Forelder", "", "", person.FamilyRelation{Meta: cur, RelatedPerson: strict,
			RelatedPersonsRole: person.RelationChild, MyRoleForRelatedPerson: person.RelationMother}),
		hostile(child, "Barn", person.Confidential, ""),
	}
	// The parent's own (unprotected) address must show; rename its markers.
	fixtures[3].ResidentialAddress[0].StreetAddress = &person.StreetAddress{AddressName: "Åpenveien", AddressNumber: &person.AddressNumber{HouseNumber: "1"},
		City: &person.City{CityName: "ÅPENBY", PostalCode: "1234"}}
	fixtures[3].PresentAddress, fixtures[3].SharedResidence, fixtures[3].PostalAddress, fixtures[3].ForeignPostalAddress = nil, nil, nil, nil
	fixtures[3].ResidentialAddress = fixtures[3].ResidentialAddress[:1]
	fixtures[3].ResidentialAddress[0].District = person.District{}
	// Only the current items of this one are protected; its history would
	// show (it is not protected), so it has none.
	fixtures[2].ResidentialAddress = fixtures[2].ResidentialAddress[:1]
	h := newHarness(t, withRegistry(overlay{extra: personsim.NewMemoryRegistry(fixtures, nil), Registry: h0.pop}))
	b, tok := clinician(t, h)

	check := func(t *testing.T, views map[string]*page, markers []string) {
		t.Helper()
		for name, p := range views {
			if l := leaks(p.body, markers); len(l) > 0 {
				t.Errorf("%s shows protected address values %q", name, l)
			}
		}
	}

	for _, c := range []struct{ name, number, level string }{
		{"strictly confidential, items unmarked", strict, msg("person.protected.strict")},
		{"unknown protection level", unknown, msg("person.protected.unknown")},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := personPath(b.open(tok, c.number))
			views := everyView(t, b, path)
			check(t, views, hostileMarkers)
			if text := panelText(t, views["overview"].body, "addresses"); !strings.Contains(text, c.level) ||
				!strings.Contains(text, msg("person.protected.open")) {
				t.Errorf("address panel does not say the address is protected (%s) and why: %q", c.level, text)
			}
			if len(testids(t, views["overview"].body, "label-protected")) == 0 {
				t.Error("header has no protected-address label")
			}
		})
	}
	t.Run("one protected item of an unprotected person", func(t *testing.T) {
		views := everyView(t, b, personPath(b.open(tok, item)))
		check(t, views, hostileMarkers)
		if !strings.Contains(panelText(t, views["overview"].body, "addresses"), msg("person.protected.confidential")) {
			t.Error("the masked item does not say it is confidential")
		}
	})
	t.Run("protected relative", func(t *testing.T) {
		path := personPath(b.open(tok, parent))
		views := everyView(t, b, path)
		check(t, views, hostileMarkers)
		family := panelText(t, views["overview"].body, "family")
		if !strings.Contains(family, "Strengt Fiendtlig") || !strings.Contains(family, msg("person.protected.strict")) ||
			!strings.Contains(family, msg("person.protected.why.relative")) {
			t.Errorf("family panel does not mask the protected relative with the reason: %q", family)
		}
		if addr := panelText(t, views["overview"].body, "addresses"); !strings.Contains(addr, "Åpenveien 1") {
			t.Errorf("the parent's own address is missing: %q", addr)
		}
		// The relative's own page, through the link: still nothing.
		for _, a := range testids(t, views["overview"].body, "relative-link") {
			for _, at := range a.Attr {
				if at.Key == "href" {
					check(t, everyView(t, b, at.Val), hostileMarkers)
				}
			}
		}
	})

	// The real population: the simulator sends full addresses with full access.
	for _, kind := range []string{"strictly-confidential", "confidential"} {
		t.Run("population "+kind, func(t *testing.T) {
			for _, p := range h.pop.Where(kind, 3) {
				full, _ := h.pop.ByNIN(numberOf(t, p))
				markers := addressMarkers(full)
				if len(markers) == 0 {
					t.Fatal("no address values to look for")
				}
				views := everyView(t, b, personPath(b.open(tok, numberOf(t, p))))
				name, birth := p.CurrentName(), p.CurrentBirth().BirthDate
				views["search"] = b.search(tok, name.GivenName+" "+name.FamilyName+" "+birth.Format("02.01.2006"))
				check(t, views, markers)
				// Their relatives' family panels show them masked too. (The
				// relatives' own addresses are theirs to show, even where
				// they once lived together.)
				for _, a := range testids(t, views["overview"].body, "relative-link") {
					for _, at := range a.Attr {
						if at.Key == "href" {
							rel := b.get(at.Val)
							if l := leaks(panelText(t, rel.body, "family"), markers); len(l) > 0 {
								t.Errorf("relative's family panel shows %q", l)
							}
						}
					}
				}
			}
		})
	}
}

// switchable is an audit store that can be made to fail mid-test, so a
// signed-in user (whose login was audited) meets a failing audit store.
type switchable struct {
	audit.Store
	fail atomic.Bool
}

func (s *switchable) Record(ctx context.Context, e audit.Event) (audit.Record, error) {
	if s.fail.Load() {
		return audit.Failing().Record(ctx, e)
	}
	return s.Store.Record(ctx, e)
}

func withSwitchableAudit(sw *switchable) harnessOption {
	return func(_ *harness, cfg *Config) {
		sw.Store = cfg.Audit
		cfg.Audit = sw
	}
}

func TestS20_AuditStoreDownFailsClosed(t *testing.T) {
	sw := &switchable{}
	h := newHarness(t, withSwitchableAudit(sw))
	b, tok := clinician(t, h)
	subject := someone(t, h, "family")
	number := numberOf(t, subject)
	path := personPath(b.open(tok, number))
	name := subject.CurrentName()
	sw.fail.Store(true)

	for _, p := range []*page{
		b.get(path),
		b.get(path+"/panel/names", "HX-Request", "true"),
		b.get(path+"/panel/krr", "HX-Request", "true"),
		b.get(path+"/panel/family", "HX-Request", "true"),
		b.search(tok, name.GivenName+" "+name.FamilyName+" "+subject.CurrentBirth().BirthDate.Format("02.01.2006")),
	} {
		if p.StatusCode != http.StatusServiceUnavailable {
			t.Errorf("%s %s: status %d; want 503", p.Request.Method, p.Request.URL.Path, p.StatusCode)
		}
		if len(testids(t, p.body, "correlation-id")) != 1 {
			t.Errorf("%s: no correlation id", p.Request.URL.Path)
		}
		if strings.Contains(p.body, name.FamilyName) || strings.Contains(p.body, number[6:]) {
			t.Errorf("%s: patient data written despite the failing audit store", p.Request.URL.Path)
		}
		if !strings.Contains(p.body, msg("error.audit.title")) {
			t.Errorf("%s: does not say the audit log is unavailable", p.Request.URL.Path)
		}
	}
}

func TestS27_AuditRecordsForPersonData(t *testing.T) {
	h := newHarness(t)
	b, tok := clinician(t, h)
	subject := someone(t, h, "parent")
	number := numberOf(t, subject)
	doctor := persona(t, "doctor")

	before := len(h.records())
	overview := b.open(tok, number)
	if overview.StatusCode != http.StatusOK {
		t.Fatalf("overview: status %d", overview.StatusCode)
	}
	recs := h.records()[before:]
	byResource := map[string]audit.Record{}
	for _, r := range recs {
		if _, dup := byResource[r.Resource]; dup {
			t.Errorf("two %s records for one overview", r.Resource)
		}
		byResource[r.Resource] = r
	}
	var relatives []string
	for _, fr := range subject.FamilyRelation {
		if fr.RelatedPerson != "" && !slices.Contains(relatives, fr.RelatedPerson) {
			relatives = append(relatives, fr.RelatedPerson)
		}
	}
	for _, m := range person.Valid(subject.MaritalStatus) {
		if m.RelatedByMaritalStatus != "" && !slices.Contains(relatives, m.RelatedByMaritalStatus) {
			relatives = append(relatives, m.RelatedByMaritalStatus)
		}
	}
	for _, res := range []string{"person", "krr", "family"} {
		t.Run(res, func(t *testing.T) {
			r, ok := byResource[res]
			if !ok {
				t.Fatalf("no %s record; have %v", res, recs)
			}
			if _, off := r.Time.Zone(); r.Time.IsZero() || off != 0 {
				t.Errorf("time %v; want UTC", r.Time)
			}
			switch {
			case r.CorrelationID == "" || r.CorrelationID != byResource["person"].CorrelationID:
				t.Errorf("correlation id %q; want the request's", r.CorrelationID)
			case r.Actor.PID != doctor.PID || r.Actor.HPRNumber == "" || r.Actor.HPRRole == "" || r.Actor.SecurityLevel != "4":
				t.Errorf("actor %+v incomplete", r.Actor)
			case r.Actor.OrgParent == "" && r.Actor.OrgChild == "":
				t.Errorf("actor without organisation")
			case r.Patient != number:
				t.Errorf("patient is not the looked-up number")
			case r.Action != "view" || r.Outcome != audit.Granted:
				t.Errorf("action %q outcome %q; want view granted", r.Action, r.Outcome)
			case r.ClientIP == "":
				t.Errorf("no client IP")
			}
			if res == "family" {
				got := slices.Clone(r.Results)
				slices.Sort(got)
				want := slices.Clone(relatives)
				slices.Sort(want)
				for _, w := range want {
					if !slices.Contains(got, w) {
						t.Errorf("family results %v lack relative %s…", len(got), w[:6])
					}
				}
			}
		})
	}

	t.Run("search", func(t *testing.T) {
		name := subject.CurrentName()
		birth := subject.CurrentBirth().BirthDate.Format("02.01.2006")
		before := len(h.records())
		b.search(tok, name.GivenName+" "+name.FamilyName+" "+birth)
		recs := h.records()[before:]
		if len(recs) != 1 {
			t.Fatalf("%d records for one search; want 1", len(recs))
		}
		r := recs[0]
		if r.Resource != "person" || r.Action != "search" || r.Outcome != audit.Granted {
			t.Errorf("record %s %s %s; want person search granted", r.Resource, r.Action, r.Outcome)
		}
		if !slices.Equal(r.Fields, []string{"FullName", "BirthDate"}) {
			t.Errorf("fields %v; want the field names FullName, BirthDate", r.Fields)
		}
		for _, f := range r.Fields {
			if strings.Contains(f, name.GivenName) || strings.Contains(f, birth) {
				t.Errorf("fields hold the typed values")
			}
		}
		if !slices.Contains(r.Results, number) {
			t.Errorf("results do not hold the person found")
		}
		if r.Actor.PID != doctor.PID || r.CorrelationID == "" {
			t.Errorf("actor or correlation id missing")
		}
	})

	t.Run("relative lookup is a new audited lookup", func(t *testing.T) {
		links := testids(t, overview.body, "relative-link")
		if len(links) == 0 {
			t.Fatal("no relative links")
		}
		href := ""
		for _, a := range links[0].Attr {
			if a.Key == "href" {
				href = a.Val
			}
		}
		before := len(h.records())
		if p := b.get(href); p.StatusCode != http.StatusOK {
			t.Fatalf("relative: status %d", p.StatusCode)
		}
		recs := h.records()[before:]
		if len(recs) == 0 {
			t.Fatal("the relative's page was not audited")
		}
		for _, r := range recs {
			if !slices.Contains(relatives, r.Patient) || r.Patient != recs[0].Patient {
				t.Errorf("%s record is not of the relative", r.Resource)
			}
		}
	})
}

func TestS31_UpstreamDownOnlyAffectedPanels(t *testing.T) {
	h := newHarness(t)
	b, tok := clinician(t, h)
	subject := someone(t, h, "parent")
	number := numberOf(t, subject)
	path := personPath(b.open(tok, number))
	down := msg("error.person.upstream.message")

	// Everything but KRR answers 503.
	var fregOnly []person.InformationPart
	for _, p := range person.AllInformationParts() {
		if p != person.PartCommonContactRegisterInformation {
			fregOnly = append(fregOnly, p)
		}
	}
	for _, status := range []int{500, 502, 503} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			h.personSim.SetFault(personsim.Fault{Status: status, Parts: fregOnly})
			defer h.personSim.SetFault(personsim.Fault{})
			before := len(h.records())
			p := b.get(path)
			if p.StatusCode != http.StatusOK {
				t.Fatalf("status %d; want 200 with the failing panels marked", p.StatusCode)
			}
			for _, id := range []string{"identity", "names", "addresses", "family"} {
				text := panelText(t, p.body, id)
				if !strings.Contains(text, down) || !strings.Contains(text, msg("error.reference", "")) {
					t.Errorf("panel %s does not say the Person API is down with a reference: %q", id, text)
				}
			}
			if krr := panelText(t, p.body, "krr"); strings.Contains(krr, down) {
				t.Errorf("KRR panel fails too: %q", krr)
			}
			if strings.Contains(p.body, subject.CurrentName().FamilyName) {
				t.Error("failing FREG data shown anyway")
			}
			outcomes := map[string]audit.Outcome{}
			for _, r := range h.records()[before:] {
				outcomes[r.Resource] = r.Outcome
			}
			if outcomes["person"] != audit.UpstreamError || outcomes["krr"] != audit.Granted {
				t.Errorf("outcomes %v; want person upstream_error, krr granted", outcomes)
			}
			// A refresh of one panel fails alone, in the panel, with the status.
			f := b.get(path+"/panel/names", "HX-Request", "true")
			if f.StatusCode != http.StatusBadGateway {
				t.Errorf("fragment status %d; want 502", f.StatusCode)
			}
			if len(testids(t, f.body, "panel-names")) != 1 || !strings.Contains(f.body, down) ||
				len(testids(t, f.body, "correlation-id")) != 1 {
				t.Errorf("fragment is not the panel with the message and reference:\n%s", f.body)
			}
		})
	}
	t.Run("recovers", func(t *testing.T) {
		p := b.get(path)
		if strings.Contains(p.body, down) || !strings.Contains(p.body, subject.CurrentName().FamilyName) {
			t.Error("page does not recover once the API answers")
		}
	})
}

func TestS32_UpstreamHangsCutAtDeadline(t *testing.T) {
	const deadline = 300 * time.Millisecond
	h := newHarness(t, withUpstreamTimeout(deadline))
	b, tok := clinician(t, h)
	subject := someone(t, h, "parent")
	path := personPath(b.open(tok, numberOf(t, subject)))
	h.personSim.SetFault(personsim.Fault{Latency: 30 * time.Second})
	defer h.personSim.SetFault(personsim.Fault{})

	for _, c := range []struct {
		name   string
		get    func() *page
		status int
	}{
		{"overview", func() *page { return b.get(path) }, http.StatusOK},
		{"panel", func() *page { return b.get(path+"/panel/krr", "HX-Request", "true") }, http.StatusGatewayTimeout},
	} {
		t.Run(c.name, func(t *testing.T) {
			start := time.Now()
			p := c.get()
			if elapsed := time.Since(start); elapsed > deadline+500*time.Millisecond {
				t.Errorf("answered after %v; want within %v", elapsed, deadline+500*time.Millisecond)
			}
			if p.StatusCode != c.status {
				t.Errorf("status %d; want %d", p.StatusCode, c.status)
			}
			if !strings.Contains(p.body, msg("error.person.timeout.message")) {
				t.Errorf("no timeout message:\n%s", p.body)
			}
		})
	}
}

func TestS33_MalformedUpstreamNeverPartial(t *testing.T) {
	h := newHarness(t)
	b, tok := clinician(t, h)
	subject := someone(t, h, "parent")
	path := personPath(b.open(tok, numberOf(t, subject)))
	family := subject.CurrentName().FamilyName

	for _, kind := range []string{personsim.MalformedTruncated, personsim.MalformedWrongContentType, personsim.MalformedEmpty, personsim.MalformedOversized} {
		t.Run(kind, func(t *testing.T) {
			h.personSim.SetFault(personsim.Fault{Malformed: kind})
			defer h.personSim.SetFault(personsim.Fault{})
			p := b.get(path)
			if p.StatusCode != http.StatusOK {
				t.Fatalf("status %d", p.StatusCode)
			}
			if strings.Contains(p.body, family) {
				t.Error("patient data shown from a malformed answer")
			}
			for _, id := range []string{"names", "krr", "family"} {
				if !strings.Contains(panelText(t, p.body, id), msg("error.person.malformed.message")) {
					t.Errorf("panel %s does not say the answer was unusable", id)
				}
			}
			if f := b.get(path+"/panel/names", "HX-Request", "true"); f.StatusCode != http.StatusBadGateway || strings.Contains(f.body, family) {
				t.Errorf("fragment: status %d; want 502 without data", f.StatusCode)
			}
		})
	}
	t.Run("unknown enum values", func(t *testing.T) {
		h.personSim.SetFault(personsim.Fault{Malformed: personsim.MalformedUnknownEnum})
		defer h.personSim.SetFault(personsim.Fault{})
		p := b.get(path)
		if p.StatusCode != http.StatusOK {
			t.Fatalf("status %d", p.StatusCode)
		}
		if !strings.Contains(p.body, family) {
			t.Error("a document with unknown enum values is not shown")
		}
		if !strings.Contains(p.body, msg("person.value.unknown", "Hibernating")) {
			t.Error("unknown status value not shown as unknown")
		}
	})
}

func TestS35_KRRFailingDegradesOnlyItsPanel(t *testing.T) {
	h := newHarness(t)
	b, tok := clinician(t, h)
	subject := someone(t, h, "reserved")
	path := personPath(b.open(tok, numberOf(t, subject)))

	for _, f := range []personsim.Fault{
		{Status: 503, Parts: []person.InformationPart{person.PartCommonContactRegisterInformation}},
		{Malformed: personsim.MalformedTruncated, Parts: []person.InformationPart{person.PartCommonContactRegisterInformation}},
	} {
		t.Run(fmt.Sprintf("%d%s", f.Status, f.Malformed), func(t *testing.T) {
			h.personSim.SetFault(f)
			defer h.personSim.SetFault(personsim.Fault{})
			p := b.get(path)
			if p.StatusCode != http.StatusOK {
				t.Fatalf("status %d", p.StatusCode)
			}
			krr := panelText(t, p.body, "krr")
			if !strings.Contains(krr, msg("error.person.upstream.title")) && !strings.Contains(krr, msg("error.person.malformed.title")) {
				t.Errorf("KRR panel does not fail: %q", krr)
			}
			for _, id := range []string{"identity", "names", "addresses", "status", "birth", "citizenship", "marital", "family"} {
				if text := panelText(t, p.body, id); strings.Contains(text, msg("error.reference", "")) {
					t.Errorf("panel %s fails with KRR: %q", id, text)
				}
			}
			if !strings.Contains(p.body, subject.CurrentName().FamilyName) {
				t.Error("FREG data missing")
			}
			if len(testids(t, p.body, "label-reserved")) != 0 {
				t.Error("reserved label shown without KRR data")
			}
		})
	}
	t.Run("KRR answers", func(t *testing.T) {
		p := b.get(path)
		if len(testids(t, p.body, "label-reserved")) != 1 || len(testids(t, p.body, "krr-reserved")) != 1 {
			t.Error("a reserved person is not labelled reserved")
		}
	})
}

func TestF3_OverviewPanels(t *testing.T) {
	h := newHarness(t)
	b, tok := clinician(t, h)

	t.Run("every panel with history and freshness", func(t *testing.T) {
		subject := someone(t, h, "name-change")
		p := b.open(tok, numberOf(t, subject))
		for _, id := range []string{"identity", "names", "addresses", "status", "birth", "citizenship", "marital", "krr", "family"} {
			ns := testids(t, p.body, "panel-"+id)
			if len(ns) != 1 {
				t.Fatalf("panel %s missing", id)
			}
			text := nodeText(ns[0])
			if !strings.Contains(text, "Hentet 10.00 fra Persontjenesten") {
				t.Errorf("panel %s without freshness: %q", id, text)
			}
		}
		names := panelText(t, p.body, "names")
		for _, n := range person.History(subject.Name) {
			if !strings.Contains(names, n.FamilyName) {
				t.Errorf("historic name %s not in the names panel", n.FamilyName)
			}
		}
		if !strings.Contains(names, msg("person.history", len(person.History(subject.Name)))) {
			t.Errorf("names panel has no history section: %q", names)
		}
	})
	t.Run("replaced number leads to the current one", func(t *testing.T) {
		subject := someone(t, h, "replaced-nin")
		var old string
		for _, n := range person.History(subject.NorwegianIdentificationNumber) {
			old = n.IdentificationNumber
		}
		p := b.open(tok, old)
		links := testids(t, p.body, "current-number")
		if len(links) != 1 {
			t.Fatal("no link to the current number")
		}
		var href string
		for _, a := range links[0].Attr {
			if a.Key == "href" {
				href = a.Val
			}
		}
		cur := b.get(href)
		if cur.StatusCode != http.StatusOK || len(testids(t, cur.body, "current-number")) != 0 {
			t.Errorf("the current number's page: status %d", cur.StatusCode)
		}
		if !strings.Contains(cur.body, subject.CurrentNIN()[6:]) {
			t.Error("the current number's page does not show the current number")
		}
	})
	t.Run("deceased", func(t *testing.T) {
		p := b.open(tok, numberOf(t, someone(t, h, "deceased")))
		if len(testids(t, p.body, "label-deceased")) != 1 {
			t.Error("no deceased label")
		}
	})
	t.Run("old KRR verification warns", func(t *testing.T) {
		p := b.open(tok, numberOf(t, someone(t, h, "old-verification")))
		if !strings.Contains(panelText(t, p.body, "krr"), msg("person.krr.old", 18)) {
			t.Error("no warning for an old verification")
		}
	})
	t.Run("shared residence and parental responsibility", func(t *testing.T) {
		p := b.open(tok, numberOf(t, someone(t, h, "shared-residence")))
		family := panelText(t, p.body, "family")
		if !strings.Contains(family, msg("person.address.shared")) || !strings.Contains(family, msg("person.family.responsibility")) {
			t.Errorf("family panel lacks shared residence or parental responsibility: %q", family)
		}
	})
	t.Run("languages", func(t *testing.T) {
		subject := someone(t, h, "family")
		path := personPath(b.open(tok, numberOf(t, subject)))
		for _, l := range []string{"nn", "en"} {
			b.post("/lang", url.Values{"csrf_token": {tok}, "lang": {l}, "return": {"/"}})
			p := b.get(path)
			if !strings.Contains(p.body, i18n.TL(i18n.Lang(l), "person.panel.family")) {
				t.Errorf("%s: page not translated", l)
			}
			if regexp.MustCompile(`>\s*(person|search|error)\.[a-z_.]+\s*<`).MatchString(p.body) {
				t.Errorf("%s: a catalog key is shown instead of its text", l)
			}
		}
		b.post("/lang", url.Values{"csrf_token": {tok}, "lang": {"nb"}, "return": {"/"}})
	})
	t.Run("panel URL without htmx goes to the page", func(t *testing.T) {
		path := personPath(b.open(tok, numberOf(t, someone(t, h, "family"))))
		p := b.get(path + "/panel/names")
		if p.StatusCode != http.StatusSeeOther || p.Header.Get("Location") != path+"#panel-names" {
			t.Errorf("status %d Location %q", p.StatusCode, p.Header.Get("Location"))
		}
		if p := b.get(path+"/panel/nonsense", "HX-Request", "true"); p.StatusCode != http.StatusNotFound {
			t.Errorf("unknown panel: status %d", p.StatusCode)
		}
	})
}

// TestPanelAfterHelseIDGrantExpired: a session that outlives its refresh
// token gets "log in again" — with HX-Redirect for htmx — not an upstream
// error, and the attempt is audited as denied.
func TestPanelAfterHelseIDGrantExpired(t *testing.T) {
	h := newHarness(t, withRefreshTokenLifetime(20*time.Minute))
	b, tok := clinician(t, h)
	overview := b.open(tok, numberOf(t, someone(t, h, "family")))
	if overview.StatusCode != http.StatusOK {
		t.Fatalf("overview: %d", overview.StatusCode)
	}
	// 25 minutes on: the session is alive (idle 30 min), the access token
	// (10 min) and the refresh token (20 min) are not.
	h.clock.Advance(25 * time.Minute)
	p := b.get(personPath(overview)+"/panel/names", "HX-Request", "true")
	if p.StatusCode != http.StatusUnauthorized || p.Header.Get("HX-Redirect") != "/login" {
		t.Fatalf("panel: status %d HX-Redirect %q; want 401 and /login", p.StatusCode, p.Header.Get("HX-Redirect"))
	}
	full := b.get(personPath(overview))
	if full.StatusCode != http.StatusUnauthorized || !strings.Contains(full.body, `href="/login"`) {
		t.Errorf("full page: status %d; want 401 with a login link", full.StatusCode)
	}
}

// TestHardening_PageDeadlineBudget: the overview's upstream calls share one
// deadline. The core call and the relatives' bulk call run one after the
// other; each within the per-call deadline, together past it. The page
// answers within the deadline (plus rendering), with the family panel
// saying the Person API did not answer in time and every other panel full.
func TestHardening_PageDeadlineBudget(t *testing.T) {
	const deadline = 600 * time.Millisecond
	h := newHarness(t, withUpstreamTimeout(deadline))
	b, tok := clinician(t, h)
	subject := someone(t, h, "parent")
	path := personPath(b.open(tok, numberOf(t, subject)))
	h.personSim.SetFault(personsim.Fault{Latency: 400 * time.Millisecond})
	defer h.personSim.SetFault(personsim.Fault{})

	start := time.Now()
	p := b.get(path)
	elapsed := time.Since(start)
	if p.StatusCode != http.StatusOK {
		t.Fatalf("status %d", p.StatusCode)
	}
	if elapsed > deadline+500*time.Millisecond {
		t.Errorf("answered after %v; want within %v", elapsed, deadline+500*time.Millisecond)
	}
	family := testids(t, p.body, "panel-family")
	if len(family) != 1 || !strings.Contains(nodeText(family[0]), msg("error.person.timeout.message")) {
		t.Errorf("family panel does not say it timed out")
	}
	names := testids(t, p.body, "panel-names")
	if len(names) != 1 || !strings.Contains(nodeText(names[0]), subject.CurrentName().FamilyName) {
		t.Errorf("names panel lost its data")
	}
	// The late call is still audited, as an upstream error.
	if n := countActions(h.records(), "view", audit.UpstreamError); n < 1 {
		t.Errorf("no upstream_error record for the call that ran out of time")
	}
}
