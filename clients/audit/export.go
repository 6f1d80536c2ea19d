package audit

import (
	"encoding/json"
	"fmt"
	"io"
)

// WriteNDJSON writes recs to w as newline-delimited JSON, one record per
// line, in the package's own shape (the JSON tags of Record, Event and
// Actor, times in RFC 3339 UTC). The HL7 FHIR AuditEvent shape comes with a
// later issue; this export is for auditors and for checking the chain
// outside the portal, so it carries Seq, PrevHash and Hash.
func WriteNDJSON(w io.Writer, recs []Record) error {
	enc := json.NewEncoder(w) // Encode ends each value with a newline
	for _, r := range recs {
		if err := enc.Encode(r); err != nil {
			return fmt.Errorf("audit: export: seq %d: %w", r.Seq, err)
		}
	}
	return nil
}
