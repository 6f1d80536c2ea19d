// Package restricted decides which lab reports the patient had restricted,
// once an elevated basis (FORHOYET_SAMTYKKE, FORHOYET_AKUTT) has opened
// them (issue 12): the clinician must know what the patient chose to hide.
//
// Pasientens prøvesvar marks no report as restricted (upstreams.md §4: the
// restriction is announced only as an OperationOutcome of an ordinary
// search, and an elevated search returns the reports without it). What
// the contract does say is what an elevated basis is: it opens "existing
// data that are not accessible with other access-basis values". So the
// restricted reports are exactly those an elevated search returns and the
// same search under the ordinary basis it elevates does not. The handler
// asks both and this package compares them; it has no HTTP and no
// language.
package restricted

import (
	"time"

	"github.com/oppslag/oppslag/clients/labs"
)

// Ordinary is the basis elevated lifts; false when elevated is not an
// elevated basis.
func Ordinary(elevated string) (string, bool) {
	switch elevated {
	case labs.BasisForhoyetSamtykke:
		return labs.BasisSamtykke, true
	case labs.BasisForhoyetAkutt:
		return labs.BasisAkutt, true
	}
	return "", false
}

// Opened names the reports of elevated that ordinary (the same search
// under the ordinary basis) does not hold: the ones the patient
// restricted. A report is known by its id; one without an id by when it
// was taken, its issue time and its code, so a report the two answers
// share is never marked. When the ordinary answer announced a General
// restriction (sperring) every report was restricted and every one is
// marked, whatever the answers hold.
func Opened(elevated, ordinary *labs.Result) map[string]bool {
	if elevated == nil || ordinary == nil {
		return nil
	}
	general := false
	for _, c := range ordinary.Restrictions {
		general = general || c == labs.RestrictionGeneral
	}
	open := map[string]bool{}
	for _, r := range ordinary.Reports {
		open[Key(r)] = true
	}
	out := map[string]bool{}
	for _, r := range elevated.Reports {
		if general || !open[Key(r)] {
			out[Key(r)] = true
		}
	}
	return out
}

// Key is how Opened names a report: its id, or, for a report without one,
// what else tells it apart.
func Key(r labs.Report) string {
	if r.ID != "" {
		return "id:" + r.ID
	}
	return "at:" + r.Effective.Format(time.RFC3339Nano) + "|" + r.Issued.Format(time.RFC3339Nano) + "|" + r.Code.System + "|" + r.Code.Code
}
