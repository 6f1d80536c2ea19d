package views

import (
	"testing"
	"time"

	"github.com/oppslag/oppslag/views/i18n"
)

// A lab result's unit is typeset where the value is written: on the
// results, the sheet and the print (LabsMeasure, LabsInterval) and on the
// trend (the chart's unit label).
func TestLabsUnitTypeset(t *testing.T) {
	tests := []struct {
		name string
		lang i18n.Lang
		got  func(i18n.Lang) string
		want string
	}{
		{"value nb", i18n.NB, (&LabsMeasure{Value: 6.2, Unit: "10*9/L"}).Lang, "6,2 10⁹/L"},
		{"value en", i18n.EN, (&LabsMeasure{Value: 6.2, Unit: "x10E9/L"}).Lang, "6.2 ×10⁹/L"},
		{"micro nn", i18n.NN, (&LabsMeasure{Value: 80, Unit: "umol/L"}).Lang, "80 µmol/L"},
		{"interval nb", i18n.NB, (&LabsInterval{Low: &LabsMeasure{Value: 3.5, Unit: "10^9/L"},
			High: &LabsMeasure{Value: 11, Unit: "10^9/L"}}).Lang, "3,5–11 10⁹/L"},
		{"eGFR nb", i18n.NB, (&LabsMeasure{Comparator: ">", Value: 90, Unit: "mL/min/{1.73_m2}"}).Lang, ">90 mL/min/1,73 m²"},
		{"eGFR en", i18n.EN, (&LabsMeasure{Comparator: ">", Value: 90, Unit: "mL/min/{1.73_m2}"}).Lang, ">90 mL/min/1.73 m²"},
		{"as received", i18n.EN, (&LabsMeasure{Value: 2.5, Unit: "INR"}).Lang, "2.5 INR"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.got(tt.lang); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
	t.Run("trend chart", func(t *testing.T) {
		at := time.Date(2026, 11, 21, 8, 0, 0, 0, time.UTC)
		c := LabsTrendData{Name: "Leukocytter", Unit: "10*9/L",
			Rows: []LabsTrendRow{{Point: &TrendPoint{At: at, Value: 6.2}}}}.Chart(i18n.NB)
		if c == nil {
			t.Fatal("no chart")
		}
		if got, want := c.Unit, "10⁹/L"; got != want {
			t.Errorf("chart unit = %q, want %q", got, want)
		}
	})
}
