package auditevent

import (
	"encoding/json"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
)

// The corpus in testdata/ig is the guide's own examples, as published on
// its gh-pages branch (HL7Norway/AuditEvent, commit 3cd32b73,
// currentbuild/AuditEvent-NOBasisAuditeventInstance{1,3}.json): a hospital
// and a municipality doctor opening a patient's documents.

// notCarried are the guide's elements the export leaves out, each with why.
var notCarried = map[string]string{
	"text":                     "the narrative is generated for display; an export line is data",
	"id":                       "",
	"contained.*.meta.profile": "the contained resources claim no profile of their own; the AuditEvent does",
	"contained.Encounter":      "the portal knows no encounter",
	"extension[auditevent-encounter-extension]":                "the portal knows no encounter",
	"extension[auditevent-carerelation-metadata-extension]":    "no access decision reference or attestation time",
	"contained.Organization.name":                              "HelseID gives organisation numbers, not names",
	"contained.Organization.partOf":                            "no department (RESH id)",
	"contained.Location":                                       "", // checked below without the encounter's
	"contained.Practitioner.qualification.code.coding.display": "the HPR role is kept as its code",
	"source.observer.reference":                                "the portal is no FHIR Device; the observer is named by display",
	"entity.what.reference":                                    "",
}

// TestShapeOfTheGuidesExamples checks that an export line for a comparable
// record (a clinician opening a patient's data) has every element the
// guide's examples have, but for those notCarried.
func TestShapeOfTheGuidesExamples(t *testing.T) {
	ours := pathsOf(t, From(records["lab_view"]))
	files, err := filepath.Glob(filepath.Join("testdata", "ig", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no corpus: %v", err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			var ex map[string]any
			if err := json.Unmarshal(b, &ex); err != nil {
				t.Fatal(err)
			}
			for _, p := range paths(ex) {
				if !ours[p] && !carriedElsewhere(p) {
					t.Errorf("the guide has %s; the export does not", p)
				}
			}
		})
	}
}

// TestValidateAcceptsTheGuidesExamples checks Validate against the
// guide's own examples, once the numbers they put in identifier.id are
// moved to identifier.value where FHIR has them (see Identifier).
func TestValidateAcceptsTheGuidesExamples(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "ig", "*.json"))
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			var ex map[string]any
			if err := json.Unmarshal(b, &ex); err != nil {
				t.Fatal(err)
			}
			for _, c := range list(ex, "contained") {
				for _, id := range list(asObj(c), "identifier") {
					if o := asObj(id); o["value"] == nil && o["id"] != nil {
						o["value"] = o["id"]
					}
				}
			}
			b, _ = json.Marshal(ex)
			if err := Validate(b); err != nil {
				t.Errorf("Validate: %v", err)
			}
		})
	}
}

func carriedElsewhere(p string) bool {
	for prefix := range notCarried {
		if ok, _ := path.Match(prefix, p); ok {
			return true
		}
		if p == prefix || strings.HasPrefix(p, prefix+".") {
			// A Location the guide hangs off the encounter is not ours;
			// the practitioner's point of care is (pathsOf has it).
			return prefix != "contained.Location" || !strings.HasPrefix(p, "contained.Location.managingOrganization")
		}
	}
	return false
}

func pathsOf(t *testing.T, e AuditEvent) map[string]bool {
	t.Helper()
	b, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, p := range paths(m) {
		out[p] = true
	}
	return out
}

// paths lists the element paths of a resource, leaves only: arrays
// collapse, contained resources are named by type, extensions by the last
// part of their URL, and identifier.id counts as identifier.value.
func paths(m map[string]any) []string {
	var out []string
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, c := range x {
				walk(prefix+"."+k, c)
			}
		case []any:
			for _, c := range x {
				walk(prefix, c)
			}
		default:
			out = append(out, strings.TrimPrefix(prefix, "."))
		}
	}
	for k, v := range m {
		switch k {
		case "contained":
			for _, c := range v.([]any) {
				co := asObj(c)
				rt, _ := co["resourceType"].(string)
				for ck, cv := range co {
					if ck == "identifier" {
						for _, id := range cv.([]any) {
							if o := asObj(id); o["id"] != nil {
								o["value"], o["id"] = o["id"], nil
								delete(o, "id")
							}
						}
					}
					if ck != "resourceType" && ck != "id" {
						walk("contained."+rt+"."+ck, cv)
					}
				}
			}
		case "extension":
			for _, x := range v.([]any) {
				xo := asObj(x)
				u, _ := xo["url"].(string)
				name := u[strings.LastIndexAny(u, "/:")+1:]
				for xk, xv := range xo {
					if xk != "url" {
						walk("extension["+name+"]."+xk, xv)
					}
				}
			}
		default:
			walk(k, v)
		}
	}
	sort.Strings(out)
	return slices.Compact(out)
}
