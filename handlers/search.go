package handlers

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/oppslag/oppslag/clients/audit"
	"github.com/oppslag/oppslag/clients/person"
	"github.com/oppslag/oppslag/clients/person/nin"
	"github.com/oppslag/oppslag/clients/person/protection"
	"github.com/oppslag/oppslag/clients/upstream"
	"github.com/oppslag/oppslag/handlers/request"
	"github.com/oppslag/oppslag/views"
)

// searchForm is the search box as posted: one field, q, holding an identity
// number or a name with a birth date or municipality number.
type searchForm struct {
	Q string

	// Filled by Validate: exactly one of number and query.
	number *nin.Number
	query  person.SearchQuery
	fields []string // the Person API search fields used, for the audit record
}

// maxQueryRunes bounds what the search box takes; the API's own limit on a
// full name is 600.
const maxQueryRunes = 200

// Validate reads Q as an identity number or a name search and returns a
// message per field ("q") when it is neither. Messages say exactly what is
// wrong, in the user's terms.
func (f *searchForm) Validate(now time.Time) map[string]views.Text {
	q := strings.TrimSpace(f.Q)
	switch {
	case !readable(q):
		return map[string]views.Text{"q": views.Msg("search.error.chars")}
	case q == "":
		return map[string]views.Text{"q": views.Msg("search.error.empty")}
	case len([]rune(q)) > maxQueryRunes:
		return map[string]views.Text{"q": views.Msg("search.error.long")}
	case !strings.ContainsFunc(q, unicode.IsLetter) && len(strings.Fields(q)) == 1 && isDateWord(q) && strings.ContainsAny(q, "./"):
		// A date alone: the name is missing, not digits of a number.
		return map[string]views.Text{"q": views.Msg("search.error.need_name")}
	case looksLikeNumber(q):
		return f.validateNumber(q)
	}
	return f.validateName(q, now)
}

// readable reports whether q is text a page can show: valid UTF-8 without
// NUL or other control characters, tabs and line breaks apart (S42). The
// web package refuses NUL and invalid UTF-8 before they get here; this
// keeps the form safe on its own.
func readable(q string) bool {
	return utf8.ValidString(q) && !strings.ContainsFunc(q, func(r rune) bool {
		return unicode.IsControl(r) && r != '\t' && r != '\n' && r != '\r'
	})
}

// looksLikeNumber decides whether the user meant an identity number: no
// letters at all, or one word mixing digits and letters (a typed "O" for a
// zero), which deserves "only digits" rather than a name-search message.
func looksLikeNumber(q string) bool {
	letters, digits := 0, 0
	for _, r := range q {
		switch {
		case unicode.IsLetter(r):
			letters++
		case unicode.IsDigit(r):
			digits++
		}
	}
	if letters == 0 {
		return digits > 0
	}
	words := strings.Fields(q)
	return len(words) == 1 && digits >= 6
}

func (f *searchForm) validateNumber(q string) map[string]views.Text {
	// Spaces and hyphens anywhere are grouping ("120579 00499", "12 05 79 00499").
	digits := strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' || r == '\u00a0' {
			return -1
		}
		return r
	}, q)
	n, err := nin.Parse(digits)
	switch {
	case err == nil:
	case errors.Is(err, nin.ErrNotDigits):
		return map[string]views.Text{"q": views.Msg("search.error.digits")}
	case errors.Is(err, nin.ErrLength):
		return map[string]views.Text{"q": views.Msg("search.error.length", len([]rune(digits)))}
	case errors.Is(err, nin.ErrChecksum) && errors.Is(err, nin.ErrDate):
		return map[string]views.Text{"q": views.Msg("search.error.checksum_date")}
	case errors.Is(err, nin.ErrDate):
		return map[string]views.Text{"q": views.Msg("search.error.date")}
	default:
		return map[string]views.Text{"q": views.Msg("search.error.checksum")}
	}
	if n.Kind == nin.HNumber {
		// An organisation's own help number is unknown to the register.
		return map[string]views.Text{"q": views.Msg("search.error.hnumber")}
	}
	f.number = &n
	return nil
}

