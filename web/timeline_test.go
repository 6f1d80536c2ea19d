package web

import (
	"net/http"
	"strings"
	"testing"

	"github.com/oppslag/oppslag/clients/audit"
	"github.com/oppslag/oppslag/clients/labs"
	"github.com/oppslag/oppslag/clients/person"
)

// deceasedParent finds, in the test population, a living person whose
// mother or father has died: the child's number, and the parent's name and
// role word as the timeline writes them in bokmål.
func deceasedParent(t *testing.T, h *harness) (child, parentName, role string) {
	t.Helper()
	for _, dead := range h.pop.Where("deceased", 0) {
		name := dead.CurrentName()
		if name == nil {
			continue
		}
		for _, fr := range dead.FamilyRelation {
			if fr.RelatedPersonsRole != person.RelationChild || fr.RelatedPerson == "" || !fr.Current() {
				continue
			}
			switch fr.MyRoleForRelatedPerson {
			case person.RelationMother:
				role = "mor"
			case person.RelationFather:
				role = "far"
			default:
				continue
			}
			return fr.RelatedPerson, strings.Join(strings.Fields(name.GivenName+" "+name.MiddleName+" "+name.FamilyName), " "), role
		}
	}
	t.Fatal("no deceased parent in the test population")
	return "", "", ""
}

// TestTimeline_RelativeDeath: a parent's death is an event on the child's
// timeline, named, and the relatives' bulk call is recorded with the
// numbers it fetched (S27).
func TestTimeline_RelativeDeath(t *testing.T) {
	h := newHarness(t)
	b, tok := clinician(t, h)
	child, parent, role := deceasedParent(t, h)
	p := b.get(personPath(b.open(tok, child)) + "/timeline")
	if p.StatusCode != http.StatusOK {
		t.Fatalf("timeline: status %d", p.StatusCode)
	}
	if want := "Død: " + parent + " (" + role + ")"; !strings.Contains(p.body, want) {
		t.Errorf("timeline lacks %q", want)
	}
	if strings.Contains(p.body, child) {
		t.Error("the timeline shows the identity number")
	}
	var family *audit.Record
	for _, r := range h.records() {
		if r.Resource == "family" && r.Patient == child {
			family = &r
		}
	}
	if family == nil || len(family.Results) == 0 {
		t.Fatalf("no family record with the relatives fetched: %+v", family)
	}
}

// TestTimeline_LabReports: under a bound basis the timeline lists the lab
// reports, each linking to the labs page, and records the look as a lab
// view under that basis; without one it offers the chooser and fetches
// nothing.
func TestTimeline_LabReports(t *testing.T) {
	h := newHarness(t)
	number := labsPerson(t, h, "labs")

	// Without a basis: a note with the way to one, no lab search, no record.
	b, tok := clinician(t, h)
	labsPath := b.labsPath(tok, number)
	timeline := strings.TrimSuffix(labsPath, "/labs") + "/timeline"
	p := b.get(timeline)
	if p.StatusCode != http.StatusOK {
		t.Fatalf("timeline: status %d", p.StatusCode)
	}
	if len(testids(t, p.body, "timeline-labs-none")) != 1 || !strings.Contains(p.body, `href="`+labsPath+`/basis"`) {
		t.Error("no note offering the chooser without a basis")
	}
	if strings.Contains(p.body, `data-kind="lab"`) {
		t.Error("lab reports without a basis")
	}
	if got := h.labSim.Stats().DiagnosticReportSearch; got != 0 {
		t.Errorf("%d lab searches without a basis; want 0", got)
	}

	// Under SAMTYKKE: the reports, and one more lab view on record.
	b.chooseBasis(tok, labsPath, labs.BasisSamtykke)
	views := func() int {
		n := 0
		for _, r := range h.records() {
			if r.Resource == "lab" && r.Action == "view" && r.Patient == number && r.AccessBasis == labs.BasisSamtykke {
				n++
			}
		}
		return n
	}
	before := views()
	p = b.get(timeline)
	if p.StatusCode != http.StatusOK {
		t.Fatalf("timeline under a basis: status %d", p.StatusCode)
	}
	var labEntries int
	for _, e := range testids(t, p.body, "timeline-entry") {
		for _, a := range e.Attr {
			if a.Key == "data-kind" && a.Val == "lab" {
				labEntries++
			}
		}
	}
	if labEntries == 0 {
		t.Error("no lab report on the timeline under a bound basis")
	}
	if links := testids(t, p.body, "timeline-entry-link"); len(links) != labEntries {
		t.Errorf("%d links to the labs page for %d reports", len(links), labEntries)
	}
	if !strings.Contains(p.body, `href="`+labsPath+`?range=all"`) {
		t.Error("no link to the labs page")
	}
	if got := views() - before; got != 1 {
		t.Errorf("%d lab view records for the timeline; want 1", got)
	}
}

// TestTimeline_OrderRemembered: newest first, once chosen, is how the next
// timeline opens, for another patient too, until oldest first is chosen.
func TestTimeline_OrderRemembered(t *testing.T) {
	h := newHarness(t)
	b, tok := clinician(t, h)
	child, _, _ := deceasedParent(t, h)
	first := personPath(b.open(tok, child)) + "/timeline"
	checked := func(p *page) string {
		t.Helper()
		for _, o := range []string{"oldest", "newest"} {
			if strings.Contains(p.body, `id="tl-order-`+o+`" value="`+o+`" checked`) {
				return o
			}
		}
		return ""
	}
	if got := checked(b.get(first)); got != "oldest" {
		t.Errorf("first visit: %q checked; want oldest", got)
	}
	if got := checked(b.get(first + "?order=newest")); got != "newest" {
		t.Errorf("after choosing: %q checked; want newest", got)
	}
	if got := b.cookie("timeline_order"); got != "newest" {
		t.Errorf("cookie %q; want newest", got)
	}
	second := personPath(b.open(tok, numberOf(t, someone(t, h, "married")))) + "/timeline"
	if got := checked(b.get(second)); got != "newest" {
		t.Errorf("another patient's timeline: %q checked; want newest (remembered)", got)
	}
	b.get(second + "?order=oldest")
	if got := checked(b.get(first)); got != "oldest" {
		t.Errorf("after choosing oldest: %q checked; want oldest", got)
	}
}
