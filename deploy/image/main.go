// Command image writes Oppslag's container image, for linux/amd64 and
// linux/arm64, as an OCI image layout in one tar file. It needs no Docker
// engine and pulls nothing: the image starts from an empty base, and its
// files are the static binaries deploy/image.sh built beforehand, the CA
// bundle of the machine that builds it, and an /etc/passwd naming the
// non-root user the portal runs as.
//
//	go run ./deploy/image -out bin/oppslag-image.tar \
//	  -bin linux/amd64=bin/linux-amd64/oppslag -bin linux/arm64=bin/linux-arm64/oppslag \
//	  -version v1.2.3 -revision $(git rev-parse HEAD)
//
// Decisions:
//   - Time-zone data is not a layer: the binary links time/tzdata
//     (clients/tolerant), the only zone it needs is Europe/Oslo, and the
//     image holds nothing else that reads zoneinfo.
//   - SSL_CERT_FILE is not set: Go's first choice on Linux is
//     /etc/ssl/certs/ca-certificates.crt, where the bundle goes.
//   - Two layers per image: the files shared by both platforms (identical
//     bytes, so one blob in the tarball) and the binary.
//   - Reproducible: every file time and the config's creation time are
//     -created (default SOURCE_DATE_EPOCH, else the Unix epoch), owners are
//     numeric, and entries are written in a fixed order, so the same binaries
//     give the same digests.
//   - The tarball's index.json names one image index (the two platforms),
//     annotated with the tag, as docker buildx and crane write it: docker
//     load, podman load and skopeo (oci-archive:) all read it.
package main

import (
	"archive/tar"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// The non-root user and the paths the image is built around. 65532 is the
// "nonroot" user of distroless images, so volume permissions written for
// those fit this image too.
const (
	uid        = 65532
	user       = "65532:65532"
	entrypoint = "/oppslag"
	workDir    = "/var/lib/oppslag"
	caBundle   = "etc/ssl/certs/ca-certificates.crt"
	port       = "8080/tcp"
)

func main() {
	if err := run(os.Args[1:], os.Getenv); err != nil {
		fmt.Fprintln(os.Stderr, "image:", err)
		os.Exit(1)
	}
}

func run(args []string, getenv func(string) string) error {
	opts, out, err := parseFlags(args, getenv)
	if err != nil {
		return err
	}
	idx, err := build(opts)
	if err != nil {
		return err
	}
	if err := writeTarball(out, idx, opts); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "image: wrote %s (%s:%s, %d platforms)\n", out, opts.name, opts.version, len(opts.binaries))
	return nil
}

// options is what the image is made of.
type options struct {
	binaries map[string]string // "linux/amd64" → path of that platform's static binary
	certs    string            // the CA bundle to copy in
	name     string            // image name for the tag annotation, e.g. "oppslag"
	version  string
	revision string
	source   string
	created  time.Time
}

func parseFlags(args []string, getenv func(string) string) (options, string, error) {
	o := options{binaries: map[string]string{}}
	flags := flag.NewFlagSet("image", flag.ContinueOnError)
	out := flags.String("out", "bin/oppslag-image.tar", "where to write the OCI layout tarball")
	flags.Func("bin", "`os/arch=path` of a static oppslag binary; repeatable (linux/amd64 and linux/arm64)", func(v string) error {
		platform, path, ok := strings.Cut(v, "=")
		if !ok || !strings.HasPrefix(platform, "linux/") || path == "" {
			return fmt.Errorf("want linux/ARCH=PATH, got %q", v)
		}
		o.binaries[platform] = path
		return nil
	})
	flags.StringVar(&o.certs, "certs", "/etc/ssl/certs/ca-certificates.crt", "CA bundle to put at /"+caBundle)
	flags.StringVar(&o.name, "name", "oppslag", "image name in the tag annotation (io.containerd.image.name NAME:VERSION)")
	flags.StringVar(&o.version, "version", "dev", "image version: label, tag annotation")
	flags.StringVar(&o.revision, "revision", "unknown", "VCS revision for the label")
	flags.StringVar(&o.source, "source", "https://github.com/oppslag/oppslag", "source repository for the label")
	created := flags.String("created", "", "creation time, RFC 3339 (default: SOURCE_DATE_EPOCH, else the Unix epoch)")
	// Usage only when asked for: a refusal is one line, as in cmd/oppslag.
	flags.SetOutput(io.Discard)
	if err := flags.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			flags.SetOutput(os.Stderr)
			flags.PrintDefaults()
		}
		return o, "", err
	}
	if flags.NArg() > 0 {
		return o, "", fmt.Errorf("unexpected arguments %q", flags.Args())
	}
	if len(o.binaries) == 0 {
		return o, "", errors.New("no -bin given: want -bin linux/amd64=PATH -bin linux/arm64=PATH")
	}
	switch {
	case *created != "":
		t, err := time.Parse(time.RFC3339, *created)
		if err != nil {
			return o, "", fmt.Errorf("-created: %w", err)
		}
		o.created = t.UTC()
	case getenv("SOURCE_DATE_EPOCH") != "":
		s, err := strconv.ParseInt(getenv("SOURCE_DATE_EPOCH"), 10, 64)
		if err != nil {
			return o, "", fmt.Errorf("SOURCE_DATE_EPOCH: %w", err)
		}
		o.created = time.Unix(s, 0).UTC()
	default:
		o.created = time.Unix(0, 0).UTC()
	}
	return o, *out, nil
}

