package web

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/oppslag/oppslag/clients/audit"
	"github.com/oppslag/oppslag/clients/person"
	"github.com/oppslag/oppslag/clients/person/phone"
)

// The marital panel names the current spouse, from the family bulk call,
// with a link to their overview through a session handle; refreshed on its
// own it fetches the spouse in one recorded bulk call (S27).
// spouseOf is the current spouse of a married subject: their identity
// number and their name as the population writes it.
func spouseOf(t *testing.T, h *harness, subject *person.Person) (nin, name string) {
	t.Helper()
	for _, m := range person.Valid(subject.MaritalStatus) {
		nin = m.RelatedByMaritalStatus
	}
	if nin == "" {
		t.Fatal("the married person names no spouse")
	}
	return nin, mustPerson(t, h, nin)
}

func TestMaritalPanelNamesTheSpouse(t *testing.T) {
	h := newHarness(t)
	b, tok := clinician(t, h)
	subject := someone(t, h, "married")
	spouseNIN, want := spouseOf(t, h, subject)

	p := b.open(tok, numberOf(t, subject))
	facts := testids(t, p.body, "marital-spouse")
	if len(facts) != 1 {
		t.Fatalf("%d spouse facts; want 1", len(facts))
	}
	if got := nodeText(facts[0]); !strings.Contains(got, want) {
		t.Errorf("spouse fact %q; want the name %q", got, want)
	}
	if !strings.Contains(panelText(t, p.body, "marital"), msg("person.marital.spouse")) {
		t.Error("the spouse is not labelled")
	}
	var href string
	for c := facts[0].FirstChild; c != nil; c = c.NextSibling {
		for _, at := range c.Attr {
			if at.Key == "href" {
				href = at.Val
			}
		}
	}
	if !strings.HasPrefix(href, "/person/") || strings.Contains(href, spouseNIN) {
		t.Errorf("spouse link %q; want a session handle, never the number", href)
	}

	t.Run("refresh names the spouse and records the call", func(t *testing.T) {
		before := len(h.records())
		r := b.get(personPath(p)+"/panel/marital", "HX-Request", "true")
		if r.StatusCode != http.StatusOK {
			t.Fatalf("refresh: status %d", r.StatusCode)
		}
		if got := testids(t, r.body, "marital-spouse"); len(got) != 1 || !strings.Contains(nodeText(got[0]), want) {
			t.Error("the refreshed panel does not name the spouse")
		}
		var family []audit.Record
		for _, rec := range h.records()[before:] {
			if rec.Resource == "family" {
				family = append(family, rec)
			}
		}
		if len(family) != 1 || !slices.Contains(family[0].Results, spouseNIN) || len(family[0].Results) != 1 {
			t.Errorf("family records %d; want one whose results are the spouse alone", len(family))
		}
	})
}

// The KRR panel shows the phone number grouped (+47 404 80 675).
func TestKRRPhoneFormatted(t *testing.T) {
	h := newHarness(t)
	b, tok := clinician(t, h)
	for _, subject := range h.pop.Where("family", 20) {
		k := subject.CommonContactRegisterInformation
		if k == nil || k.ContactInformation == nil || k.ContactInformation.PhoneNumber == "" {
			continue
		}
		raw := k.ContactInformation.PhoneNumber
		want := phone.Format(raw)
		if want == raw {
			continue
		}
		p := b.open(tok, numberOf(t, subject))
		ns := testids(t, p.body, "krr-phone")
		if len(ns) != 1 {
			t.Fatalf("%d phone items; want 1", len(ns))
		}
		if got := nodeText(ns[0]); !strings.Contains(got, want) || strings.Contains(got, raw) {
			t.Errorf("phone item %q; want %q, not %q", got, want, raw)
		}
		return
	}
	t.Skip("no person with a KRR phone number among the first 20")
}
