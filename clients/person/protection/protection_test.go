package protection

import (
	"fmt"
	"testing"

	"github.com/oppslag/oppslag/clients/person"
	"github.com/oppslag/oppslag/clients/tolerant"
)

// meta is an item's metadata: valid from from to to (YYYY-MM-DD, "" open).
func meta(from, to string) person.Meta {
	m := person.Meta{IsValid: person.Bool(to == "")}
	if from != "" {
		d, err := person.ParseDateTime(from)
		if err != nil {
			panic(err)
		}
		m.ValidFrom, m.RegisteredAt = d, d
	}
	if to != "" {
		d, err := person.ParseDateTime(to)
		if err != nil {
			panic(err)
		}
		m.ValidTo = d
	}
	return m
}

const newLevel person.AddressConfidentiality = "SomethingNew" // a grade the API may add later

var gradings = []person.AddressConfidentiality{"", person.Unclassified, person.ClientAddress,
	person.Confidential, person.StrictlyConfidential, newLevel}

// hides is S19's list of levels that hide an address, written out here
// rather than taken from the rule.
var hides = map[person.AddressConfidentiality]bool{person.Confidential: true, person.StrictlyConfidential: true, newLevel: true}

// TestS19_Decide covers every person grading × item grading × current or
// historic item × past protection period (none, overlapping, not
// overlapping) × the person looked up or a relative.
func TestS19_Decide(t *testing.T) {
	items := map[string]person.Meta{
		"current":  meta("2020-01-01", ""),
		"historic": meta("2001-01-01", "2004-01-01"),
	}
	pasts := map[string]*person.AddressProtection{
		"no past period":       nil,
		"past period overlaps": {Meta: meta("2002-01-01", "2003-01-01"), ProtectionLevel: person.StrictlyConfidential},
		"past period apart":    {Meta: meta("1990-01-01", "1995-01-01"), ProtectionLevel: person.Confidential},
	}
	for _, personLevel := range gradings {
		for _, grade := range gradings {
			for itemName, m := range items {
				for pastName, past := range pasts {
					for _, relative := range []bool{false, true} {
						name := fmt.Sprintf("person=%q/item=%q/%s/%s/relative=%v", personLevel, grade, itemName, pastName, relative)
						t.Run(name, func(t *testing.T) {
							p := &person.Person{}
							if past != nil {
								p.AddressProtection = append(p.AddressProtection, *past)
							}
							if personLevel != "" {
								p.AddressProtection = append(p.AddressProtection,
									person.AddressProtection{Meta: meta("2010-01-01", ""), ProtectionLevel: personLevel})
							}
							rule := Of(p)
							if relative {
								rule = OfRelative(p)
							}
							got := rule.Decide(m, grade)

							var want Verdict
							overlaps := pastName == "past period overlaps" && itemName == "historic" ||
								// a current protection from 2010 is itself a period the current item overlaps
								hides[personLevel] && itemName == "current"
							switch {
							case hides[personLevel]:
								want = Verdict{Hidden: true, Cause: Person, Level: personLevel}
							case hides[grade]:
								want = Verdict{Hidden: true, Cause: Item, Level: grade}
							case overlaps:
								want = Verdict{Hidden: true, Cause: Past, Level: past.ProtectionLevel}
							case relative:
								want = Verdict{Hidden: true, Cause: Relative}
							case grade == person.ClientAddress:
								want = Verdict{Level: person.ClientAddress}
							}
							if got != want {
								t.Errorf("Decide = %+v, want %+v", got, want)
							}
							if got.Hidden == false && relative {
								t.Errorf("a relative's address is shown")
							}
							if rule.Level() != personLevel || rule.Protected() != hides[personLevel] {
								t.Errorf("Level %q Protected %v, want %q %v", rule.Level(), rule.Protected(), personLevel, hides[personLevel])
							}
						})
					}
				}
			}
		}
	}
}

func TestS19_StrictestCurrentLevel(t *testing.T) {
	cur := meta("2010-01-01", "")
	tests := []struct {
		levels []person.AddressConfidentiality
		want   person.AddressConfidentiality
	}{
		{nil, ""},
		{[]person.AddressConfidentiality{person.Unclassified, person.Confidential}, person.Confidential},
		{[]person.AddressConfidentiality{person.StrictlyConfidential, person.Confidential}, person.StrictlyConfidential},
		{[]person.AddressConfidentiality{person.ClientAddress, person.Unclassified}, person.ClientAddress},
		{[]person.AddressConfidentiality{person.StrictlyConfidential, newLevel}, newLevel},
	}
	for _, tt := range tests {
		p := &person.Person{}
		for _, l := range tt.levels {
			p.AddressProtection = append(p.AddressProtection, person.AddressProtection{Meta: cur, ProtectionLevel: l})
		}
		if got := Of(p).Level(); got != tt.want {
			t.Errorf("levels %v: Level %q, want %q", tt.levels, got, tt.want)
		}
	}
	// A historic item, however strict, is not the current level.
	p := &person.Person{AddressProtection: []person.AddressProtection{{Meta: meta("2000-01-01", "2001-01-01"), ProtectionLevel: person.StrictlyConfidential}}}
	if Of(p).Protected() {
		t.Errorf("a past protection protects the person now")
	}
}

// TestS19_FailsClosed: what the rule cannot read hides the address.
func TestS19_FailsClosed(t *testing.T) {
	if v := Of(nil).Decide(meta("2020-01-01", ""), ""); !v.Hidden {
		t.Errorf("a nil document shows an address")
	}
	past := &person.Person{AddressProtection: []person.AddressProtection{
		{Meta: meta("2000-01-01", "2001-01-01"), ProtectionLevel: person.Confidential}}}
	odd := person.Meta{ValidFrom: tolerant.Unreadable("mars 2022"), IsValid: person.Bool(false)}
	if v := Of(past).Decide(odd, ""); !v.Hidden || v.Cause != Past {
		t.Errorf("an item with an unreadable start is not kept in the past period: %+v", v)
	}
	undated := &person.Person{AddressProtection: []person.AddressProtection{
		{Meta: person.Meta{IsValid: person.Bool(false)}, ProtectionLevel: person.Confidential}}}
	if v := Of(undated).Decide(meta("2020-01-01", ""), ""); !v.Hidden {
		t.Errorf("an undated past protection does not cover every item")
	}
	// A period ends on its validTo day: an item from that day is shown.
	if v := Of(past).Decide(meta("2001-01-01", ""), ""); v.Hidden {
		t.Errorf("an item starting the day the protection ended is hidden")
	}
}