// build assembles the multi-platform image index in memory.
func build(o options) (v1.ImageIndex, error) {
	certs, err := os.ReadFile(o.certs)
	if err != nil {
		return nil, fmt.Errorf("read the CA bundle: %w", err)
	}
	base, err := layer(baseFiles(certs), o.created)
	if err != nil {
		return nil, fmt.Errorf("base layer: %w", err)
	}
	platforms := make([]string, 0, len(o.binaries))
	for p := range o.binaries {
		platforms = append(platforms, p)
	}
	sort.Strings(platforms)

	idx := mutate.IndexMediaType(empty.Index, types.OCIImageIndex)
	for _, p := range platforms {
		bin, err := os.ReadFile(o.binaries[p])
		if err != nil {
			return nil, fmt.Errorf("read the %s binary: %w", p, err)
		}
		img, err := image(p, base, bin, o)
		if err != nil {
			return nil, fmt.Errorf("%s image: %w", p, err)
		}
		osName, arch, _ := strings.Cut(p, "/")
		idx = mutate.AppendManifests(idx, mutate.IndexAddendum{
			Add:        img,
			Descriptor: v1.Descriptor{Platform: &v1.Platform{OS: osName, Architecture: arch}},
		})
	}
	return idx, nil
}

// image is one platform's image: the shared base layer, the binary, and
// the config.
func image(platform string, base v1.Layer, bin []byte, o options) (v1.Image, error) {
	binLayer, err := layer([]file{{name: strings.TrimPrefix(entrypoint, "/"), mode: 0o755, data: bin}}, o.created)
	if err != nil {
		return nil, fmt.Errorf("binary layer: %w", err)
	}
	img := mutate.MediaType(empty.Image, types.OCIManifestSchema1)
	img = mutate.ConfigMediaType(img, types.OCIConfigJSON)
	created := v1.Time{Time: o.created}
	img, err = mutate.Append(img,
		mutate.Addendum{Layer: base, History: v1.History{Created: created, CreatedBy: "deploy/image: /etc/passwd, /etc/group, CA certificates, /tmp, " + workDir}},
		mutate.Addendum{Layer: binLayer, History: v1.History{Created: created, CreatedBy: "deploy/image: " + entrypoint + " (static, CGO_ENABLED=0)"}},
	)
	if err != nil {
		return nil, err
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return nil, err
	}
	cf = cf.DeepCopy()
	osName, arch, _ := strings.Cut(platform, "/")
	cf.OS, cf.Architecture = osName, arch
	cf.Created = created
	labels := map[string]string{
		"org.opencontainers.image.title":    "oppslag",
		"org.opencontainers.image.source":   o.source,
		"org.opencontainers.image.revision": o.revision,
		"org.opencontainers.image.version":  o.version,
		"org.opencontainers.image.created":  o.created.Format(time.RFC3339),
	}
	cf.Config = v1.Config{
		User:       user,
		Entrypoint: []string{entrypoint},
		WorkingDir: workDir,
		// Loopback is the portal's own default; in a container the port
		// must be reachable from outside its network namespace.
		Env:          []string{"OPPSLAG_ADDR=:8080"},
		ExposedPorts: map[string]struct{}{port: {}},
		Labels:       labels,
		StopSignal:   "SIGTERM",
	}
	return mutate.ConfigFile(img, cf)
}

