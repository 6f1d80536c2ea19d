package labs

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/oppslag/oppslag/clients/tolerant"
	"github.com/oppslag/oppslag/clients/upstream"
)

// index gathers the resources of every page of one search. Each resource
// is decoded on its own with tolerant.Decode; the values it could not read
// are kept per resource (fields) and named in unread.
type index struct {
	matches      []string // DiagnosticReport ids in order
	reports      map[string]*DiagnosticReport
	observations map[string]*Observation
	specimens    map[string]*Specimen
	requests     map[string]*ServiceRequest
	roles        map[string]*PractitionerRole
	orgs         map[string]*Organization
	byURL        map[string]string // entry fullUrl → "Type/id", for urn:uuid references
	fields       map[string][]tolerant.Field
	at           map[string]string // "Type/id" → its path in the Bundle, "entry[3].resource"
	restrictions []string
	notFound     bool
	unread       []string
}

func newIndex() *index {
	return &index{
		reports:      map[string]*DiagnosticReport{},
		observations: map[string]*Observation{},
		specimens:    map[string]*Specimen{},
		requests:     map[string]*ServiceRequest{},
		roles:        map[string]*PractitionerRole{},
		orgs:         map[string]*Organization{},
		byURL:        map[string]string{},
		fields:       map[string][]tolerant.Field{},
		at:           map[string]string{},
	}
}

// maxEntries caps the entries of one Bundle.
const maxEntries = 100000

// add decodes b's entries by resourceType. Unknown resource types are
// skipped. A resource that is not an object costs its entry; a value of the
// wrong type costs that value. Only too many entries fail the page, since a
// Bundle that big is not one patient's answer.
func (x *index) add(b *Bundle, page int) error {
	if len(b.Entry) > maxEntries {
		return fmt.Errorf("%w: too many entries", upstream.ErrMalformed)
	}
	prefix := ""
	if page > 0 {
		prefix = "page[" + strconv.Itoa(page) + "]."
	}
	for _, f := range b.unread {
		x.unread = append(x.unread, prefix+f.Path)
	}
	for i, e := range b.Entry {
		if len(e.Resource) == 0 || string(e.Resource) == "null" {
			continue
		}
		at := prefix + "entry[" + strconv.Itoa(i) + "].resource"
		var head struct {
			ResourceType string `json:"resourceType"`
			ID           string `json:"id"`
		}
		if _, err := tolerant.Decode(e.Resource, &head); err != nil {
			x.unread = append(x.unread, at)
			continue
		}
		mode := ""
		if e.Search != nil {
			mode = e.Search.Mode
		}
		var fields []tolerant.Field
		var err error
		switch head.ResourceType {
		case "DiagnosticReport":
			var r DiagnosticReport
			if fields, err = tolerant.Decode(e.Resource, &r); err == nil && r.ID != "" {
				if _, dup := x.reports[r.ID]; !dup && mode != "include" {
					x.matches = append(x.matches, r.ID)
				}
				x.reports[r.ID] = &r
			}
		case "Observation":
			fields, err = put(e.Resource, x.observations)
		case "Specimen":
			fields, err = put(e.Resource, x.specimens)
		case "ServiceRequest":
			fields, err = put(e.Resource, x.requests)
		case "PractitionerRole":
			fields, err = put(e.Resource, x.roles)
		case "Organization":
			fields, err = put(e.Resource, x.orgs)
		case "OperationOutcome":
			var oo OperationOutcome
			if fields, err = tolerant.Decode(e.Resource, &oo); err == nil {
				x.outcome(oo)
			}
		default:
			continue
		}
		if err != nil {
			x.unread = append(x.unread, at)
			continue
		}
		if head.ID != "" {
			key := head.ResourceType + "/" + head.ID
			x.at[key] = at
			if e.FullURL != "" {
				x.byURL[e.FullURL] = key
			}
			if len(fields) > 0 {
				x.fields[key] = fields
			}
		}
		for _, f := range fields {
			x.unread = append(x.unread, at+"."+f.Path)
		}
	}
	return nil
}

