package app

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/oppslag/oppslag/clients/audit"
	"github.com/oppslag/oppslag/clients/audit/auditevent"
	"github.com/oppslag/oppslag/views/i18n"
)

// AuditCLI is `oppslag audit export` and `oppslag audit search` (args[0]
// names which) over the audit trail at OPPSLAG_DATABASE_URL, with the
// filters of the web's search and export as flags of the same names
// (--hpr, --user, --org, --from, --to, --resource, --action, --outcome,
// --basis; dates YYYY-MM-DD in Norwegian days, today when left out).
//
// export writes one FHIR AuditEvent per line (NDJSON, package auditevent)
// to stdout, exactly what GET /audit/export.ndjson sends. search writes a
// table to read on screen, oldest first, one record per line; it masks the
// patient's number to the birth date, since a terminal's scrollback is no
// place for identity numbers, and whoever needs the number uses export.
// Both read the records as they go, so any period fits in memory.
//
// Each run is itself recorded first (resource "audit", actor "command
// line" and $USER, the filter as the reason), as every export and search
// in the portal is: reading the log leaves a trace even from a shell, and
// a store that cannot record refuses the run.
func AuditCLI(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || (args[0] != "export" && args[0] != "search") {
		return errors.New("audit: want export or search")
	}
	cmd := args[0]
	fs := flag.NewFlagSet("audit "+cmd, flag.ContinueOnError)
	fs.SetOutput(stderr)
	values := map[string]*string{}
	for _, name := range audit.SearchParams {
		values[name] = fs.String(name, "", cliUsage[name])
	}
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("audit %s: unexpected argument %q", cmd, fs.Arg(0))
	}
	filter, err := audit.ParseSearchFilter(func(k string) string { return *values[k] }, time.Now(), i18n.Oslo())
	if err != nil {
		return fmt.Errorf("audit %s: %w", cmd, err)
	}
	cfg, err := LoadConfig(getenv)
	if err != nil {
		return err
	}
	store, err := audit.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return fmt.Errorf("OPPSLAG_DATABASE_URL: %w", err)
	}
	defer store.Close()
	if _, err := store.Record(ctx, cliEvent(cmd, filter, getenv("USER"))); err != nil {
		return fmt.Errorf("audit %s: recording this %s: %w", cmd, cmd, err)
	}

	w := bufio.NewWriter(stdout)
	var each func(audit.Record) error
	if cmd == "export" {
		enc := auditevent.NewEncoder(w)
		each = enc.Encode
	} else {
		fmt.Fprintf(w, tableFormat, "SEQ", "TIME (OSLO)", "USER", "HPR", "ORG", "RESOURCE", "ACTION", "BASIS", "OUTCOME", "PATIENT")
		each = func(r audit.Record) error {
			org := r.Actor.OrgChild
			if org == "" {
				org = r.Actor.OrgParent
			}
			_, err := fmt.Fprintf(w, tableFormat, fmt.Sprint(r.Seq), r.Time.In(i18n.Oslo()).Format(time.DateTime),
				cell(r.Actor.Name, 24), cell(r.Actor.HPRNumber, 10), cell(org, 9), cell(r.Resource, 8),
				cell(r.Action, 16), cell(r.AccessBasis, 17), cell(string(r.Outcome), 14), maskNumber(r.Patient))
			return err
		}
	}
	if err := audit.Stream(ctx, store, filter, each); err != nil {
		w.Flush()
		return fmt.Errorf("audit %s: %w", cmd, err)
	}
	return w.Flush()
}

// tableFormat lays out search's table in fixed columns, so that it can be
// written as the rows come instead of measured first.
const tableFormat = "%-8s %-19s %-24s %-10s %-9s %-8s %-16s %-17s %-14s %s\n"

var cliUsage = map[string]string{
	"hpr":      "the user's HPR number",
	"user":     "part of the user's name",
	"org":      "the user's organisation number (legal entity or sub-unit)",
	"from":     "first day, YYYY-MM-DD (default today)",
	"to":       "last day, YYYY-MM-DD, included (default today)",
	"resource": "person, family, krr, lab, hpr, session, audit, ...",
	"action":   "view, print, search, emergency_access, review, export, ...",
	"outcome":  "granted, denied, restricted, upstream_error, success, failure",
	"basis":    "access basis: UNNTAK, SAMTYKKE, FORHOYET_SAMTYKKE, AKUTT, FORHOYET_AKUTT",
}

// cliEvent is the record of one command-line export or search.
func cliEvent(cmd string, f audit.SearchFilter, user string) audit.Event {
	q := f.Params(i18n.Oslo())
	fields := slices.Sorted(func(yield func(string) bool) {
		for k := range q {
			if !yield(k) {
				return
			}
		}
	})
	name := "command line"
	if user = strings.TrimSpace(user); user != "" {
		name += ": " + user
	}
	return audit.Event{Actor: audit.Actor{Name: name}, Resource: "audit", Action: cmd,
		Reason: q.Encode(), Fields: fields, Outcome: audit.Success}
}

// cell cuts s to n characters, so one long name does not shift the row.
func cell(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// maskNumber keeps an identity number's first six digits (the birth date,
// enough to tell records apart on screen) and hides the rest.
func maskNumber(s string) string {
	switch {
	case s == "":
		return ""
	case len(s) == 11:
		return s[:6] + "*****"
	}
	return "*****"
}
