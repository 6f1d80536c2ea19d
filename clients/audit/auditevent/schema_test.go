package auditevent

import (
	"bytes"
	"compress/gzip"
	"os"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/oppslag/oppslag/clients/audit"
)

// Every kind of record the portal writes becomes an AuditEvent that HL7's
// own JSON Schema for FHIR R4 accepts (testdata/fhir/README.md): an
// outside reading of the base specification, beside our own Validate.
func TestExportValidatesAgainstHL7Schema(t *testing.T) {
	schema := fhirSchema(t)
	var buf bytes.Buffer
	enc := NewEncoder(&buf)
	names := []string{}
	for name, r := range records {
		names = append(names, name)
		if err := enc.Encode(r); err != nil {
			t.Fatalf("%s: Encode: %v", name, err)
		}
	}
	// And a record with every field empty that may be: the least the
	// export can write.
	if err := enc.Encode(audit.Record{Seq: 1, Event: audit.Event{Time: at, Resource: "session", Action: "logout", Outcome: audit.Success}}); err != nil {
		t.Fatal(err)
	}
	names = append(names, "bare logout")
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if len(lines) != len(names) {
		t.Fatalf("%d lines for %d records", len(lines), len(names))
	}
	for i, line := range lines {
		v, err := jsonschema.UnmarshalJSON(strings.NewReader(line))
		if err != nil {
			t.Fatalf("%s: not JSON: %v", names[i], err)
		}
		if err := schema.Validate(v); err != nil {
			t.Errorf("%s: HL7's FHIR R4 schema refuses the line: %v\n%s", names[i], err, line)
		}
	}

	// The schema is not a formality: it refuses what R4 forbids.
	bad := map[string]string{
		"an unknown element":   `{"resourceType":"AuditEvent","type":{"code":"110110"},"recorded":"2026-11-21T09:30:15Z","agent":[{"requestor":true}],"source":{"observer":{"display":"x"}},"colour":"red"}`,
		"a date that is not":   `{"resourceType":"AuditEvent","type":{"code":"110110"},"recorded":"21.11.2026","agent":[{"requestor":true}],"source":{"observer":{"display":"x"}}}`,
		"no agent":             `{"resourceType":"AuditEvent","type":{"code":"110110"},"recorded":"2026-11-21T09:30:15Z","source":{"observer":{"display":"x"}}}`,
		"a code with a space ": `{"resourceType":"AuditEvent","type":{"code":"110110"},"action":"R X","recorded":"2026-11-21T09:30:15Z","agent":[{"requestor":true}],"source":{"observer":{"display":"x"}}}`,
	}
	for name, doc := range bad {
		v, err := jsonschema.UnmarshalJSON(strings.NewReader(doc))
		if err != nil {
			t.Fatal(err)
		}
		if schema.Validate(v) == nil {
			t.Errorf("%s: the schema accepted it", name)
		}
	}
}

// fhirSchema compiles the AuditEvent of HL7's FHIR R4 JSON Schema.
func fhirSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open("testdata/fhir/fhir.schema.json.gz")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(zr)
	if err != nil {
		t.Fatal(err)
	}
	// The schema says draft-06 and names itself by "id" (draft-04's
	// keyword, which draft-06 renamed "$id"): compile it as draft-06
	// under a URL of our own.
	const url = "file:///fhir.schema.json"
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft6)
	if m, ok := doc.(map[string]any); ok {
		delete(m, "id")
		delete(m, "$schema")
	}
	if err := c.AddResource(url, doc); err != nil {
		t.Fatal(err)
	}
	// The AuditEvent definition alone: the whole schema is a oneOf over
	// every resource type, slow to check and no stricter for this one.
	s, err := c.Compile(url + "#/definitions/AuditEvent")
	if err != nil {
		t.Fatalf("compile HL7's schema: %v", err)
	}
	return s
}
