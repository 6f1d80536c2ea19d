package labs

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/oppslag/oppslag/clients/sanitize"
)

// index gathers the resources of every page of one search.
type index struct {
	matches      []string // DiagnosticReport ids in order
	reports      map[string]*DiagnosticReport
	observations map[string]*Observation
	specimens    map[string]*Specimen
	requests     map[string]*ServiceRequest
	roles        map[string]*PractitionerRole
	orgs         map[string]*Organization
	restrictions []string
	notFound     bool
}

func newIndex() *index {
	return &index{
		reports:      map[string]*DiagnosticReport{},
		observations: map[string]*Observation{},
		specimens:    map[string]*Specimen{},
		requests:     map[string]*ServiceRequest{},
		roles:        map[string]*PractitionerRole{},
		orgs:         map[string]*Organization{},
	}
}

// maxEntries caps the entries of one Bundle.
const maxEntries = 100000

// add decodes b's entries by resourceType. Unknown resource types are
// skipped; an entry that does not decode as its type is ErrMalformed.
func (x *index) add(b *Bundle) error {
	if len(b.Entry) > maxEntries {
		return fmt.Errorf("%w: too many entries", ErrMalformed)
	}
	for i, e := range b.Entry {
		if len(e.Resource) == 0 {
			continue
		}
		var head struct {
			ResourceType string `json:"resourceType"`
			ID           string `json:"id"`
		}
		if err := json.Unmarshal(e.Resource, &head); err != nil {
			return fmt.Errorf("%w: entry %d: %s", ErrMalformed, i, sanitize.JSONError(err))
		}
		mode := ""
		if e.Search != nil {
			mode = e.Search.Mode
		}
		var err error
		switch head.ResourceType {
		case "DiagnosticReport":
			var r DiagnosticReport
			if err = json.Unmarshal(e.Resource, &r); err == nil && r.ID != "" {
				if _, dup := x.reports[r.ID]; !dup && mode != "include" {
					x.matches = append(x.matches, r.ID)
				}
				x.reports[r.ID] = &r
			}
		case "Observation":
			err = put(e.Resource, x.observations)
		case "Specimen":
			err = put(e.Resource, x.specimens)
		case "ServiceRequest":
			err = put(e.Resource, x.requests)
		case "PractitionerRole":
			err = put(e.Resource, x.roles)
		case "Organization":
			err = put(e.Resource, x.orgs)
		case "OperationOutcome":
			var oo OperationOutcome
			if err = json.Unmarshal(e.Resource, &oo); err == nil {
				x.outcome(oo)
			}
		}
		if err != nil {
			return fmt.Errorf("%w: entry %d (%s): %s", ErrMalformed, i, sanitize.Text(head.ResourceType, nil, 40), sanitize.JSONError(err))
		}
	}
	return nil
}

// put decodes raw into a new T and stores it by id (resources without an id
// cannot be referenced and are dropped).
func put[T any](raw json.RawMessage, m map[string]*T) error {
	var v T
	if err := json.Unmarshal(raw, &v); err != nil {
		return err
	}
	var head struct {
		ID string `json:"id"`
	}
	json.Unmarshal(raw, &head)
	if head.ID != "" {
		m[head.ID] = &v
	}
	return nil
}

// outcome records restriction and no-data notices.
func (x *index) outcome(oo OperationOutcome) {
	for _, is := range oo.Issue {
		if is.Code == "not-found" {
			x.notFound = true
		}
		if is.Details == nil {
			continue
		}
		for _, c := range is.Details.Coding {
			if c.System != SystemPvkOutcome && c.System != SystemPvkOutcomeOld {
				continue
			}
			switch c.Code {
			case RestrictionSpecific, RestrictionGeneral, RestrictionReservation:
				if !slices.Contains(x.restrictions, c.Code) {
					x.restrictions = append(x.restrictions, c.Code)
				}
			case "NotFound":
				x.notFound = true
			}
		}
	}
}

