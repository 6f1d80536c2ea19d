package i18n

// Lab results (F8), English: the access-basis chooser and the results view.
func init() {
	extend(en, map[string]string{
		"labs.title":               "Lab results",
		"labs.link":                "Lab results",
		"labs.back":                "Back to the overview",
		"labs.chooser.heading":     "Choose the access basis for lab results",
		"labs.chooser.lead":        "Before any result is fetched, say on what basis you are looking. The choice applies only to this patient, in this session, and is logged.",
		"labs.chooser.basis":       "Access basis",
		"labs.chooser.role":        "Role you are acting in",
		"labs.chooser.lifetime":    "The choice lasts four hours, or until you log out.",
		"labs.chooser.submit":      "Show lab results",
		"labs.chooser.error.basis": "Choose one of the access bases in the list.",
		"labs.chooser.error.role":  "Choose one of your roles from the Health Personnel Register.",

		"labs.basis.unntak":                 "Exemption from consent",
		"labs.basis.unntak.help":            "The law gives you access without consent, for example because you are the patient's GP or are treating the patient now.",
		"labs.basis.samtykke":               "Consent",
		"labs.basis.samtykke.help":          "The patient has consented to you seeing their lab results.",
		"labs.basis.forhoyet_samtykke":      "Elevated consent",
		"labs.basis.forhoyet_samtykke.help": "The patient has consented to you also seeing results they have restricted themselves.",
		"labs.basis.current.label":          "Access basis",
		"labs.basis.current":                "Access basis: %s, valid until %s.",
		"labs.basis.role":                   "You are acting as %s.",
		"labs.basis.change":                 "Change access basis",

		"labs.nothing_more": "Elevated consent gave nothing more than ordinary access. The patient has no restricted results this basis opens.",
		"labs.truncated":    "The list is incomplete: there are more results than Oppslag can show at once.",
		"labs.none":         "There are no lab results for the patient.",
		"labs.collected":    "collected %s",

		"labs.restricted.specific":          "Some results are restricted by the patient (specific block).",
		"labs.restricted.specific.opens":    "They can be opened with the elevated consent basis, when the patient consents.",
		"labs.restricted.general":           "Some results are restricted by the patient (general block, sperring).",
		"labs.restricted.general.opens":     "They can be opened with the elevated consent basis, when the patient consents.",
		"labs.restricted.reservation":       "The patient has reserved themselves against sharing lab results.",
		"labs.restricted.reservation.opens": "No access basis opens reserved results.",

		"labs.report.status":    "Status",
		"labs.report.requester": "Requester",
		"labs.report.performer": "Performed by",
		"labs.report.specimen":  "Specimen",
		"labs.col.analysis":     "Analysis",
		"labs.col.value":        "Result",
		"labs.col.reference":    "Reference range",
		"labs.col.flag":         "Flag",

		"labs.status.registered":  "Registered",
		"labs.status.partial":     "Preliminary, partial",
		"labs.status.preliminary": "Preliminary",
		"labs.status.final":       "Final",
		"labs.status.amended":     "Amended",
		"labs.status.corrected":   "Corrected",
		"labs.status.cancelled":   "Cancelled",

		"labs.flag.h":  "High",
		"labs.flag.hh": "Critically high",
		"labs.flag.l":  "Low",
		"labs.flag.ll": "Critically low",
		"labs.flag.a":  "Abnormal",

		"labs.profession.le": "Physician",
		"labs.profession.sp": "Nurse",

		"error.labs.unavailable.title":   "Lab results are not available",
		"error.labs.unavailable.message": "Oppslag is not connected to the lab results service.",
		"error.labs.forbidden.title":     "No access to lab results",
		"error.labs.forbidden.message":   "The lab results service refused the lookup for your role.",
		"error.labs.timeout.title":       "The lab results service did not answer in time",
		"error.labs.timeout.message":     "The lab results service did not answer in time — try again shortly.",
		"error.labs.malformed.title":     "Invalid answer from the lab results service",
		"error.labs.malformed.message":   "The lab results service sent an answer Oppslag could not read. No results are shown.",
		"error.labs.upstream.title":      "The lab results service is not answering",
		"error.labs.upstream.message":    "The lab results service is not answering right now — try again shortly.",
	})
}
