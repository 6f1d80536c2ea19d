package restricted

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/oppslag/oppslag/clients/labs"
)

func TestOrdinary(t *testing.T) {
	tests := []struct {
		elevated, want string
		ok             bool
	}{
		{labs.BasisForhoyetAkutt, labs.BasisAkutt, true},
		{labs.BasisForhoyetSamtykke, labs.BasisSamtykke, true},
		{labs.BasisAkutt, "", false},
		{labs.BasisSamtykke, "", false},
		{labs.BasisUnntak, "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.elevated, func(t *testing.T) {
			got, ok := Ordinary(tt.elevated)
			if got != tt.want || ok != tt.ok {
				t.Errorf("got %q, %v; want %q, %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestOpened(t *testing.T) {
	t1 := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	rep := func(id string) labs.Report { return labs.Report{ID: id, Effective: t1} }
	noID := func(code string) labs.Report {
		return labs.Report{Effective: t1, Code: labs.Coding{Code: code}}
	}
	result := func(restrictions []string, rs ...labs.Report) *labs.Result {
		return &labs.Result{Reports: rs, Restrictions: restrictions}
	}
	tests := []struct {
		name               string
		elevated, ordinary *labs.Result
		want               string // the marked keys, sorted
	}{
		{"specific: what the ordinary answer lacks",
			result(nil, rep("a"), rep("b"), rep("c")), result([]string{labs.RestrictionSpecific}, rep("a"), rep("c")), "id:b"},
		{"general: every report",
			result(nil, rep("a"), rep("b")), result([]string{labs.RestrictionGeneral}), "id:a id:b"},
		{"general marks every report even if the ordinary answer held one",
			result(nil, rep("a")), result([]string{labs.RestrictionGeneral}, rep("a")), "id:a"},
		{"reports without an id by what else tells them apart",
			result(nil, noID("X"), noID("Y")), result(nil, noID("X")), "at:2026-03-01T08:00:00Z|0001-01-01T00:00:00Z||Y"},
		{"nothing more", result(nil, rep("a")), result(nil, rep("a")), ""},
		{"no ordinary answer: nothing known", result(nil, rep("a")), nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var keys []string
			for k := range Opened(tt.elevated, tt.ordinary) {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			if got := strings.Join(keys, " "); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}