// validateName reads "Given [Middle] Family <date|year|municipality>" or
// "Family, Given [Middle] <...>". A four-digit word is a birth year when it
// lies between 1900 and this year, otherwise a municipality number (Nordland's
// 18xx numbers are not plausible birth years for a living patient).
func (f *searchForm) validateName(q string, now time.Time) map[string]views.Text {
	family, rest, comma := strings.Cut(q, ",")
	if !comma {
		rest, family = q, ""
	}
	var names []string
	var birth, municipality string
	bad := func(key string) map[string]views.Text { return map[string]views.Text{"q": views.Msg(key)} }
	classify := func(w string) map[string]views.Text {
		switch {
		case isName(w):
			names = append(names, w)
		case isDateWord(w):
			d, ok := parseDate(w)
			if !ok {
				return bad("search.error.bad_date")
			}
			if birth != "" {
				return bad("search.error.two_dates")
			}
			if d.After(now) {
				return bad("search.error.future_date")
			}
			birth = d.Format(time.DateOnly)
		case len(w) == 4 && allDigits(w):
			y, _ := strconv.Atoi(w)
			if w[0] != '0' && y >= 1900 && y <= now.Year() {
				if birth != "" {
					return bad("search.error.two_dates")
				}
				birth = w
				return nil
			}
			if municipality != "" {
				return bad("search.error.two_municipalities")
			}
			municipality = w
		case allDigits(w):
			return bad("search.error.number_word")
		default:
			return bad("search.error.name_chars")
		}
		return nil
	}
	for _, w := range strings.Fields(rest) {
		if m := classify(w); m != nil {
			return m
		}
	}
	var familyWords []string
	for _, w := range strings.Fields(family) {
		if !isName(w) {
			return bad("search.error.family_chars")
		}
		familyWords = append(familyWords, w)
	}
	letters := 0
	for _, w := range append(familyWords, names...) {
		for _, r := range w {
			if unicode.IsLetter(r) {
				letters++
			}
		}
	}
	switch {
	case len(names) == 0 && len(familyWords) == 0:
		return bad("search.error.need_name")
	case letters < 3:
		return bad("search.error.name_short")
	case birth == "" && municipality == "":
		return bad("search.error.need_date")
	}

	sq := person.SearchQuery{BirthDate: birth, MunicipalityNumber: municipality}
	switch {
	case len(familyWords) > 0:
		sq.FamilyName = strings.Join(familyWords, " ")
		sq.FullName = strings.Join(names, " ")
	case len(names) > 3:
		// The API reads only the first three words of FullName; keep the
		// family name, which is the most telling.
		sq.FamilyName = names[len(names)-1]
		sq.FullName = strings.Join(names[:2], " ")
	default:
		sq.FullName = strings.Join(names, " ")
	}
	for _, fl := range []struct{ name, value string }{
		{"FullName", sq.FullName}, {"FamilyName", sq.FamilyName},
		{"BirthDate", sq.BirthDate}, {"MunicipalityNumber", sq.MunicipalityNumber},
	} {
		if fl.value != "" {
			f.fields = append(f.fields, fl.name)
		}
	}
	f.query = sq
	return nil
}

// isName accepts a word of letters, with hyphens and apostrophes inside
// (Anne-Lise, O'Brien), as the API's name fields do.
func isName(w string) bool {
	if w == "" {
		return false
	}
	hasLetter := false
	for _, r := range w {
		switch {
		case unicode.IsLetter(r):
			hasLetter = true
		case r == '-' || r == '\'' || r == '’':
		default:
			return false
		}
	}
	return hasLetter
}

func allDigits(w string) bool {
	for i := 0; i < len(w); i++ {
		if w[i] < '0' || w[i] > '9' {
			return false
		}
	}
	return w != ""
}

