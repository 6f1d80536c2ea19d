// Package marking decides how a lab result is marked for its reader: the
// symbol and highlight of its flag (kodeverk 8244 "Avviksmarkør", HL7
// ObservationInterpretation, kodeverk 8271 for susceptibilities), and the
// notice a status other than final calls for.
//
// It decides which mark, never in which words: the results page, the
// print view and the trend word the marks through the message catalog. It
// lives under clients/labs beside the Flag and the statuses it reads, with
// no HTTP and no language, so every view marks a result the same way.
package marking

import (
	"strings"

	"github.com/oppslag/oppslag/clients/labs"
)

// Mark is how a flagged result is marked.
type Mark struct {
	// Symbol stands beside the value: ↑ ↑↑ ↓ ↓↓ ↕ for deviations, the
	// letter for a susceptibility (S, I, R, K), ! for another known level
	// and ? for a code the client does not know.
	Symbol string
	// Level is the client's reading of the code; "" for a code it does not
	// know.
	Level string
	// Raw is a code the client does not know as received: "code
	// (display)", or whichever of the two there is; "" for a known level.
	Raw string
	// Highlight is the row's tint: the level in lower case, "unknown" for
	// a code the client does not know, "" for none.
	Highlight string
}

// Unknown is the highlight of a code the client does not know.
const Unknown = "unknown"

// Of is f's mark; false when f marks nothing (no flag, or normal). A code
// the client does not know is marked and shown as received, never dropped.
func Of(f *labs.Flag) (Mark, bool) {
	if !f.Flagged() {
		return Mark{}, false
	}
	if f.Level == "" {
		raw := first(f.Coding.Code, f.Coding.Display)
		if f.Coding.Code != "" && f.Coding.Display != "" {
			raw = f.Coding.Code + " (" + f.Coding.Display + ")"
		}
		return Mark{Symbol: "?", Raw: raw, Highlight: Unknown}, true
	}
	return Mark{Symbol: symbol(f.Level), Level: f.Level, Highlight: strings.ToLower(f.Level)}, true
}

// OfSusceptibility is Of for an antibiotic tested against an organism.
// Susceptible is the answer hoped for: the row tint is kept for what a
// clinician must notice (R, I), while the symbol still says S.
func OfSusceptibility(f *labs.Flag) (Mark, bool) {
	m, ok := Of(f)
	if ok && f.Level == labs.LevelSusceptible {
		m.Highlight = ""
	}
	return m, ok
}

// FlagOf is a's flag: the one the client read, or one made of the level
// alone for an Analysis built without it.
func FlagOf(a labs.Analysis) *labs.Flag {
	if a.Flag != nil || a.Interpretation == "" {
		return a.Flag
	}
	return &labs.Flag{Level: a.Interpretation}
}

func symbol(level string) string {
	switch level {
	case labs.LevelHigh:
		return "↑"
	case labs.LevelCriticalHigh:
		return "↑↑"
	case labs.LevelLow:
		return "↓"
	case labs.LevelCriticalLow:
		return "↓↓"
	case labs.LevelOutside:
		return "↕"
	case labs.LevelSusceptible, labs.LevelIncreased, labs.LevelResistant, labs.LevelSeeComment:
		return level
	}
	return "!"
}

func first(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}
