package handlers

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/oppslag/oppslag/clients/audit"
	"github.com/oppslag/oppslag/clients/person/nin"
	"github.com/oppslag/oppslag/clients/synthetic"
	"github.com/oppslag/oppslag/handlers/request"
	"github.com/oppslag/oppslag/views"
)

// PopulationBrowser is what the population browser needs of
// clients/synthetic: one query over the synthetic population.
type PopulationBrowser interface {
	Browse(q synthetic.Query) (synthetic.Result, error)
}

// Testdata serves the synthetic population browser (F17, issue 14):
// GET /testdata, mounted only when every upstream is simulated, for any
// signed-in user (testers sign in as personas).
//
// The query takes the kind names of `oppslag synth --where` (kind,
// repeatable, all must hold), municipality (name or number), age_min,
// age_max, page and preset (a scenario that adds its kinds and ages). A
// query value holding 11 digits in a row is refused (422): identity
// numbers never travel in URLs (S15), so a row opens its person through
// the search's own POST form, with the number in the body.
//
// Decision: the list is audited although it shows synthetic persons only,
// to testers, in demo mode. "Every access is audited" then holds without an
// exception to explain, and it costs one record per page. The record is
// resource "testdata", action "search", with the names of the filters used
// (never their values) and the numbers of the persons listed, as a person
// search records its results. A refused query lists no one and records
// nothing.
type Testdata struct {
	Site   Site
	Browse PopulationBrowser
	Audit  Auditor
	// FaultPanel says the simulators' fault panel is served, for the link
	// to it (/testdata/faults).
	FaultPanel bool
	// Changes changes a synthetic person (testdata_change.go); nil: the
	// form is not shown.
	Changes PersonChanger
}

// testdataPageSize is how many persons a page lists.
const testdataPageSize = 50

// Bounds of the query's free-text values.
const (
	maxTestdataMunicipality = 100 // runes
	maxTestdataAge          = 130
	maxTestdataKindEcho     = 60 // runes of an unknown kind shown back
)

// testdataQuery is the page's query as read from the URL.
type testdataQuery struct {
	preset       *synthetic.Preset
	kinds        []string // effective: the preset's and the chosen, without repeats
	municipality string
	ageMin       string // as entered, or the preset's
	ageMax       string
	page         int
	fields       []string // the filters used, for the audit record
}

// ServeHTTP answers GET /testdata.
func (h Testdata) ServeHTTP(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	d := views.TestdataData{FaultPanel: h.FaultPanel, CanChange: h.Changes != nil}
	if seq, err := strconv.ParseInt(r.URL.Query().Get("changed"), 10, 64); err == nil && seq > 0 {
		d.Changed = seq
	}
	tq, msg := readTestdataQuery(r.URL.Query())
	h.fillForm(&d, tq)
	if !msg.IsZero() {
		d.Error = msg
		return Render(w, r, http.StatusUnprocessableEntity, views.TestdataPage(h.Site.Base(r, "testdata.title"), d))
	}
	q, msg := tq.query()
	if msg.IsZero() {
		res, err := h.Browse.Browse(q)
		switch {
		case err == nil:
			rec := audit.Event{Resource: "testdata", Action: "search", Fields: tq.fields, Outcome: audit.Granted}
			for _, row := range res.Rows {
				rec.Results = append(rec.Results, row.NIN)
			}
			if aerr := h.Audit.Record(ctx, request.UserFrom(ctx), rec); aerr != nil {
				return Errorf(http.StatusServiceUnavailable, "error.audit", aerr)
			}
			h.fillResults(&d, tq, res)
			return Render(w, r, http.StatusOK, views.TestdataPage(h.Site.Base(r, "testdata.title"), d))
		case errors.Is(err, synthetic.ErrUnknownKind):
			msg = views.Msg("testdata.error.kind", unknownKindOf(tq.kinds))
		case errors.Is(err, synthetic.ErrUnknownMunicipality):
			msg = views.Msg("testdata.error.municipality", tq.municipality)
		case errors.Is(err, synthetic.ErrAgeRange):
			msg = views.Msg("testdata.error.age_range")
		default:
			return Errorf(http.StatusInternalServerError, "", fmt.Errorf("testdata: browse: %w", err))
		}
	}
	d.Error = msg
	return Render(w, r, http.StatusUnprocessableEntity, views.TestdataPage(h.Site.Base(r, "testdata.title"), d))
}

