package views

import (
	"testing"
	"time"

	"github.com/oppslag/oppslag/views/i18n"
)

func TestText(t *testing.T) {
	day := time.Date(2026, 12, 7, 0, 0, 0, 0, i18n.Oslo())
	tests := []struct {
		name string
		text Text
		lang i18n.Lang
		want string
	}{
		{"zero", Text{}, i18n.NB, ""},
		{"plain", Plain("Ola <Nordmann>"), i18n.EN, "Ola <Nordmann>"},
		{"message", Msg("error.home"), i18n.NB, i18n.TL(i18n.NB, "error.home")},
		{"message in English", Msg("error.home"), i18n.EN, i18n.TL(i18n.EN, "error.home")},
		{"plural", Msg("hpr.expiring", 1, "x"), i18n.NN, i18n.TL(i18n.NN, "hpr.expiring", 1, "x")},
		{"a Text argument is translated first", Msg("error.reference", Msg("error.home")), i18n.EN,
			i18n.TL(i18n.EN, "error.reference", i18n.TL(i18n.EN, "error.home"))},
		{"a Date argument in the language", Msg("error.reference", Date(day)), i18n.NB,
			i18n.TL(i18n.NB, "error.reference", i18n.Date(i18n.NB, day))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.text.Lang(tt.lang); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			if got := tt.text.In(i18n.WithLang(t.Context(), tt.lang)); got != tt.want {
				t.Errorf("In: got %q, want %q", got, tt.want)
			}
		})
	}
	if !(Text{}).IsZero() || Msg("x").IsZero() || Plain("").IsZero() {
		t.Error("IsZero: only the zero Text is zero")
	}
}
