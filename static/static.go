// Package static embeds the portal's stylesheets and scripts and serves them
// under content-hashed names, so a browser may cache them for a year and a new
// build still reaches it at once. Views reach an asset only through Path.
package static

import (
	"bytes"
	"embed"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/benbjohnson/hashfs"
)

// Only CSS, JS and the icons are embedded: VENDOR.md and this package's Go
// files stay out of the served tree.
//
//go:embed css/*.css js/*.js img/*.svg img/*.ico
var embedFS embed.FS

// FS is the embedded asset tree with content-hashed names.
var FS = hashfs.NewFS(embedFS)

// Prefix is the URL path under which Handler serves the assets.
const Prefix = "/static/"

// Path returns the URL of the named asset (e.g. "css/app.css") with its content
// hash in the file name. For a missing asset hashfs gives back the plain name;
// the views tests check every referenced name with Exists.
func Path(name string) string {
	return Prefix + FS.HashName(name)
}

// Exists reports whether the named asset is embedded.
func Exists(name string) bool {
	fi, err := fs.Stat(embedFS, name)
	return err == nil && !fi.IsDir()
}

// Handler serves FS under Prefix. A name with the right content hash is cached
// for a year as immutable; a plain name (or a stale hash that happens to match
// nothing) is never cached as immutable, so an old page cannot pin a new file.
func Handler() http.Handler {
	return HandlerWith(nil)
}

// HandlerWith is Handler with notFound answering names that are not
// served, so the portal's own 404 page (translated, with its correlation
// id) answers them too; nil means http.NotFound.
func HandlerWith(notFound http.Handler) http.Handler {
	if notFound == nil {
		notFound = http.NotFoundHandler()
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { serve(w, r, notFound) })
}

func serve(w http.ResponseWriter, r *http.Request, notFound http.Handler) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
		return
	}
	name, ok := strings.CutPrefix(r.URL.Path, Prefix)
	if !ok || name == "" || strings.Contains(name, "\\") || path.Clean(name) != name || !fs.ValidPath(name) {
		notFound.ServeHTTP(w, r)
		return
	}

	// A hashed name is served only when the hash is the current content's,
	// so a stale or forged hash cannot be cached as immutable.
	base, hash := FS.ParseName(name)
	immutable := hash != "" && FS.HashName(base) == name
	if hash != "" && !immutable {
		notFound.ServeHTTP(w, r)
		return
	}

	f, err := embedFS.Open(base)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			notFound.ServeHTTP(w, r)
			return
		}
		http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
		return
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || fi.IsDir() {
		notFound.ServeHTTP(w, r)
		return
	}
	rs, ok := f.(io.ReadSeeker)
	if !ok {
		http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
		return
	}

	if immutable {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		w.Header().Set("ETag", `"`+hash+`"`)
	} else {
		// Plain names are for tools and humans; revalidate every time.
		w.Header().Set("Cache-Control", "no-cache")
	}
	// The embedded files carry no modification time, so ServeContent sends no
	// Last-Modified; the content type comes from the extension of base.
	http.ServeContent(w, r, base, fi.ModTime(), rs)
}

// Favicon answers /favicon.ico, which browsers and tools ask for on their
// own whatever the page links to. It serves the icon itself rather than a
// redirect to the hashed SVG: some clients do not follow a redirect for an
// icon, and older ones read no SVG. The name is not hashed, so it is cached
// for a day, not for a year.
func Favicon(w http.ResponseWriter, r *http.Request) {
	b, err := fs.ReadFile(embedFS, "img/favicon.ico")
	if err != nil {
		http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "image/x-icon")
	w.Header().Set("Cache-Control", "public, max-age=86400")
	http.ServeContent(w, r, "favicon.ico", time.Time{}, bytes.NewReader(b))
}
