package handlers

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/oppslag/oppslag/clients/person"
	"github.com/oppslag/oppslag/clients/person/timeline"
	"github.com/oppslag/oppslag/views"
	"github.com/oppslag/oppslag/views/i18n"
)

func TestTimelineData_Diff(t *testing.T) {
	p, prot := tlLifePerson(t), tlProtectedPerson(t, person.Confidential)
	tests := []struct {
		name    string
		a, b    string
		status  int
		wantErr string
	}{
		{"two names", "name-0", "name-1", http.StatusOK, ""},
		{"protected", "residentialaddress-1", "residentialaddress-2", http.StatusUnprocessableEntity, i18n.TL(i18n.NB, "timeline.diff.error.protected")},
		{"only a", "name-0", "", http.StatusUnprocessableEntity, "Velg to oppføringer: én som A og én som B."},
		{"unknown", "name-0", "name-9", http.StatusUnprocessableEntity, "Fant ikke oppføringen du valgte. Last inn siden på nytt og prøv igjen."},
		{"different parts", "name-0", "status-1", http.StatusUnprocessableEntity, "Du kan bare sammenligne to oppføringer av samme slag, for eksempel to navn eller to bostedsadresser."},
		{"derived", "familyrelation-0", "familyrelation-0-birth", http.StatusUnprocessableEntity, "Denne oppføringen kan ikke sammenlignes med en annen."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := parseTimelineQuery(url.Values{"a": {tt.a}, "b": {tt.b}})
			doc := p
			if tt.name == "protected" {
				doc = prot
			}
			d, status := timelineData(doc, "h1", q, tlNow, timeline.More{})
			if status != tt.status {
				t.Errorf("status %d, want %d", status, tt.status)
			}
			if got := d.DiffError.Lang(i18n.NB); got != tt.wantErr {
				t.Errorf("diff error %q, want %q", got, tt.wantErr)
			}
			if (d.Diff != nil) != (tt.wantErr == "") {
				t.Errorf("diff %v, want one only without error", d.Diff)
			}
		})
	}
}

func TestParseTimelineQuery(t *testing.T) {
	tests := []struct {
		name    string
		query   string
		kinds   []timeline.Kind
		asOf    string
		asOfErr string
	}{
		{"first visit shows all", "", timelineKinds, "", ""},
		{"form with two kinds", "f=1&kind=name&kind=move", []timeline.Kind{timeline.KindMove, timeline.KindName}, "", ""},
		{"form with none", "f=1", nil, "", ""},
		{"unknown kind ignored", "f=1&kind=labs&kind=name", []timeline.Kind{timeline.KindName}, "", ""},
		{"as of", "asof=2010-05-17", timelineKinds, "2010-05-17", ""},
		{"as of trimmed", "asof=+2010-05-17+", timelineKinds, "2010-05-17", ""},
		{"as of Norwegian form", "asof=17.05.2010", timelineKinds, "", "timeline.asof.invalid"},
		{"as of impossible day", "asof=2010-02-30", timelineKinds, "", "timeline.asof.invalid"},
		{"as of too early", "asof=1700-01-01", timelineKinds, "", "timeline.asof.range"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := url.ParseQuery(tt.query)
			if err != nil {
				t.Fatal(err)
			}
			q := parseTimelineQuery(v)
			var got []timeline.Kind
			for _, k := range timelineKinds {
				if q.kinds[k] {
					got = append(got, k)
				}
			}
			if !slices.Equal(got, tt.kinds) {
				t.Errorf("kinds %v, want %v", got, tt.kinds)
			}
			if q.asOf != tt.asOf || q.asOfErr != tt.asOfErr {
				t.Errorf("asof %q err %q, want %q err %q", q.asOf, q.asOfErr, tt.asOf, tt.asOfErr)
			}
		})
	}
}

