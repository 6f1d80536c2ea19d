// Command oppslag is the Oppslag portal. With no configuration it starts the
// portal with every upstream simulated on loopback (the embedded demo).
//
//	oppslag                serve (the default)
//	oppslag serve          serve
//	oppslag synth          print synthetic persons as JSON lines (--where KIND, --limit N, --full)
//	oppslag audit verify   check the audit trail's hash chain
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "oppslag:", err)
		os.Exit(1)
	}
}
