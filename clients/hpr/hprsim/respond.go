package hprsim

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"

	"github.com/oppslag/oppslag/clients/hpr"
	"github.com/oppslag/oppslag/clients/problem"
)

// respond writes a 200 JSON body, or the broken body of the malformed kind.
func (s *Server) respond(w http.ResponseWriter, body any, malformed string) {
	b, err := json.Marshal(body)
	if err != nil {
		problem.Write(w, http.StatusInternalServerError, "Internal Server Error")
		return
	}
	if malformed == "" {
		s.count(func(st *Stats) { st.OK++ })
		writeJSON(w, b)
		return
	}
	s.count(func(st *Stats) { st.Faulted++ })
	switch malformed {
	case MalformedTruncated:
		writeJSON(w, b[:len(b)/2])
	case MalformedWrongContentType:
		writeHTML(w)
	case MalformedEmpty:
		writeJSON(w, nil)
	case MalformedOversized:
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(http.StatusOK)
		writeHuge(w)
	case MalformedUnknownFields:
		writeJSON(w, withUnknownFields(b))
	default:
		writeJSON(w, b)
	}
}

func writeJSON(w http.ResponseWriter, b []byte) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	w.Write(b)
}

func writeHTML(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	io.WriteString(w, "<!doctype html><html><body>Vedlikehold</body></html>\n")
}

// writeHuge writes one JSON object larger than hpr.MaxBodyBytes.
func writeHuge(w io.Writer) error {
	if _, err := io.WriteString(w, `{"hprNummer":999999999,"person":{"fornavn":"`); err != nil {
		return err
	}
	chunk := bytes.Repeat([]byte("a"), 64<<10)
	for n := 0; n <= hpr.MaxBodyBytes; n += len(chunk) {
		if _, err := w.Write(chunk); err != nil {
			return err
		}
	}
	_, err := io.WriteString(w, `"}}`)
	return err
}

// withUnknownFields adds a field the client does not know to every object
// in the JSON document b, as a newer API version might.
func withUnknownFields(b []byte) []byte {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) != nil {
		return b
	}
	var add func(any)
	add = func(v any) {
		switch t := v.(type) {
		case map[string]any:
			for _, x := range t {
				add(x)
			}
			t["ukjentFelt"] = map[string]any{"verdi": "ny", "liste": []any{1, "to"}}
		case []any:
			for _, x := range t {
				add(x)
			}
		}
	}
	add(v)
	out, err := json.Marshal(v)
	if err != nil {
		return b
	}
	return out
}

// serveExport streams the whole register as a zip (see the package
// documentation), or the broken answer of the malformed kind.
func (s *Server) serveExport(w http.ResponseWriter, malformed string) {
	if malformed != "" {
		s.count(func(st *Stats) { st.Faulted++ })
	} else {
		s.count(func(st *Stats) { st.OK++ })
	}
	switch malformed {
	case MalformedWrongContentType:
		writeHTML(w)
		return
	case MalformedEmpty:
		w.Header().Set("Content-Type", "application/zip")
		w.WriteHeader(http.StatusOK)
		return
	}
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Disposition", `attachment; filename="hpr-export.zip"`)
	w.WriteHeader(http.StatusOK)
	if malformed == MalformedTruncated {
		// Only a test asks for this: buffer the whole zip and send half.
		var buf bytes.Buffer
		s.writeExport(&buf, malformed)
		w.Write(buf.Bytes()[:buf.Len()/2])
		return
	}
	s.writeExport(w, malformed)
}

// writeExport writes the zip to out; it stops at the first write error
// (the client went away).
func (s *Server) writeExport(out io.Writer, malformed string) error {
	v := view{extended: true, day: s.today(), includeHistory: true}
	zw := zip.NewWriter(out)
	var (
		entry   io.Writer
		entries int
		inEntry int
		err     error
	)
	s.src.EachPersonnel(func(p hpr.Personnel) bool {
		if entry == nil || inEntry == s.perEntry {
			entries++
			inEntry = 0
			if entry, err = zw.Create(fmt.Sprintf("hpr-export-%04d.json", entries)); err != nil {
				return false
			}
		}
		var b []byte
		if b, err = json.Marshal(project(p, v)); err != nil {
			return false
		}
		if malformed == MalformedUnknownFields {
			b = withUnknownFields(b)
		}
		if _, err = entry.Write(append(b, '\n')); err != nil {
			return false
		}
		inEntry++
		return true
	})
	if err != nil {
		return err
	}
	if malformed == MalformedOversized {
		big, err := zw.Create(fmt.Sprintf("hpr-export-%04d.json", entries+1))
		if err != nil {
			return err
		}
		if err := writeHuge(big); err != nil {
			return err
		}
	}
	return zw.Close()
}