// readTestdataQuery reads the URL's query, or returns the message that
// refuses it.
func readTestdataQuery(v url.Values) (testdataQuery, views.Text) {
	tq := testdataQuery{page: 1}
	for k, vals := range v {
		if !readable(k) || nin.HasDigitRun(k, 11) {
			return testdataQuery{page: 1}, views.Msg("testdata.error.nin")
		}
		for _, s := range vals {
			if !readable(s) {
				return testdataQuery{page: 1}, views.Msg("search.error.chars")
			}
			if nin.HasDigitRun(s, 11) {
				// Nothing of the query is echoed: the form comes back empty.
				return testdataQuery{page: 1}, views.Msg("testdata.error.nin")
			}
		}
	}
	used := func(name string) {
		if !slices.Contains(tq.fields, name) {
			tq.fields = append(tq.fields, name)
		}
	}
	if id := strings.TrimSpace(v.Get("preset")); id != "" {
		s, ok := synthetic.PresetByID(id)
		if !ok {
			return tq, views.Msg("testdata.error.preset")
		}
		tq.preset = &s
		used("preset")
		tq.kinds = append(tq.kinds, s.Kinds...)
		if s.MinAge != nil {
			tq.ageMin = strconv.Itoa(*s.MinAge)
		}
		if s.MaxAge != nil {
			tq.ageMax = strconv.Itoa(*s.MaxAge)
		}
	}
	for _, k := range v["kind"] {
		if k = strings.TrimSpace(k); k != "" {
			used("kind")
			if !slices.Contains(tq.kinds, k) {
				tq.kinds = append(tq.kinds, k)
			}
		}
	}
	if m := strings.TrimSpace(v.Get("municipality")); m != "" {
		used("municipality")
		tq.municipality = m
		if utf8.RuneCountInString(m) > maxTestdataMunicipality {
			tq.municipality = ""
			return tq, views.Msg("testdata.error.municipality_long")
		}
	}
	for _, a := range []struct {
		name string
		to   *string
	}{{"age_min", &tq.ageMin}, {"age_max", &tq.ageMax}} {
		if s := strings.TrimSpace(v.Get(a.name)); s != "" {
			used(a.name)
			*a.to = s
		}
	}
	if s := strings.TrimSpace(v.Get("page")); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 1_000_000 {
			return tq, views.Msg("testdata.error.page")
		}
		tq.page = n
		used("page")
	}
	return tq, views.Text{}
}

// query is tq as the population's query; a message when an age is not a
// whole number of years.
func (tq testdataQuery) query() (synthetic.Query, views.Text) {
	q := synthetic.Query{
		Kinds:        tq.kinds,
		Municipality: tq.municipality,
		Offset:       (tq.page - 1) * testdataPageSize,
		Limit:        testdataPageSize,
	}
	for _, a := range []struct {
		s  string
		to **int
	}{{tq.ageMin, &q.MinAge}, {tq.ageMax, &q.MaxAge}} {
		if a.s == "" {
			continue
		}
		n, err := strconv.Atoi(a.s)
		if err != nil || n < 0 || n > maxTestdataAge {
			return q, views.Msg("testdata.error.age", maxTestdataAge)
		}
		*a.to = &n
	}
	return q, views.Text{}
}

// url is the page's address with tq's filters, on page n.
func (tq testdataQuery) url(n int) string {
	v := url.Values{}
	if tq.preset != nil {
		v.Set("preset", tq.preset.ID)
	}
	for _, k := range tq.kinds {
		if tq.preset == nil || !slices.Contains(tq.preset.Kinds, k) {
			v.Add("kind", k)
		}
	}
	if tq.municipality != "" {
		v.Set("municipality", tq.municipality)
	}
	if tq.ageMin != "" {
		v.Set("age_min", tq.ageMin)
	}
	if tq.ageMax != "" {
		v.Set("age_max", tq.ageMax)
	}
	if n > 1 {
		v.Set("page", strconv.Itoa(n))
	}
	if len(v) == 0 {
		return "/testdata"
	}
	return "/testdata?" + v.Encode()
}

