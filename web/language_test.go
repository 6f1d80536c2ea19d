package web

import (
	"testing"

	"github.com/oppslag/oppslag/views/i18n"
)

// TestLanguageFromAcceptLanguage: the browser's ranking (q-values) decides,
// not the order the tags are written in; q=0 means not wanted.
func TestLanguageFromAcceptLanguage(t *testing.T) {
	for _, tt := range []struct {
		header string
		want   i18n.Lang
	}{
		{"en;q=0.1, nb;q=0.9", i18n.NB},
		{"nn;q=0.5, en;q=0.8", i18n.EN},
		{"en;q=0, nn", i18n.NN},
		{"de, en;q=0.5", i18n.EN},
		{"nb-NO,nb;q=0.9,no;q=0.8,nn;q=0.7,en-US;q=0.6,en;q=0.5", i18n.NB},
		{"no", i18n.NB},
		{"nn-NO", i18n.NN},
		{"en-GB", i18n.EN},
		{"da", i18n.NB},
		{"de", i18n.NB},
		{"*", i18n.NB},
		{"", i18n.NB},
		{"%%%;q=x", i18n.NB},
	} {
		if got := fromAcceptLanguage(tt.header); got != tt.want {
			t.Errorf("fromAcceptLanguage(%q) = %s, want %s", tt.header, got, tt.want)
		}
	}
}
