package lookups

import "github.com/oppslag/oppslag/clients/audit"

// OpenedBy is what one request's records (one correlation id, about one
// patient) opened, as "My lookups" words it; the auditor's "who looked at
// this patient" (clients/audit/accesses) reads pages the same way.
func OpenedBy(recs []audit.Record) Opened { return openedBy(recs) }