func TestTimelineData_Filter(t *testing.T) {
	d, status := timelineData(tlLifePerson(t), "h1", parseTimelineQuery(url.Values{"f": {"1"}, "kind": {"name"}}), tlNow, timeline.More{})
	if status != http.StatusOK {
		t.Errorf("status %d", status)
	}
	if got, want := len(d.Entries), 2; got != want {
		t.Errorf("%d entries, want %d", got, want)
	}
	for _, e := range d.Entries {
		if e.Kind != string(timeline.KindName) {
			t.Errorf("entry %s of kind %s passed the name filter", e.ID, e.Kind)
		}
	}
	if d.Total <= len(d.Entries) {
		t.Errorf("total %d not above the filtered %d", d.Total, len(d.Entries))
	}
	if got, want := d.Action, "/person/h1/timeline"; got != want {
		t.Errorf("action %q, want %q", got, want)
	}
}

// tlProtectedPerson has addresses of every kind although the person is
// protected: the upstream sent them anyway, and none may reach the page.
func tlProtectedPerson(t *testing.T, level person.AddressConfidentiality) *person.Person {
	p := tlLifePerson(t)
	p.AddressProtection = []person.AddressProtection{
		{Meta: tlMeta("1980-03-12", "2012-01-01"), ProtectionLevel: person.Unclassified},
		{Meta: tlMeta("2012-01-01", ""), ProtectionLevel: level},
	}
	p.PresentAddress = []person.PresentAddress{{Meta: tlMeta("2013-01-01", ""),
		StreetAddress: &person.StreetAddress{AddressName: "Hemmeligveien", AddressNumber: &person.AddressNumber{HouseNumber: "7"},
			City: &person.City{PostalCode: "9990", CityName: "BÅTSFJORD"}}}}
	p.SharedResidence = []person.SharedResidence{{Meta: tlMeta("2014-01-01", ""),
		StreetAddress: &person.StreetAddress{AddressName: "Delteveien", City: &person.City{PostalCode: "9991", CityName: "SKJULT"}}}}
	p.PostalAddress = []person.ContactAddress{{Meta: tlMeta("2015-01-01", ""),
		StreetAddress: &person.StreetAddressForPost{AddressName: "Postveien", City: &person.City{PostalCode: "9992", CityName: "POSTSTED"}}}}
	p.ForeignPostalAddress = []person.ForeignContactAddress{{Meta: tlMeta("2016-01-01", ""),
		ForeignAddress: &person.InternationalAddress{AddressName: "Utlandsgatan 3", PostCode: "S-11122", CityOrPlaceName: "Stockholm", CountryCode: "SE"}}}
	p.ResidentialAddress[2].Reason = "Flyttet til Markveien 35B"
	return p
}

// tlAddressData is every piece of address in protectedPerson.
var tlAddressData = []string{
	"Bergensgata", "5003", "BERGEN", "Thorvald Meyers", "0555", "Markveien", "35B", "0554",
	"Hemmeligveien", "9990", "BÅTSFJORD", "Delteveien", "9991", "SKJULT", "Postveien", "9992", "POSTSTED",
	"Utlandsgatan", "S-11122", "Stockholm", "Grünerløkka", "Postboks", "0102", "0301",
}

// TestS19_TimelineProtectedAddress: with the person protected, the whole
// page, with an as-of date inside the protected period and a comparison
// asked for between two addresses, carries no piece of any address, says
// why, and still says that the address changed. The entries themselves are
// tested in package timeline.
func TestS19_TimelineProtectedAddress(t *testing.T) {
	for _, level := range []person.AddressConfidentiality{person.Confidential, person.StrictlyConfidential, "SomethingNew"} {
		t.Run(string(level), func(t *testing.T) {
			p := tlProtectedPerson(t, level)
			for _, lang := range i18n.Supported() {
				q := parseTimelineQuery(url.Values{"asof": {"2020-01-01"}, "a": {"residentialaddress-1"}, "b": {"residentialaddress-2"}})
				d, status := timelineData(p, "h1", q, tlNow, timeline.More{})
				if status != http.StatusUnprocessableEntity || d.Diff != nil {
					t.Errorf("%s: diff of protected addresses: status %d diff %v", lang, status, d.Diff)
				}
				d.Family = buildFamilyGraph(p, nil, nil)
				html := tlRender(t, lang, d)
				for _, s := range tlAddressData {
					if strings.Contains(html, s) {
						t.Errorf("%s: page contains address data %q", lang, s)
					}
				}
				if d.ProtectionNote.Lang(lang) == "" {
					t.Errorf("%s: no note says why the addresses are hidden", lang)
				}
			}
			html := tlRender(t, i18n.EN, func() views.TimelineData {
				d, _ := timelineData(p, "h1", parseTimelineQuery(nil), tlNow, timeline.More{})
				return d
			}())
			if !strings.Contains(html, "Residential address changed (protected address)") {
				t.Errorf("the page does not say the address changed")
			}
		})
	}
}

