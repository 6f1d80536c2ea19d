package marking

import (
	"testing"

	"github.com/oppslag/oppslag/clients/labs"
)

func TestOf(t *testing.T) {
	level := func(l string) *labs.Flag { return &labs.Flag{Level: l} }
	unknown := func(code, display string) *labs.Flag {
		return &labs.Flag{Coding: labs.Coding{System: "urn:x", Code: code, Display: display}}
	}
	tests := []struct {
		name   string
		flag   *labs.Flag
		want   Mark
		wantOK bool
	}{
		{"no flag", nil, Mark{}, false},
		{"normal", level(labs.LevelNormal), Mark{}, false},
		{"high", level(labs.LevelHigh), Mark{Symbol: "↑", Level: "H", Highlight: "h"}, true},
		{"critical high", level(labs.LevelCriticalHigh), Mark{Symbol: "↑↑", Level: "HH", Highlight: "hh"}, true},
		{"low", level(labs.LevelLow), Mark{Symbol: "↓", Level: "L", Highlight: "l"}, true},
		{"critical low", level(labs.LevelCriticalLow), Mark{Symbol: "↓↓", Level: "LL", Highlight: "ll"}, true},
		{"outside (8244 code 3)", level(labs.LevelOutside), Mark{Symbol: "↕", Level: "O", Highlight: "o"}, true},
		{"abnormal", level(labs.LevelAbnormal), Mark{Symbol: "!", Level: "A", Highlight: "a"}, true},
		{"susceptible", level(labs.LevelSusceptible), Mark{Symbol: "S", Level: "S", Highlight: "s"}, true},
		{"increased exposure", level(labs.LevelIncreased), Mark{Symbol: "I", Level: "I", Highlight: "i"}, true},
		{"resistant", level(labs.LevelResistant), Mark{Symbol: "R", Level: "R", Highlight: "r"}, true},
		{"see comment", level(labs.LevelSeeComment), Mark{Symbol: "K", Level: "K", Highlight: "k"}, true},
		{"unknown code and display", unknown("X9", "Merkelig"), Mark{Symbol: "?", Raw: "X9 (Merkelig)", Highlight: Unknown}, true},
		{"unknown code alone", unknown("X9", ""), Mark{Symbol: "?", Raw: "X9", Highlight: Unknown}, true},
		{"unknown text alone", unknown("", "Avvik"), Mark{Symbol: "?", Raw: "Avvik", Highlight: Unknown}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := Of(tt.flag)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("got %+v, %v; want %+v, %v", got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestOfSusceptibility(t *testing.T) {
	tests := []struct {
		level, wantSymbol, wantHighlight string
	}{
		{labs.LevelSusceptible, "S", ""}, // hoped for: no tint
		{labs.LevelIncreased, "I", "i"},
		{labs.LevelResistant, "R", "r"},
		{labs.LevelSeeComment, "K", "k"},
	}
	for _, tt := range tests {
		t.Run(tt.level, func(t *testing.T) {
			m, ok := OfSusceptibility(&labs.Flag{Level: tt.level})
			if !ok || m.Symbol != tt.wantSymbol || m.Highlight != tt.wantHighlight {
				t.Errorf("got %+v, %v; want symbol %q, highlight %q", m, ok, tt.wantSymbol, tt.wantHighlight)
			}
		})
	}
	if _, ok := OfSusceptibility(nil); ok {
		t.Errorf("no flag marked")
	}
}

func TestFlagOf(t *testing.T) {
	read := &labs.Flag{Level: labs.LevelHigh, Coding: labs.Coding{Code: "1"}}
	tests := []struct {
		name string
		a    labs.Analysis
		want *labs.Flag
	}{
		{"the flag the client read", labs.Analysis{Flag: read, Interpretation: "H"}, read},
		{"the level alone", labs.Analysis{Interpretation: "LL"}, &labs.Flag{Level: "LL"}},
		{"none", labs.Analysis{}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := FlagOf(tt.a)
			if (got == nil) != (tt.want == nil) || got != nil && *got != *tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestNoticeOf(t *testing.T) {
	tests := []struct {
		status string
		want   Notice
	}{
		{labs.StatusFinal, None},
		{"", None},
		{labs.StatusRegistered, Preliminary},
		{labs.StatusPartial, Preliminary},
		{labs.StatusPreliminary, Preliminary},
		{labs.StatusCancelled, Withdrawn},
		{labs.StatusEnteredInError, Withdrawn},
		{labs.StatusAmended, Amended},
		{labs.StatusCorrected, Amended},
		{labs.StatusAppended, Amended},
		{labs.StatusUnknown, Amended},
		{"something-new", Amended},
	}
	for _, tt := range tests {
		t.Run(tt.status, func(t *testing.T) {
			if got := NoticeOf(tt.status); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestStatusShown(t *testing.T) {
	tests := []struct {
		status string
		want   bool
	}{
		{labs.StatusFinal, false},
		{"", false},
		{labs.StatusPreliminary, true},
		{labs.StatusCancelled, true},
		{"something-new", true},
	}
	for _, tt := range tests {
		t.Run(tt.status, func(t *testing.T) {
			if got := StatusShown(tt.status); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}
