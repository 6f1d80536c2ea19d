package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestProductLinksNoHarness keeps the benchmark harness's dependencies out
// of the shipped binary: the harness is cmd/oppslag-bench, and nothing the
// product imports may pull chromedp (or the harness) back in. Test files
// may use chromedp (the browser tests); go list -deps without -test leaves
// them out, as the linker does.
func TestProductLinksNoHarness(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "github.com/oppslag/oppslag/cmd/oppslag").CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps: %v\n%s", err, out)
	}
	deps := strings.Fields(string(out))
	if len(deps) < 10 {
		t.Fatalf("go list -deps listed %d packages; want the product's dependencies:\n%s", len(deps), out)
	}
	for _, pkg := range deps {
		if strings.HasPrefix(pkg, "github.com/chromedp/") || strings.HasPrefix(pkg, "github.com/oppslag/oppslag/cmd/oppslag-bench") {
			t.Errorf("the oppslag binary links %s; the harness belongs in cmd/oppslag-bench", pkg)
		}
	}
}
