package main

import (
	"archive/tar"
	"bytes"
	"debug/elf"
	"errors"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/types"
	"github.com/google/go-containerregistry/pkg/v1/validate"
)

// TestImageFromStandInBinaries builds the image from two small stand-in
// files, so the layout, the configs and reproducibility are checked on
// every test run without building the real binaries.
func TestImageFromStandInBinaries(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o755); err != nil {
			t.Fatal(err)
		}
		return p
	}
	amd64 := write("oppslag-amd64", "stand-in amd64 binary")
	arm64 := write("oppslag-arm64", "stand-in arm64 binary")
	certs := write("ca.crt", "-----BEGIN CERTIFICATE-----\nstand-in\n-----END CERTIFICATE-----\n")
	args := func(out string) []string {
		return []string{"-out", out, "-bin", "linux/amd64=" + amd64, "-bin", "linux/arm64=" + arm64,
			"-certs", certs, "-version", "v0.0.0-test", "-revision", "abc123"}
	}
	getenv := func(k string) string {
		if k == "SOURCE_DATE_EPOCH" {
			return "1767225600" // 2026-01-01
		}
		return ""
	}
	out := filepath.Join(dir, "out", "image.tar")
	if err := run(args(out), getenv); err != nil {
		t.Fatalf("run: %v", err)
	}
	images := checkTarball(t, out)
	for platform, want := range map[string]string{"linux/amd64": "stand-in amd64 binary", "linux/arm64": "stand-in arm64 binary"} {
		files := flatten(t, images[platform])
		if got := string(files["oppslag"]); got != want {
			t.Errorf("%s: /oppslag = %q, want %q", platform, got, want)
		}
		if got := string(files[caBundle]); !strings.Contains(got, "stand-in") {
			t.Errorf("%s: /%s = %q, want the -certs file", platform, caBundle, got)
		}
		cf, err := images[platform].ConfigFile()
		if err != nil {
			t.Fatal(err)
		}
		if got, want := cf.Config.Labels["org.opencontainers.image.revision"], "abc123"; got != want {
			t.Errorf("%s: revision label = %q, want %q", platform, got, want)
		}
		if got, want := cf.Created.UTC().Format("2006-01-02"), "2026-01-01"; got != want {
			t.Errorf("%s: created = %s, want %s (SOURCE_DATE_EPOCH)", platform, got, want)
		}
	}

	// The same inputs give the same bytes.
	again := filepath.Join(dir, "again.tar")
	if err := run(args(again), getenv); err != nil {
		t.Fatalf("run again: %v", err)
	}
	a, _ := os.ReadFile(out)
	b, _ := os.ReadFile(again)
	if !bytes.Equal(a, b) {
		t.Errorf("two builds from the same inputs differ (%d and %d bytes); the image is not reproducible", len(a), len(b))
	}
}

func TestFlagsRefuseIncompleteInput(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"no binaries", nil},
		{"not linux", []string{"-bin", "darwin/arm64=x"}},
		{"no path", []string{"-bin", "linux/amd64"}},
		{"bad time", []string{"-bin", "linux/amd64=x", "-created", "yesterday"}},
		{"stray argument", []string{"-bin", "linux/amd64=x", "extra"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, _, err := parseFlags(tc.args, func(string) string { return "" }); err == nil {
				t.Errorf("parseFlags(%q) = nil error, want a refusal", tc.args)
			}
		})
	}
}

// TestImageTarball checks the image CI built with deploy/image.sh, named by
// OPPSLAG_TEST_IMAGE: a valid OCI layout with both platforms, non-root,
// entrypoint oppslag, and an amd64 binary that runs.
func TestImageTarball(t *testing.T) {
	tarPath := os.Getenv("OPPSLAG_TEST_IMAGE")
	if tarPath == "" {
		t.Skip("OPPSLAG_TEST_IMAGE not set: build the image with bash deploy/image.sh and point it there")
	}
	images := checkTarball(t, tarPath)
	// Both binaries are static: no program interpreter (dynamic loader),
	// built for the platform their manifest names.
	for platform, machine := range map[string]elf.Machine{"linux/amd64": elf.EM_X86_64, "linux/arm64": elf.EM_AARCH64} {
		f, err := elf.NewFile(bytes.NewReader(flatten(t, images[platform])["oppslag"]))
		if err != nil {
			t.Fatalf("%s: /oppslag is not an ELF binary: %v", platform, err)
		}
		if f.Machine != machine {
			t.Errorf("%s: /oppslag is built for %v, want %v", platform, f.Machine, machine)
		}
		for _, p := range f.Progs {
			if p.Type == elf.PT_INTERP {
				t.Errorf("%s: /oppslag is dynamically linked (has PT_INTERP); want CGO_ENABLED=0", platform)
			}
		}
	}
	files := flatten(t, images["linux/amd64"])
	if len(files[caBundle]) < 10_000 {
		t.Errorf("/%s holds %d bytes; want the machine's CA bundle", caBundle, len(files[caBundle]))
	}
	if runtime.GOOS != "linux" || runtime.GOARCH != "amd64" {
		t.Skipf("on %s/%s: cannot run the linux/amd64 binary", runtime.GOOS, runtime.GOARCH)
	}
	bin := filepath.Join(t.TempDir(), "oppslag")
	if err := os.WriteFile(bin, files["oppslag"], 0o755); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "--version").CombinedOutput()
	if err != nil {
		t.Fatalf("oppslag --version: %v\n%s", err, out)
	}
	cf, err := images["linux/amd64"].ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	got := string(out)
	if !strings.HasPrefix(got, "oppslag ") {
		t.Errorf("oppslag --version printed %q, want \"oppslag VERSION (REVISION, GO)\"", got)
	}
	if rev := cf.Config.Labels["org.opencontainers.image.revision"]; !strings.Contains(got, rev) {
		t.Errorf("oppslag --version printed %q; want the revision label %q in it", got, rev)
	}
	t.Logf("linux/amd64: %s", strings.TrimSpace(got))
}

