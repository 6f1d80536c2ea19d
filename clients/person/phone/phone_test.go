package phone

import "testing"

func TestFormat(t *testing.T) {
	tests := []struct {
		name, raw, want string
	}{
		{"mobile from KRR", "+4740480675", "+47 404 80 675"},
		{"mobile 9", "+4791234567", "+47 912 34 567"},
		{"landline Oslo", "+4722123456", "+47 22 12 34 56"},
		{"landline Bergen", "+4755123456", "+47 55 12 34 56"},
		{"green number", "+4780012345", "+47 800 12 345"},
		{"00 prefix", "004740480675", "+47 404 80 675"},
		{"already spaced", "+47 404 80 675", "+47 404 80 675"},
		{"spaced otherwise", "+47 40 48 06 75", "+47 404 80 675"},
		{"national without prefix", "40480675", "404 80 675"},
		{"national landline", "22123456", "22 12 34 56"},
		{"Swedish mobile", "+46701234567", "+46 701 234 567"},
		{"US", "+12025550123", "+1 202 555 0123"},
		{"UK mobile", "+447911123456", "+44 791 112 3456"},
		{"Finland", "+358401234567", "+358 401 234 567"},
		{"Faroe", "+298123456", "+298 123 456"},
		{"Norwegian too short", "+474048067", "+474048067"},
		{"Norwegian M2M twelve digits", "+47580012345678", "+47580012345678"},
		{"special number", "02800", "02800"},
		{"short code", "+4711223344", "+4711223344"},
		{"letters", "+47 404 80 675 ext 2", "+47 404 80 675 ext 2"},
		{"garbage", "ring meg", "ring meg"},
		{"too long", "+1234567890123456", "+1234567890123456"},
		{"empty", "", ""},
		{"plus alone", "+", "+"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Format(tt.raw); got != tt.want {
				t.Errorf("Format(%q) = %q, want %q", tt.raw, got, tt.want)
			}
		})
	}
}
