//go:build !unix

package main

import (
	"errors"
	"runtime"
	"time"
)

// processCPU is not available here: B2 reports it as not measurable.
func processCPU() (time.Duration, error) {
	return 0, errors.New("process CPU time: not supported on " + runtime.GOOS)
}
