// Package app is the wiring of the Oppslag portal: the configuration read
// from OPPSLAG_* variables, Serve (stores, HelseID, the upstream clients,
// the web server, graceful shutdown), the demo's simulators for every
// upstream left unset, and the product's other subcommands (Synth,
// VerifyAudit).
//
// It lives under cmd/internal so that exactly two commands can import it:
// cmd/oppslag, the shipped binary, whose main only dispatches to it, and
// cmd/oppslag-bench, the benchmark harness, which starts the same product
// in its own process for the figures measured in-process. Go's internal
// rule keeps everything outside cmd (web, handlers, clients, views) from
// importing it, so imports still flow one way: cmd → web → handlers.
// The harness is a separate command so that the product binary links none
// of the harness's dependencies (chromedp above all).
package app