// put decodes raw into a new T and stores it by id (resources without an id
// cannot be referenced and are dropped).
func put[T any](raw json.RawMessage, m map[string]*T) ([]tolerant.Field, error) {
	var v T
	fields, err := tolerant.Decode(raw, &v)
	if err != nil {
		return nil, err
	}
	var head struct {
		ID string `json:"id"`
	}
	tolerant.Decode(raw, &head)
	if head.ID != "" {
		m[head.ID] = &v
	}
	return fields, nil
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

// resolve is refID that also follows a reference to an entry's fullUrl
// (urn:uuid:…), which FHIR allows inside a Bundle.
func (x *index) resolve(ref *Reference, typ string) string {
	if id := refID(ref, typ); id != "" {
		return id
	}
	if ref == nil {
		return ""
	}
	if key, ok := x.byURL[ref.Reference]; ok {
		if id, found := strings.CutPrefix(key, typ+"/"); found {
			return id
		}
	}
	return ""
}

// maxDepth bounds panel nesting (and so any reference cycle).
const maxDepth = 8

// unreadOf turns a resource's odd fields into Unread values.
func (x *index) unreadOf(key string) []Unread {
	var out []Unread
	for _, f := range x.fields[key] {
		out = append(out, Unread{Field: f.Path, Raw: f.Raw})
	}
	return out
}

// when reads a FHIR date or date-time of the resource key ("Observation/o1");
// a value in no known form is kept in *unread under field, named for the
// log by its path in the Bundle, and the zero time is returned.
func (x *index) when(key, s, field string, unread *[]Unread) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, err := tolerant.ParseTimeIn(s, tolerant.Oslo) // KITH writes Norwegian local time; a bare date is that day in Norway
	if err != nil {
		*unread = append(*unread, Unread{Field: field, Raw: tolerant.Clean(s)})
		if at, ok := x.at[key]; ok {
			x.unread = append(x.unread, at+"."+field)
		}
		return time.Time{}
	}
	return t.Time
}

// assemble builds the matched DiagnosticReports. It does not fail: what
// cannot be resolved marks the report Incomplete, what cannot be read is
// kept as Unread.
func (x *index) assemble() ([]Report, error) {
	out := make([]Report, 0, len(x.matches))
	specimens := map[string]*SpecimenInfo{}
	for _, id := range x.matches {
		d := x.reports[id]
		r := Report{ID: d.ID, Status: d.Status, Code: conceptCoding(d.Code)}
		r.Unread = x.unreadOf("DiagnosticReport/" + d.ID)
		key := "DiagnosticReport/" + d.ID
		r.Effective = x.when(key, d.EffectiveDateTime, "effectiveDateTime", &r.Unread)
		r.Issued = x.when(key, d.Issued, "issued", &r.Unread)
		if len(d.Category) > 0 {
			r.Category = conceptCoding(d.Category[0])
		}
		for i, e := range d.Extension {
			switch e.URL {
			case ExtensionComment:
				if c := commentText(e); c != "" {
					r.Comments = append(r.Comments, c)
				}
			case ExtensionReportDate:
				r.ReportDate = x.when(key, e.ValueDateTime, "extension["+strconv.Itoa(i)+"].valueDateTime", &r.Unread)
			}
		}
		if c := strings.TrimSpace(d.Conclusion); c != "" {
			r.Comments = append(r.Comments, c)
		}
		if len(d.Performer) > 0 {
			r.Performer = x.performer(&d.Performer[0])
		}
		if len(d.BasedOn) > 0 {
			r.Requester = x.requester(&d.BasedOn[0])
		}
		for i := range d.Specimen {
			r.Specimens = append(r.Specimens, *x.specimen(&d.Specimen[i], specimens))
		}
		for i := range d.Result {
			a, ok, incomplete := x.analysis(&d.Result[i], 0, specimens)
			if !ok {
				r.Incomplete = true
				continue
			}
			r.Incomplete = r.Incomplete || incomplete
			r.Analyses = append(r.Analyses, a)
		}
		// An observation may name a specimen the report does not list;
		// the report's list then gains it, so the page lists every sample.
		var walk func(as []Analysis)
		walk = func(as []Analysis) {
			for _, a := range as {
				if a.Specimen != nil && !slices.ContainsFunc(r.Specimens, func(s SpecimenInfo) bool { return s.ID == a.Specimen.ID }) {
					r.Specimens = append(r.Specimens, *a.Specimen)
				}
				walk(a.Members)
			}
		}
		walk(r.Analyses)
		if Withdrawn(r.Status) {
			r.withdraw()
		}
		out = append(out, r)
	}
	return out, nil
}

// commentText reads a nilar-comment extension: an Annotation (the IG's
// type), a CodeableConcept (a coded comment, kodeverk 8269), or a string
// (what this client's simulator sent before it followed the IG).
func commentText(e Extension) string {
	switch {
	case e.ValueAnnotation != nil:
		return strings.TrimSpace(e.ValueAnnotation.Text)
	case e.ValueCodeableConcept != nil:
		return ConceptOf(*e.ValueCodeableConcept).String()
	}
	return strings.TrimSpace(e.ValueString)
}

