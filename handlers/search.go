package handlers

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/oppslag/oppslag/clients/audit"
	"github.com/oppslag/oppslag/clients/person"
	"github.com/oppslag/oppslag/clients/person/nin"
	"github.com/oppslag/oppslag/clients/person/protection"
	"github.com/oppslag/oppslag/clients/upstream"
	"github.com/oppslag/oppslag/handlers/request"
	"github.com/oppslag/oppslag/views"
)

// searchParts are what a result row shows.
var searchParts = []person.InformationPart{
	person.PartName, person.PartBirth, person.PartGender, person.PartStatus, person.PartDeath,
	person.PartAddressProtection, person.PartResidentialAddress, person.PartNorwegianIdentificationNumber,
}

// Search answers POST /search (field q): an identity number goes to the
// person's page under a session handle (303), a name to a result list, or
// to the person's page when exactly one person matches (303), and anything
// else back to the form with a message (422).
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
	if len(res.Results) == 1 && len(out.Rows) == 1 {
		// One hit: open it, as a number search does; the search is already
		// in the audit log with its one result.
		http.Redirect(w, r, out.Rows[0].Href, http.StatusSeeOther)
		return nil
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
