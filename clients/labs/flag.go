package labs

// Flag is an observation's interpretation: a level the page can show as a
// symbol and a word, and the coding as received, so an unknown code is
// shown as sent instead of being dropped.
type Flag struct {
	// Level is the client's reading of the code, one of the Level*
	// constants; "" when the code is not one the client knows.
	Level  string
	Coding Coding
}

// The flag levels. Kodeverk 8244 (NILAR's DeviationIndicator_VS) has three
// codes and no critical levels: 1 over the upper reference limit, 2 under
// the lower, 3 outside the limits. HL7's ObservationInterpretation codes
// are read too (H, L, HH, LL, A, N, S, I, R), since FHIR servers commonly
// send them; the real service is not known to. Kodeverk 8271 (Resistens)
// gives the susceptibility levels S, I, R and K.
const (
	LevelHigh         = "H"
	LevelLow          = "L"
	LevelOutside      = "O" // 8244 code 3: outside the limits, direction not given
	LevelCriticalHigh = "HH"
	LevelCriticalLow  = "LL"
	LevelAbnormal     = "A"
	LevelNormal       = "N"
	LevelSusceptible  = "S" // 8271 S: sensitiv, standarddose
	LevelIncreased    = "I" // 8271 I: sensitiv, økt eksponering
	LevelResistant    = "R" // 8271 R: resistent
	LevelSeeComment   = "K" // 8271 K: se kommentar
)

// deviation8244 maps kodeverk 8244's codes to levels.
var deviation8244 = map[string]string{"1": LevelHigh, "2": LevelLow, "3": LevelOutside}

// v3Levels maps HL7 ObservationInterpretation codes to levels.
var v3Levels = map[string]string{
	"H": LevelHigh, "L": LevelLow, "HH": LevelCriticalHigh, "LL": LevelCriticalLow,
	"HU": LevelCriticalHigh, "LU": LevelCriticalLow, "A": LevelAbnormal, "AA": LevelAbnormal,
	"N": LevelNormal, "S": LevelSusceptible, "I": LevelIncreased, "R": LevelResistant,
}

// susceptibility8271 maps kodeverk 8271's codes to levels.
var susceptibility8271 = map[string]string{"S": LevelSusceptible, "I": LevelIncreased, "R": LevelResistant, "K": LevelSeeComment}

// levelOf reads one coding; "" when the client does not know it.
func levelOf(c Coding) string {
	switch Kodeverk(c.System) {
	case "8244":
		return deviation8244[c.Code]
	case "8271":
		return susceptibility8271[c.Code]
	}
	if c.System == SystemInterpretation {
		return v3Levels[c.Code]
	}
	return ""
}

// FlagOf reads an observation's interpretation. A known coding wins,
// whichever place it has among the codings (their order means nothing); a
// concept with no known coding gives a Flag with an empty Level and its
// first coding (or its text as the display), so the page shows it raw.
// Nil when there is no interpretation.
func FlagOf(ccs []CodeableConcept) *Flag {
	var unknown *Flag
	for _, cc := range ccs {
		for _, cd := range cc.Coding {
			if lvl := levelOf(cd); lvl != "" {
				if cd.Display == "" {
					cd.Display = cc.Text
				}
				return &Flag{Level: lvl, Coding: cd}
			}
			if unknown == nil && (cd.Code != "" || cd.Display != "") {
				if cd.Display == "" {
					cd.Display = cc.Text
				}
				unknown = &Flag{Coding: cd}
			}
		}
		if unknown == nil && cc.Text != "" {
			unknown = &Flag{Coding: Coding{Display: cc.Text}}
		}
	}
	return unknown
}

// Flagged reports whether the flag marks a result out of the ordinary: any
// level but normal, and any code the client does not know (shown raw).
func (f *Flag) Flagged() bool { return f != nil && f.Level != LevelNormal }

// Susceptibility reports whether a is a susceptibility result (an
// antibiotic tested against an organism): its value carries a kodeverk
// 8271 code, or a KITH heading RSB (Resistensbestemmelse, kodeverk 8243),
// or its interpretation is S, I or R.
func (a Analysis) Susceptibility() bool {
	if _, ok := a.Value.Coded.Find("8271"); ok {
		return true
	}
	if cd, ok := a.Value.Coded.Find("8243"); ok && cd.Code == "RSB" {
		return true
	}
	switch a.Interpretation {
	case LevelSusceptible, LevelIncreased, LevelResistant:
		return true
	}
	return false
}

// Organism reports whether a is an isolated organism of a culture: a
// result with at least one susceptibility among its members.
func (a Analysis) Organism() bool {
	for _, m := range a.Members {
		if m.Susceptibility() {
			return true
		}
	}
	return false
}
