package handlers

import (
	"context"
	"errors"
	"strings"

	"github.com/oppslag/oppslag/clients/person"
	"github.com/oppslag/oppslag/clients/person/family"
	"github.com/oppslag/oppslag/clients/person/protection"
	"github.com/oppslag/oppslag/handlers/request"
	"github.com/oppslag/oppslag/views"
)

// --- marital status ---------------------------------------------------------

// kin is what the family bulk call fetched (relatives by identity number)
// and how to link to a relative's page; the marital panel names the spouse
// from it. Zero when the call was not made or failed: the panel is then
// shown without the name, and the family panel says why.
type kin struct {
	byNIN map[string]*person.Person
	link  func(string) string
}

// maritalPanel lists the marital statuses, and under a current one that
// names a spouse or partner (family.MaritalRole) the name the family bulk
// call fetched, linked to their overview through a session handle. Only
// the current statuses are named: their spouse is the one relative the
// bulk call always fetches (family.Relations), so the overview and the
// panel's own refresh name the same person; a former spouse is not looked
// up for this panel. A spouse with a protected address is named as the
// family panel names such a relative, with the protection tag and nothing
// of where they live (S19: the bulk call asks for no address).
func maritalPanel(p *person.Person, k kin) views.PersonPanel {
	var out views.PersonPanel
	for _, m := range p.MaritalStatus {
		where := person.PlaceText(m.MunicipalityNumber, m.MunicipalityName)
		if m.Place != "" {
			where = strings.TrimSpace(m.Place + ", " + where)
			where = strings.TrimSuffix(where, ",")
		}
		it := item(enumName("person.enum.marital", string(m.Status)), m.Meta,
			kv("person.marital.date", dateOf(m.StatusDate)),
			kv("person.marital.authority", plain(m.Authority)),
			kv("person.marital.place", plain(where)),
			kv("person.marital.abroad", country(m.Abroad)))
		if f, ok := spouseFact(m, k); ok {
			it.Facts = append([]views.Fact{f}, it.Facts...)
		}
		place(&out, m.Meta, it)
	}
	out.Empty = views.Msg("person.empty")
	return out
}

// spouseFact names the spouse or partner of a current marital status from
// the fetched relatives; false when the status names no one or the
// relative was not fetched.
func spouseFact(m person.MaritalStatus, k kin) (views.Fact, bool) {
	role, _ := family.MaritalRole(m.Status)
	r := k.byNIN[m.RelatedByMaritalStatus]
	if !m.Current() || role == "" || m.RelatedByMaritalStatus == "" || r == nil {
		return views.Fact{}, false
	}
	label := "person.marital.spouse"
	if role == family.Partner || role == family.PartnerSeparated || role == family.PartnerLate {
		label = "person.marital.partner"
	}
	f := kv(label, plain(nameOf(r)))
	if blank(f.Value) {
		f.Value = views.Msg("person.name.unknown")
	}
	if rule := protection.OfRelative(r); rule.Protected() {
		f.Tags = append(f.Tags, protectionTag(rule.Level()))
	}
	if d := r.Death; d != nil && d.Current() {
		f.Tags = append(f.Tags, views.Tag{Text: views.Msg("person.label.deceased"), Color: "neutral"})
	}
	if k.link != nil {
		f.Href = k.link(m.RelatedByMaritalStatus)
	}
	f.TestID = "marital-spouse"
	return f, true
}

// buildPanel builds a FREG panel of the overview; the marital panel also
// names the spouse from the relatives k.
func buildPanel(s panelSpec, p *person.Person, k kin) views.PersonPanel {
	if s.id == "marital" {
		return maritalPanel(p, k)
	}
	return s.build(p)
}

// panelKin is what a FREG panel refreshed on its own needs of the
// relatives: the marital panel's spouse, fetched in one bulk call of the
// spouse alone (p has the marital statuses only, so family.RelativeNumbers
// is the current spouse) and recorded like the overview's (S27). An audit
// failure or a lost login fails the panel; any other failure of the call
// leaves the spouse unnamed and the status shown.
func (h Person) panelKin(ctx context.Context, id, number string, p *person.Person) (kin, error) {
	if id != "marital" {
		return kin{}, nil
	}
	rels, err := h.relatives(ctx, number, p, "view")
	if isAuditError(err) || errors.Is(err, request.ErrLoginRequired) {
		return kin{}, err
	}
	if err != nil {
		return kin{}, nil
	}
	return kin{byNIN: rels, link: linker(ctx)}, nil
}