// isDateWord reports whether w is shaped like a date: digits in three
// groups with dots, slashes or hyphens between them.
func isDateWord(w string) bool {
	seps := 0
	for _, r := range w {
		switch {
		case r >= '0' && r <= '9':
		case r == '.' || r == '/' || r == '-':
			seps++
		default:
			return false
		}
	}
	return seps == 2
}

// parseDate reads dd.mm.yyyy (also d.m.yyyy, with / or -) and yyyy-mm-dd.
func parseDate(w string) (time.Time, bool) {
	for _, layout := range []string{"2.1.2006", "2/1/2006", "2-1-2006", "2006-1-2"} {
		if t, err := time.Parse(layout, w); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// searchParts are what a result row shows.
var searchParts = []person.InformationPart{
	person.PartName, person.PartBirth, person.PartGender, person.PartStatus, person.PartDeath,
	person.PartAddressProtection, person.PartResidentialAddress, person.PartNorwegianIdentificationNumber,
}

// Search answers POST /search (field q): an identity number goes to the
// person's page under a session handle (303), a name to a result list, and
// anything else back to the form with a message (422).
func (h Person) Search(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		return Errorf(http.StatusBadRequest, "", err)
	}
	f := searchForm{Q: r.PostForm.Get("q")}
	if msgs := f.Validate(h.now()); msgs != nil {
		return h.searchAgain(w, r, f, msgs["q"])
	}
	if f.number != nil {
		handles := request.HandlesFrom(ctx)
		if handles == nil {
			return Errorf(http.StatusUnauthorized, "", nil)
		}
		handle, err := handles.Handle(ctx, f.number.Digits)
		if err != nil {
			return Errorf(http.StatusInternalServerError, "", fmt.Errorf("search: handle: %w", err))
		}
		http.Redirect(w, r, "/person/"+handle, http.StatusSeeOther)
		return nil
	}
	return h.searchByName(w, r, f)
}

// searchAgain re-renders the start page with the message. A mistyped number
// goes back as text in the message, never in the field's value (S15).
func (h Person) searchAgain(w http.ResponseWriter, r *http.Request, f searchForm, m views.Text) error {
	form := views.SearchForm{Error: m}
	switch {
	case !readable(f.Q):
		// Never echoed (S42): the page is UTF-8 and says so.
	case looksLikeNumber(strings.TrimSpace(f.Q)):
		form.Entered = strings.TrimSpace(f.Q)
	default:
		form.Value = f.Q
	}
	return Render(w, r, http.StatusUnprocessableEntity, views.SearchPage(h.Site.Base(r, "start.title"), form))
}

func (h Person) searchByName(w http.ResponseWriter, r *http.Request, f searchForm) error {
	ctx := r.Context()
	var res *person.PersonSearchResult
	var err error
	if h.API == nil {
		err = errNoAPI
	} else {
		cctx, cancel := context.WithTimeout(ctx, h.timeout())
		res, err = h.API.Search(cctx, tokens(ctx), f.query, searchParts)
		cancel()
	}
	e := audit.Event{Resource: "person", Action: "search", Fields: f.fields, Outcome: outcomeOf(err)}
	if err == nil && res != nil {
		for i := range res.Results {
			if n := currentNumber(&res.Results[i]); n != "" {
				e.Results = append(e.Results, n)
			}
		}
	}
	if aerr := h.Audit.Record(ctx, request.UserFrom(ctx), e); aerr != nil {
		return Errorf(http.StatusServiceUnavailable, "error.audit", aerr)
	}
	if errors.Is(err, upstream.ErrBadRequest) {
		return h.searchAgain(w, r, f, views.Msg("search.error.rejected"))
	}
	if err != nil {
		return upstreamError(servicePerson, err)
	}
	if res == nil {
		return Errorf(http.StatusBadGateway, "error.person.malformed", errors.New("search: empty result"))
	}

	out := views.SearchResults{Query: strings.TrimSpace(f.Q)}
	handles := request.HandlesFrom(ctx)
	now := h.now()
	for i := range res.Results {
		p := &res.Results[i]
		number := currentNumber(p)
		if number == "" || handles == nil {
			continue
		}
		handle, err := handles.Handle(ctx, number)
		if err != nil {
			return Errorf(http.StatusInternalServerError, "", fmt.Errorf("search: handle: %w", err))
		}
		out.Rows = append(out.Rows, h.searchRow(p, number, handle, now))
	}
	switch len(out.Rows) {
	case 0:
		out.Summary = views.Msg("search.results.none")
	case 1:
		out.Summary = views.Msg("search.results.one")
	default:
		out.Summary = views.Msg("search.results.count", len(out.Rows))
	}
	if len(res.Results) >= 100 {
		out.Note = views.Msg("search.results.capped")
	}
	return Render(w, r, http.StatusOK, views.SearchResultsPage(h.Site.Base(r, "search.results.title"),
		views.SearchForm{Value: f.Q}, out))
}

// currentNumber is the identity number a person is looked up by: the one in
// use, else any the document holds.
func currentNumber(p *person.Person) string {
	if n := p.CurrentNIN(); n != "" {
		return n
	}
	for _, n := range p.NorwegianIdentificationNumber {
		if n.IdentificationNumber != "" {
			return n.IdentificationNumber
		}
	}
	return ""
}

// searchRow builds one result line. The municipality is left out for a
// person with a protected address (S19): where someone lives is exactly what
// the protection hides.
func (h Person) searchRow(p *person.Person, number, handle string, now time.Time) views.SearchRow {
	row := views.SearchRow{
		Href:   "/person/" + handle,
		Name:   views.Msg("person.name.unknown"),
		Age:    ageOf(p, now),
		Gender: enumName("person.enum.gender", string(p.CurrentGender())),
		Status: enumName("person.enum.status", string(p.CurrentStatus())),
	}
	if n := nameOf(p); n != "" {
		row.Name = views.Plain(n)
	}
	if b := p.CurrentBirth(); b != nil {
		row.BirthDate = dateOf(b.BirthDate)
		if row.BirthDate.IsZero() {
			row.BirthDate = views.Plain(b.BirthYear)
		}
	}
	// The municipality is part of the address: the S19 rule decides.
	rule := protection.Of(p)
	if rule.Protected() {
		row.Municipality = views.Msg("person.protected.hidden")
		row.Tags = append(row.Tags, protectionTag(rule.Level()))
	} else if a := p.CurrentResidentialAddress(); a != nil && !rule.Decide(a.Meta, a.AddressConfidentiality).Hidden {
		row.Municipality = views.Plain(municipalityOf(a))
	}
	if p.Death != nil && p.Death.Current() {
		row.Tags = append(row.Tags, views.Tag{Text: views.Msg("person.label.deceased"), Color: "neutral"})
	}
	row.Tags = append(row.Tags, numberTags(number, h.Site.Demo)...)
	return row
}

// municipalityOf names the municipality of a residential address.
func municipalityOf(a *person.ResidentialAddress) string {
	switch {
	case a.StreetAddress != nil:
		return a.StreetAddress.MunicipalityName
	case a.CadastralAddress != nil && a.CadastralAddress.CadastralNumber != nil:
		return a.CadastralAddress.CadastralNumber.MunicipalityName
	case a.UnknownResidence != nil:
		return a.UnknownResidence.MunicipalityName
	}
	return ""
}

// numberTags labels the kind of an identity number: D-number, FH number,
// and synthetic (Test-Norge) numbers.
func numberTags(number string, demo bool) []views.Tag {
	n, err := nin.Parse(number)
	if err != nil {
		return nil
	}
	var out []views.Tag
	switch n.Kind {
	case nin.DNumber:
		out = append(out, views.Tag{Text: views.Msg("person.label.dnumber"), Color: "info", TestID: "label-dnumber"})
	case nin.FellesHjelpenummer:
		out = append(out, views.Tag{Text: views.Msg("person.label.fh"), Color: "info", TestID: "label-fh"})
	}
	if n.Synthetic && demo {
		out = append(out, views.Tag{Text: views.Msg("person.label.synthetic"), Color: "neutral", TestID: "label-synthetic"})
	}
	return out
}
