package protection

import (
	"strings"

	"github.com/oppslag/oppslag/clients/person"
	"github.com/oppslag/oppslag/clients/tolerant"
	"github.com/oppslag/oppslag/clients/upstream/rawlog"
)

// Masked is what replaces a hidden address item in a raw Person API
// document (the demo's raw-response drawer, F19). It stays a JSON string,
// so the masked document is still JSON and can be copied as such; the
// drawer says in the user's language what the marker means.
const Masked = "[skjermet]"

// The address members of a person document whose items carry their own
// grade and validity, so Decide can judge each one.
var itemMembers = []string{"residentialAddress", "presentAddress", "sharedResidence", "postalAddress",
	"foreignPostalAddress", "preferredContactAddress"}

// MaskRaw applies the rule to a raw Person API answer before anyone sees
// it: doc is one person document (get-by-nin) or an array of them
// (bulk-by-nin), and every address item the pages would hide is replaced
// by Masked, the whole item, so no street, number, unit, postal code,
// city, cadastral data, district or co-address of it survives (S19). It
// returns how many items (or members) it replaced.
//
// relatives says the documents are relatives' (the family and marital
// panels' bulk call): every address of theirs is hidden (rule 5).
// asked says the request asked for AddressProtection. A document without
// an addressProtection member is judged unprotected only when it was asked
// for, since then its absence means no protection; when it was not asked
// for (the family panel fetches SharedResidence alone) nothing says
// whether the person is protected, and every address is hidden.
//
// The raw view fails closed where the page need not: a document that does
// not decode, or whose addressProtection holds a value the client cannot
// read, hides every address; and address-like members the page never
// shows (a future "...Address" member, the residuary estate's contact
// address) are hidden whole for a protected person or a relative. An
// array element that is not an object is replaced whole.
func MaskRaw(doc *rawlog.Value, relatives, asked bool) int {
	switch {
	case doc == nil:
		return 0
	case doc.Kind == rawlog.Object:
		return maskPerson(doc, relatives, asked)
	case doc.Kind == rawlog.Array:
		n := 0
		for i, el := range doc.Items {
			if el.Kind != rawlog.Object {
				doc.Items[i] = rawlog.String(Masked)
				n++
				continue
			}
			n += maskPerson(el, relatives, asked)
		}
		return n
	}
	return 0
}

// maskPerson masks one person document in place.
func maskPerson(doc *rawlog.Value, relatives, asked bool) int {
	var p person.Person
	unread, err := tolerant.Decode(doc.Compact(), &p)
	all := err != nil || (!asked && !doc.Has("addressProtection"))
	for _, f := range unread {
		all = all || strings.HasPrefix(f.Path, "addressProtection")
	}
	rule := of(&p, relatives)
	whole := all || relatives || rule.Protected()
	n := 0
	for i, name := range doc.Names {
		switch {
		case isItemMember(name):
			n += maskItems(doc, i, rule, all)
		case whole && addressLike(name):
			doc.Items[i] = rawlog.String(Masked)
			n++
		}
	}
	return n
}

// maskItems masks the hidden items of doc's i-th member, an address list.
func maskItems(doc *rawlog.Value, i int, rule Rule, all bool) int {
	list := doc.Items[i]
	if list.Kind != rawlog.Array {
		if list.Kind == rawlog.Scalar && string(list.Raw) == "null" {
			return 0
		}
		doc.Items[i] = rawlog.String(Masked)
		return 1
	}
	n := 0
	for j, it := range list.Items {
		if all || hiddenItem(it, rule) {
			list.Items[j] = rawlog.String(Masked)
			n++
		}
	}
	return n
}

// addressItem is what Decide reads of an address item.
type addressItem struct {
	person.Meta
	AddressConfidentiality person.AddressConfidentiality `json:"addressConfidentiality,omitempty"`
}

// hiddenItem decides one raw address item; one that cannot be read, or
// whose grade or validity cannot, is hidden.
func hiddenItem(it *rawlog.Value, rule Rule) bool {
	if it.Kind != rawlog.Object {
		return true
	}
	var a addressItem
	unread, err := tolerant.Decode(it.Compact(), &a)
	if err != nil || len(unread) > 0 {
		return true
	}
	return rule.Decide(a.Meta, a.AddressConfidentiality).Hidden
}

func isItemMember(name string) bool {
	for _, m := range itemMembers {
		if name == m {
			return true
		}
	}
	return false
}

// addressLike reports a member that holds an address, by name.
func addressLike(name string) bool {
	n := strings.ToLower(name)
	if n == "addressprotection" {
		return false
	}
	return strings.Contains(n, "address") || strings.Contains(n, "residence") || strings.Contains(n, "residuaryestate")
}
