package synthetic

import (
	"strconv"
	"strings"

	"github.com/oppslag/oppslag/clients/person"
)

// SearchLimit is the most persons Search returns, as search/person does.
const SearchLimit = 100

// Search returns up to SearchLimit persons whose current data match every
// field set in q, in population order; the documents are complete (with
// history), for the caller to cut to the requested parts. It only matches:
// the API's input rules (at least one name field, three letters, a birth
// date, municipality or street) are the simulator's to enforce.
//
// Matching, case-insensitive: FullName takes the first three words, each
// a prefix of some part of the current name; GivenName, MiddleName and
// FamilyName match their own parts the same way; BirthDate is a prefix of
// YYYY-MM-DD; StreetAddress is a prefix of "street number[letter]" of the
// current residential address; PostalCode, CityName and MunicipalityNumber
// equal that address's. Persons with a felles hjelpenummer are included
// only with IncludeAinResults.
func (p *Population) Search(q person.SearchQuery) []*person.Person {
	m := newMatcher(q)
	var out []*person.Person
	for i := range p.recs {
		if m.match(p, i) {
			out = append(out, p.build(i))
			if len(out) == SearchLimit {
				break
			}
		}
	}
	return out
}

// matcher holds a prepared query.
type matcher struct {
	q                         person.SearchQuery
	full, given, middle, fam  []string
	street, city, birth, muni string
	postal                    string
	needAddress               bool
}

func newMatcher(q person.SearchQuery) matcher {
	m := matcher{
		q:      q,
		given:  nameWords(q.GivenName),
		middle: nameWords(q.MiddleName),
		fam:    nameWords(q.FamilyName),
		street: strings.ToLower(strings.Join(strings.Fields(q.StreetAddress), " ")),
		city:   strings.ToLower(strings.TrimSpace(q.CityName)),
		birth:  strings.TrimSpace(q.BirthDate),
		muni:   strings.TrimSpace(q.MunicipalityNumber),
		postal: strings.TrimSpace(q.PostalCode),
	}
	m.full = nameWords(q.FullName)
	if len(m.full) > 3 {
		m.full = m.full[:3]
	}
	m.needAddress = m.street != "" || m.city != "" || m.muni != "" || m.postal != ""
	return m
}

// nameWords splits a name into lower-case words at spaces and hyphens.
func nameWords(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return r == ' ' || r == '-' })
}

// prefixesOf reports whether every word in want is a prefix of some word in
// have.
func prefixesOf(want, have []string) bool {
	for _, w := range want {
		ok := false
		for _, h := range have {
			if strings.HasPrefix(h, w) {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

func (m *matcher) match(p *Population, i int) bool {
	r := &p.recs[i]
	if r.idKind == idFH && !m.q.IncludeAinResults {
		return false
	}
	if m.q.Gender != "" {
		g := person.GenderMale
		if r.flags&flagFemale != 0 {
			g = person.GenderFemale
		}
		if g != m.q.Gender {
			return false
		}
	}
	if m.birth != "" && !strings.HasPrefix(dayTime(r.birth).Format("2006-01-02"), m.birth) {
		return false
	}
	if len(m.given) > 0 && !prefixesOf(m.given, nameWords(p.str(r.given))) {
		return false
	}
	if len(m.middle) > 0 && !prefixesOf(m.middle, nameWords(p.str(r.middle))) {
		return false
	}
	if len(m.fam) > 0 && !prefixesOf(m.fam, nameWords(p.str(r.family))) {
		return false
	}
	if len(m.full) > 0 {
		all := nameWords(p.str(r.given) + " " + p.str(r.middle) + " " + p.str(r.family))
		if !prefixesOf(m.full, all) {
			return false
		}
	}
	if !m.needAddress {
		return true
	}
	items := p.addrs[r.addrOff : r.addrOff+uint32(r.addrN)]
	k := currentResidence(items)
	if k < 0 {
		return false
	}
	a := items[k]
	mu := &geo.munis[a.muni]
	ar := &mu.areas[a.area]
	if m.muni != "" && m.muni != mu.number {
		return false
	}
	if m.postal != "" && m.postal != ar.post.code {
		return false
	}
	if m.city != "" && m.city != strings.ToLower(ar.post.city) {
		return false
	}
	if m.street != "" {
		s := strings.ToLower(streetName(a)) + " " + strconv.Itoa(int(a.house))
		if a.letter != 0 {
			s += strings.ToLower(string(rune(a.letter)))
		}
		if a.matrikel || !strings.HasPrefix(s, m.street) {
			return false
		}
	}
	return true
}
