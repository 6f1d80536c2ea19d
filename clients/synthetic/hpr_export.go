package synthetic

import (
	"archive/zip"
	"encoding/json"
	"fmt"
	"io"

	"github.com/oppslag/oppslag/clients/hpr"
)

// hprExportBatch is the most entries one file of the export holds.
const hprExportBatch = 10_000

// WriteHPRExport writes the register as HPR's export delivers it
// (upstreams.md §3.2): a zip whose files each hold up to 10 000
// consecutive top-level JSON objects, one hpr.Personnel (with nin) per
// entry, in HPR number order. It builds one entry at a time, so the
// register is never held in memory. The output is byte-identical for the
// same population.
//
// INFERENCE: the names of the files ("hpr-export-001.json", ..., as
// clients/hpr/hprindex names those of its synthetic export), the newline
// between objects and the files' time (the reference day) are not known
// from the real export; a consumer that parses consecutive objects reads
// them either way.
func (p *Population) WriteHPRExport(w io.Writer) error {
	return p.writeHPRExport(w, hprExportBatch)
}

// writeHPRExport writes the export with batch entries per file.
func (p *Population) writeHPRExport(w io.Writer, batch int) error {
	zw := zip.NewWriter(w)
	var (
		enc  *json.Encoder
		n    int
		werr error
	)
	p.EachPersonnel(func(e hpr.Personnel) bool {
		if n%batch == 0 {
			f, err := zw.CreateHeader(&zip.FileHeader{
				Name:     fmt.Sprintf("hpr-export-%03d.json", n/batch+1),
				Method:   zip.Deflate,
				Modified: dayTime(p.ref),
			})
			if err != nil {
				werr = err
				return false
			}
			enc = json.NewEncoder(f)
			enc.SetEscapeHTML(false)
		}
		n++
		werr = enc.Encode(e)
		return werr == nil
	})
	if werr != nil {
		return fmt.Errorf("synthetic: hpr export: %w", werr)
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("synthetic: hpr export: %w", err)
	}
	return nil
}
