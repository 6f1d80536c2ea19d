package handlers

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"time"

	"github.com/oppslag/oppslag/clients/audit"
	"github.com/oppslag/oppslag/clients/person"
	"github.com/oppslag/oppslag/clients/person/protection"
	"github.com/oppslag/oppslag/clients/tolerant"
	"github.com/oppslag/oppslag/handlers/request"
	"github.com/oppslag/oppslag/views"
	"github.com/oppslag/oppslag/views/i18n"
)

// relativeParts are what the family panel shows of each relative. No
// address part is asked for except SharedResidence, of which only the
// existence and the contract dates are ever read.
var relativeParts = []person.InformationPart{
	person.PartName, person.PartBirth, person.PartDeath, person.PartStatus, person.PartGender,
	person.PartAddressProtection, person.PartNorwegianIdentificationNumber, person.PartSharedResidence,
}

// relation is one relative of the person as the person's own document
// states it.
type relation struct {
	nin     string
	role    person.FamilyRelationType // the relative's role
	mine    person.FamilyRelationType // the person's role for the relative
	meta    person.Meta
	without *person.RelatedPersonWithoutIdentifier
}

// relationsOf lists the person's relatives: family relations, and the
// spouse or partner of the current marital status (a late one too, for the
// widowed) when the relations do not already name them.
func relationsOf(p *person.Person) []relation {
	var out []relation
	for _, fr := range p.FamilyRelation {
		out = append(out, relation{nin: fr.RelatedPerson, role: fr.RelatedPersonsRole, mine: fr.MyRoleForRelatedPerson,
			meta: fr.Meta, without: fr.RelatedPersonWithoutIdentifier})
	}
	for _, m := range person.Valid(p.MaritalStatus) {
		switch m.Status {
		case person.MaritalMarried, person.MaritalRegisteredPartner, person.MaritalSeparated, person.MaritalSeparatedPartner,
			person.MaritalWidowOrWidower, person.MaritalSurvivingPartner:
		default:
			continue
		}
		if m.RelatedByMaritalStatus == "" || slices.ContainsFunc(out, func(r relation) bool {
			return r.nin == m.RelatedByMaritalStatus && r.meta.Current()
		}) {
			continue
		}
		out = append(out, relation{nin: m.RelatedByMaritalStatus, role: person.RelationSpouseOrPartner,
			mine: person.RelationSpouseOrPartner, meta: m.Meta})
	}
	order := func(t person.FamilyRelationType) int {
		switch t {
		case person.RelationMother, person.RelationFather, person.RelationCoMother:
			return 0
		case person.RelationSpouseOrPartner:
			return 1
		case person.RelationChild, person.RelationStillbornChild:
			return 2
		case person.RelationSibling:
			return 3
		}
		return 4
	}
	slices.SortStableFunc(out, func(a, b relation) int { return order(a.role) - order(b.role) })
	return out
}

// relativeNumbers are the distinct identity numbers of the relatives.
func relativeNumbers(p *person.Person) []string {
	var out []string
	for _, r := range relationsOf(p) {
		if r.nin != "" && !slices.Contains(out, r.nin) {
			out = append(out, r.nin)
		}
	}
	return out
}

// relatives fetches every relative in ONE bulk call under h.Timeout and
// audits it (resource "family", the relatives' numbers as results) before
// anything is shown. No relatives: no call, no record.
func (h Person) relatives(ctx context.Context, nin string, p *person.Person) (map[string]*person.Person, error) {
	nins := relativeNumbers(p)
	byNIN := map[string]*person.Person{}
	if len(nins) == 0 {
		return byNIN, nil
	}
	var found []person.Person
	var err error
	if h.API == nil {
		err = errNoAPI
	} else {
		cctx, cancel := h.callContext(ctx)
		found, err = h.API.BulkByNIN(cctx, tokens(ctx), nins, relativeParts)
		cancel()
	}
	e := audit.Event{Patient: nin, Resource: "family", Action: "view", Outcome: outcomeOf(err)}
	if err == nil {
		for i := range found {
			if n := currentNumber(&found[i]); n != "" {
				e.Results = append(e.Results, n)
			}
		}
	}
	if aerr := h.Audit.Record(ctx, request.UserFrom(ctx), e); aerr != nil {
		return nil, Errorf(http.StatusServiceUnavailable, "error.audit", aerr)
	}
	if err != nil {
		if errors.Is(err, person.ErrNotFound) {
			return byNIN, nil
		}
		return nil, upstreamError(err)
	}
	for i := range found {
		r := &found[i]
		if len(r.Unread) > 0 && h.Log != nil {
			h.Log.WarnContext(ctx, "person document has values the client could not read",
				"resource", "family", "relative", i, "fields", tolerant.Paths(r.Unread),
				"correlation_id", request.CorrelationID(ctx))
		}
		for _, n := range r.NorwegianIdentificationNumber {
			if n.IdentificationNumber != "" {
				byNIN[n.IdentificationNumber] = r
			}
		}
	}
	return byNIN, nil
}