// TestS19_TimelineHistoricProtection: protected from 2000 to 2003 and
// unclassified now, the page hides the addresses of that period, in the
// list and on the as-of card, and shows the later ones.
func TestS19_TimelineHistoricProtection(t *testing.T) {
	p := tlLifePerson(t)
	p.AddressProtection = []person.AddressProtection{
		{Meta: tlMeta("2000-01-01", "2003-01-01"), ProtectionLevel: person.StrictlyConfidential},
		{Meta: tlMeta("2003-01-01", ""), ProtectionLevel: person.Unclassified},
	}
	d, status := timelineData(p, "h1", parseTimelineQuery(url.Values{"asof": {"2000-06-01"}}), tlNow, timeline.More{})
	if status != http.StatusOK {
		t.Fatalf("status %d", status)
	}
	html := tlRender(t, i18n.NB, d)
	if strings.Contains(html, "Thorvald") {
		t.Errorf("page shows the address of the protected period")
	}
	for _, want := range []string{"Markveien 35B", "Beskyttet adresse"} {
		if !strings.Contains(html, want) {
			t.Errorf("page lacks %q", want)
		}
	}
}

func tlRender(t *testing.T, l i18n.Lang, d views.TimelineData) string {
	t.Helper()
	var buf bytes.Buffer
	ctx := i18n.WithLang(context.Background(), l)
	if err := views.TimelinePage(views.Base{Title: views.Plain("x")}, d).Render(ctx, &buf); err != nil {
		t.Fatalf("render: %v", err)
	}
	return buf.String()
}

func TestTimelinePage_Render(t *testing.T) {
	p := tlLifePerson(t)
	q := parseTimelineQuery(url.Values{"asof": {"2009-01-01"}, "a": {"name-0"}, "b": {"name-1"}})
	for _, lang := range i18n.Supported() {
		d, status := timelineData(p, "h1", q, tlNow, timeline.More{})
		if status != http.StatusOK {
			t.Fatalf("status %d", status)
		}
		html := tlRender(t, lang, d)
		for _, want := range []string{`data-testid="timeline-asof"`, `data-testid="timeline-diff"`, `data-changed="true"`,
			`name="a" value="name-0" checked`, `hx-get="/person/h1/timeline"`, `action="/person/h1/timeline"`} {
			if !strings.Contains(html, want) {
				t.Errorf("%s: page lacks %s", lang, want)
			}
		}
		// Every message resolved: an unknown key renders as itself.
		for _, prefix := range []string{"timeline.", "familygraph."} {
			if i := strings.Index(html, prefix); i >= 0 {
				t.Errorf("%s: untranslated key near %q", lang, html[i:min(len(html), i+60)])
			}
		}
		if strings.Contains(html, " style=") {
			t.Errorf("%s: inline style attribute (CSP)", lang)
		}
	}
}

func TestTimelineResults_Fragment(t *testing.T) {
	d, _ := timelineData(tlLifePerson(t), "h1", parseTimelineQuery(nil), tlNow, timeline.More{})
	var buf bytes.Buffer
	if err := views.TimelineResults(d).Render(i18n.WithLang(context.Background(), i18n.NB), &buf); err != nil {
		t.Fatal(err)
	}
	html := buf.String()
	if !strings.HasPrefix(html, `<div id="timeline-results"`) {
		t.Errorf("fragment does not start with the swapped region: %.60s", html)
	}
	if strings.Contains(html, "<html") || strings.Contains(html, "<form") {
		t.Errorf("fragment carries page or form markup")
	}
}