// checkTarball unpacks an OCI layout tarball, validates every digest and
// size, and checks the index and both platforms' configs. It returns the
// images by platform.
func checkTarball(t *testing.T, tarPath string) map[string]v1.Image {
	t.Helper()
	dir := t.TempDir()
	if err := untar(tarPath, dir); err != nil {
		t.Fatalf("unpack %s: %v", tarPath, err)
	}
	top, err := layout.ImageIndexFromPath(dir)
	if err != nil {
		t.Fatalf("%s is not an OCI layout: %v", tarPath, err)
	}
	if err := validate.Index(top); err != nil {
		t.Fatalf("validate: %v", err)
	}
	tm, err := top.IndexManifest()
	if err != nil {
		t.Fatal(err)
	}
	if len(tm.Manifests) != 1 || tm.Manifests[0].MediaType != types.OCIImageIndex {
		t.Fatalf("index.json names %d manifests (%v); want one image index", len(tm.Manifests), tm.Manifests)
	}
	if tm.Manifests[0].Annotations["org.opencontainers.image.ref.name"] == "" {
		t.Errorf("index.json: no org.opencontainers.image.ref.name annotation (the tag)")
	}
	idx, err := top.ImageIndex(tm.Manifests[0].Digest)
	if err != nil {
		t.Fatal(err)
	}
	im, err := idx.IndexManifest()
	if err != nil {
		t.Fatal(err)
	}
	images := map[string]v1.Image{}
	for _, d := range im.Manifests {
		if d.Platform == nil {
			t.Fatalf("manifest %s has no platform", d.Digest)
		}
		platform := d.Platform.OS + "/" + d.Platform.Architecture
		img, err := idx.Image(d.Digest)
		if err != nil {
			t.Fatal(err)
		}
		images[platform] = img
		cf, err := img.ConfigFile()
		if err != nil {
			t.Fatal(err)
		}
		c := cf.Config
		if u, _, _ := strings.Cut(c.User, ":"); u == "" || u == "0" || u == "root" {
			t.Errorf("%s: User %q; want a non-root user", platform, c.User)
		}
		if len(c.Entrypoint) != 1 || path.Base(c.Entrypoint[0]) != "oppslag" {
			t.Errorf("%s: Entrypoint %q; want [/oppslag]", platform, c.Entrypoint)
		}
		if _, ok := c.ExposedPorts[port]; !ok {
			t.Errorf("%s: ExposedPorts %v; want %s", platform, c.ExposedPorts, port)
		}
		for _, l := range []string{"org.opencontainers.image.source", "org.opencontainers.image.revision", "org.opencontainers.image.version"} {
			if c.Labels[l] == "" {
				t.Errorf("%s: label %s missing", platform, l)
			}
		}
		files := flatten(t, img)
		if !strings.Contains(string(files["etc/passwd"]), ":65532:65532:") {
			t.Errorf("%s: /etc/passwd = %q; want the nonroot user 65532", platform, files["etc/passwd"])
		}
		if len(files["oppslag"]) == 0 {
			t.Errorf("%s: no /oppslag", platform)
		}
	}
	for _, want := range []string{"linux/amd64", "linux/arm64"} {
		if images[want] == nil {
			t.Errorf("the image index has no %s manifest (has %d manifests)", want, len(images))
		}
	}
	if t.Failed() {
		t.FailNow()
	}
	return images
}

// flatten returns the regular files of an image's file system, as a
// container would see them, by path without the leading slash.
func flatten(t *testing.T, img v1.Image) map[string][]byte {
	t.Helper()
	rc := mutate.Extract(img)
	defer rc.Close()
	files := map[string][]byte{}
	tr := tar.NewReader(rc)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return files
		}
		if err != nil {
			t.Fatalf("read the image's files: %v", err)
		}
		if h.Typeflag == tar.TypeReg {
			data, err := io.ReadAll(tr)
			if err != nil {
				t.Fatal(err)
			}
			files[strings.TrimPrefix(path.Clean("/"+h.Name), "/")] = data
		}
	}
}

// untar unpacks the layout tarball's regular files and directories.
func untar(tarPath, dir string) error {
	f, err := os.Open(tarPath)
	if err != nil {
		return err
	}
	defer f.Close()
	tr := tar.NewReader(f)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		name := filepath.FromSlash(path.Clean("/" + h.Name))
		target := filepath.Join(dir, name)
		switch h.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(target, 0o755); err != nil {
				return err
			}
		case tar.TypeReg:
			if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
				return err
			}
			out, err := os.Create(target)
			if err != nil {
				return err
			}
			if _, err := io.Copy(out, tr); err != nil {
				out.Close()
				return err
			}
			if err := out.Close(); err != nil {
				return err
			}
		default:
			return errors.New("unexpected entry " + h.Name)
		}
	}
}
