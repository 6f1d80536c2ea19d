package hprsim

import (
	"github.com/oppslag/oppslag/clients/hpr"
)

// project returns what a request may see of p: a deep copy with
// gjelderForDato set, the personal data dropped for the basic shape, and
// without history only the items whose period covers the day. Lists are
// never null, as a serialiser of empty collections writes them.
func project(p hpr.Personnel, v view) hpr.Personnel {
	keep := func(per hpr.Period) bool { return v.includeHistory || per.Covers(v.day) }
	out := p
	out.Unread = nil // the client's own notes, not register data
	out.ValidForDate = v.day
	if !v.extended {
		// INFERENCE: the basic scope carries no personal data (upstreams.md §3.2).
		out.Person.NIN = ""
		out.Person.BirthDate = hpr.Date{}
		out.Person.MissingNIN = false
	}
	if p.ReplacedBy != nil {
		n := *p.ReplacedBy
		out.ReplacedBy = &n
	}
	out.Reactions = reactions(p.Reactions, keep)
	out.Approvals = []hpr.Approval{}
	for _, a := range p.Approvals {
		if !keep(a.Period) {
			continue
		}
		c := a
		c.RequisitionRights = rights(a.RequisitionRights, keep)
		c.Specialities = rights(a.Specialities, keep)
		c.Competences = rights(a.Competences, keep)
		c.Conditions = append([]hpr.Condition{}, a.Conditions...)
		c.Reactions = reactions(a.Reactions, keep)
		c.Ended = code(a.Ended)
		out.Approvals = append(out.Approvals, c)
	}
	return out
}

func rights(in []hpr.Right, keep func(hpr.Period) bool) []hpr.Right {
	out := []hpr.Right{}
	for _, r := range in {
		if !keep(r.Period) {
			continue
		}
		c := r
		c.Ended = code(r.Ended)
		if r.Reactions != nil {
			c.Reactions = reactions(r.Reactions, keep)
		}
		out = append(out, c)
	}
	return out
}

func reactions(in []hpr.Reaction, keep func(hpr.Period) bool) []hpr.Reaction {
	out := []hpr.Reaction{}
	for _, r := range in {
		if keep(r.Period) {
			out = append(out, r)
		}
	}
	return out
}

func code(c *hpr.Code) *hpr.Code {
	if c == nil {
		return nil
	}
	v := *c
	return &v
}
