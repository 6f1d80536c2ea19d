package handlers

import (
	"net/url"
	"strings"
	"time"

	"github.com/oppslag/oppslag/clients/labs"
	"github.com/oppslag/oppslag/clients/labs/abnormal"
	"github.com/oppslag/oppslag/clients/labs/grouping"
	"github.com/oppslag/oppslag/clients/labs/marking"
	"github.com/oppslag/oppslag/clients/labs/restricted"
	"github.com/oppslag/oppslag/clients/labs/sheet"
	"github.com/oppslag/oppslag/clients/labs/trend"
	"github.com/oppslag/oppslag/views"
)

// This file lays out a lab search result for the results page and the
// print view: clients/labs/grouping arranges it and clients/labs/marking
// marks it; here is which message each part says, and the view says it in
// the user's language.

// labsOptions are what a results page shows of a search result.
type labsOptions struct {
	from            time.Time // reports before it are counted in Older, not shown
	sheet, abnormal bool      // the cumulative sheet; only the deviations
	opened          map[string]bool
	unmarked        bool // the restricted reports could not be told (fetched)
}

// fillLabs turns the search result into the page: the summary of
// deviations, then the reports grouped by date or the cumulative sheet.
func fillLabs(d *views.LabsData, res *labs.Result, o labsOptions) {
	d.Truncated = res.Truncated
	d.NotFound = res.NotFound || len(res.Reports) == 0
	d.Restrictions = restrictions(res.Restrictions, d.ElevateURL)
	d.RestrictedUnknown = o.unmarked
	isOpened := func(rep labs.Report) bool { return o.opened[restricted.Key(rep)] }
	for _, rep := range res.Reports {
		if isOpened(rep) {
			d.Opened++
		}
	}
	d.Summary = summaryView(abnormal.Summary(res.Reports, o.from), d.TrendURL)
	if o.sheet {
		s := sheet.Build(res.Reports, sheet.Options{From: o.from, OnlyAbnormal: o.abnormal, Restricted: isOpened})
		d.Older += s.Older
		d.Hidden = s.Hidden
		d.Sheet = sheetView(s, d.TrendURL)
		return
	}
	days, older := grouping.ByDay(res.Reports, o.from)
	d.Older += older
	if o.abnormal {
		// Only what the period shows is filtered, so the count of what
		// the filter hides is of the period too.
		var shown []labs.Report
		for _, g := range days {
			shown = append(shown, g.Reports...)
		}
		shown, d.Hidden = abnormal.Filter(shown)
		days, _ = grouping.ByDay(shown, time.Time{})
	}
	for _, g := range days {
		day := views.LabsDay{Day: g.At}
		for _, rep := range g.Reports {
			v := reportView(rep, d.TrendURL)
			v.Restricted = isOpened(rep)
			day.Reports = append(day.Reports, v)
		}
		d.Days = append(d.Days, day)
	}
}

// restrictions announces what the service held back (restriction codes)
// and what would open it. With elevate set (under AKUTT) a restriction
// FORHOYET_AKUTT opens says so and links there, instead of asking for a
// consent an emergency has no time for.
func restrictions(codes []string, elevate string) []views.LabsRestriction {
	var out []views.LabsRestriction
	for _, code := range codes {
		key := "labs.restricted." + strings.ToLower(code)
		r := views.LabsRestriction{Text: enumOr(key, code), Opens: enumOr(key+".opens", "")}
		if elevate != "" && code != labs.RestrictionReservation {
			r.Opens, r.ElevateURL = views.Msg("labs.restricted.opens_emergency"), elevate
		}
		out = append(out, r)
	}
	return out
}

// summaryView is the summary of deviations as the page shows it.
func summaryView(es []abnormal.Entry, trendBase string) []views.LabsSummaryEntry {
	var out []views.LabsSummaryEntry
	for _, e := range es {
		a := e.Latest.Analysis
		v := views.LabsSummaryEntry{
			Name:  firstNonEmpty(a.Code.Display, a.Code.Code),
			At:    e.Latest.At,
			Value: labsValue(a.Value),
		}
		v.FlagSymbol, v.FlagText, v.Flag = flagView(marking.FlagOf(a))
		if trend.Linkable(a) && trendBase != "" {
			v.TrendURL = trendBase + "?analysis=" + url.QueryEscape(a.Code.Code)
		}
		if l := e.Later; l != nil {
			v.Later = &views.LabsSummaryLater{At: l.At, Value: labsValue(l.Analysis.Value)}
		}
		out = append(out, v)
	}
	return out
}

