package main

import (
	"bytes"
	"context"
	"runtime/debug"
	"strings"
	"testing"
)

func TestVersionLine(t *testing.T) {
	info := &debug.BuildInfo{
		GoVersion: "go1.26.8",
		Main:      debug.Module{Path: "github.com/oppslag/oppslag", Version: "v1.2.3"},
		Settings:  []debug.BuildSetting{{Key: "vcs.revision", Value: "abc123"}},
	}
	for _, tc := range []struct {
		name         string
		linkVersion  string
		linkRevision string
		info         *debug.BuildInfo
		ok           bool
		want         string
	}{
		{"build info only", "", "", info, true, "oppslag v1.2.3 (abc123, go1.26.8)"},
		{"link-time values win", "v2.0.0", "def456", info, true, "oppslag v2.0.0 (def456, go1.26.8)"},
		{"no build info", "", "", nil, false, "oppslag (devel) (unknown, unknown)"},
		{"no VCS stamp", "", "", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}}, true, "oppslag (devel) (unknown, go1.26.8)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer func(v, r string) { version, revision = v, r }(version, revision)
			version, revision = tc.linkVersion, tc.linkRevision
			if got := versionLine(tc.info, tc.ok); got != tc.want {
				t.Errorf("versionLine = %q, want %q", got, tc.want)
			}
		})
	}
}

// TestVersionFlag runs the program as the image test does: oppslag
// --version prints one line and starts nothing.
func TestVersionFlag(t *testing.T) {
	for _, arg := range []string{"--version", "version"} {
		var stdout, stderr bytes.Buffer
		if err := run(context.Background(), []string{arg}, func(string) string { return "" }, &stdout, &stderr); err != nil {
			t.Fatalf("run %s: %v", arg, err)
		}
		if got := stdout.String(); !strings.HasPrefix(got, "oppslag ") || strings.Count(got, "\n") != 1 {
			t.Errorf("run %s printed %q, want one line starting with \"oppslag \"", arg, got)
		}
	}
}
