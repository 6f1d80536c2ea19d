package i18n

// Lab results as Pasientens prøvesvar sends them (NILAR), English.
func init() {
	extend(en, map[string]string{
		"labs.flag.o":       "Outside the reference limits",
		"labs.flag.s":       "Susceptible",
		"labs.flag.i":       "Susceptible, increased exposure",
		"labs.flag.r":       "Resistant",
		"labs.flag.k":       "See comment",
		"labs.flag.unknown": "Unknown code %s",

		"labs.col.specimen":     "Specimen",
		"labs.report.specimens": "Specimens",
		"labs.report.comments":  "Comments",
		"labs.report.incomplete": "The report refers to results that were not in the answer. " +
			"What is shown here is not the whole report.",
		"labs.report.unread": "Some values in the report could not be read. They are shown as received, marked “unreadable”.",
		"labs.value.absent":  "No value: %s",
		"labs.unread":        "unreadable",
		"labs.unread.field":  "The field %s could not be read; the value is shown as received.",

		"labs.culture.heading":  "Isolated: %s",
		"labs.culture.amount":   "Amount",
		"labs.culture.caption":  "Susceptibility testing of %s",
		"labs.col.antibiotic":   "Antibiotic",
		"labs.col.sir":          "Interpretation",
		"labs.col.mic":          "MIC",
		"labs.culture.none_sir": "No susceptibility testing.",
	})
}
