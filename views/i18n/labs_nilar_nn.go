package i18n

// Lab results as Pasientens prøvesvar sends them (NILAR), nynorsk.
func init() {
	extend(nn, map[string]string{
		"labs.flag.o":       "Utanfor referansegrensene",
		"labs.flag.s":       "Sensitiv",
		"labs.flag.i":       "Sensitiv ved auka eksponering",
		"labs.flag.r":       "Resistent",
		"labs.flag.k":       "Sjå kommentar",
		"labs.flag.unknown": "Ukjend kode %s",

		"labs.col.specimen":     "Materiale",
		"labs.report.specimens": "Prøvemateriale",
		"labs.report.comments":  "Kommentarar",
		"labs.report.incomplete": "Rapporten viser til resultat som ikkje kom med i svaret. " +
			"Det som blir vist her, er ikkje heile rapporten.",
		"labs.report.unread": "Nokre verdiar i rapporten kunne ikkje lesast. Dei blir viste slik dei vart mottekne, merka «uleseleg».",
		"labs.value.absent":  "Ingen verdi: %s",
		"labs.unread":        "uleseleg",
		"labs.unread.field":  "Feltet %s kunne ikkje lesast; verdien blir vist slik han vart motteken.",

		"labs.culture.heading":  "Påvist: %s",
		"labs.culture.amount":   "Mengd",
		"labs.culture.caption":  "Resistensbestemming for %s",
		"labs.col.antibiotic":   "Antibiotikum",
		"labs.col.sir":          "Tolking",
		"labs.col.mic":          "MIC",
		"labs.culture.none_sir": "Inga resistensbestemming.",
	})
}
