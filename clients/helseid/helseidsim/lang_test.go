package helseidsim

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
)

func TestLangOf(t *testing.T) {
	tests := []struct {
		name, cookie, accept string
		want                 lang
	}{
		{"nothing", "", "", langNB},
		{"cookie en", "en", "nb", langEN},
		{"cookie nn", "nn", "", langNN},
		{"unknown cookie falls to header", "de", "en-GB,en;q=0.8", langEN},
		{"header nn", "", "nn-NO,nb;q=0.8,en;q=0.5", langNN},
		{"header no is bokmål", "", "no,en;q=0.5", langNB},
		{"header by quality", "", "de,en;q=0.9,nb;q=0.4", langEN},
		{"header only foreign", "", "de-DE,fr;q=0.8", langNB},
		{"header bad quality skipped", "", "en;q=x,nn;q=0.2", langNN},
		{"header case", "", "EN-us", langEN},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/connect/authorize", nil)
			if tt.cookie != "" {
				r.AddCookie(&http.Cookie{Name: "lang", Value: tt.cookie})
			}
			if tt.accept != "" {
				r.Header.Set("Accept-Language", tt.accept)
			}
			if got := langOf(r); got != tt.want {
				t.Errorf("langOf = %q, want %q", got, tt.want)
			}
		})
	}
}

// Every language has every text, and every default persona has a
// description in the table that matches its own.
func TestMessagesComplete(t *testing.T) {
	var keys []string
	for k := range messages[langNB] {
		keys = append(keys, k)
	}
	for _, l := range []lang{langNN, langEN} {
		for _, k := range keys {
			if messages[l][k] == "" {
				t.Errorf("%s lacks %q", l, k)
			}
		}
		if got, want := len(messages[l]), len(keys); got != want {
			t.Errorf("%s has %d texts, want %d", l, got, want)
		}
	}
	for _, p := range Personas() {
		if !slices.Contains(keys, "persona."+p.ID) {
			t.Errorf("persona %q has no description in the table", p.ID)
			continue
		}
		if got := langNB.describe(p); got != p.Description {
			t.Errorf("nb description of %q = %q, want its own %q", p.ID, got, p.Description)
		}
		if got := langEN.describe(p); got == p.Description {
			t.Errorf("en description of %q is the bokmål one", p.ID)
		}
	}
	custom := Persona{ID: "doctor", Description: "Egen beskrivelse"}
	if got := langEN.describe(custom); got != custom.Description {
		t.Errorf("a configured description: got %q, want it as configured", got)
	}
}