// ConceptOf keeps every coding of c and its text.
func ConceptOf(c CodeableConcept) *Concept {
	out := &Concept{Text: strings.TrimSpace(c.Text)}
	for _, cd := range c.Coding {
		if cd.Code != "" || cd.Display != "" {
			out.Codings = append(out.Codings, cd)
		}
	}
	return out
}

// String writes the concept for a log or a plain-text cell: the KITH
// heading (kodeverk 8243) first as a label, then every other coding's
// display (or code), then the text, without repeating a part.
func (c *Concept) String() string {
	if c == nil {
		return ""
	}
	var heading []string
	var parts []string
	add := func(list *[]string, s string) {
		if s = strings.TrimSpace(s); s != "" && !slices.Contains(heading, s) && !slices.Contains(parts, s) {
			*list = append(*list, s)
		}
	}
	for _, cd := range c.Codings {
		label := cd.Display
		if label == "" {
			label = cd.Code
		}
		if Kodeverk(cd.System) == "8243" {
			add(&heading, label)
			continue
		}
		add(&parts, label)
	}
	add(&parts, c.Text)
	s := strings.Join(parts, " · ")
	if len(heading) > 0 {
		if s == "" {
			return strings.Join(heading, " · ")
		}
		return strings.Join(heading, " · ") + ": " + s
	}
	return s
}

// conceptCoding is the coding a name is made of: the first coding with a
// code (its display, else the text), else the first coding or the text.
func conceptCoding(c CodeableConcept) Coding {
	pick := Coding{}
	if len(c.Coding) > 0 {
		pick = c.Coding[0]
	}
	for _, cd := range c.Coding {
		if cd.Code != "" {
			pick = cd
			break
		}
	}
	pick.Display = firstOf(pick.Display, c.Text)
	return pick
}

