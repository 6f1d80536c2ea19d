package auditevent

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Validate checks one exported line (or any AuditEvent in JSON) for the
// elements FHIR R4 requires of an AuditEvent and, when it claims Profile
// in meta.profile, for those the profile adds: the patient extension, an
// agent.who PractitionerRole with practitioner, organization and location,
// an identified practitioner and patient, and a v3 PurposeOfUse coding.
// Contained references ("#id") must resolve. It is not a FHIR validator
// (no terminology, no invariants); it is what a reader of the export may
// rely on, checked the same way in every test that reads one.
func Validate(data []byte) error {
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		return fmt.Errorf("auditevent: not a JSON object: %w", err)
	}
	var errs []error
	fail := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if rt, _ := m["resourceType"].(string); rt != "AuditEvent" {
		fail("resourceType is %q, want AuditEvent", rt)
	}
	if code, _ := obj(m, "type")["code"].(string); code == "" {
		fail("type has no code")
	}
	if rec, _ := m["recorded"].(string); !instant(rec) {
		fail("recorded %q is no FHIR instant", rec)
	}
	if o, ok := m["outcome"]; ok && !slices.Contains([]any{"0", "4", "8", "12"}, o) {
		fail("outcome %v is not 0, 4, 8 or 12", o)
	}
	if a, ok := m["action"]; ok && !slices.Contains([]any{"C", "R", "U", "D", "E"}, a) {
		fail("action %v is not C, R, U, D or E", a)
	}
	agents := list(m, "agent")
	if len(agents) == 0 {
		fail("no agent")
	}
	for i, a := range agents {
		if _, ok := asObj(a)["requestor"].(bool); !ok {
			fail("agent[%d] has no requestor", i)
		}
	}
	if _, ok := obj(m, "source")["observer"].(map[string]any); !ok {
		fail("source has no observer")
	}

	contained := map[string]map[string]any{}
	for _, c := range list(m, "contained") {
		co := asObj(c)
		id, _ := co["id"].(string)
		contained[id] = co
	}
	// resolve follows a contained reference to a resource of type rt.
	resolve := func(ref any, rt, what string) map[string]any {
		r, _ := asObj(ref)["reference"].(string)
		c, ok := contained[strings.TrimPrefix(r, "#")]
		if !strings.HasPrefix(r, "#") || !ok {
			fail("%s: reference %q is not to a contained resource", what, r)
			return nil
		}
		if got, _ := c["resourceType"].(string); got != rt {
			fail("%s: refers to a %s, want %s", what, got, rt)
			return nil
		}
		return c
	}
	identified := func(c map[string]any, what string) {
		for _, id := range list(c, "identifier") {
			if v, _ := asObj(id)["value"].(string); v != "" {
				return
			}
		}
		fail("%s has no identifier value", what)
	}

	if !slices.Contains(list(obj(m, "meta"), "profile"), any(Profile)) {
		return errors.Join(errs...)
	}
	patients := 0
	for _, x := range list(m, "extension") {
		if xo := asObj(x); xo["url"] == ExtensionPatient {
			patients++
			if p := resolve(xo["valueReference"], "Patient", "_patient"); p != nil {
				identified(p, "patient")
			}
		}
	}
	if patients != 1 {
		fail("%d patient extensions, want 1", patients)
	}
	for i, a := range agents {
		who, ok := asObj(a)["who"]
		if !ok {
			fail("agent[%d] has no who", i)
			continue
		}
		role := resolve(who, "PractitionerRole", "agent.who")
		if role == nil {
			continue
		}
		if p := resolve(role["practitioner"], "Practitioner", "practitioner"); p != nil {
			identified(p, "practitioner")
		}
		if org, ok := role["organization"]; !ok {
			fail("practitioner role has no organization")
		} else if o := resolve(org, "Organization", "organization"); o != nil {
			identified(o, "organization")
		}
		if locs := list(role, "location"); len(locs) != 1 {
			fail("practitioner role has %d locations, want 1", len(locs))
		} else {
			resolve(locs[0], "Location", "location")
		}
	}
	purpose := false
	for _, p := range list(m, "purposeOfEvent") {
		for _, c := range list(asObj(p), "coding") {
			if asObj(c)["system"] == SystemActReason {
				purpose = true
			}
		}
	}
	if !purpose {
		fail("no purpose of use (v3 PurposeOfUse)")
	}
	return errors.Join(errs...)
}

func asObj(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

func obj(m map[string]any, key string) map[string]any { return asObj(m[key]) }

func list(m map[string]any, key string) []any {
	l, _ := m[key].([]any)
	return l
}

// instant reports whether s is a FHIR instant: a date-time to the second
// at least, with a zone.
func instant(s string) bool {
	t, err := time.Parse(time.RFC3339Nano, s)
	return err == nil && !t.IsZero() && len(s) >= len("2006-01-02T15:04:05Z")
}
