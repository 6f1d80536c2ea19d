package main

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
)

// productPackage is the shipped command: the binary B9 measures idle and
// B13 kills.
const productPackage = "github.com/oppslag/oppslag/cmd/oppslag"

// buildProduct builds the oppslag binary into dir with the go command on
// PATH, once per run, and returns its path. It is built from the module the
// harness runs in, so the harness measures the code beside it.
func buildProduct(ctx context.Context, dir string) (string, error) {
	exe := filepath.Join(dir, "oppslag")
	if runtime.GOOS == "windows" {
		exe += ".exe"
	}
	cmd := exec.CommandContext(ctx, "go", "build", "-o", exe, productPackage)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("go build %s (run the harness from the repository, or name a built binary with -oppslag): %v: %s",
			productPackage, err, strings.TrimSpace(out.String()))
	}
	return exe, nil
}
