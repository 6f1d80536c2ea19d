package handlers

import (
	"net/http"
	"net/url"
	"time"

	"github.com/oppslag/oppslag/clients/person"
	"github.com/oppslag/oppslag/clients/person/protection"
	"github.com/oppslag/oppslag/handlers/request"
	"github.com/oppslag/oppslag/views"
)

// The patient banner (issue 12) names the patient on every patient page.
// The pages that fetch the person document (overview, timeline, print)
// build it from the document and leave a snapshot with the session's
// handle; the lab pages, which fetch no person, show the snapshot. Where
// the session has none (it was never taken, or the session store lost it)
// the banner shows the number, which the handle always gives, and a link to
// the overview.
//
// A page whose own fetch of the person failed shows the number alone, not
// an older snapshot: what the page could not fetch now is not shown as if
// it had. The banner is patient data, so Site.Base adds it only once the
// request's access is recorded (S20): an error page written before a record
// (the audit store down) names no one.

// snapshotOf is what the banner keeps of p. It copies no address of any
// kind, only the level of protection as the S19 rule reads it.
func snapshotOf(p *person.Person) request.PatientSnapshot {
	s := request.PatientSnapshot{Name: nameOf(p)}
	if b := p.CurrentBirth(); b != nil {
		s.BirthDate = dayOf(b.BirthDate)
	}
	if d := p.Death; d != nil && d.Current() {
		s.Deceased = true
		s.DeceasedDate = dayOf(d.DeceasedDate)
	}
	if rule := protection.Of(p); rule.Protected() {
		s.Protection = string(rule.Level())
	}
	return s
}

// dayOf is a FREG date as YYYY-MM-DD, or "" when unknown or unreadable.
func dayOf(d person.DateTime) string {
	if _, odd := d.UnreadValue(); odd || !d.Known() {
		return ""
	}
	return d.DateOnly()
}

// showPatient makes p what the banner shows of the request's patient and
// keeps its snapshot with the session's handle. A nil p (this page's fetch
// of the person failed) leaves the banner with the number alone and the
// session's snapshot as it was.
func showPatient(r *http.Request, p *person.Person) {
	ctx := r.Context()
	pt, ok := loadedPatient(ctx)
	if !ok {
		return
	}
	if p == nil {
		pt.shown.snap = nil
		return
	}
	s := snapshotOf(p)
	pt.shown.snap = &s
	if mem, ok := request.HandlesFrom(ctx).(request.PatientMemory); ok {
		// Not kept, the banner of this page is still right; the lab pages
		// then show the number alone until the next overview.
		_ = mem.Remember(ctx, pt.handle, s)
	}
}

// bannerOf is the banner of pt at now; the name links to the overview
// unless path is the overview.
func bannerOf(pt patient, demo bool, now time.Time, path string) *views.PatientBanner {
	overview := "/person/" + url.PathEscape(pt.handle)
	b := &views.PatientBanner{
		NumberLabel: ninKind("", pt.nin),
		Number:      formatNIN(pt.nin),
	}
	if path != overview && path != overview+"/" {
		b.Overview = overview
	}
	if s := pt.shown.snap; s != nil {
		b.Name = s.Name
		if birth, ok := parseDay(s.BirthDate); ok {
			b.Birth = views.DateText(birth)
			// As the overview's header: the age at death for the deceased.
			day, key := today(now), "person.age.years"
			if death, ok := parseDay(s.DeceasedDate); ok && s.Deceased {
				day, key = death, "person.age.at_death"
			}
			if a := ageOn(person.NewDateTime(birth), day); a >= 0 {
				b.Age = views.Msg(key, a)
			}
		}
		b.Labels = append(b.Labels, snapshotTags(*s)...)
	}
	for _, t := range numberTags(pt.nin, demo) {
		b.Labels = append(b.Labels, bannerTag(t))
	}
	return b
}

// snapshotTags are the banner's labels from the snapshot: deceased, and
// the address protection level.
func snapshotTags(s request.PatientSnapshot) []views.Tag {
	var out []views.Tag
	if s.Deceased {
		text := views.Msg("person.label.deceased")
		if d, ok := parseDay(s.DeceasedDate); ok {
			text = views.Msg("person.label.deceased_on", views.DateText(d))
		}
		out = append(out, bannerTag(views.Tag{Text: text, Color: "neutral", TestID: "label-deceased"}))
	}
	if s.Protection != "" {
		out = append(out, bannerTag(protectionTag(person.AddressConfidentiality(s.Protection))))
	}
	return out
}

// bannerTag is t in the banner: its own test id, so a page's own labels
// (the overview's header) and the banner's are told apart.
func bannerTag(t views.Tag) views.Tag {
	if t.TestID != "" {
		t.TestID = "banner-" + t.TestID
	}
	return t
}

// parseDay reads a snapshot's YYYY-MM-DD day.
func parseDay(s string) (time.Time, bool) {
	if s == "" {
		return time.Time{}, false
	}
	t, err := time.Parse(time.DateOnly, s)
	return t, err == nil
}