// familyPanel lists the relatives with names from the bulk call, both roles,
// parental responsibility and shared residence. A relative with a protected
// address shows that it is protected and why, and nothing of where they
// live (S19): the bulk call asks for no address of theirs to begin with, and
// protection.OfRelative decides the level shown.
func familyPanel(ctx context.Context, p *person.Person, rels map[string]*person.Person,
	link func(string) string, now time.Time) views.PersonPanel {
	var out views.PersonPanel
	for _, sr := range person.Valid(p.SharedResidence) {
		text := i18n.T(ctx, "person.family.shared.self")
		if from := dateText(ctx, sr.ContractValidFrom); from != "" {
			text = i18n.T(ctx, "person.family.shared.self_since", from)
		}
		out.Notices = append(out.Notices, views.Notice{Color: "info", Title: i18n.T(ctx, "person.address.shared"),
			Text: text, TestID: "shared-residence"})
	}
	for _, rel := range relationsOf(p) {
		it := relativeItem(ctx, p, rel, rels, link, now)
		place(&out, ctx, rel.meta, it)
	}
	for _, pr := range p.ParentalResponsibility {
		if pr.ResponsibleOrganization == "" && pr.ResponsibleWithoutIdentifier == nil {
			continue
		}
		who := pr.ResponsibleOrganization
		if w := pr.ResponsibleWithoutIdentifier; w != nil && w.Name != nil {
			who = fullName(w.Name.GivenName, w.Name.MiddleName, w.Name.FamilyName)
		}
		place(&out, ctx, pr.Meta, item(ctx, who, pr.Meta,
			kv(ctx, "person.family.responsibility", enumText(ctx, "person.enum.responsibility", string(pr.ResponsibilityType)))))
	}
	out.Empty = i18n.T(ctx, "person.family.none")
	if len(out.Items) > 0 {
		// The same relatives drawn as a graph, from the same bulk call.
		g := familyFactsOf(rels, link).graph(p)
		out.Graph = &g
	}
	return out
}

func relativeItem(ctx context.Context, p *person.Person, rel relation, rels map[string]*person.Person,
	link func(string) string, now time.Time) views.PanelItem {
	roleFacts := []views.Fact{
		kv(ctx, "person.family.role", enumText(ctx, "person.enum.relation", string(rel.role))),
		kv(ctx, "person.family.mine", enumText(ctx, "person.enum.relation", string(rel.mine))),
	}
	if rel.nin == "" {
		w := rel.without
		title := i18n.T(ctx, "person.name.unknown")
		var facts []views.Fact
		if w != nil {
			if w.Name != nil {
				if n := fullName(w.Name.GivenName, w.Name.MiddleName, w.Name.FamilyName); n != "" {
					title = n
				}
			}
			facts = append(facts,
				kv(ctx, "person.birth.date", dateText(ctx, w.BirthDate)),
				kv(ctx, "person.gender", enumText(ctx, "person.enum.gender", string(w.Gender))),
				kv(ctx, "person.citizenship", countryText(ctx, w.Citizenship)))
		}
		facts = append(facts, kv(ctx, "person.family.no_number", i18n.T(ctx, "person.family.no_number.text")))
		return item(ctx, title, rel.meta, append(roleFacts, facts...)...)
	}
	r := rels[rel.nin]
	if r == nil {
		it := item(ctx, i18n.T(ctx, "person.family.not_found"), rel.meta, roleFacts...)
		it.TestID = "relative"
		return it
	}
	facts := roleFacts
	if b := r.CurrentBirth(); b != nil {
		facts = append(facts, kv(ctx, "person.birth.date", dateText(ctx, b.BirthDate)))
	}
	facts = append(facts, kv(ctx, "person.age", ageText(ctx, r, now)))
	if d := r.Death; d != nil && d.Current() {
		facts = append(facts, kv(ctx, "person.death.date", dateText(ctx, d.DeceasedDate)))
	}
	facts = append(facts, kv(ctx, "person.family.responsibility", responsibility(ctx, rel.nin, p)))
	if sr := person.First(r.SharedResidence); sr != nil && (rel.role == person.RelationChild) {
		text := i18n.T(ctx, "person.yes")
		if from := dateText(ctx, sr.ContractValidFrom); from != "" {
			text = i18n.T(ctx, "person.family.shared.since", from)
		}
		facts = append(facts, kv(ctx, "person.address.shared", text))
	}
	var tags []views.Tag
	if rule := protection.OfRelative(r); rule.Protected() {
		tags = append(tags, protectionTag(ctx, rule.Level()))
		facts = append(facts, kv(ctx, "person.family.address", i18n.T(ctx, "person.protected.why.relative")))
	}
	if d := r.Death; d != nil && d.Current() {
		tags = append(tags, views.Tag{Text: i18n.T(ctx, "person.label.deceased"), Color: "neutral"})
	}
	title := nameOf(r)
	if title == "" {
		title = i18n.T(ctx, "person.name.unknown")
	}
	it := item(ctx, title, rel.meta, facts...)
	it.Tags = tags
	it.Href = link(rel.nin)
	it.TestID = "relative"
	return it
}

// responsibility says who has parental responsibility between the person
// and a relative, in either direction, or "".
func responsibility(ctx context.Context, relNIN string, p *person.Person) string {
	own := func(n string) bool {
		return n == "" || slices.ContainsFunc(p.NorwegianIdentificationNumber, func(x person.NorwegianIdentificationNumber) bool {
			return x.IdentificationNumber == n
		})
	}
	for _, pr := range person.Valid(p.ParentalResponsibility) {
		typ := enumText(ctx, "person.enum.responsibility", string(pr.ResponsibilityType))
		switch {
		case pr.Responsible == relNIN && own(pr.SubjectOfResponsibility):
			return i18n.T(ctx, "person.family.responsibility.theirs", typ)
		case pr.SubjectOfResponsibility == relNIN && own(pr.Responsible):
			return i18n.T(ctx, "person.family.responsibility.mine", typ)
		}
	}
	return ""
}
