package i18n

// Lab report kinds beyond biochemistry, nynorsk: report and result
// statuses in words, pathology and imaging sections, coded diagnoses.
func init() {
	extend(nn, map[string]string{
		"labs.status.appended":         "Tillegg",
		"labs.status.entered_in_error": "Trekt tilbake (registrert ved ein feil)",
		"labs.status.unknown":          "Ukjend",

		"labs.status.notice.registered":       "Registrert: undersøkinga er motteken, men det ligg enno ikkje føre nokre resultat.",
		"labs.status.notice.partial":          "Førebels rapport, delvis: nokre resultat manglar enno, og dei som blir viste, kan bli endra.",
		"labs.status.notice.preliminary":      "Førebels rapport: resultata er ikkje endelege og kan bli endra.",
		"labs.status.notice.amended":          "Endra rapport: laboratoriet har endra rapporten etter at han var endeleg. Resultat som er endra, er merkte «Endra».",
		"labs.status.notice.corrected":        "Korrigert rapport: laboratoriet har retta ein feil i rapporten etter at han var endeleg.",
		"labs.status.notice.appended":         "Rapport med tillegg: laboratoriet har lagt til innhald etter at rapporten var endeleg. Det som stod der frå før, er ikkje endra.",
		"labs.status.notice.cancelled":        "Kansellert rapport: laboratoriet har kansellert heile rapporten. Resultata i han gjeld ikkje og blir ikkje viste.",
		"labs.status.notice.entered_in_error": "Trekt tilbake: rapporten vart registrert ved ein feil, og laboratoriet har trekt han tilbake. Innhaldet blir ikkje vist og skal ikkje brukast, heller ikkje om du har sett det før.",
		"labs.status.notice.unknown":          "Ukjend status: laboratoriet har ikkje oppgitt om rapporten er endeleg.",

		"labs.row.status":                     "Status: %s",
		"labs.row.withdrawn.cancelled":        "Kansellert: resultatet er trekt tilbake og blir ikkje vist.",
		"labs.row.withdrawn.entered_in_error": "Registrert ved ein feil: resultatet er trekt tilbake og blir ikkje vist.",

		"labs.section.procedures": "Undersøkingar",
		"labs.section.codes":      "Kodar",
		"labs.section.unnamed":    "Undersøking",
		"labs.kodeverk":           "kodeverk %s",
		"labs.kodeverk.7010":      "SNOMED for patologi, kodeverk 7010",
		"labs.kodeverk.7270":      "NCRP, kodeverk 7270",
		"labs.kodeverk.7280":      "NLK, kodeverk 7280",
	})
}