// file is one entry of a layer. A name ending in "/" is a directory.
type file struct {
	name     string
	mode     int64
	uid, gid int
	data     []byte
}

// baseFiles are the files every platform shares.
func baseFiles(certs []byte) []file {
	passwd := "root:x:0:0:root:/root:/sbin/nologin\n" +
		"nonroot:x:65532:65532:oppslag:" + workDir + ":/sbin/nologin\n"
	group := "root:x:0:\nnonroot:x:65532:\n"
	return []file{
		{name: "etc/", mode: 0o755},
		{name: "etc/group", mode: 0o644, data: []byte(group)},
		{name: "etc/nsswitch.conf", mode: 0o644, data: []byte("hosts: files dns\n")},
		{name: "etc/passwd", mode: 0o644, data: []byte(passwd)},
		{name: "etc/ssl/", mode: 0o755},
		{name: "etc/ssl/certs/", mode: 0o755},
		{name: caBundle, mode: 0o644, data: certs},
		{name: "tmp/", mode: 0o1777},
		{name: "var/", mode: 0o755},
		{name: "var/lib/", mode: 0o755},
		// The working directory: the embedded default's SQLite files land
		// here when nothing else is configured.
		{name: strings.TrimPrefix(workDir, "/") + "/", mode: 0o700, uid: uid, gid: uid},
	}
}

// layer packs files into a gzip-compressed OCI layer.
func layer(files []file, mtime time.Time) (v1.Layer, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, f := range files {
		h := &tar.Header{
			Name:    f.name,
			Mode:    f.mode,
			Uid:     f.uid,
			Gid:     f.gid,
			ModTime: mtime,
			Format:  tar.FormatPAX,
		}
		if strings.HasSuffix(f.name, "/") {
			h.Typeflag = tar.TypeDir
		} else {
			h.Typeflag = tar.TypeReg
			h.Size = int64(len(f.data))
		}
		if err := tw.WriteHeader(h); err != nil {
			return nil, fmt.Errorf("tar %s: %w", f.name, err)
		}
		if _, err := tw.Write(f.data); err != nil {
			return nil, fmt.Errorf("tar %s: %w", f.name, err)
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	b := buf.Bytes()
	return tarball.LayerFromOpener(func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(b)), nil
	}, tarball.WithMediaType(types.OCILayer))
}

// writeTarball writes idx as an OCI image layout and packs the layout into
// one tar file at out, written beside it and renamed into place.
func writeTarball(out string, idx v1.ImageIndex, o options) error {
	dir, err := os.MkdirTemp("", "oppslag-image-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	p, err := layout.Write(dir, empty.Index)
	if err != nil {
		return fmt.Errorf("write the OCI layout: %w", err)
	}
	err = p.AppendIndex(idx, layout.WithAnnotations(map[string]string{
		"org.opencontainers.image.ref.name": o.version,
		"io.containerd.image.name":          o.name + ":" + o.version,
	}))
	if err != nil {
		return fmt.Errorf("write the OCI layout: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(out), ".oppslag-image-*.tar")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := tarDir(tmp, dir, o.created); err != nil {
		tmp.Close()
		return fmt.Errorf("pack the OCI layout: %w", err)
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), out)
}

// tarDir writes the regular files under dir (and their directories) to w,
// in lexical order with fixed times and owners.
func tarDir(w io.Writer, dir string, mtime time.Time) error {
	tw := tar.NewWriter(w)
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || path == dir {
			return err
		}
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return err
		}
		h := &tar.Header{Name: filepath.ToSlash(rel), ModTime: mtime, Mode: 0o644, Typeflag: tar.TypeReg, Format: tar.FormatPAX}
		if d.IsDir() {
			h.Name += "/"
			h.Mode, h.Typeflag = 0o755, tar.TypeDir
			return tw.WriteHeader(h)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		h.Size = int64(len(data))
		if err := tw.WriteHeader(h); err != nil {
			return err
		}
		_, err = tw.Write(data)
		return err
	})
	if err != nil {
		return err
	}
	return tw.Close()
}
