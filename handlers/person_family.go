package handlers

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/oppslag/oppslag/clients/audit"
	"github.com/oppslag/oppslag/clients/person"
	"github.com/oppslag/oppslag/clients/person/family"
	"github.com/oppslag/oppslag/clients/person/protection"
	"github.com/oppslag/oppslag/clients/tolerant"
	"github.com/oppslag/oppslag/clients/upstream"
	"github.com/oppslag/oppslag/handlers/request"
	"github.com/oppslag/oppslag/views"
)

// relatives fetches every relative the person's document names in ONE
// bulk call under h.Timeout, then the siblings the parents' documents name
// (family.SiblingNumbers) in a second one, and audits both in one record
// (resource "family", every fetched number as results) before anything is
// shown. No relatives: no call, no record. No siblings beyond those already
// fetched: no second call. FREG keeps no sibling relation, so the second
// call is the price of siblings; it cannot join the first, which must
// bring the parents' children before anyone knows them.
//
// A failed second call does not fail the family: the record keeps the
// first call's outcome with the numbers actually fetched, the failure is
// logged, and the siblings are shown without names, as the graph shows
// relatives when the bulk call fails.
func (h Person) relatives(ctx context.Context, nin string, p *person.Person, action string) (map[string]*person.Person, error) {
	nins := family.RelativeNumbers(p)
	byNIN := map[string]*person.Person{}
	if len(nins) == 0 {
		return byNIN, nil
	}
	found, err := h.bulk(ctx, nins, family.RelativeParts())
	if err == nil {
		index(byNIN, found)
		if sibs := family.SiblingNumbers(p, byNIN); len(sibs) > 0 {
			more, serr := h.bulk(ctx, sibs, family.SiblingParts())
			if serr != nil && !errors.Is(serr, upstream.ErrNotFound) && h.Log != nil {
				h.Log.WarnContext(ctx, "the siblings' bulk call failed; siblings shown without names",
					"error", serr, "correlation_id", request.CorrelationID(ctx))
			}
			found = append(found, more...)
		}
	}
	e := audit.Event{Patient: nin, Resource: "family", Action: action, Outcome: outcomeOf(err)}
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
		if errors.Is(err, upstream.ErrNotFound) {
			return byNIN, nil
		}
		return nil, upstreamError(servicePerson, err)
	}
	for i := range found {
		if r := &found[i]; len(r.Unread) > 0 && h.Log != nil {
			h.Log.WarnContext(ctx, "person document has values the client could not read",
				"resource", "family", "relative", i, "fields", tolerant.Paths(r.Unread),
				"correlation_id", request.CorrelationID(ctx))
		}
	}
	index(byNIN, found)
	return byNIN, nil
}

// bulk is one bulk call under its own deadline.
func (h Person) bulk(ctx context.Context, nins []string, parts []person.InformationPart) ([]person.Person, error) {
	if h.API == nil {
		return nil, errNoAPI
	}
	cctx, cancel := h.callContext(ctx)
	defer cancel()
	return h.API.BulkByNIN(cctx, tokens(ctx), nins, parts)
}

// index files the documents under each of their numbers.
func index(byNIN map[string]*person.Person, docs []person.Person) {
	for i := range docs {
		for _, n := range docs[i].NorwegianIdentificationNumber {
			if n.IdentificationNumber != "" {
				byNIN[n.IdentificationNumber] = &docs[i]
			}
		}
	}
}

// familyPanel lists the relatives with names from the bulk call, both roles,
// parental responsibility and shared residence. A relative with a protected
// address shows that it is protected and why, and nothing of where they
// live (S19): the bulk call asks for no address of theirs to begin with, and
// protection.OfRelative decides the level shown.
func familyPanel(p *person.Person, rels map[string]*person.Person,
	link func(string) string, now time.Time) views.PersonPanel {
	var out views.PersonPanel
	for _, sr := range person.Valid(p.SharedResidence) {
		text := views.Msg("person.family.shared.self")
		if from := dateOf(sr.ContractValidFrom); !from.IsZero() {
			text = views.Msg("person.family.shared.self_since", from)
		}
		out.Notices = append(out.Notices, views.Notice{Color: "info", Title: views.Msg("person.address.shared"),
			Text: text, TestID: "shared-residence"})
	}
	for _, rel := range family.RelationsWith(p, family.Siblings(p, rels)) {
		it := relativeItem(p, rel, rels, link, now)
		place(&out, rel.Meta, it)
	}
	for _, pr := range p.ParentalResponsibility {
		if pr.ResponsibleOrganization == "" && pr.ResponsibleWithoutIdentifier == nil {
			continue
		}
		who := pr.ResponsibleOrganization
		if w := pr.ResponsibleWithoutIdentifier; w != nil && w.Name != nil {
			who = fullName(w.Name.GivenName, w.Name.MiddleName, w.Name.FamilyName)
		}
		place(&out, pr.Meta, item(plain(who), pr.Meta,
			kv("person.family.responsibility", enumName("person.enum.responsibility", string(pr.ResponsibilityType)))))
	}
	out.Empty = views.Msg("person.family.none")
	if len(out.Items) > 0 {
		// The same relatives drawn as a graph, from the same bulk call.
		g := familyFactsOf(rels, link).graph(p)
		out.Graph = &g
	}
	return out
}

