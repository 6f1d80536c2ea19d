// Command oppslag-bench is the benchmark harness of the performance spec: it
// prints one line per figure (ID name value target PASS|FAIL|SKIP) and exits
// non-zero when a figure misses its target.
//
//	go run ./cmd/oppslag-bench                  every figure (a few minutes)
//	go run ./cmd/oppslag-bench -quick           small sizes, a fast look
//	go run ./cmd/oppslag-bench -only B12,B13    some figures (CI's short form adds sizes)
//
// It is a command of its own so that the shipped oppslag binary links none
// of it (chromedp, the load generator). It starts the product through
// cmd/internal/app in this process, and as the built oppslag binary where a
// figure needs a process of its own (B9 idle RSS, B13 kill -9); run it from
// the repository, or name a built binary with -oppslag.
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
		fmt.Fprintln(os.Stderr, "oppslag-bench:", err)
		os.Exit(1)
	}
}
