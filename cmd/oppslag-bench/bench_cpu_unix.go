//go:build unix

package main

import (
	"fmt"
	"syscall"
	"time"
)

// processCPU is the user plus system CPU time this process has used, all
// threads together (getrusage RUSAGE_SELF).
func processCPU() (time.Duration, error) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, fmt.Errorf("process CPU time: getrusage: %w", err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), nil
}
