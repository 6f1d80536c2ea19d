// Package deploy_test keeps the deployment examples in step with the code:
// deploy/nais.yaml and deploy/oppslag.service name only variables the
// portal reads, probe the routes it serves, and open the hosts the README
// names. Plain text checks: the repository has no YAML parser and needs none
// for this.
package deploy_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestExamplesNameRealVariables catches a misspelt OPPSLAG_ variable, which
// the portal would ignore without a word.
func TestExamplesNameRealVariables(t *testing.T) {
	var code strings.Builder
	files, err := filepath.Glob("../cmd/internal/app/*.go")
	if err != nil || len(files) == 0 {
		t.Fatalf("glob cmd/internal/app: %v (%d files)", err, len(files))
	}
	for _, f := range files {
		if !strings.HasSuffix(f, "_test.go") {
			code.WriteString(read(t, f))
		}
	}
	name := regexp.MustCompile(`OPPSLAG_[A-Z0-9_]+`)
	for _, example := range []string{"nais.yaml", "oppslag.service"} {
		for _, v := range name.FindAllString(read(t, example), -1) {
			if !strings.Contains(code.String(), `"`+v+`"`) {
				t.Errorf("%s names %s, which cmd/internal/app does not read", example, v)
			}
		}
	}
}

func TestNaisManifest(t *testing.T) {
	nais := read(t, "nais.yaml")
	routes := read(t, "../web/routes.go")
	for _, probe := range []string{"/healthz", "/readyz"} {
		if !strings.Contains(nais, "path: "+probe) {
			t.Errorf("nais.yaml: no probe on %s", probe)
		}
		if !strings.Contains(routes, `r.Get("`+probe+`"`) {
			t.Errorf("nais.yaml probes %s, which web/routes.go does not serve", probe)
		}
	}
	if !strings.Contains(nais, `port: "9090"`) || !strings.Contains(nais, `value: ":9090"`) {
		t.Errorf("nais.yaml: prometheus must scrape the port OPPSLAG_METRICS_ADDR listens on (:9090)")
	}
	// Every outbound host is one the README names (its configuration table
	// or its real-services section), and every host that section names is
	// open in the manifest.
	readme := read(t, "../README.md")
	start := strings.Index(readme, "## Running against the real NHN test services")
	if start < 0 {
		t.Fatal("README.md: no section \"Running against the real NHN test services\"")
	}
	section := readme[start:]
	if end := strings.Index(section[3:], "\n## "); end >= 0 {
		section = section[:end+3]
	}
	hosts := regexp.MustCompile(`(?m)^\s+- host: (\S+)`).FindAllStringSubmatch(nais, -1)
	open := map[string]bool{}
	for _, h := range hosts {
		open[h[1]] = true
		if !strings.Contains(readme, "https://"+h[1]) {
			t.Errorf("nais.yaml opens %s; README.md does not name it", h[1])
		}
	}
	for _, u := range regexp.MustCompile(`https://([a-z0-9.-]+\.no)\b`).FindAllStringSubmatch(section, -1) {
		if u[1] != "oppslag.example.no" && !open[u[1]] {
			t.Errorf("README names %s; nais.yaml's accessPolicy does not open it", u[1])
		}
	}
}
