package i18n

// Lab results as Pasientens prøvesvar sends them (NILAR), bokmål: the
// flags of kodeverk 8244 and 8271, several samples, cultures, values that
// could not be read.
func init() {
	extend(nb, map[string]string{
		"labs.flag.o":       "Utenfor referansegrensene",
		"labs.flag.s":       "Sensitiv",
		"labs.flag.i":       "Sensitiv ved økt eksponering",
		"labs.flag.r":       "Resistent",
		"labs.flag.k":       "Se kommentar",
		"labs.flag.unknown": "Ukjent kode %s",

		"labs.col.specimen":     "Materiale",
		"labs.report.specimens": "Prøvemateriale",
		"labs.report.comments":  "Kommentarer",
		"labs.report.incomplete": "Rapporten viser til resultater som ikke kom med i svaret. " +
			"Det som vises her, er ikke hele rapporten.",
		"labs.report.unread": "Noen verdier i rapporten kunne ikke leses. De vises slik de ble mottatt, merket «ulesbar».",
		"labs.value.absent":  "Ingen verdi: %s",
		"labs.unread":        "ulesbar",
		"labs.unread.field":  "Feltet %s kunne ikke leses; verdien vises slik den ble mottatt.",

		"labs.culture.heading":  "Påvist: %s",
		"labs.culture.amount":   "Mengde",
		"labs.culture.caption":  "Resistensbestemmelse for %s",
		"labs.col.antibiotic":   "Antibiotikum",
		"labs.col.sir":          "Tolkning",
		"labs.col.mic":          "MIC",
		"labs.culture.none_sir": "Ingen resistensbestemmelse.",
	})
}