// refID returns the id of a reference to typ ("Type/id", or an absolute
// URL ending so), or "" when it names another type.
func refID(ref *Reference, typ string) string {
	if ref == nil {
		return ""
	}
	s := ref.Reference
	if i := strings.Index(s, "/_history/"); i >= 0 {
		s = s[:i]
	}
	parts := strings.Split(s, "/")
	if len(parts) < 2 || parts[len(parts)-2] != typ {
		return ""
	}
	return parts[len(parts)-1]
}

// maxDepth bounds panel nesting (and so any reference cycle).
const maxDepth = 8

// reports assembles the matched DiagnosticReports.
func (x *index) assemble() ([]Report, error) {
	out := make([]Report, 0, len(x.matches))
	for _, id := range x.matches {
		d := x.reports[id]
		r := Report{ID: d.ID, Status: d.Status, Code: firstCoding(d.Code), Comment: d.Conclusion}
		var err error
		if r.Effective, err = parseDateTime(d.EffectiveDateTime); err != nil {
			return nil, err
		}
		if r.Issued, err = parseDateTime(d.Issued); err != nil {
			return nil, err
		}
		if len(d.Category) > 0 {
			r.Category = firstCoding(d.Category[0])
		}
		for _, e := range d.Extension {
			if e.URL == ExtensionComment && e.ValueString != "" {
				r.Comment = e.ValueString
			}
		}
		if len(d.Performer) > 0 {
			r.Performer = x.performer(&d.Performer[0])
		}
		if len(d.BasedOn) > 0 {
			r.Requester = x.requester(&d.BasedOn[0])
		}
		if len(d.Specimen) > 0 {
			if r.Specimen, err = x.specimen(&d.Specimen[0]); err != nil {
				return nil, err
			}
		}
		for i := range d.Result {
			a, ok, err := x.analysis(&d.Result[i], 0)
			if err != nil {
				return nil, err
			}
			if !ok {
				r.Incomplete = true
				continue
			}
			if a.incomplete {
				r.Incomplete = true
			}
			r.Analyses = append(r.Analyses, a.Analysis)
		}
		out = append(out, r)
	}
	return out, nil
}

func firstCoding(c CodeableConcept) Coding {
	if len(c.Coding) == 0 {
		return Coding{Display: c.Text}
	}
	cd := c.Coding[0]
	if cd.Display == "" {
		cd.Display = c.Text
	}
	return cd
}

func (x *index) performer(ref *Reference) Organisation {
	o := Organisation{Name: ref.Display}
	if role, ok := x.roles[refID(ref, "PractitionerRole")]; ok && role.Organization != nil {
		o = orgOf(role.Organization, x.orgs, o)
	} else if ref.Identifier != nil {
		o.OrgNumber = ref.Identifier.Value
	}
	if org, ok := x.orgs[refID(ref, "Organization")]; ok {
		o.Name = org.Name
		for _, id := range org.Identifier {
			if id.System == SystemOrgNumber {
				o.OrgNumber = id.Value
			}
		}
	}
	return o
}

func orgOf(ref *Reference, orgs map[string]*Organization, o Organisation) Organisation {
	if ref.Display != "" {
		o.Name = ref.Display
	}
	if ref.Identifier != nil && ref.Identifier.System == SystemOrgNumber {
		o.OrgNumber = ref.Identifier.Value
	}
	if org, ok := orgs[refID(ref, "Organization")]; ok {
		if org.Name != "" {
			o.Name = org.Name
		}
		for _, id := range org.Identifier {
			if id.System == SystemOrgNumber {
				o.OrgNumber = id.Value
			}
		}
	}
	return o
}

