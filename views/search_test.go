package views

import (
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/oppslag/oppslag/views/i18n"
)

// TestSearchPageError: the search box's message is written in the page's
// language, after the mistyped number shown as text (S15), and marks the
// field invalid.
func TestSearchPageError(t *testing.T) {
	b := Base{User: signedIn(), CSRFToken: testToken, Path: "/search"}
	f := SearchForm{Error: Msg("search.error.length", 10), Entered: "1205790049"}
	for _, l := range i18n.Supported() {
		t.Run(string(l), func(t *testing.T) {
			out, doc := render(t, SearchPage(b, f), l, "")
			errs := all(byAttr("data-testid", "search-error"), doc)
			if len(errs) != 1 {
				t.Fatalf("got %d search errors, want 1", len(errs))
			}
			want := i18n.TL(l, "search.entered", "1205790049") + " " + i18n.TL(l, "search.error.length", 10)
			if got := text(errs[0]); got != want {
				t.Errorf("message %q, want %q", got, want)
			}
			q := all(byAttr("id", "search-q"), doc)[0]
			if v, _ := attr(q, "aria-invalid"); v != "true" {
				t.Errorf("#search-q aria-invalid = %q, want true", v)
			}
			if v, _ := attr(q, "value"); v != "" {
				t.Errorf("#search-q value = %q: the number is echoed into the field (S15)", v)
			}
			if strings.Contains(out, "search.error.") {
				t.Errorf("untranslated key in the page")
			}
		})
	}
	_, doc := render(t, SearchPage(b, SearchForm{Value: "Kari"}), i18n.NB, "")
	if n := len(all(byAttr("data-testid", "search-error"), doc)); n != 0 {
		t.Errorf("a form without an error shows %d messages", n)
	}
}

// TestSearchResultsPage writes the summary, the note and each row's
// register values and messages in the page's language.
func TestSearchResultsPage(t *testing.T) {
	b := Base{User: signedIn(), CSRFToken: testToken, Path: "/search"}
	res := SearchResults{
		Query:   "Kari Nordmann 1980",
		Summary: Msg("search.results.count", 2),
		Note:    Msg("search.results.capped"),
		Rows: []SearchRow{
			{Href: "/person/h1", Name: Plain("Kari Nordmann"), BirthDate: Plain("1980"), Age: Msg("person.age.years", 46),
				Gender: Msg("person.enum.gender.female"), Municipality: Plain("Oslo"), Status: Msg("person.enum.status.resident"),
				Tags: []Tag{{Text: Msg("person.label.dnumber"), Color: "info", TestID: "label-dnumber"}}},
			{Href: "/person/h2", Name: Msg("person.name.unknown"), Municipality: Msg("person.protected.hidden")},
		},
	}
	for _, l := range i18n.Supported() {
		t.Run(string(l), func(t *testing.T) {
			_, doc := render(t, SearchResultsPage(b, SearchForm{Value: res.Query}, res), l, "")
			if got, want := text(all(byAttr("data-testid", "search-summary"), doc)[0]), i18n.TL(l, "search.results.count", 2); got != want {
				t.Errorf("summary %q, want %q", got, want)
			}
			rows := all(byAttr("data-testid", "search-row"), doc)
			if len(rows) != 2 {
				t.Fatalf("got %d rows, want 2", len(rows))
			}
			for i, want := range [][]string{
				{"Kari Nordmann", "1980", i18n.TL(l, "person.age.years", 46), i18n.TL(l, "person.enum.gender.female"),
					"Oslo", i18n.TL(l, "person.enum.status.resident") + " " + i18n.TL(l, "person.label.dnumber")},
				{i18n.TL(l, "person.name.unknown"), "", "", "", i18n.TL(l, "person.protected.hidden"), ""},
			} {
				var got []string
				for c := rows[i].FirstChild; c != nil; c = c.NextSibling {
					if c.Type == html.ElementNode {
						got = append(got, text(c))
					}
				}
				if !slices.Equal(got, want) {
					t.Errorf("row %d: cells %q, want %q", i, got, want)
				}
			}
		})
	}
}
