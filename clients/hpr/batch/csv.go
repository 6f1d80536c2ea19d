package batch

import (
	"encoding/csv"
	"io"
	"strings"
)

// WriteCSV writes a check's table as a spreadsheet reads it: a byte-order
// mark so it is read as UTF-8, fields separated by comma (Norwegian
// spreadsheets expect ';', the comma being their decimal sign), the header
// and then the rows, each already in the reader's language. Every cell a
// spreadsheet would take for a formula is defused (CSV injection): a name
// or a code name comes from the register and must not run as a formula.
func WriteCSV(w io.Writer, comma rune, header []string, rows [][]string) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.Comma = comma
	for _, rec := range append([][]string{header}, rows...) {
		safe := make([]string, len(rec))
		for i, cell := range rec {
			safe[i] = csvSafe(cell)
		}
		if err := cw.Write(safe); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// csvSafe defuses a cell a spreadsheet would evaluate: one starting with
// =, +, -, @, a tab or a carriage return gets a leading apostrophe, so
// the spreadsheet reads it as text.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
