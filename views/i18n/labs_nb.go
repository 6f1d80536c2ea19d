package i18n

// Lab results (F8), bokmål: the access-basis chooser and the results view.
func init() {
	extend(nb, map[string]string{
		"labs.title":               "Prøvesvar",
		"labs.link":                "Prøvesvar",
		"labs.back":                "Tilbake til oversikten",
		"labs.chooser.heading":     "Velg tilgangsgrunnlag for prøvesvar",
		"labs.chooser.lead":        "Før prøvesvar hentes, må du oppgi på hvilket grunnlag du slår opp. Valget gjelder bare denne pasienten, i denne økten, og blir logget.",
		"labs.chooser.basis":       "Tilgangsgrunnlag",
		"labs.chooser.role":        "Rolle du slår opp i",
		"labs.chooser.lifetime":    "Valget gjelder i fire timer, eller til du logger ut.",
		"labs.chooser.submit":      "Vis prøvesvar",
		"labs.chooser.error.basis": "Velg et av tilgangsgrunnlagene i listen.",
		"labs.chooser.error.role":  "Velg en av rollene dine fra Helsepersonellregisteret.",

		"labs.basis.unntak":                 "Unntak fra samtykke",
		"labs.basis.unntak.help":            "Loven gir deg tilgang uten samtykke, for eksempel fordi du er pasientens fastlege eller behandler pasienten nå.",
		"labs.basis.samtykke":               "Samtykke",
		"labs.basis.samtykke.help":          "Pasienten har samtykket til at du ser prøvesvarene.",
		"labs.basis.forhoyet_samtykke":      "Forhøyet samtykke",
		"labs.basis.forhoyet_samtykke.help": "Pasienten har samtykket til at du også ser prøvesvar som pasienten selv har sperret.",
		"labs.basis.current.label":          "Tilgangsgrunnlag",
		"labs.basis.current":                "Tilgangsgrunnlag: %s, gjelder til kl. %s.",
		"labs.basis.role":                   "Du slår opp som %s.",
		"labs.basis.change":                 "Endre tilgangsgrunnlag",

		"labs.nothing_more": "Forhøyet samtykke ga ikke flere prøvesvar enn vanlig tilgang. Pasienten har ingen sperrede svar som dette grunnlaget åpner.",
		"labs.truncated":    "Listen er ufullstendig: det finnes flere prøvesvar enn Oppslag kan vise på én gang.",
		"labs.none":         "Det finnes ingen prøvesvar for pasienten.",
		"labs.collected":    "tatt %s",

		"labs.restricted.specific":          "Noen prøvesvar er sperret av pasienten (sperring av enkeltsvar).",
		"labs.restricted.specific.opens":    "De kan åpnes med tilgangsgrunnlaget forhøyet samtykke, når pasienten samtykker til det.",
		"labs.restricted.general":           "Noen prøvesvar er sperret av pasienten (generell sperring).",
		"labs.restricted.general.opens":     "De kan åpnes med tilgangsgrunnlaget forhøyet samtykke, når pasienten samtykker til det.",
		"labs.restricted.reservation":       "Pasienten har reservert seg mot at prøvesvar deles.",
		"labs.restricted.reservation.opens": "Ingen tilgangsgrunnlag åpner reserverte prøvesvar.",

		"labs.report.status":    "Status",
		"labs.report.requester": "Rekvirent",
		"labs.report.performer": "Utført av",
		"labs.report.specimen":  "Prøvemateriale",
		"labs.col.analysis":     "Analyse",
		"labs.col.value":        "Resultat",
		"labs.col.reference":    "Referanseområde",
		"labs.col.flag":         "Avvik",

		"labs.status.registered":  "Registrert",
		"labs.status.partial":     "Foreløpig, delvis",
		"labs.status.preliminary": "Foreløpig",
		"labs.status.final":       "Endelig",
		"labs.status.amended":     "Endret",
		"labs.status.corrected":   "Korrigert",
		"labs.status.cancelled":   "Kansellert",

		"labs.flag.h":  "Høy",
		"labs.flag.hh": "Kritisk høy",
		"labs.flag.l":  "Lav",
		"labs.flag.ll": "Kritisk lav",
		"labs.flag.a":  "Unormal",

		"labs.profession.le": "Lege",
		"labs.profession.sp": "Sykepleier",

		"error.labs.unavailable.title":   "Prøvesvar er ikke tilgjengelig",
		"error.labs.unavailable.message": "Oppslag er ikke koblet til Pasientens prøvesvar.",
		"error.labs.forbidden.title":     "Ingen tilgang til prøvesvar",
		"error.labs.forbidden.message":   "Pasientens prøvesvar avviste oppslaget for din rolle.",
		"error.labs.timeout.title":       "Pasientens prøvesvar svarte ikke i tide",
		"error.labs.timeout.message":     "Pasientens prøvesvar svarte ikke i tide — prøv igjen om litt.",
		"error.labs.malformed.title":     "Ugyldig svar fra Pasientens prøvesvar",
		"error.labs.malformed.message":   "Pasientens prøvesvar sendte et svar Oppslag ikke kunne lese. Ingen prøvesvar vises.",
		"error.labs.upstream.title":      "Pasientens prøvesvar svarer ikke",
		"error.labs.upstream.message":    "Pasientens prøvesvar svarer ikke akkurat nå — prøv igjen om litt.",
	})
}
