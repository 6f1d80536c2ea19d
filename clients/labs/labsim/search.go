package labsim

import (
	"cmp"
	"encoding/json"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/oppslag/oppslag/clients/labs"
	"github.com/oppslag/oppslag/clients/tolerant"
)

// dateCond is one date parameter: prefix and the interval the value denotes.
type dateCond struct {
	prefix     string
	start, end time.Time // [start, end)
}

func (c dateCond) match(t time.Time) bool {
	switch c.prefix {
	case "lt":
		return t.Before(c.start)
	case "gt":
		return !t.Before(c.end)
	case "le":
		return t.Before(c.end)
	case "ge":
		return !t.Before(c.start)
	}
	return !t.Before(c.start) && t.Before(c.end)
}

// query is a parsed search form.
type query struct {
	raw   url.Values // the parameters as given, for paging links
	dates []dateCond
	ids   []string
	count int
	skip  int

	incSpecimen, incBasedOn, incPerformer, incResult, incRequester, revObservations bool
}

func (q query) inWindow(r Report) bool {
	for _, d := range q.dates {
		if !d.match(r.Effective) {
			return false
		}
	}
	return len(q.ids) == 0 || slices.Contains(q.ids, r.ID)
}

// maxCount is the largest page size accepted.
const maxCount = 1000

// parseSearch reads the search form. report says which resource is
// searched. Messages never echo a value.
func parseSearch(form url.Values, report bool) (query, string) {
	q := query{raw: url.Values{}, count: 50}
	for name, vals := range form {
		switch name {
		case "date":
			for _, v := range vals {
				c, ok := parseDate(v)
				if !ok {
					return q, "The date parameter must be a FHIR date or date-time with an optional prefix eq, lt, gt, le or ge"
				}
				q.dates = append(q.dates, c)
			}
		case "_id":
			if !report {
				return q, "The _id parameter is not supported for Observation"
			}
			for _, v := range vals {
				q.ids = append(q.ids, strings.Split(v, ",")...)
			}
		case "_count", "_skip":
			if len(vals) != 1 {
				return q, "The " + name + " parameter must be given once"
			}
			n, err := strconv.Atoi(vals[0])
			if name == "_count" {
				if err != nil || n < 1 || n > maxCount {
					return q, "The _count parameter must be a number from 1 to 1000"
				}
				q.count = n
			} else {
				if err != nil || n < 0 {
					return q, "The _skip parameter must be a number from 0"
				}
				q.skip = n
			}
			continue
		case "_include":
			for _, v := range vals {
				switch {
				case report && v == "DiagnosticReport:specimen", !report && v == "Observation:specimen":
					q.incSpecimen = true
				case report && v == "DiagnosticReport:based-on":
					q.incBasedOn = true
				case report && v == "DiagnosticReport:performer":
					q.incPerformer = true
				case report && v == "DiagnosticReport:result":
					q.incResult = true
				default:
					return q, "Unsupported _include value"
				}
			}
		case "_include:iterate":
			for _, v := range vals {
				if !report || v != "ServiceRequest:requester" {
					return q, "Unsupported _include:iterate value"
				}
				q.incRequester = true
			}
		case "_revinclude", "_revinclude:iterate":
			for _, v := range vals {
				if !report || v != "Observation:specimen" {
					return q, "Unsupported " + name + " value"
				}
				q.revObservations = true
			}
		default:
			return q, "Unknown search parameter"
		}
		q.raw[name] = vals
	}
	if q.incRequester && !q.incBasedOn {
		return q, "_include:iterate=ServiceRequest:requester needs _include=DiagnosticReport:based-on"
	}
	return q, ""
}

// parseDate reads [prefix]value where value is YYYY, YYYY-MM, YYYY-MM-DD or
// an RFC 3339 date-time (with or without seconds' fraction).
func parseDate(v string) (dateCond, bool) {
	c := dateCond{prefix: "eq"}
	if len(v) > 2 && v[0] >= 'a' && v[0] <= 'z' {
		c.prefix, v = v[:2], v[2:]
		if !slices.Contains([]string{"eq", "lt", "gt", "le", "ge"}, c.prefix) {
			return c, false
		}
	}
	layouts := []struct {
		layout string
		next   func(time.Time) time.Time
	}{
		{"2006", func(t time.Time) time.Time { return t.AddDate(1, 0, 0) }},
		{"2006-01", func(t time.Time) time.Time { return t.AddDate(0, 1, 0) }},
		{"2006-01-02", func(t time.Time) time.Time { return t.AddDate(0, 0, 1) }},
		// Go also accepts a seconds' fraction after "05"; the interval is
		// then that second, which is what FHIR asks for a precision of
		// seconds and harmlessly wider for finer ones.
		{time.RFC3339, func(t time.Time) time.Time { return t.Add(time.Second) }},
		{"2006-01-02T15:04:05", func(t time.Time) time.Time { return t.Add(time.Second) }},
	}
	for _, l := range layouts {
		t, err := time.ParseInLocation(l.layout, v, tolerant.Oslo) // dates without a zone are Norwegian
		if err == nil {
			c.start, c.end = t, l.next(t)
			return c, true
		}
	}
	return c, false
}

