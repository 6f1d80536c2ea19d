package i18n

import (
	"time"
	// The zone database is embedded so Europe/Oslo resolves the same on a
	// slim container without /usr/share/zoneinfo.
	_ "time/tzdata"
)

// oslo is the zone every time is shown in: the users and the registers are
// Norwegian, whatever zone the server runs in.
var oslo = loadOslo()

func loadOslo() *time.Location {
	loc, err := time.LoadLocation("Europe/Oslo")
	if err != nil {
		// Unreachable with time/tzdata linked in; CET keeps times near right.
		return time.FixedZone("CET", 60*60)
	}
	return loc
}

// Oslo returns the Europe/Oslo location used for display.
func Oslo() *time.Location { return oslo }

// DateTime formats t in Europe/Oslo for language l:
// "21.11.2026 kl. 10.42" in bokmål and nynorsk, "21 Nov 2026 10:42" in English.
func DateTime(l Lang, t time.Time) string {
	t = t.In(oslo)
	if l == EN {
		return t.Format("2 Jan 2006 15:04")
	}
	return t.Format("02.01.2006") + " kl. " + t.Format("15.04")
}

// Date formats t's calendar day in Europe/Oslo for language l:
// "21.11.2026" in bokmål and nynorsk, "21 Nov 2026" in English.
func Date(l Lang, t time.Time) string {
	t = t.In(oslo)
	if l == EN {
		return t.Format("2 Jan 2006")
	}
	return t.Format("02.01.2006")
}

// Clock formats t's time of day in Europe/Oslo for language l:
// "kl. 18.42" in bokmål and nynorsk, "18:42" in English.
func Clock(l Lang, t time.Time) string {
	t = t.In(oslo)
	if l == EN {
		return t.Format("15:04")
	}
	return "kl. " + t.Format("15.04")
}

// Decimal writes s, a number formatted with a decimal point, with the
// decimal separator of language l: a comma in bokmål and nynorsk.
func Decimal(l Lang, s string) string {
	if l == EN {
		return s
	}
	for i := 0; i < len(s); i++ {
		if s[i] == '.' {
			return s[:i] + "," + s[i+1:]
		}
	}
	return s
}