// sheetView is the cumulative sheet as the page shows it.
func sheetView(s sheet.Sheet, trendBase string) *views.LabsSheet {
	v := &views.LabsSheet{Other: s.Other}
	for _, c := range s.Columns {
		v.Columns = append(v.Columns, views.LabsSheetColumn{At: c.At, Restricted: c.Restricted})
	}
	for _, g := range s.Groups {
		gv := views.LabsSheetGroup{Name: g.Name}
		for _, r := range g.Rows {
			rv := views.LabsSheetRow{Name: r.Name}
			if r.Linkable && trendBase != "" {
				rv.TrendURL = trendBase + "?analysis=" + url.QueryEscape(r.Code)
			}
			for _, c := range r.Cells {
				var cv views.LabsSheetCell
				for _, a := range c.Results {
					sv := views.LabsSheetValue{Value: labsValue(a.Value), Withdrawn: a.Withdrawn}
					sv.FlagSymbol, sv.FlagText, sv.Flag = flagView(marking.FlagOf(a))
					if a.Withdrawn {
						sv.Status = views.LabsMsgOr("labs.row.withdrawn."+statusKey(a.Status), resultStatus(a.Status))
					}
					cv.Values = append(cv.Values, sv)
				}
				rv.Cells = append(rv.Cells, cv)
			}
			gv.Rows = append(gv.Rows, rv)
		}
		v.Groups = append(v.Groups, gv)
	}
	return v
}

// reportView is one report as the results page shows it; trendURL is
// where a numeric result links for its trend.
func reportView(rep labs.Report, trendURL string) views.LabsReport {
	v := views.LabsReport{
		Title:      firstNonEmpty(rep.Code.Display, rep.Category.Display, rep.Code.Code),
		Status:     enumOr("labs.status."+statusKey(rep.Status), rep.Status),
		Requester:  rep.Requester.Name,
		Performer:  rep.Performer.Name,
		Comments:   rep.Comments,
		Incomplete: rep.Incomplete,
		Unread:     unreadRows(rep.Unread),
		// Each result names its own sample when there are several
		// (NILAR: Observation.specimen), never the report's first.
		ShowSpecimen: len(rep.Specimens) > 1,
	}
	// A clinician can glance at the requester in HPR (F14).
	if n, ok := parseHPRNumber(rep.Requester.HPRNumber); ok && rep.Requester.Name != "" {
		v.RequesterURL = hprCardURL(n)
	}
	for _, sp := range rep.Specimens {
		v.Specimens = append(v.Specimens, views.LabsSpecimen{
			Name:      firstNonEmpty(sp.Type, sp.TypeCode.Display, sp.TypeCode.Code, sp.ID),
			Collected: sp.Collected, Day: sp.CollectedDay,
		})
		v.Unread = append(v.Unread, unreadRows(sp.Unread)...)
	}
	v.StatusNotice, v.UnknownStatus, v.StatusKind = statusNotice(rep.Status)
	v.Withdrawn = rep.Withdrawn
	switch rep.Kind() {
	case labs.KindPathology, labs.KindImaging:
		// Text reports read as text: each examination a section with
		// its parts under their headings, not rows of a table.
		for _, a := range rep.Analyses {
			v.Sections = append(v.Sections, section(a))
		}
	default:
		addRows(&v, rep.Analyses, trendURL)
	}
	return v
}

// unreadRows turns the client's unread values into the view's.
func unreadRows(us []labs.Unread) []views.LabsUnread {
	var out []views.LabsUnread
	for _, u := range us {
		out = append(out, views.LabsUnread{Field: u.Field, Raw: u.Raw})
	}
	return out
}

// addRows lays out a report's analyses (grouping.Arrange: panels before
// their members, a table per result group, a culture per organism); a
// numeric result with a code links to its trend under trendURL.
func addRows(v *views.LabsReport, as []labs.Analysis, trendURL string) {
	l := grouping.Arrange(as)
	v.Rows = rowViews(v, l.Rows, trendURL)
	for _, g := range l.Groups {
		v.Groups = append(v.Groups, views.LabsGroup{Name: g.Name, Rows: rowViews(v, g.Rows, trendURL)})
	}
	for _, c := range l.Cultures {
		v.Cultures = append(v.Cultures, culture(c))
	}
}