// unknownKindOf is the first kind that is not one, cut for showing back.
func unknownKindOf(kinds []string) string {
	for _, k := range kinds {
		if synthetic.CheckKind(k) != nil {
			if r := []rune(k); len(r) > maxTestdataKindEcho {
				return string(r[:maxTestdataKindEcho]) + "…"
			}
			return k
		}
	}
	return ""
}

// msgKey is a kind or preset name as part of a message key, which takes no
// hyphens: "strictly-confidential" is testdata.kind.strictly_confidential.
func msgKey(name string) string { return strings.ReplaceAll(name, "-", "_") }

// fillForm puts the presets and the form's state on the page; the counts
// come with the results.
func (h Testdata) fillForm(d *views.TestdataData, tq testdataQuery) {
	for _, s := range synthetic.Presets() {
		p := views.TestdataPreset{
			ID:     s.ID,
			Href:   "/testdata?preset=" + url.QueryEscape(s.ID),
			Title:  views.Msg("testdata.preset." + msgKey(s.ID)),
			Hint:   views.Msg("testdata.preset." + msgKey(s.ID) + ".hint"),
			Active: tq.preset != nil && tq.preset.ID == s.ID,
		}
		d.Presets = append(d.Presets, p)
	}
	for _, g := range synthetic.KindGroups() {
		vg := views.TestdataGroup{ID: g.ID, Legend: views.Msg("testdata.group." + g.ID)}
		for _, k := range g.Kinds {
			vg.Filters = append(vg.Filters, views.TestdataFilter{
				Kind: k, Label: views.Msg("testdata.kind." + msgKey(k)), Count: -1, Checked: slices.Contains(tq.kinds, k),
			})
		}
		d.Groups = append(d.Groups, vg)
	}
	d.Municipality, d.AgeMin, d.AgeMax = tq.municipality, tq.ageMin, tq.ageMax
}

// fillResults adds the counts, the rows and the page links.
func (h Testdata) fillResults(d *views.TestdataData, tq testdataQuery, res synthetic.Result) {
	for gi := range d.Groups {
		for fi := range d.Groups[gi].Filters {
			f := &d.Groups[gi].Filters[fi]
			f.Count = res.Counts[f.Kind]
		}
	}
	switch res.Total {
	case 0:
		d.Summary = views.Msg("testdata.results.none")
	default:
		d.Summary = views.Msg("testdata.results.count", res.Total)
	}
	pages := (res.Total + testdataPageSize - 1) / testdataPageSize
	if pages > 1 {
		d.PageInfo = views.Msg("testdata.pages.info", tq.page, pages)
	}
	if tq.page > 1 {
		d.PrevURL = tq.url(min(tq.page-1, max(pages, 1)))
	}
	if tq.page < pages {
		d.NextURL = tq.url(tq.page + 1)
	}
	for _, row := range res.Rows {
		d.Rows = append(d.Rows, testdataRow(row))
	}
}

// testdataRow is one person's row: register values as data, the kinds as
// tags, and the synthetic badge on a synthetic number.
func testdataRow(row synthetic.Row) views.TestdataRow {
	out := views.TestdataRow{
		NIN:    row.NIN,
		Number: formatNIN(row.NIN),
		Name:   row.Name,
		Birth:  views.DateText(row.Birth),
		Age:    views.Msg("person.age.years", row.Age),
		Gender: views.Msg("person.enum.gender.male"),
	}
	if row.Female {
		out.Gender = views.Msg("person.enum.gender.female")
	}
	if row.Deceased {
		out.Age = views.Msg("person.age.at_death", row.Age)
	}
	switch {
	case row.Municipality != "":
		out.Municipality = views.Plain(row.Municipality)
	case slices.Contains(row.Kinds, "protected"):
		// S19: where a protected person lives is not shown, here either.
		out.Municipality = views.Msg("person.protected.hidden")
	}
	if n, err := nin.Parse(row.NIN); err == nil && n.Synthetic {
		out.Tags = append(out.Tags, views.Tag{Text: views.Msg("person.label.synthetic"), Color: "neutral", TestID: "label-synthetic"})
	}
	for _, k := range row.Kinds {
		out.Tags = append(out.Tags, views.Tag{Text: views.Msg("testdata.kind." + msgKey(k)), Color: "info"})
	}
	if row.HPR != 0 {
		out.HPRHref = hprCardURL(row.HPR)
	}
	return out
}
