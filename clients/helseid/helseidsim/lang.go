package helseidsim

import (
	"net/http"
	"strconv"
	"strings"
)

// The simulator's pages speak the portal's three languages: bokmål (nb),
// nynorsk (nn) and English (en). It is a separate service with the same
// HTTP contract as HelseID, so it keeps its own small message table here
// rather than importing the portal's catalog (views/i18n): a simulator
// that depended on the portal could not stand in for the real upstream.
// The real HelseID chooses its language from the browser too.

// lang is one of the languages the pages are written in.
type lang string

const (
	langNB lang = "nb"
	langNN lang = "nn"
	langEN lang = "en"
)

// langCookie is the portal's language cookie. Cookies are not kept apart
// by port, so where the simulator runs on the portal's host (local
// development, the demo) the user's choice in the portal reaches the
// picker; elsewhere Accept-Language decides.
const langCookie = "lang"

// langOf picks the page language: the portal's "lang" cookie when it names
// one of the three, then the browser's Accept-Language by quality (nb, nn,
// and "no" as bokmål; en in any region), then bokmål.
func langOf(r *http.Request) lang {
	if c, err := r.Cookie(langCookie); err == nil {
		if l, ok := parseLang(c.Value); ok {
			return l
		}
	}
	best, bestQ := langNB, 0.0
	for _, part := range strings.Split(r.Header.Get("Accept-Language"), ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				continue
			}
			q = f
		}
		if l, ok := parseLang(tag); ok && q > bestQ {
			best, bestQ = l, q
		}
	}
	return best
}

// parseLang reads a language tag: its primary subtag, case-insensitive.
func parseLang(tag string) (lang, bool) {
	primary, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(tag)), "-")
	switch primary {
	case "nb", "no":
		return langNB, true
	case "nn":
		return langNN, true
	case "en":
		return langEN, true
	}
	return "", false
}

// messages are the pages' texts by language. Keys are the same in every
// language (TestMessagesComplete).
var messages = map[lang]map[string]string{
	langNB: {
		"picker.title":    "Velg testperson – HelseID-simulator",
		"picker.heading":  "Velg testperson",
		"picker.lead":     "Dette er HelseID-simulatoren. Velg hvem du vil logge inn som.",
		"picker.note":     "Alle personer og fødselsnumre er syntetiske testdata.",
		"signedout.title": "Logget ut – HelseID-simulator",
		"signedout.head":  "Du er logget ut",
		"signedout.text":  "Økten i HelseID-simulatoren er avsluttet. Du kan lukke dette vinduet.",
		"persona.doctor":  "Lege (LE), fastlege — sikkerhetsnivå 4",
		"persona.nurse":   "Sykepleier (SP) — sikkerhetsnivå 4",
		"persona.admin":   "Administrativt ansatt, uten HPR-nummer — sikkerhetsnivå 4",
		"persona.auditor": "Revisor (logggjennomgang), uten HPR-nummer — sikkerhetsnivå 4",
		"persona.level3":  "Sykepleier (SP) — bare sikkerhetsnivå 3",
	},
	langNN: {
		"picker.title":    "Vel testperson – HelseID-simulator",
		"picker.heading":  "Vel testperson",
		"picker.lead":     "Dette er HelseID-simulatoren. Vel kven du vil logge inn som.",
		"picker.note":     "Alle personar og fødselsnummer er syntetiske testdata.",
		"signedout.title": "Logga ut – HelseID-simulator",
		"signedout.head":  "Du er logga ut",
		"signedout.text":  "Økta i HelseID-simulatoren er avslutta. Du kan lukke dette vindauget.",
		"persona.doctor":  "Lege (LE), fastlege — tryggleiksnivå 4",
		"persona.nurse":   "Sjukepleiar (SP) — tryggleiksnivå 4",
		"persona.admin":   "Administrativt tilsett, utan HPR-nummer — tryggleiksnivå 4",
		"persona.auditor": "Revisor (loggjennomgang), utan HPR-nummer — tryggleiksnivå 4",
		"persona.level3":  "Sjukepleiar (SP) — berre tryggleiksnivå 3",
	},
	langEN: {
		"picker.title":    "Choose a test user – HelseID simulator",
		"picker.heading":  "Choose a test user",
		"picker.lead":     "This is the HelseID simulator. Choose who you want to log in as.",
		"picker.note":     "All people and national identity numbers are synthetic test data.",
		"signedout.title": "Logged out – HelseID simulator",
		"signedout.head":  "You are logged out",
		"signedout.text":  "The session in the HelseID simulator has ended. You can close this window.",
		"persona.doctor":  "Doctor (LE), GP — security level 4",
		"persona.nurse":   "Nurse (SP) — security level 4",
		"persona.admin":   "Administrative staff, no HPR number — security level 4",
		"persona.auditor": "Auditor (log review), no HPR number — security level 4",
		"persona.level3":  "Nurse (SP) — security level 3 only",
	},
}

// text is a page text in language l.
func (l lang) text(key string) string {
	if s, ok := messages[l][key]; ok {
		return s
	}
	return messages[langNB][key]
}

// describe is a persona's description in language l: the table's for the
// default personas when it still matches their bokmål description, the
// persona's own (as configured) otherwise.
func (l lang) describe(p Persona) string {
	key := "persona." + p.ID
	if nb, ok := messages[langNB][key]; ok && nb == p.Description {
		return l.text(key)
	}
	return p.Description
}