func relativeItem(p *person.Person, rel family.Relation, rels map[string]*person.Person,
	link func(string) string, now time.Time) views.PanelItem {
	roleFacts := []views.Fact{
		kv("person.family.role", enumName("person.enum.relation", string(rel.Role))),
		kv("person.family.mine", enumName("person.enum.relation", string(rel.Mine))),
	}
	var tags []views.Tag
	if s := rel.Sibling; s != nil {
		roleFacts = append(roleFacts, kv("person.family.kin", siblingKin(*s)),
			kv("person.family.kin.source", views.Msg("person.family.kin.derived")))
		if s.Twin {
			tags = append(tags, views.Tag{Text: views.Msg("person.family.kin.twin"), Color: "info"})
		}
		if s.Kin == family.Half {
			tags = append(tags, views.Tag{Text: views.Msg("person.family.kin.half"), Color: "neutral"})
		}
	}
	if rel.NIN == "" {
		w := rel.Without
		title := views.Msg("person.name.unknown")
		var facts []views.Fact
		if w != nil {
			if w.Name != nil {
				if n := fullName(w.Name.GivenName, w.Name.MiddleName, w.Name.FamilyName); n != "" {
					title = views.Plain(n)
				}
			}
			facts = append(facts,
				kv("person.birth.date", dateOf(w.BirthDate)),
				kv("person.gender", enumName("person.enum.gender", string(w.Gender))),
				kv("person.citizenship", country(w.Citizenship)))
		}
		facts = append(facts, kv("person.family.no_number", views.Msg("person.family.no_number.text")))
		return item(title, rel.Meta, append(roleFacts, facts...)...)
	}
	r := rels[rel.NIN]
	if r == nil {
		it := item(views.Msg("person.family.not_found"), rel.Meta, roleFacts...)
		it.Tags = tags
		it.TestID = "relative"
		return it
	}
	facts := roleFacts
	if b := r.CurrentBirth(); b != nil {
		facts = append(facts, kv("person.birth.date", dateOf(b.BirthDate)))
	}
	facts = append(facts, kv("person.age", ageOf(r, now)))
	if d := r.Death; d != nil && d.Current() {
		facts = append(facts, kv("person.death.date", dateOf(d.DeceasedDate)))
	}
	facts = append(facts, kv("person.family.responsibility", responsibility(rel.NIN, p)))
	if sr := person.First(r.SharedResidence); sr != nil && (rel.Role == person.RelationChild) {
		text := views.Msg("person.yes")
		if from := dateOf(sr.ContractValidFrom); !from.IsZero() {
			text = views.Msg("person.family.shared.since", from)
		}
		facts = append(facts, kv("person.address.shared", text))
	}
	if rule := protection.OfRelative(r); rule.Protected() {
		tags = append(tags, protectionTag(rule.Level()))
		facts = append(facts, kv("person.family.address", views.Msg("person.protected.why.relative")))
	}
	if d := r.Death; d != nil && d.Current() {
		tags = append(tags, views.Tag{Text: views.Msg("person.label.deceased"), Color: "neutral"})
	}
	title := plain(nameOf(r))
	if title.IsZero() {
		title = views.Msg("person.name.unknown")
	}
	it := item(title, rel.Meta, facts...)
	it.Tags = tags
	it.Href = link(rel.NIN)
	it.TestID = "relative"
	return it
}

// siblingKin says how a sibling found through the parents is related:
// full, half on which side, or a shared parent with the rest not known.
func siblingKin(s family.DerivedSibling) views.Text {
	switch s.Kin {
	case family.Full:
		return views.Msg("person.family.kin.full")
	case family.Half:
		return views.Msg("person.family.kin.half." + string(s.Via))
	}
	if s.Via == "" {
		return views.Text{}
	}
	return views.Msg("person.family.kin.unknown." + string(s.Via))
}

// responsibility says who has parental responsibility between the person
// and a relative, in either direction, or "".
func responsibility(relNIN string, p *person.Person) views.Text {
	pr, theirs := family.Responsibility(p, relNIN)
	if pr == nil {
		return views.Text{}
	}
	typ := enumName("person.enum.responsibility", string(pr.ResponsibilityType))
	if theirs {
		return views.Msg("person.family.responsibility.theirs", typ)
	}
	return views.Msg("person.family.responsibility.mine", typ)
}