func (x *index) requester(basedOn *Reference) Requester {
	sr, ok := x.requests[refID(basedOn, "ServiceRequest")]
	if !ok || sr.Requester == nil {
		return Requester{}
	}
	q := Requester{Name: sr.Requester.Display}
	role, ok := x.roles[refID(sr.Requester, "PractitionerRole")]
	if !ok {
		return q
	}
	if p := role.Practitioner; p != nil {
		if p.Display != "" {
			q.Name = p.Display
		}
		if p.Identifier != nil && p.Identifier.System == SystemHPRNumber {
			q.HPRNumber = p.Identifier.Value
		}
	}
	for _, c := range role.Code {
		for _, cd := range c.Coding {
			if cd.System == SystemHPRRole {
				q.Role = cd.Code
			}
		}
	}
	return q
}

func (x *index) specimen(ref *Reference) (SpecimenInfo, error) {
	id := refID(ref, "Specimen")
	s, ok := x.specimens[id]
	if !ok {
		return SpecimenInfo{ID: id}, nil
	}
	out := SpecimenInfo{ID: s.ID}
	if s.Type != nil {
		out.Type = s.Type.Text
		if out.Type == "" && len(s.Type.Coding) > 0 {
			out.Type = s.Type.Coding[0].Display
		}
	}
	if s.Collection != nil {
		t, err := parseDateTime(s.Collection.CollectedDateTime)
		if err != nil {
			return out, err
		}
		out.Collected = t
	}
	return out, nil
}

type analysisResult struct {
	Analysis
	incomplete bool
}

// analysis resolves an Observation reference with its members; ok is false
// when the reference does not resolve.
func (x *index) analysis(ref *Reference, depth int) (analysisResult, bool, error) {
	o, found := x.observations[refID(ref, "Observation")]
	if !found {
		return analysisResult{}, false, nil
	}
	if depth >= maxDepth {
		return analysisResult{}, false, fmt.Errorf("%w: observation members nested deeper than %d", ErrMalformed, maxDepth)
	}
	var res analysisResult
	a := &res.Analysis
	a.ID, a.Code = o.ID, firstCoding(o.Code)
	for _, n := range o.Note {
		a.Comment = strings.TrimSpace(a.Comment + "\n" + n.Text)
	}
	for _, in := range o.Interpretation {
		for _, c := range in.Coding {
			if c.System == SystemDeviation || a.Interpretation == "" {
				a.Interpretation = c.Code
			}
		}
	}
	if len(o.ReferenceRange) > 0 {
		rr := o.ReferenceRange[0]
		a.Reference = &Interval{Low: measure(rr.Low), High: measure(rr.High), Text: rr.Text}
	}
	switch {
	case o.ValueQuantity != nil:
		a.Value.Quantity = measure(o.ValueQuantity)
	case o.ValueCodeableConcept != nil:
		c := firstCoding(*o.ValueCodeableConcept)
		a.Value.Coded = &c
	case o.ValueString != nil:
		a.Value.Text = *o.ValueString
	case o.ValueDateTime != nil:
		t, err := parseDateTime(*o.ValueDateTime)
		if err != nil {
			return res, false, err
		}
		a.Value.DateTime = &t
	case o.ValueRange != nil:
		a.Value.Range = &Interval{Low: measure(o.ValueRange.Low), High: measure(o.ValueRange.High)}
	}
	for i := range o.HasMember {
		m, ok, err := x.analysis(&o.HasMember[i], depth+1)
		if err != nil {
			return res, false, err
		}
		if !ok {
			res.incomplete = true
			continue
		}
		res.incomplete = res.incomplete || m.incomplete
		a.Members = append(a.Members, m.Analysis)
	}
	return res, true, nil
}

func measure(q *Quantity) *Measure {
	if q == nil || q.Value == nil {
		return nil
	}
	return &Measure{Value: *q.Value, Comparator: q.Comparator, Unit: q.Unit, Code: q.Code}
}

// parseDateTime reads a FHIR dateTime/instant: a year, year-month, date or
// date-time with zone. "" is the zero time; anything else is ErrMalformed.
func parseDateTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02", "2006-01", "2006"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%w: date-time not in a FHIR form", ErrMalformed)
}
