package i18n

// Lab results (F8), nynorsk: the access-basis chooser and the results view.
func init() {
	extend(nn, map[string]string{
		"labs.title":               "Prøvesvar",
		"labs.link":                "Prøvesvar",
		"labs.back":                "Tilbake til oversikta",
		"labs.chooser.heading":     "Vel tilgangsgrunnlag for prøvesvar",
		"labs.chooser.lead":        "Før prøvesvar blir henta, må du oppgi kva grunnlag du slår opp på. Valet gjeld berre denne pasienten, i denne økta, og blir logga.",
		"labs.chooser.basis":       "Tilgangsgrunnlag",
		"labs.chooser.role":        "Rolle du slår opp i",
		"labs.chooser.lifetime":    "Valet gjeld i fire timar, eller til du loggar ut.",
		"labs.chooser.submit":      "Vis prøvesvar",
		"labs.chooser.error.basis": "Vel eitt av tilgangsgrunnlaga i lista.",
		"labs.chooser.error.role":  "Vel ei av rollene dine frå Helsepersonellregisteret.",

		"labs.basis.unntak":                 "Unntak frå samtykke",
		"labs.basis.unntak.help":            "Lova gir deg tilgang utan samtykke, til dømes fordi du er fastlegen til pasienten eller behandlar pasienten no.",
		"labs.basis.samtykke":               "Samtykke",
		"labs.basis.samtykke.help":          "Pasienten har samtykt til at du ser prøvesvara.",
		"labs.basis.forhoyet_samtykke":      "Forhøgd samtykke",
		"labs.basis.forhoyet_samtykke.help": "Pasienten har samtykt til at du også ser prøvesvar som pasienten sjølv har sperra.",
		"labs.basis.current.label":          "Tilgangsgrunnlag",
		"labs.basis.current":                "Tilgangsgrunnlag: %s, gjeld til kl. %s.",
		"labs.basis.role":                   "Du slår opp som %s.",
		"labs.basis.change":                 "Endre tilgangsgrunnlag",

		"labs.nothing_more": "Forhøgd samtykke gav ikkje fleire prøvesvar enn vanleg tilgang. Pasienten har ingen sperra svar som dette grunnlaget opnar.",
		"labs.truncated":    "Lista er ufullstendig: det finst fleire prøvesvar enn Oppslag kan vise på éin gong.",
		"labs.none":         "Det finst ingen prøvesvar for pasienten.",
		"labs.collected":    "teke %s",

		"labs.restricted.specific":          "Nokre prøvesvar er sperra av pasienten (sperring av enkeltsvar).",
		"labs.restricted.specific.opens":    "Dei kan opnast med tilgangsgrunnlaget forhøgd samtykke, når pasienten samtykkjer til det.",
		"labs.restricted.general":           "Nokre prøvesvar er sperra av pasienten (generell sperring).",
		"labs.restricted.general.opens":     "Dei kan opnast med tilgangsgrunnlaget forhøgd samtykke, når pasienten samtykkjer til det.",
		"labs.restricted.reservation":       "Pasienten har reservert seg mot at prøvesvar blir delte.",
		"labs.restricted.reservation.opens": "Ingen tilgangsgrunnlag opnar reserverte prøvesvar.",

		"labs.report.status":    "Status",
		"labs.report.requester": "Rekvirent",
		"labs.report.performer": "Utført av",
		"labs.report.specimen":  "Prøvemateriale",
		"labs.col.analysis":     "Analyse",
		"labs.col.value":        "Resultat",
		"labs.col.reference":    "Referanseområde",
		"labs.col.flag":         "Avvik",

		"labs.status.registered":  "Registrert",
		"labs.status.partial":     "Førebels, delvis",
		"labs.status.preliminary": "Førebels",
		"labs.status.final":       "Endeleg",
		"labs.status.amended":     "Endra",
		"labs.status.corrected":   "Korrigert",
		"labs.status.cancelled":   "Kansellert",

		"labs.flag.h":  "Høg",
		"labs.flag.hh": "Kritisk høg",
		"labs.flag.l":  "Låg",
		"labs.flag.ll": "Kritisk låg",
		"labs.flag.a":  "Unormal",

		"labs.profession.le": "Lege",
		"labs.profession.sp": "Sjukepleiar",

		"error.labs.unavailable.title":   "Prøvesvar er ikkje tilgjengeleg",
		"error.labs.unavailable.message": "Oppslag er ikkje kopla til Pasientens prøvesvar.",
		"error.labs.forbidden.title":     "Inga tilgang til prøvesvar",
		"error.labs.forbidden.message":   "Pasientens prøvesvar avviste oppslaget for rolla di.",
		"error.labs.timeout.title":       "Pasientens prøvesvar svarte ikkje i tide",
		"error.labs.timeout.message":     "Pasientens prøvesvar svarte ikkje i tide — prøv igjen om litt.",
		"error.labs.malformed.title":     "Ugyldig svar frå Pasientens prøvesvar",
		"error.labs.malformed.message":   "Pasientens prøvesvar sende eit svar Oppslag ikkje kunne lese. Ingen prøvesvar blir viste.",
		"error.labs.upstream.title":      "Pasientens prøvesvar svarar ikkje",
		"error.labs.upstream.message":    "Pasientens prøvesvar svarar ikkje akkurat no — prøv igjen om litt.",
	})
}
