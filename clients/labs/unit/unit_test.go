package unit

import "testing"

func TestTypeset(t *testing.T) {
	tests := []struct {
		name, raw string
		decimal   rune
		want      string
	}{
		{"caret power", "10^9/L", ',', "10⁹/L"},
		{"UCUM power", "10*9/L", ',', "10⁹/L"},
		{"E power", "10E9/L", ',', "10⁹/L"},
		{"lower e power", "10e9/l", ',', "10⁹/l"},
		{"times E power", "x10E9/L", ',', "×10⁹/L"},
		{"capital times caret", "X10^9/L", ',', "×10⁹/L"},
		{"times with space", "x 10^9/L", ',', "×10⁹/L"},
		{"two digit power", "10^12/L", ',', "10¹²/L"},
		{"negative power", "10E-3/L", ',', "10⁻³/L"},
		{"UCUM per microlitre", "10*3/uL", ',', "10³/µL"},
		{"power alone", "10*9", ',', "10⁹"},
		{"micromol", "umol/L", ',', "µmol/L"},
		{"microgram", "ug/L", ',', "µg/L"},
		{"micro IU", "uIU/mL", ',', "µIU/mL"},
		{"micro sign already", "µmol/L", ',', "µmol/L"},
		{"greek mu kept", "μmol/L", ',', "μmol/L"},
		{"millimol untouched", "mmol/L", ',', "mmol/L"},
		{"milli unit untouched", "mU/L", ',', "mU/L"},
		{"UCUM IU", "[IU]/L", ',', "IU/L"},
		{"UCUM milli IU", "m[iU]/L", ',', "mIU/L"},
		{"eGFR glued nb", "mL/min/1.73m2", ',', "mL/min/1,73 m²"},
		{"eGFR glued en", "mL/min/1.73m2", '.', "mL/min/1.73 m²"},
		{"eGFR UCUM annotation", "mL/min/{1.73_m2}", ',', "mL/min/1,73 m²"},
		{"eGFR already typeset", "mL/min/1,73 m²", ',', "mL/min/1,73 m²"},
		{"eGFR comma glued", "ml/min/1,73m2", '.', "ml/min/1.73 m²"},
		{"per square metre", "mL/min/m2", ',', "mL/min/m²"},
		{"square centimetre", "cm2", ',', "cm²"},
		{"cubic metre caret", "m^3", ',', "m³"},
		{"grams per 100 mL untouched", "g/100mL", ',', "g/100mL"},
		{"per 24 hours untouched", "mmol/24h", ',', "mmol/24h"},
		{"ratio untouched", "mmol/mol", ',', "mmol/mol"},
		{"laboratory name untouched", "mIE/L", ',', "mIE/L"},
		{"INR untouched", "INR", ',', "INR"},
		{"percent untouched", "%", ',', "%"},
		{"three digit power untouched", "10^100/L", ',', "10^100/L"},
		{"power glued to a name untouched", "a10^9/L", ',', "a10^9/L"},
		{"word with u untouched", "kU/L", ',', "kU/L"},
		{"empty", "", ',', ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Typeset(tt.raw, tt.decimal); got != tt.want {
				t.Errorf("Typeset(%q, %q) = %q, want %q", tt.raw, tt.decimal, got, tt.want)
			}
		})
	}
}
