package i18n

// Lab report kinds beyond biochemistry, English: report and result
// statuses in words, pathology and imaging sections, coded diagnoses.
func init() {
	extend(en, map[string]string{
		"labs.status.appended":         "Appended",
		"labs.status.entered_in_error": "Withdrawn (entered in error)",
		"labs.status.unknown":          "Unknown",

		"labs.status.notice.registered":       "Registered: the examination has been received, but there are no results yet.",
		"labs.status.notice.partial":          "Preliminary report, partial: some results are still missing, and those shown may change.",
		"labs.status.notice.preliminary":      "Preliminary report: the results are not final and may change.",
		"labs.status.notice.amended":          "Amended report: the laboratory changed the report after it was final. Results that changed are marked “Amended”.",
		"labs.status.notice.corrected":        "Corrected report: the laboratory corrected an error in the report after it was final.",
		"labs.status.notice.appended":         "Report with an addendum: the laboratory added content after the report was final. What it said before is unchanged.",
		"labs.status.notice.cancelled":        "Cancelled report: the laboratory cancelled the whole report. Its results are not valid and are not shown.",
		"labs.status.notice.entered_in_error": "Withdrawn: the report was entered in error and the laboratory has withdrawn it. Its content is not shown and must not be used, even if you saw it before.",
		"labs.status.notice.unknown":          "Unknown status: the laboratory did not say whether the report is final.",

		"labs.row.status":                     "Status: %s",
		"labs.row.withdrawn.cancelled":        "Cancelled: the result has been withdrawn and is not shown.",
		"labs.row.withdrawn.entered_in_error": "Entered in error: the result has been withdrawn and is not shown.",

		"labs.section.procedures": "Examinations",
		"labs.section.codes":      "Codes",
		"labs.section.unnamed":    "Examination",
		"labs.kodeverk":           "code system %s",
		"labs.kodeverk.7010":      "SNOMED for pathology, code system 7010",
		"labs.kodeverk.7270":      "NCRP, code system 7270",
		"labs.kodeverk.7280":      "NLK, code system 7280",
	})
}