func firstOf(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

func (x *index) performer(ref *Reference) Organisation {
	o := Organisation{Name: ref.Display}
	if role, ok := x.roles[x.resolve(ref, "PractitionerRole")]; ok && role.Organization != nil {
		o = orgOf(role.Organization, x, o)
	} else if ref.Identifier != nil {
		o.OrgNumber = ref.Identifier.Value
	}
	if org, ok := x.orgs[x.resolve(ref, "Organization")]; ok {
		o.Name = org.Name
		for _, id := range org.Identifier {
			if id.System == SystemOrgNumber {
				o.OrgNumber = id.Value
			}
		}
	}
	return o
}

func orgOf(ref *Reference, x *index, o Organisation) Organisation {
	if ref.Display != "" {
		o.Name = ref.Display
	}
	if ref.Identifier != nil && ref.Identifier.System == SystemOrgNumber {
		o.OrgNumber = ref.Identifier.Value
	}
	if org, ok := x.orgs[x.resolve(ref, "Organization")]; ok {
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
	sr, ok := x.requests[x.resolve(basedOn, "ServiceRequest")]
	if !ok || sr.Requester == nil {
		return Requester{}
	}
	q := Requester{Name: sr.Requester.Display}
	role, ok := x.roles[x.resolve(sr.Requester, "PractitionerRole")]
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

// specimen resolves a specimen reference once per search (memo), so the
// report and its observations share one SpecimenInfo per sample.
func (x *index) specimen(ref *Reference, memo map[string]*SpecimenInfo) *SpecimenInfo {
	id := x.resolve(ref, "Specimen")
	if si, ok := memo[id]; ok && id != "" {
		return si
	}
	s, ok := x.specimens[id]
	if !ok {
		si := &SpecimenInfo{ID: firstOf(id, ref.Reference), Type: ref.Display}
		memo[id] = si
		return si
	}
	out := &SpecimenInfo{ID: s.ID, Unread: x.unreadOf("Specimen/" + s.ID)}
	if s.Type != nil {
		c := ConceptOf(*s.Type)
		out.Type = firstOf(c.Text, c.String())
		if len(c.Codings) > 0 {
			out.TypeCode = c.Codings[0]
			if cd, ok := c.Find("8351"); ok {
				out.TypeCode = cd
			}
		}
	}
	if s.Collection != nil {
		out.Collected = x.when("Specimen/"+s.ID, s.Collection.CollectedDateTime, "collection.collectedDateTime", &out.Unread)
		if t, err := tolerant.ParseTime(s.Collection.CollectedDateTime); err == nil && t.Precision <= tolerant.PrecisionDay {
			out.CollectedDay = true
		}
	}
	for _, n := range s.Note {
		out.Note = strings.TrimSpace(out.Note + "\n" + n.Text)
	}
	memo[id] = out
	return out
}

// analysis resolves an Observation reference with its members; ok is false
// when the reference does not resolve, incomplete is true when a member
// does not, or when members nest deeper than maxDepth (a cycle is cut
// there, costing that branch, not the report).
func (x *index) analysis(ref *Reference, depth int, specimens map[string]*SpecimenInfo) (a Analysis, ok, incomplete bool) {
	o, found := x.observations[x.resolve(ref, "Observation")]
	if !found || depth >= maxDepth {
		return Analysis{}, false, depth >= maxDepth
	}
	a.ID, a.Code, a.Status = o.ID, conceptCoding(o.Code), o.Status
	a.Unread = x.unreadOf("Observation/" + o.ID)
	for _, n := range o.Note {
		a.Comment = strings.TrimSpace(a.Comment + "\n" + n.Text)
	}
	if f := FlagOf(o.Interpretation); f != nil {
		a.Flag, a.Interpretation = f, f.Level
	}
	// encoding/json allocates a number's pointer before it finds a string
	// there; a number that could not be read must not show as 0.
	odd := func(path string) bool {
		return slices.ContainsFunc(a.Unread, func(u Unread) bool { return u.Field == path })
	}
	if o.ValueQuantity != nil && odd("valueQuantity.value") {
		o.ValueQuantity.Value = nil
	}
	if len(o.ReferenceRange) > 0 {
		rr := o.ReferenceRange[0]
		if rr.Low != nil && odd("referenceRange[0].low.value") {
			rr.Low = nil
		}
		if rr.High != nil && odd("referenceRange[0].high.value") {
			rr.High = nil
		}
		a.Reference = &Interval{Low: measure(rr.Low), High: measure(rr.High), Text: strings.TrimSpace(rr.Text)}
	}
	if o.Specimen != nil {
		a.Specimen = x.specimen(o.Specimen, specimens)
	}
	switch {
	case o.ValueQuantity != nil:
		a.Value.Quantity = measure(o.ValueQuantity)
	case o.ValueCodeableConcept != nil:
		// NILAR maps a KITH TextResultValue to CodeableConcept.text; a
		// concept with no coding is a text value.
		c := ConceptOf(*o.ValueCodeableConcept)
		c.Text = plainText(c.Text)
		if len(c.Codings) > 0 {
			a.Value.Coded = c
		} else {
			a.Value.Text = c.Text
		}
	case o.ValueString != nil:
		a.Value.Text = plainText(*o.ValueString)
	case o.ValueDateTime != nil:
		if t := x.when("Observation/"+o.ID, *o.ValueDateTime, "valueDateTime", &a.Unread); !t.IsZero() {
			a.Value.DateTime = &t
		}
	case o.ValueRange != nil:
		a.Value.Range = &Interval{Low: measure(o.ValueRange.Low), High: measure(o.ValueRange.High)}
	case o.ValueInteger != nil:
		a.Value.Quantity = &Measure{Value: float64(*o.ValueInteger)}
	case o.ValueBoolean != nil:
		a.Value.Text = strconv.FormatBool(*o.ValueBoolean)
	case o.DataAbsentReason != nil:
		c := conceptCoding(*o.DataAbsentReason)
		a.Value.Absent = &c
	}
	if f := a.Flag; f == nil || f.Level == "" {
		// Susceptibility is carried in the value (kodeverk 8271), not in
		// interpretation; lift it so the page can show S/I/R as a flag.
		if cd, ok := a.Value.Coded.Find("8271"); ok {
			if lvl := levelOf(cd); lvl != "" {
				a.Flag, a.Interpretation = &Flag{Level: lvl, Coding: cd}, lvl
			}
		}
	}
	for i := range o.HasMember {
		m, ok, inc := x.analysis(&o.HasMember[i], depth+1, specimens)
		if !ok {
			incomplete = true
			continue
		}
		incomplete = incomplete || inc
		a.Members = append(a.Members, m)
	}
	if Withdrawn(a.Status) {
		a.withdraw()
	}
	return a, true, incomplete
}

func measure(q *Quantity) *Measure {
	if q == nil || q.Value == nil {
		return nil
	}
	return &Measure{Value: *q.Value, Comparator: q.Comparator, Unit: q.Unit, Code: q.Code}
}
