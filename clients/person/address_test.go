package person

import "testing"

func TestAddressText(t *testing.T) {
	tests := []struct {
		name, got, want string
	}{
		{"street with number and letter", StreetLine("Skolegata", &AddressNumber{HouseNumber: "1", HouseLetter: "B"}), "Skolegata 1 B"},
		{"street with number", StreetLine("Markveien", &AddressNumber{HouseNumber: "35"}), "Markveien 35"},
		{"street without number", StreetLine("Markveien", nil), "Markveien"},
		{"city", CityLine(&City{PostalCode: "0554", CityName: "OSLO"}), "0554 OSLO"},
		{"no city", CityLine(nil), ""},
		{"place", PlaceText("0301", "Oslo"), "0301 Oslo"},
		{"place without a number", PlaceText("", "Oslo"), "Oslo"},
		{"place without a name", PlaceText("0301", ""), "0301"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, tt.got, tt.want)
		}
	}
}