// visible is what a request may see of a record.
type visible struct {
	reports     []Report
	outcomes    []string // pvk-outcome codes, or "NotFound"
	nothingMore bool     // a FORHOYET_* basis would add nothing
}

// restrict applies the patient's restriction to the reports in the query's
// window (see the package comment for the rules).
func restrict(rec Record, found bool, elevated bool, in func(Report) bool) visible {
	var window []Report
	if found {
		for _, r := range rec.Reports {
			if in(r) {
				window = append(window, r)
			}
		}
	}
	slices.SortStableFunc(window, func(a, b Report) int {
		if c := b.Effective.Compare(a.Effective); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	var v visible
	switch rec.Restriction.Kind {
	case Specific:
		var open, hidden []Report
		for _, r := range window {
			if slices.Contains(rec.Restriction.Blocked, r.ID) {
				hidden = append(hidden, r)
			} else {
				open = append(open, r)
			}
		}
		switch {
		case elevated && len(hidden) == 0:
			v.nothingMore = true
		case elevated:
			v.reports = window
		default:
			v.reports = open
			if len(hidden) > 0 {
				v.outcomes = []string{Specific.String()}
			}
		}
	case General:
		switch {
		case elevated && len(window) == 0:
			v.nothingMore = true
		case elevated:
			v.reports = window
		default:
			v.outcomes = []string{General.String()}
		}
	case Reservation:
		// A reservation is the patient's no to the whole service; no basis
		// opens it, so an elevated basis adds nothing.
		v.nothingMore = elevated
		v.outcomes = []string{Reservation.String()}
	default:
		v.nothingMore = elevated
		v.reports = window
	}
	if len(v.reports) == 0 && len(v.outcomes) == 0 {
		v.outcomes = []string{"NotFound"}
	}
	return v
}

// outcomeEntry is the Bundle entry announcing a restriction or no data.
func outcomeEntry(code string) labs.BundleEntry {
	var oo labs.OperationOutcome
	if code == "NotFound" {
		oo = labs.OperationOutcome{ResourceType: "OperationOutcome", Issue: []labs.OperationOutcomeIssue{{
			Severity: "information", Code: "not-found",
			Details: &labs.CodeableConcept{Coding: []labs.Coding{{System: labs.SystemPvkOutcome, Code: "NotFound"}}, Text: "No data found for the patient"},
		}}}
	} else {
		text := map[string]string{
			"Specific":    "Some results are blocked by the patient (blokkering)",
			"General":     "The patient has restricted access to all results (sperring)",
			"Reservation": "The patient has reserved against Pasientens prøvesvar (reservasjon)",
		}[code]
		oo = labs.OperationOutcome{ResourceType: "OperationOutcome", Issue: []labs.OperationOutcomeIssue{{
			Severity: "information", Code: "suppressed",
			Details: &labs.CodeableConcept{Coding: []labs.Coding{
				{System: labs.SystemPvkOutcome, Code: code},
				{System: labs.SystemPvkOutcomeOld, Code: code},
			}, Text: text},
		}}}
	}
	b, _ := json.Marshal(oo)
	return labs.BundleEntry{Resource: b, Search: &labs.BundleSearch{Mode: "outcome"}}
}

// bundle is a Bundle under construction; entries are unique by type/id.
type bundle struct {
	base string
	b    labs.Bundle
	seen map[string]bool
}

func (bb *bundle) add(typ, id, mode string, res any) {
	key := typ + "/" + id
	if bb.seen[key] {
		return
	}
	bb.seen[key] = true
	raw, _ := json.Marshal(res)
	bb.b.Entry = append(bb.b.Entry, labs.BundleEntry{FullURL: bb.base + "/v2/" + key, Resource: raw, Search: &labs.BundleSearch{Mode: mode}})
}

// newBundle starts a searchset with total and self/next links.
func (s *Server) newBundle(path string, q query, total int) *bundle {
	bb := &bundle{base: s.baseURL, seen: map[string]bool{}}
	bb.b = labs.Bundle{ResourceType: "Bundle", ID: newID(), Type: "searchset", Total: &total}
	link := func(skip int) string {
		v := url.Values{}
		for k, vs := range q.raw {
			if k != "_skip" && k != "_count" {
				v[k] = vs
			}
		}
		v.Set("_count", strconv.Itoa(q.count))
		v.Set("_skip", strconv.Itoa(skip))
		return s.baseURL + path + "?" + v.Encode()
	}
	bb.b.Link = []labs.BundleLink{{Relation: "self", URL: link(q.skip)}}
	if q.skip+q.count < total {
		bb.b.Link = append(bb.b.Link, labs.BundleLink{Relation: "next", URL: link(q.skip + q.count)})
	}
	return bb
}

func page[T any](all []T, q query) []T {
	if q.skip >= len(all) {
		return nil
	}
	return all[q.skip:min(q.skip+q.count, len(all))]
}

func (s *Server) reportBundle(nin string, v visible, q query) *labs.Bundle {
	bb := s.newBundle(PathDiagnosticReportSearch, q, len(v.reports))
	for _, r := range page(v.reports, q) {
		bb.add("DiagnosticReport", r.ID, "match", toDiagnosticReport(nin, r))
	}
	for _, r := range page(v.reports, q) {
		if q.incSpecimen {
			for _, sp := range specimensOf(r) {
				bb.add("Specimen", sp.ID, "include", toSpecimen(nin, r, sp))
			}
		}
		if q.incBasedOn {
			bb.add("ServiceRequest", serviceRequestID(r), "include", toServiceRequest(nin, r))
		}
		if q.incPerformer {
			bb.add("PractitionerRole", performerID(r), "include", toPerformer(r))
		}
		if q.incRequester {
			bb.add("PractitionerRole", requesterID(r), "include", toRequester(r))
		}
		if q.incResult || q.revObservations {
			for _, o := range flatten(r) {
				bb.add("Observation", o.obs.ID, "include", toObservation(nin, r, o.obs, o.id))
			}
		}
	}
	for _, c := range v.outcomes {
		bb.b.Entry = append(bb.b.Entry, outcomeEntry(c))
	}
	return &bb.b
}

func (s *Server) observationBundle(nin string, v visible, q query) *labs.Bundle {
	type item struct {
		r Report
		o flatObs
	}
	var all []item
	for _, r := range v.reports {
		for _, o := range flatten(r) {
			all = append(all, item{r, o})
		}
	}
	if len(all) == 0 && len(v.outcomes) == 0 {
		v.outcomes = []string{"NotFound"}
	}
	bb := s.newBundle(PathObservationSearch, q, len(all))
	for _, it := range page(all, q) {
		bb.add("Observation", it.o.id, "match", toObservation(nin, it.r, it.o.obs, it.o.id))
	}
	if q.incSpecimen {
		for _, it := range page(all, q) {
			for _, sp := range specimensOf(it.r) {
				if sp.ID == obsSpecimenID(it.r, it.o.obs) {
					bb.add("Specimen", sp.ID, "include", toSpecimen(nin, it.r, sp))
				}
			}
		}
	}
	for _, c := range v.outcomes {
		bb.b.Entry = append(bb.b.Entry, outcomeEntry(c))
	}
	return &bb.b
}

// capabilityStatement describes what the simulator supports.
func capabilityStatement(base string) labs.CapabilityStatement {
	searchParams := func(extra ...labs.CapabilitySearchParam) []labs.CapabilitySearchParam {
		return append([]labs.CapabilitySearchParam{
			{Name: "date", Type: "date"}, {Name: "_count", Type: "number"}, {Name: "_skip", Type: "number"},
		}, extra...)
	}
	return labs.CapabilityStatement{
		ResourceType: "CapabilityStatement", Status: "active", Date: "2025-09-10", Kind: "instance",
		FHIRVersion: "4.0.1", Format: []string{"json"},
		Software:       &labs.CapabilitySoftware{Name: "labsim", Version: "2"},
		Implementation: &labs.CapabilityImpl{Description: "Pasientens prøvesvar API v2 simulator", URL: base + "/v2"},
		Rest: []labs.CapabilityRest{{Mode: "server", Resource: []labs.CapabilityResource{
			{
				Type: "DiagnosticReport", Interaction: []labs.CapabilityCode{{Code: "search-type"}},
				SearchInclude:    []string{"DiagnosticReport:specimen", "DiagnosticReport:based-on", "DiagnosticReport:performer", "DiagnosticReport:result", "ServiceRequest:requester"},
				SearchRevInclude: []string{"Observation:specimen"},
				SearchParam:      searchParams(labs.CapabilitySearchParam{Name: "_id", Type: "token"}),
			},
			{
				Type: "Observation", Interaction: []labs.CapabilityCode{{Code: "search-type"}},
				SearchInclude: []string{"Observation:specimen"},
				SearchParam:   searchParams(),
			},
			{Type: "Specimen"}, {Type: "ServiceRequest"}, {Type: "PractitionerRole"},
		}}},
	}
}