// rowViews is the rows of one table of report v.
func rowViews(v *views.LabsReport, rows []grouping.Row, trendURL string) []views.LabsRow {
	var out []views.LabsRow
	for _, r := range rows {
		a := r.Analysis
		row := views.LabsRow{
			Name:      firstNonEmpty(a.Code.Display, a.Code.Code),
			Value:     labsValue(a.Value),
			Reference: labsInterval(a.Reference),
			Depth:     r.Depth,
			Comment:   a.Comment,
			Panel:     len(a.Members) > 0,
			Unread:    unreadRows(a.Unread),
		}
		if a.Specimen != nil && v.ShowSpecimen {
			row.Specimen = firstNonEmpty(a.Specimen.Type, a.Specimen.TypeCode.Display, a.Specimen.ID)
		}
		row.FlagSymbol, row.FlagText, row.Flag = flagView(marking.FlagOf(a))
		if trend.Linkable(a) && trendURL != "" {
			row.TrendURL = trendURL + "?analysis=" + url.QueryEscape(a.Code.Code)
		}
		row.Status, row.Withdrawn = resultStatus(a.Status), a.Withdrawn
		if a.Withdrawn {
			row.Status = views.LabsMsgOr("labs.row.withdrawn."+statusKey(a.Status), row.Status)
		}
		out = append(out, row)
	}
	return out
}

// statusNotice is what a report status other than final means for the
// reader, and the notice's kind; zero and "" for final. A status code the
// catalog has no notice for gets the unknown-status notice, and is
// returned as unknown for the notice to name it as received.
func statusNotice(status string) (text views.Text, unknown, kind string) {
	n := marking.NoticeOf(status)
	if n == marking.None {
		return views.Text{}, "", ""
	}
	if text = views.LabsMsgOr("labs.status.notice."+statusKey(status), views.Text{}); text.IsZero() {
		return views.Msg("labs.status.notice.unknown"), status, string(n)
	}
	return text, "", string(n)
}

// resultStatus is a result's status when marking shows it, zero
// otherwise.
func resultStatus(status string) views.Text {
	if !marking.StatusShown(status) {
		return views.Text{}
	}
	return enumOr("labs.status."+statusKey(status), status)
}

// statusKey is a FHIR status code as a catalog key part
// ("entered-in-error" → "entered_in_error").
func statusKey(status string) string {
	return strings.ReplaceAll(strings.ToLower(status), "-", "_")
}

// section is one examination of a pathology or imaging report. Its own
// text (an imaging report's description sits on the examination) comes
// first; then each member with a value is a part under its heading (the
// KITH heading, FU Funn og undersøkelsesresultater, VU Vurdering, or the
// investigation, Makroskopisk undersøkelse), and each member without one
// is a procedure the examination covered (NCRP codes in imaging).
func section(a labs.Analysis) views.LabsSection {
	s := views.LabsSection{Status: resultStatus(a.Status)}
	if a.Withdrawn {
		s.Status = views.LabsMsgOr("labs.row.withdrawn."+statusKey(a.Status), s.Status)
	}
	own := labs.Kodeverk(a.Code.System) == "8243" // a name made of the KITH heading, not an examination
	if p, ok := textPart(a); ok {
		// The section's heading and status already name this part.
		p.Heading, p.Status = "", views.Text{}
		s.Parts = append(s.Parts, p)
	}
	var walk func(ms []labs.Analysis)
	walk = func(ms []labs.Analysis) {
		for _, m := range ms {
			if p, ok := textPart(m); ok {
				s.Parts = append(s.Parts, p)
			} else if len(m.Members) == 0 {
				s.Procedures = append(s.Procedures, procedureText(m))
			}
			walk(m.Members)
		}
	}
	walk(a.Members)
	var heading string
	switch {
	case !own:
		heading = firstNonEmpty(a.Code.Display, a.Code.Code)
	case len(s.Procedures) > 0:
		heading = strings.Join(s.Procedures, "; ")
		s.Procedures = nil
	}
	s.Heading = views.Plain(heading)
	if heading == "" {
		s.Heading = views.Msg("labs.section.unnamed")
	}
	return s
}

// textPart is a result's value as a section part, false when it has none.
// A coded text keeps its text with its line breaks and every coding but
// the KITH heading (the heading is the part's name).
func textPart(a labs.Analysis) (views.LabsPart, bool) {
	p := views.LabsPart{Heading: firstNonEmpty(a.Code.Display, a.Code.Code), Comment: a.Comment, Status: resultStatus(a.Status)}
	switch v := a.Value; {
	case a.Withdrawn:
		p.Text = views.LabsValue{Text: enumOr("labs.row.withdrawn."+statusKey(a.Status), a.Status)}
	case v.Coded != nil:
		p.Text = views.LabsValue{Text: views.LabsPlain(v.Coded.Text)}
		if h, ok := v.Coded.Heading(); ok && p.Heading == "" {
			p.Heading = firstNonEmpty(h.Display, h.Code)
		}
		for _, cd := range v.Coded.Codes() {
			p.Codes = append(p.Codes, views.LabsCode{Code: cd.Code, Display: cd.Display, System: kodeverkName(cd.System)})
		}
	case v != (labs.AnalysisValue{}):
		p.Text = labsValue(v)
	default:
		return p, a.Comment != ""
	}
	return p, !p.Text.Empty() || len(p.Codes) > 0 || p.Comment != ""
}

