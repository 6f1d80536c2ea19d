package timeline

import (
	"time"

	"github.com/oppslag/oppslag/clients/person"
)

// AsOfRow is one line of the "as of a date" view: a label and the values
// registered on that day (none when the part had no item then).
type AsOfRow struct {
	Label  string // message key
	Values []Text
}

// validOn reports whether an item was valid on day (YYYY-MM-DD):
// validFrom ≤ day < validTo, compared as calendar days. An item without a
// start (neither validFrom nor registeredAt) counts as valid from the
// beginning; one without validTo as still valid.
func validOn(m person.Meta, day string) bool {
	if from := start(m); from != "" && day < from {
		return false
	}
	if to := m.ToDay(); to != "" && day >= to {
		return false
	}
	return true
}

// pickOn returns the indexes of the items valid on day. With one set, only
// the latest-starting match is kept: parts with one current item may carry
// an old item without an end date.
func pickOn[T interface{ GetMeta() person.Meta }](items []T, day string, one bool) []int {
	var out []int
	for i, it := range items {
		if validOn(it.GetMeta(), day) {
			out = append(out, i)
		}
	}
	if one && len(out) > 1 {
		best := out[0]
		for _, i := range out[1:] {
			if start(items[i].GetMeta()) >= start(items[best].GetMeta()) {
				best = i
			}
		}
		out = []int{best}
	}
	return out
}

// AsOf is the person as registered on day (YYYY-MM-DD): for each part the
// item valid on that day. Addresses the protection rule hides (S19) show as
// a protected address, as on the timeline.
func AsOf(p *person.Person, day string) []AsOfRow {
	if p == nil {
		return nil
	}
	// The builder is only asked which addresses to hide, which does not
	// depend on the time of asking.
	b := newBuilder(p, time.Time{})
	var rows []AsOfRow
	row := func(label string, vals ...Text) {
		rows = append(rows, AsOfRow{Label: label, Values: vals})
	}
	one := func(label string, idx []int, f func(int) Text) {
		var vals []Text
		for _, i := range idx {
			vals = append(vals, f(i))
		}
		row(label, vals...)
	}
	// address masks the value when the item may not be shown.
	address := func(m person.Meta, conf person.AddressConfidentiality, v Text) Text {
		if b.masked(m, conf) {
			return Key("timeline.protected_address")
		}
		return v
	}

	if bi := p.CurrentBirth(); bi != nil && !bi.BirthDate.IsZero() && day < bi.BirthDate.DateOnly() {
		row("timeline.asof.note", Key("timeline.asof.unborn"))
	}
	one("timeline.part.name", pickOn(p.Name, day, true), func(i int) Text {
		n := p.Name[i]
		return Join(person.JoinParts(n.GivenName, n.MiddleName, n.FamilyName))
	})
	one("timeline.part.norwegianidentificationnumber", pickOn(p.NorwegianIdentificationNumber, day, true), func(i int) Text {
		n := p.NorwegianIdentificationNumber[i]
		return Join(formatNIN(n.IdentificationNumber), Enum("timeline.nintype", string(n.IdentificationNumberType)))
	})
	one("timeline.part.status", pickOn(p.Status, day, true), func(i int) Text {
		return Enum("timeline.status", string(p.Status[i].Status))
	})
	one("timeline.part.maritalstatus", pickOn(p.MaritalStatus, day, true), func(i int) Text {
		return Enum("timeline.marital", string(p.MaritalStatus[i].Status))
	})
	one("timeline.part.residentialaddress", pickOn(p.ResidentialAddress, day, true), func(i int) Text {
		a := p.ResidentialAddress[i]
		line, post, muni, _ := residence(a.StreetAddress, a.CadastralAddress, a.UnknownResidence)
		return address(a.Meta, a.AddressConfidentiality, Join(line, post, muni))
	})
	one("timeline.part.presentaddress", pickOn(p.PresentAddress, day, true), func(i int) Text {
		a := p.PresentAddress[i]
		var line Text
		var post string
		switch {
		case a.ForeignAddress != nil:
			line, post = foreign(a.ForeignAddress)
		case a.StreetAddress != nil || a.CadastralAddress != nil:
			line, post, _, _ = residence(a.StreetAddress, a.CadastralAddress, nil)
		default:
			line = Key("timeline.address_unknown")
		}
		return address(a.Meta, a.AddressConfidentiality, Join(line, post))
	})
	one("timeline.part.postaladdress", pickOn(p.PostalAddress, day, true), func(i int) Text {
		a := p.PostalAddress[i]
		line, post := postal(a)
		return address(a.Meta, a.AddressConfidentiality, Join(line, post))
	})
	one("timeline.part.citizenship", pickOn(p.Citizenship, day, false), func(i int) Text {
		return Join(Country(p.Citizenship[i].CountryCode))
	})
	prot := pickOn(p.AddressProtection, day, true)
	if len(prot) == 0 {
		row("timeline.part.addressprotection", Enum("timeline.level", string(person.Unclassified)))
	} else {
		one("timeline.part.addressprotection", prot, func(i int) Text {
			return Enum("timeline.level", string(p.AddressProtection[i].ProtectionLevel))
		})
	}
	if d := p.Death; d != nil && d.DeceasedDate.Known() && d.DeceasedDate.DateOnly() <= day {
		row("timeline.part.death", Key("timeline.asof.deceased", d.DeceasedDate))
	}
	return rows
}
