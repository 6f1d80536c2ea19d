package person

import "strings"

// The address text of every page (the overview's addresses panel, the
// timeline's entries and as-of card) is built from these, so an address
// reads the same everywhere. Whether an address may be shown at all is not
// decided here: clients/person/protection decides (S19).

// StreetLine is "Skolegata 1 B": a street or address name with its house
// number and letter.
func StreetLine(name string, n *AddressNumber) string {
	s := name
	if n != nil {
		s = strings.TrimSpace(s + " " + n.HouseNumber + " " + n.HouseLetter)
	}
	return s
}

// CityLine is "0554 OSLO", or "" without a city.
func CityLine(c *City) string {
	if c == nil {
		return ""
	}
	return strings.TrimSpace(c.PostalCode + " " + c.CityName)
}

// PlaceText is "0301 Oslo": a municipality, county or district with its
// number first; either may be empty.
func PlaceText(number, name string) string {
	return strings.TrimSpace(number + " " + name)
}

// JoinParts joins the non-empty parts with single spaces, as the pages write
// a name ("Kari Hansen Nordmann") or a place ("0102 OSLO").
func JoinParts(parts ...string) string {
	var out []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, " ")
}
