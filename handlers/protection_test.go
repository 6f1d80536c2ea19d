package handlers

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/oppslag/oppslag/clients/person"
	"github.com/oppslag/oppslag/handlers/request"
	"github.com/oppslag/oppslag/views/i18n"
)

// TestS19_EveryAddressViewUsesTheRule proves that every page and fragment
// that shows an address, or a relative's protection, goes through
// clients/person/protection: each scenario's protection is visible only
// through a branch of that rule the old handler-local rules did not have
// (the strictest of several current levels; a past period of protection on
// the overview; a relative with several current levels). A page that
// decided on its own would leak a marker or miss the label.
func TestS19_EveryAddressViewUsesTheRule(t *testing.T) {
	scenarios := []struct {
		name       string
		protection []person.AddressProtection
		hidden     []string // address text that must appear nowhere
		shown      []string // address text the overview must still show
		notice     bool     // the addresses panel says the person is protected
	}{
		{
			// The first current item is Unclassified; the strictest is
			// Confidential (the old rules read only the first).
			name: "strictest of the current levels",
			protection: []person.AddressProtection{
				{Meta: tlMeta("1980-03-12", ""), ProtectionLevel: person.Unclassified},
				{Meta: tlMeta("2024-01-01", ""), ProtectionLevel: person.Confidential},
			},
			hidden: []string{"Bergensgata", "Thorvald Meyers", "Markveien", "5003", "0555", "0554", "Grünerløkka", "Postboks"},
			notice: true,
		},
		{
			// Protected 2000–2003, unclassified now: the address of that
			// period stays hidden on the overview too (the timeline's rule).
			name: "past period of protection",
			protection: []person.AddressProtection{
				{Meta: tlMeta("2000-01-01", "2003-01-01"), ProtectionLevel: person.StrictlyConfidential},
				{Meta: tlMeta("2003-01-01", ""), ProtectionLevel: person.Unclassified},
			},
			hidden: []string{"Thorvald Meyers", "0555"},
			shown:  []string{"Bergensgata", "Markveien"},
		},
	}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			p := tlLifePerson(t)
			p.AddressProtection = sc.protection
			self := p.NorwegianIdentificationNumber[0].IdentificationNumber
			child := p.FamilyRelation[0].RelatedPerson
			// The relative's first current level is Unclassified, the
			// strictest StrictlyConfidential.
			kid := &person.Person{
				NorwegianIdentificationNumber: []person.NorwegianIdentificationNumber{{IdentificationNumber: child, Status: person.IdentificationInUse}},
				Name:                          []person.PersonName{{GivenName: "Emil", FamilyName: "Nordmann"}},
				AddressProtection: []person.AddressProtection{
					{Meta: tlMeta("2010-06-01", ""), ProtectionLevel: person.Unclassified},
					{Meta: tlMeta("2020-01-01", ""), ProtectionLevel: person.StrictlyConfidential},
				},
			}
			api := tlPersonAPI(t, p, kid)
			h := Person{API: api, Audit: Auditor{Store: &tlAudit{}}, Now: func() time.Time { return tlNow }}
			get := func(t *testing.T, path string, fragment bool, serve func(http.ResponseWriter, *http.Request) error, values map[string]string) (int, string) {
				t.Helper()
				r := httptest.NewRequest(http.MethodGet, path, nil)
				for k, v := range values {
					r.SetPathValue(k, v)
				}
				ctx := request.WithUser(r.Context(), &request.User{Name: "Lege"})
				ctx = request.WithHandles(ctx, tlHandles{"h1": self, "h2": child})
				ctx = request.WithTokens(ctx, tlTokens{})
				r = withPatient(r.WithContext(i18n.WithLang(ctx, i18n.NB)))
				if fragment {
					r.Header.Set("HX-Request", "true")
				}
				w := httptest.NewRecorder()
				if err := serve(w, r); err != nil {
					t.Fatalf("%s: %v", path, err)
				}
				return w.Code, w.Body.String()
			}
			noLeak := func(t *testing.T, body string) {
				t.Helper()
				for _, m := range sc.hidden {
					if strings.Contains(body, m) {
						t.Errorf("body shows protected address text %q", m)
					}
				}
			}
			relativeProtected := func(t *testing.T, body string, graph bool) {
				t.Helper()
				if graph && !strings.Contains(body, "app-fg-node--protected") {
					t.Errorf("family graph does not draw the relative as protected")
				}
				if !graph && !strings.Contains(body, "Strengt fortrolig adresse") {
					t.Errorf("family panel does not label the relative's protection")
				}
			}
			handle := map[string]string{"handle": "h1"}

			t.Run("overview", func(t *testing.T) {
				_, body := get(t, "/person/h1", false, h.Overview, handle)
				noLeak(t, body)
				for _, m := range sc.shown {
					if !strings.Contains(body, m) {
						t.Errorf("overview lacks %q, which the rule shows", m)
					}
				}
				if got := strings.Contains(body, `data-testid="protected-address"`); got != sc.notice {
					t.Errorf("protected-address notice %v, want %v", got, sc.notice)
				}
				// The header's label reads the same rule as the panel.
				header := body[strings.Index(body, `data-testid="person-header"`):]
				header = header[:strings.Index(header, "</section>")]
				if got := strings.Contains(header, `data-testid="label-protected"`); got != sc.notice {
					t.Errorf("header protection label %v, want %v", got, sc.notice)
				}
				relativeProtected(t, body, false)
				relativeProtected(t, body, true)
			})
			t.Run("addresses fragment", func(t *testing.T) {
				_, body := get(t, "/person/h1/panel/addresses", true, h.Panel, map[string]string{"handle": "h1", "panel": "addresses"})
				noLeak(t, body)
				if !sc.notice && !strings.Contains(body, "Strengt fortrolig adresse") {
					t.Errorf("the masked item does not say at which level")
				}
			})
			t.Run("family fragment", func(t *testing.T) {
				_, body := get(t, "/person/h1/panel/family", true, h.Panel, map[string]string{"handle": "h1", "panel": "family"})
				relativeProtected(t, body, false)
				relativeProtected(t, body, true)
			})
			t.Run("timeline", func(t *testing.T) {
				_, body := get(t, "/person/h1/timeline", false, h.Timeline, handle)
				noLeak(t, body)
				relativeProtected(t, body, true)
			})
			t.Run("timeline as-of card", func(t *testing.T) {
				code, body := get(t, "/person/h1/timeline?asof=2000-06-01", true, h.Timeline, handle)
				if code != http.StatusOK || !strings.Contains(body, "timeline-asof") {
					t.Fatalf("status %d, no as-of card", code)
				}
				noLeak(t, body)
			})
			t.Run("timeline diff", func(t *testing.T) {
				code, body := get(t, "/person/h1/timeline?a=residentialaddress-0&b=residentialaddress-1", true, h.Timeline, handle)
				if code != http.StatusUnprocessableEntity || !strings.Contains(body, "Beskyttede adresser kan ikke sammenlignes") {
					t.Errorf("diff of a hidden address: status %d, want 422 with the protected message", code)
				}
				noLeak(t, body)
			})
		})
	}
}
