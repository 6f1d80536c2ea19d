package synthetic

import "strings"

// Per-person registers drawn from the person's own streams: contact
// addresses, Sámi details and the KRR entry. They depend on the finished
// record (status, residence) but not on other persons.

// oldVerification is how long ago KRR contact information may have been
// verified before the person can no longer be notified (18 months).
const oldVerification = 548

// currentResidence returns the index in d.addrs of the current residential
// address, or -1.
func currentResidence(addrs []addrItem) int {
	for k := len(addrs) - 1; k >= 0; k-- {
		if !addrs[k].present && addrs[k].to == none {
			return k
		}
	}
	return -1
}

// contact draws postal and foreign postal addresses and Sámi language use.
func (g *gen) contact(r *rec, d *draft, idx uint64) {
	rr := g.ps.at(domainContact, idx)
	alive := r.death == none
	cur := currentResidence(d.addrs)
	if cur >= 0 && alive && geo.munis[d.addrs[cur].muni].sami && rr.Float64() < 0.35 {
		r.flags |= flagSami
	}
	if r.idKind == idDnr && r.foreign == 0 && rr.Float64() < 0.7 {
		r.foreign = r.birthCountry
		r.foreignFrom = r.dnrFrom
	}
	if r.foreign != 0 {
		o := &origins[r.foreign-1]
		r.foreignCity = uint8(rr.IntN(len(o.cities)))
		r.foreignStreet = uint8(rr.IntN(len(o.streets)))
		r.foreignNum = uint16(1 + rr.IntN(120))
	}
	switch {
	case !alive:
	case r.flags&flagClient != 0 && cur >= 0:
		r.postal = 2
	case r.idKind == idDnr && rr.Float64() < 0.2:
		r.postal = 2
	case cur >= 0 && rr.Float64() < 0.016:
		r.postal = 1
	case cur >= 0 && rr.Float64() < 0.006:
		r.postal = 2
	}
	if r.postal != 0 {
		lo := max(r.statusFrom, g.ref-years(12))
		if cur >= 0 {
			lo = max(lo, d.addrs[cur].from)
		}
		r.postalFrom = between(rr, lo, g.ref)
		r.postalNum = uint16(1 + rr.IntN(9000))
	}
}

// krr draws the person's entry in the contact and reservation register.
func (g *gen) krr(r *rec, d *draft, idx uint64) {
	rr := g.ps.at(domainKRR, idx)
	k := &r.krr
	status := d.stats[len(d.stats)-1].status
	age := yearOf(g.ref) - yearOf(r.birth)
	switch {
	case r.idKind == idFH || status == stNotResident || status == stRegisteredAtBirth:
		return
	case r.idKind == idDnr:
		if rr.Float64() < 0.25 {
			k.status = krrNotRegistered
		}
		return
	case r.death != none:
		if r.death > g.ref-years(4) {
			k.status = krrDeleted
		}
		return
	case age < 15:
		return
	}
	x := rr.Float64()
	switch {
	case x < 0.07:
		k.status = krrNotRegistered
		return
	case x < 0.09:
		k.status = krrDeleted
		return
	}
	k.status = krrActive
	k.reserved = rr.Float64() < 0.03
	k.hasEmail = rr.Float64() < 0.88
	k.hasPhone = rr.Float64() < 0.93 || !k.hasEmail
	first := max(addYears(r.birth, 15), dayOf(2012, 1, 1), r.statusFrom)
	if first >= g.ref {
		first = g.ref - 1
	}
	old := rr.Float64() < 0.14
	verified := func(upd int32) int32 {
		if old {
			// Last verified more than 18 months ago.
			hi := g.ref - oldVerification - 1
			if upd < hi {
				return between(rr, upd, hi)
			}
			return upd
		}
		return between(rr, max(upd, g.ref-oldVerification+1), g.ref)
	}
	k.emailUpd = between(rr, first, g.ref)
	k.emailVer = verified(k.emailUpd)
	k.phoneUpd = between(rr, first, g.ref)
	k.phoneVer = verified(k.phoneUpd)
	if old {
		k.emailUpd = min(k.emailUpd, k.emailVer)
		k.phoneUpd = min(k.phoneUpd, k.phoneVer)
	}
	k.emailDomain = uint8(rr.IntN(len(emailDomains)))
	if rr.Float64() < 0.4 {
		k.emailNum = uint16(1 + rr.IntN(99))
	}
	lead := uint32(9)
	if rr.Float64() < 0.45 {
		lead = 4
	}
	k.phone = lead*10_000_000 + uint32(rr.IntN(10_000_000))
	if !k.reserved && rr.Float64() < 0.45 {
		k.digital = 1
		if rr.Float64() < 0.15 {
			k.digital = 2
		}
	}
	cur := currentResidence(d.addrs)
	switch {
	case r.flags&flagSami != 0 && rr.Float64() < 0.3:
		k.lang = 3
	case r.origin != 0 && r.birthCountry != 0 && rr.Float64() < 0.4:
		k.lang = 2
	case cur >= 0 && geo.munis[d.addrs[cur].muni].nynorsk && rr.Float64() < 0.3:
		k.lang = 1
	case rr.Float64() < 0.06:
		k.lang = 1
	}
	k.langUpdate = between(rr, first, g.ref)
}

// emailDomains are reserved example domains (RFC 2606), so no generated
// address can reach a real mailbox.
var emailDomains = []string{"example.com", "example.net", "example.org"}

// digitalPostVendors are the KRR digital mailbox vendors.
var digitalPostVendors = []string{"", "digipost", "eboks"}

// asciiFold lowers s and folds Norwegian and other letters of the name
// tables to ASCII for e-mail and mailbox addresses: "Åse Bjørg" gives
// "asebjorg". Letters it does not know are dropped.
func asciiFold(s string) string {
	var b strings.Builder
	for _, c := range strings.ToLower(s) {
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
			b.WriteRune(c)
		default:
			if f, ok := foldTable[c]; ok {
				b.WriteString(f)
			}
		}
	}
	return b.String()
}

// foldTable maps the non-ASCII letters of the name tables.
var foldTable = map[rune]string{
	'æ': "ae", 'ø': "o", 'å': "a", 'ä': "a", 'ö': "o", 'ü': "u", 'é': "e", 'è': "e", 'á': "a",
	'à': "a", 'ó': "o", 'í': "i", 'ú': "u", 'ñ': "n", 'ç': "c", 'ß': "ss", 'ł': "l", 'ą': "a",
	'ę': "e", 'ś': "s", 'ź': "z", 'ż': "z", 'ń': "n", 'ć': "c", 'š': "s", 'ž': "z", 'č': "c",
	'ė': "e", 'ū': "u", 'ų': "u", 'į': "i", 'ī': "i", 'ā': "a", 'ŋ': "n", 'đ': "d", 'ŧ': "t",
}
