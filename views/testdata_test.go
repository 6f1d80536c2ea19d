package views

import (
	"regexp"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/oppslag/oppslag/views/i18n"
)

func testdataSample() TestdataData {
	return TestdataData{
		Presets: []TestdataPreset{
			{ID: "suspended-doctor", Href: "/testdata?preset=suspended-doctor", Title: Msg("testdata.preset.suspended_doctor"),
				Hint: Msg("testdata.preset.suspended_doctor.hint"), Active: true},
			{ID: "reserved-abnormal-labs", Href: "/testdata?preset=reserved-abnormal-labs", Title: Msg("testdata.preset.reserved_abnormal_labs")},
		},
		Groups: []TestdataGroup{
			{ID: "freg", Legend: Msg("testdata.group.freg"), Filters: []TestdataFilter{
				{Kind: "deceased", Label: Msg("testdata.kind.deceased"), Count: 12},
				{Kind: "strictly-confidential", Label: Msg("testdata.kind.strictly_confidential"), Count: 0},
			}},
			{ID: "hpr", Legend: Msg("testdata.group.hpr"), Filters: []TestdataFilter{
				{Kind: "doctor", Label: Msg("testdata.kind.doctor"), Count: 4, Checked: true},
				{Kind: "suspended", Label: Msg("testdata.kind.suspended"), Count: 4, Checked: true},
			}},
		},
		Municipality: "Bærum",
		AgeMin:       "30",
		Summary:      Msg("testdata.results.count", 4),
		PageInfo:     Msg("testdata.pages.info", 1, 2),
		NextURL:      "/testdata?preset=suspended-doctor&page=2",
		Rows: []TestdataRow{
			{NIN: "41818800157", Number: "418188 00157", Name: "Kari Nordmann", Birth: Plain("01.01.1980"), Age: Msg("person.age.years", 46),
				Gender: Msg("person.enum.gender.female"), Municipality: Plain("Bærum"),
				Tags:    []Tag{{Text: Msg("person.label.synthetic"), Color: "neutral", TestID: "label-synthetic"}, {Text: Msg("testdata.kind.doctor"), Color: "info"}},
				HPRHref: "/hpr/1000001"},
			{NIN: "12857912345", Number: "128579 12345", Name: "Ola Nordmann", Age: Msg("person.age.at_death", 80),
				Gender: Msg("person.enum.gender.male"), Municipality: Msg("person.protected.hidden")},
		},
	}
}

// TestTestdataPage: the browser is a labelled GET form in fieldsets with
// legends, each row opens its person by a POST form carrying the number in
// a hidden field and the CSRF token, and no URL on the page holds an
// identity number (S15).
func TestTestdataPage(t *testing.T) {
	b := Base{User: signedIn(), CSRFToken: testToken, Path: "/testdata", Demo: true, Testdata: true}
	d := testdataSample()
	for _, l := range i18n.Supported() {
		t.Run(string(l), func(t *testing.T) {
			out, doc := render(t, TestdataPage(b, d), l, "")
			checkFrame(t, out, doc, b, l)
			checkLabels(t, doc)
			checkInert(t, out, doc)
			checkNoCatalogKeys(t, out, doc)
			forms := all(byAttr("data-testid", "testdata-form"), doc)
			if len(forms) != 1 {
				t.Fatalf("%d filter forms", len(forms))
			}
			if m, _ := attr(forms[0], "method"); m != "get" {
				t.Errorf("filter form method %q, want get", m)
			}
			for _, fs := range all(byTag("fieldset"), forms[0]) {
				if len(all(byTag("legend"), fs)) != 1 {
					t.Errorf("a fieldset without its legend")
				}
			}
			if got := text(all(byAttr("data-testid", "testdata-count-deceased"), doc)[0]); got != "(12)" {
				t.Errorf("count %q, want (12)", got)
			}
			lookups := all(byAttr("data-testid", "testdata-lookup"), doc)
			if len(lookups) != len(d.Rows) {
				t.Fatalf("%d lookup forms for %d rows", len(lookups), len(d.Rows))
			}
			for i, f := range lookups {
				checkPostForm(t, f, "/search", testToken)
				if got := hiddenValue(f, "q"); got != d.Rows[i].NIN {
					t.Errorf("row %d posts q=%q", i, got)
				}
			}
			digits := regexp.MustCompile(`\d{11}`)
			for _, n := range all(func(n *html.Node) bool { return n.Type == html.ElementNode }, doc) {
				for _, a := range n.Attr {
					if (a.Key == "href" || a.Key == "action") && digits.MatchString(a.Val) {
						t.Errorf("<%s %s=%q> holds an identity number", n.Data, a.Key, a.Val)
					}
				}
			}
			if n := len(all(byAttr("data-testid", "testdata-hpr"), doc)); n != 1 {
				t.Errorf("%d HPR links, want 1", n)
			}
			if n := len(all(byAttr("data-testid", "nav-testdata"), doc)); n != 1 {
				t.Errorf("%d header links to /testdata, want 1", n)
			}
			cur := all(byAttr("aria-current", "true"), doc)
			if len(cur) != 1 || !strings.Contains(text(cur[0]), i18n.TL(l, "testdata.preset.suspended_doctor")) {
				t.Errorf("the active preset is not marked")
			}
		})
	}
}

// TestTestdataPage_Refused: a refused query shows its message, no counts
// and no rows.
func TestTestdataPage_Refused(t *testing.T) {
	b := Base{User: signedIn(), CSRFToken: testToken, Path: "/testdata", Demo: true}
	d := testdataSample()
	d.Error = Msg("testdata.error.nin")
	for gi := range d.Groups {
		for fi := range d.Groups[gi].Filters {
			d.Groups[gi].Filters[fi].Count = -1
		}
	}
	_, doc := render(t, TestdataPage(b, d), i18n.NB, "")
	if msg := all(byAttr("data-testid", "testdata-error"), doc); len(msg) != 1 || text(msg[0]) != i18n.TL(i18n.NB, "testdata.error.nin") {
		t.Errorf("message missing")
	}
	if n := len(all(byAttr("data-testid", "testdata-row"), doc)); n != 0 {
		t.Errorf("%d rows on a refused query", n)
	}
	if n := len(all(byAttr("data-testid", "testdata-count-deceased"), doc)); n != 0 {
		t.Errorf("counts on a refused query")
	}
	if n := len(all(byAttr("data-testid", "nav-testdata"), doc)); n != 0 {
		t.Errorf("header links to /testdata without Base.Testdata")
	}
}
