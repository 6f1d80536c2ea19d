package views

import (
	"testing"
	"time"

	"github.com/oppslag/oppslag/views/i18n"
)

func TestWords(t *testing.T) {
	day := time.Date(2022, 3, 11, 0, 0, 0, 0, time.UTC) // a FREG date: midnight UTC
	tests := []struct {
		name  string
		words Words
		lang  i18n.Lang
		want  string
	}{
		{"nil", nil, i18n.NB, ""},
		{"a country", Country("NOR"), i18n.NB, "Norge"},
		{"a country in English", Country(" no "), i18n.EN, "Norway"},
		{"stateless", Country("XXX"), i18n.NN, i18n.TL(i18n.NN, "person.country.stateless")},
		{"unknown", Country("XUK"), i18n.EN, i18n.TL(i18n.EN, "person.country.unknown")},
		{"Kosovo", Country("XK"), i18n.NB, i18n.TL(i18n.NB, "person.country.kosovo")},
		{"a code nobody knows, as it came", Country("QQQ"), i18n.NB, "QQQ"},
		{"no country", Country(""), i18n.NB, ""},
		{"a language", LanguageName("en"), i18n.NB, "engelsk"},
		{"a language in English", LanguageName("NB"), i18n.EN, "Norwegian Bokmål"},
		{"a language code that is not one, as it came", LanguageName("zz-!!"), i18n.NB, "zz-!!"},
		{"a join", Join{Plain("H0101"), Plain(" ("), Msg("person.enum.unit.housing"), Plain(")")}, i18n.EN,
			"H0101 (" + i18n.TL(i18n.EN, "person.enum.unit.housing") + ")"},
		{"a join skips nil", Join{nil, Country("SE"), nil}, i18n.EN, "Sweden"},
		{"a date is the day in the language", DateText(day), i18n.EN, "11 Mar 2022"},
		{"a date in bokmål", DateText(day), i18n.NB, "11.03.2022"},
		{"a date as an argument", Msg("person.since", DateText(day)), i18n.NN, i18n.TL(i18n.NN, "person.since", "11.03.2022")},
		{"an instant in Oslo", DateTimeText(time.Date(2022, 3, 10, 23, 0, 0, 0, time.UTC)), i18n.NB, "11.03.2022 kl. 00.00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := say(i18n.WithLang(t.Context(), tt.lang), tt.words); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestFetchedText(t *testing.T) {
	at := time.Date(2026, 11, 21, 9, 42, 0, 0, time.UTC) // 10.42 in Oslo
	tests := []struct {
		lang  i18n.Lang
		clock string
	}{
		{i18n.NB, "10.42"},
		{i18n.NN, "10.42"},
		{i18n.EN, "10:42"},
	}
	for _, tt := range tests {
		t.Run(string(tt.lang), func(t *testing.T) {
			got := fetchedText(i18n.WithLang(t.Context(), tt.lang), at)
			if want := i18n.TL(tt.lang, "person.fetched", tt.clock); got != want {
				t.Errorf("got %q, want %q", got, want)
			}
		})
	}
}
