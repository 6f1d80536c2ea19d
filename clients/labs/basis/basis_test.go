package basis

import (
	"slices"
	"strings"
	"testing"

	"github.com/oppslag/oppslag/clients/labs"
)

func TestBases(t *testing.T) {
	tests := []struct {
		name string
		got  []string
		want []string
	}{
		{"chooser", Chooser(), []string{"UNNTAK", "SAMTYKKE", "FORHOYET_SAMTYKKE"}},
		{"emergency", Emergency(), []string{"AKUTT", "FORHOYET_AKUTT"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !slices.Equal(tt.got, tt.want) {
				t.Errorf("got %q, want %q", tt.got, tt.want)
			}
		})
	}
	for _, b := range Chooser() {
		if slices.Contains(Emergency(), b) {
			t.Errorf("%s is offered by both the chooser and the emergency form", b)
		}
	}
	Chooser()[0] = labs.BasisAkutt
	if slices.Contains(Chooser(), labs.BasisAkutt) {
		t.Errorf("a caller changed the chooser's bases")
	}
}

func TestRoleAllowed(t *testing.T) {
	tests := []struct {
		name  string
		roles []string
		role  string
		want  bool
	}{
		{"one of the user's", []string{"LE", "SP"}, "SP", true},
		{"not the user's", []string{"LE"}, "SP", false},
		{"none chosen though the user has roles", []string{"LE"}, "", false},
		{"no roles, none chosen", nil, "", true},
		{"no roles, one chosen", nil, "LE", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := RoleAllowed(tt.roles, tt.role); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestCleanText(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"trimmed", "  bevisstløs pasient  ", "bevisstløs pasient"},
		{"line breaks", "linje en\r\nlinje\tto", "linje en linje to"},
		{"control characters", "a\x00b\x1bc", "a b c"},
		{"invalid bytes", "a\xffb", "a b"},
		{"runs of spaces", "a    b", "a b"},
		{"letters kept", "Æ ø å", "Æ ø å"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := CleanText(tt.in); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestCheckText(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want Problem
	}{
		{"empty", "", TextShort},
		{"nine", strings.Repeat("x", TextMin-1), TextShort},
		{"ten", strings.Repeat("x", TextMin), ""},
		{"ten letters, more bytes", strings.Repeat("ø", TextMin), ""},
		{"the most", strings.Repeat("x", TextMax), ""},
		{"one too many", strings.Repeat("x", TextMax+1), TextLong},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := CheckText(tt.in); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestAuditReason(t *testing.T) {
	tests := []struct {
		code, text, want string
	}{
		{"unconscious", "funnet bevisstløs", "unconscious: funnet bevisstløs"},
		{"other", "a: b", "other: a: b"},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			got := AuditReason(tt.code, tt.text)
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			if code := ReasonCode(got); code != tt.code {
				t.Errorf("ReasonCode = %q, want %q", code, tt.code)
			}
		})
	}
}
