package hpr

import (
	"archive/zip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"

	"github.com/oppslag/oppslag/clients/sanitize"
	"github.com/oppslag/oppslag/clients/upstream"
)

// Export downloads the whole register (GET /v1/export, scope
// nhn:hpr/export) into w and returns the bytes written. The download is a
// zip; read it with ReadExport once it is complete (a zip's directory is at
// its end). It costs one token of the bucket and is never cached. The
// entries hold identity numbers: w must be as protected as the data.
func (c *Client) Export(ctx context.Context, w io.Writer) (int64, error) {
	const op = "export"
	if !c.export {
		return 0, fmt.Errorf("hpr: %s: %w: needs scope %s", op, upstream.ErrForbidden, ScopeExport)
	}
	resp, err := c.send(ctx, http.MethodGet, "/v1/export", nil, nil, "application/zip", nil)
	if err != nil {
		return 0, fmt.Errorf("hpr: %s: %w", op, err)
	}
	defer resp.Body.Close()
	if !isZip(resp.Header.Get("Content-Type")) {
		return 0, fmt.Errorf("hpr: %s: %w: content type %q", op, upstream.ErrMalformed, sanitize.Text(resp.Header.Get("Content-Type"), nil, 100))
	}
	n, err := io.Copy(w, io.LimitReader(resp.Body, c.maxExp+1))
	switch {
	case err != nil && ctx.Err() != nil:
		return n, fmt.Errorf("hpr: %s: %w", op, upstream.Interrupted(ctx))
	case err != nil:
		return n, fmt.Errorf("hpr: %s: %w: %v", op, upstream.ErrUnavailable, err)
	case n > c.maxExp:
		return n, fmt.Errorf("hpr: %s: %w: larger than %d bytes", op, upstream.ErrMalformed, c.maxExp)
	case n == 0:
		return 0, fmt.Errorf("hpr: %s: %w: empty body", op, upstream.ErrMalformed)
	}
	return n, nil
}

// isZip accepts the content types a zip download is served with.
func isZip(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	return mt == "application/zip" || mt == "application/x-zip-compressed" || mt == "application/octet-stream"
}

// ReadExport calls fn with every entry of a downloaded export, entry file
// by entry file in the zip's order; each file holds consecutive JSON
// objects (upstreams.md §3.2). It stops at the first error of fn and
// returns it. A damaged zip, a value that is not an entry, or an object
// of more than about MaxBodyBytes is ErrMalformed; the error names the
// file and object number, never the content.
func ReadExport(r io.ReaderAt, size int64, fn func(Personnel) error) error {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return fmt.Errorf("hpr: read export: %w: not a zip", upstream.ErrMalformed)
	}
	for _, f := range zr.File {
		if f.FileInfo().IsDir() {
			continue
		}
		if err := readExportFile(f, fn); err != nil {
			return err
		}
	}
	return nil
}

// errObjectTooBig stops the decoder inside an oversized object.
var errObjectTooBig = errors.New("object too big")

// objectCap fails a read once more than max bytes have been read past the
// end of the last complete object, so one huge object cannot eat memory.
type objectCap struct {
	r        io.Reader
	read     int64
	boundary int64
	max      int64
}

func (o *objectCap) Read(p []byte) (int, error) {
	if o.read-o.boundary > o.max {
		return 0, errObjectTooBig
	}
	n, err := o.r.Read(p)
	o.read += int64(n)
	return n, err
}

func readExportFile(f *zip.File, fn func(Personnel) error) error {
	name := sanitize.Text(f.Name, nil, 100)
	rc, err := f.Open()
	if err != nil {
		return fmt.Errorf("hpr: read export: %s: %w: %v", name, upstream.ErrMalformed, err)
	}
	defer rc.Close()
	oc := &objectCap{r: rc, max: MaxBodyBytes}
	dec := json.NewDecoder(oc)
	for i := 1; ; i++ {
		// Each object is read as an answer is (decodePersonnel): a value
		// the client cannot read costs that field, not the export.
		var raw json.RawMessage
		err := dec.Decode(&raw)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			kind := sanitize.JSONError(err)
			if errors.Is(err, errObjectTooBig) {
				kind = fmt.Sprintf("object larger than %d bytes", MaxBodyBytes)
			} else if errors.Is(err, zip.ErrChecksum) || errors.Is(err, zip.ErrFormat) {
				kind = "damaged zip entry"
			}
			return fmt.Errorf("hpr: read export: %s object %d: %w: %s", name, i, upstream.ErrMalformed, kind)
		}
		oc.boundary = dec.InputOffset()
		p, err := decodePersonnel(raw)
		if err != nil {
			return fmt.Errorf("hpr: read export: %s object %d: %w", name, i, err)
		}
		if err := fn(p); err != nil {
			return err
		}
	}
}
