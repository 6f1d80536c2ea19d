package i18n

// Lab report kinds beyond biochemistry, bokmål: report and result
// statuses in words, pathology and imaging sections, coded diagnoses.
func init() {
	extend(nb, map[string]string{
		"labs.status.appended":         "Tillegg",
		"labs.status.entered_in_error": "Trukket tilbake (registrert ved en feil)",
		"labs.status.unknown":          "Ukjent",

		"labs.status.notice.registered":       "Registrert: undersøkelsen er mottatt, men det foreligger ennå ingen resultater.",
		"labs.status.notice.partial":          "Foreløpig rapport, delvis: noen resultater mangler ennå, og de som vises, kan bli endret.",
		"labs.status.notice.preliminary":      "Foreløpig rapport: resultatene er ikke endelige og kan bli endret.",
		"labs.status.notice.amended":          "Endret rapport: laboratoriet har endret rapporten etter at den var endelig. Resultater som er endret, er merket «Endret».",
		"labs.status.notice.corrected":        "Korrigert rapport: laboratoriet har rettet en feil i rapporten etter at den var endelig.",
		"labs.status.notice.appended":         "Rapport med tillegg: laboratoriet har lagt til innhold etter at rapporten var endelig. Det som sto der fra før, er ikke endret.",
		"labs.status.notice.cancelled":        "Kansellert rapport: laboratoriet har kansellert hele rapporten. Resultatene i den gjelder ikke og vises ikke.",
		"labs.status.notice.entered_in_error": "Trukket tilbake: rapporten ble registrert ved en feil, og laboratoriet har trukket den tilbake. Innholdet vises ikke og skal ikke brukes, heller ikke om du har sett det før.",
		"labs.status.notice.unknown":          "Ukjent status: laboratoriet har ikke oppgitt om rapporten er endelig.",

		"labs.row.status":                     "Status: %s",
		"labs.row.withdrawn.cancelled":        "Kansellert: resultatet er trukket tilbake og vises ikke.",
		"labs.row.withdrawn.entered_in_error": "Registrert ved en feil: resultatet er trukket tilbake og vises ikke.",

		"labs.section.procedures": "Undersøkelser",
		"labs.section.codes":      "Koder",
		"labs.section.unnamed":    "Undersøkelse",
		"labs.kodeverk":           "kodeverk %s",
		"labs.kodeverk.7010":      "SNOMED for patologi, kodeverk 7010",
		"labs.kodeverk.7270":      "NCRP, kodeverk 7270",
		"labs.kodeverk.7280":      "NLK, kodeverk 7280",
	})
}
