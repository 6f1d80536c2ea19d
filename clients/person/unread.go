package person

import (
	"strconv"
	"strings"

	"github.com/oppslag/oppslag/clients/tolerant"
)

// attachUnread puts each unread field on the person document it belongs to,
// with its path from that document's root: a single person, a bulk answer
// ("[3].name[0].givenName") or a search result ("results[3]...").
func attachUnread(out any, fields []tolerant.Field) {
	switch v := out.(type) {
	case *Person:
		v.Unread = append(v.Unread, fields...)
	case *[]Person:
		distribute(*v, fields, "")
	case *PersonSearchResult:
		distribute(v.Results, fields, "results")
	}
}

// distribute moves fields under prefix[i] to persons[i], rooted there. A
// field that names no person (the list itself was odd) has nobody to show
// it; the client's caller still sees the person list it could read.
func distribute(persons []Person, fields []tolerant.Field, prefix string) {
	for _, f := range fields {
		rest, ok := strings.CutPrefix(f.Path, prefix+"[")
		if !ok {
			continue
		}
		num, tail, ok := strings.Cut(rest, "]")
		i, err := strconv.Atoi(num)
		if !ok || err != nil || i < 0 || i >= len(persons) {
			continue
		}
		f.Path = strings.TrimPrefix(tail, ".")
		if f.Path == "" {
			continue // the whole entry was not a document: nothing of it arrived
		}
		persons[i].Unread = append(persons[i].Unread, f)
	}
}

// UnreadIn returns the person's unread fields that lie under one of the
// given top-level members (JSON names such as "commonContactRegisterInformation").
func (p *Person) UnreadIn(members ...string) []tolerant.Field {
	var out []tolerant.Field
	for _, m := range members {
		out = append(out, tolerant.Under(p.Unread, m)...)
	}
	return out
}

// Member returns the part's member name in the person document
// ("ResidentialAddress" → "residentialAddress").
func (p InformationPart) Member() string {
	if p == "" {
		return ""
	}
	return strings.ToLower(string(p[:1])) + string(p[1:])
}
