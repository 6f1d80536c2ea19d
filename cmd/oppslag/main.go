// Command oppslag is the Oppslag portal. With no configuration it starts the
// portal with every upstream simulated on loopback (the embedded demo).
//
//	oppslag                serve (the default)
//	oppslag serve          serve
//	oppslag simulators     every upstream simulated, as one service for several portals; prints their settings
//	oppslag synth          print synthetic persons as JSON lines (--where KIND, --limit N, --full)
//	oppslag audit verify   check the audit trail's hash chain against its signed checkpoints
//	oppslag audit search   list audit records by filter (--hpr, --user, --org, --from, --to, --resource, --action, --outcome, --basis)
//	oppslag audit export   the same records as FHIR AuditEvent NDJSON on stdout
//	oppslag version        print the version and VCS revision (also --version)
//
// The wiring is in cmd/internal/app; the benchmark harness is its own
// command, cmd/oppslag-bench.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"

	"github.com/oppslag/oppslag/cmd/internal/app"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "oppslag:", err)
		os.Exit(1)
	}
}

// run is the whole program; main only calls it, and tests start the same run.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 {
		cmd = args[0]
	}
	switch {
	case cmd == "serve":
		return app.Serve(ctx, getenv, stdout, stderr)
	case cmd == "simulators":
		return app.Simulators(ctx, args[1:], getenv, stdout, stderr)
	case cmd == "synth":
		return app.Synth(args[1:], getenv, stdout, stderr)
	case cmd == "audit" && len(args) > 1 && args[1] == "verify":
		return app.VerifyAudit(ctx, getenv, stdout)
	case cmd == "audit" && len(args) > 1 && (args[1] == "export" || args[1] == "search"):
		return app.AuditCLI(ctx, args[1:], getenv, stdout, stderr)
	case cmd == "bench":
		// The harness links chromedp and the load generator; the shipped
		// binary does not.
		return fmt.Errorf("bench is its own command now: %s", strings.TrimSpace("go run ./cmd/oppslag-bench "+strings.Join(args[1:], " ")))
	case cmd == "version" || cmd == "--version" || cmd == "-version":
		fmt.Fprintln(stdout, versionLine(debug.ReadBuildInfo()))
		return nil
	case cmd == "help" || cmd == "-h" || cmd == "--help":
		fmt.Fprintln(stdout, "usage: oppslag [serve | version | simulators [--portal URL]… [--keys DIR] [--issuer URL] [--seed N] [--persons N] [--<name>-addr HOST:PORT] | synth [--where KIND] [--limit N] [--full] [--hostile] | audit verify | audit search [filters] | audit export [filters]]\n"+
			"configuration: OPPSLAG_* environment variables (see README.md); the benchmark harness: go run ./cmd/oppslag-bench")
		return nil
	default:
		return fmt.Errorf("unknown command %q (try: oppslag help)", strings.Join(args, " "))
	}
}

// version and revision are set at link time by deploy/image.sh
// (-ldflags "-X main.version=… -X main.revision=…"). Left empty, the build
// info answers: the module version go install stamps, and the VCS revision
// go build stamps unless -buildvcs=false.
var version, revision string

// versionLine is what oppslag --version prints: "oppslag VERSION (REVISION,
// GOVERSION)", with "(devel)" and "unknown" where nothing says more.
func versionLine(info *debug.BuildInfo, ok bool) string {
	v, rev, goVersion := version, revision, "unknown"
	if ok {
		goVersion = info.GoVersion
		if v == "" {
			v = info.Main.Version
		}
		for _, s := range info.Settings {
			if s.Key == "vcs.revision" && rev == "" {
				rev = s.Value
			}
		}
	}
	if v == "" {
		v = "(devel)"
	}
	if rev == "" {
		rev = "unknown"
	}
	return fmt.Sprintf("oppslag %s (%s, %s)", v, rev, goVersion)
}