// procedureText names an examination without a value of its own: its
// name and its code.
func procedureText(a labs.Analysis) string {
	s := firstNonEmpty(a.Code.Display, a.Code.Code)
	if a.Code.Display != "" && a.Code.Code != "" && a.Code.Code != a.Code.Display {
		s += " (" + a.Code.Code + ")"
	}
	return s
}

// kodeverkName names a code system for a reader: a kodeverk by its name
// and number, another system as received.
func kodeverkName(system string) views.Text {
	kv := labs.Kodeverk(system)
	if kv == "" {
		return views.LabsPlain(system)
	}
	return views.LabsMsgOr("labs.kodeverk."+kv, views.Msg("labs.kodeverk", kv))
}

// culture is an organism with its amount and susceptibilities.
func culture(a labs.Analysis) views.LabsCulture {
	c := views.LabsCulture{
		Organism: labsValue(organismValue(a.Value)),
		Test:     firstNonEmpty(a.Code.Display, a.Code.Code),
		Comment:  a.Comment,
		Unread:   unreadRows(a.Unread),
	}
	if c.Organism.Empty() {
		c.Organism = views.LabsValue{Text: views.LabsPlain(a.Code.Display)}
	}
	if a.Specimen != nil {
		c.Specimen = firstNonEmpty(a.Specimen.Type, a.Specimen.TypeCode.Display)
	}
	for _, m := range a.Members {
		if !m.Susceptibility() {
			// The amount, and anything else said of the organism.
			if v := labsValue(m.Value); !v.Empty() {
				c.Amounts = append(c.Amounts, v)
			}
			for _, u := range m.Unread {
				c.Unread = append(c.Unread, views.LabsUnread{Field: u.Field, Raw: u.Raw})
			}
			continue
		}
		row := views.LabsSusceptibility{Antibiotic: firstNonEmpty(m.Code.Display, m.Code.Code), Unread: unreadRows(m.Unread)}
		// Susceptible is the answer hoped for: it is not tinted.
		mark, ok := marking.OfSusceptibility(m.Flag)
		row.FlagSymbol, row.FlagText, row.Flag = markText(mark, ok)
		row.MIC = micValue(m)
		c.Rows = append(c.Rows, row)
	}
	return c
}

// organismValue drops the KITH heading (kodeverk 8243, "Laboratorieresultat")
// from an organism's value: the culture's heading already says what it is.
func organismValue(v labs.AnalysisValue) labs.AnalysisValue {
	if v.Coded == nil {
		return v
	}
	c := &labs.Concept{Text: v.Coded.Text}
	for _, cd := range v.Coded.Codings {
		if labs.Kodeverk(cd.System) != "8243" {
			c.Codings = append(c.Codings, cd)
		}
	}
	v.Coded = c
	return v
}

// micValue is what a susceptibility says besides S/I/R: the MIC or other
// text, a number, or codings other than the heading and the S/I/R code.
func micValue(a labs.Analysis) views.LabsValue {
	if a.Value.Coded == nil {
		return labsValue(a.Value)
	}
	c := &labs.Concept{Text: a.Value.Coded.Text}
	for _, cd := range a.Value.Coded.Codings {
		if labs.Kodeverk(cd.System) != "8243" && (a.Flag == nil || cd != a.Flag.Coding) {
			c.Codings = append(c.Codings, cd)
		}
	}
	return views.LabsValue{Text: views.LabsPlain(c.String())}
}

// flagView is a flag's symbol, word and highlight (marking.Of); "", zero
// and "" when the flag marks nothing.
func flagView(f *labs.Flag) (symbol string, text views.Text, highlight string) {
	m, ok := marking.Of(f)
	return markText(m, ok)
}

// markText is a mark's symbol, word and highlight: a known level by the
// catalog, an unknown code as received.
func markText(m marking.Mark, ok bool) (symbol string, text views.Text, highlight string) {
	switch {
	case !ok:
		return "", views.Text{}, ""
	case m.Level == "":
		return m.Symbol, views.Msg("labs.flag.unknown", m.Raw), m.Highlight
	}
	return m.Symbol, enumOr("labs.flag."+strings.ToLower(m.Level), m.Level), m.Highlight
}
