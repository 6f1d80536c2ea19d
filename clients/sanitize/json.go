package sanitize

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"strings"
)

// DecodeError is a JSON decoding failure whose text never quotes the input.
// Err, the decoder's own error, stays reachable with errors.Is and errors.As.
type DecodeError struct {
	Kind string
	Err  error
}

func (e *DecodeError) Error() string { return e.Kind }
func (e *DecodeError) Unwrap() error { return e.Err }

// DecodeJSON decodes exactly one JSON value from b into out, as the API
// clients read an upstream body. Empty input, a cut-off document, trailing
// data and values of the wrong JSON type fail with a *DecodeError; unknown
// fields are accepted.
func DecodeJSON(b []byte, out any) error {
	if len(bytes.TrimSpace(b)) == 0 {
		return &DecodeError{Kind: "empty body"}
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(out); err != nil {
		// The decoder's message may quote a value from the body, which can
		// be an identity number; keep only its kind.
		return &DecodeError{Kind: JSONError(err), Err: err}
	}
	if _, err := dec.Token(); err != io.EOF {
		return &DecodeError{Kind: "data after the JSON value"}
	}
	return nil
}

// JSONError describes a JSON decoding error by its kind and place, without
// quoting the input.
func JSONError(err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
		return "truncated JSON"
	case errors.As(err, &syn):
		return fmt.Sprintf("JSON syntax error at offset %d", syn.Offset)
	case errors.As(err, &typ):
		return fmt.Sprintf("JSON %s where %s.%s wants %s", typ.Value, typ.Struct, typ.Field, typ.Type)
	}
	return "invalid JSON value"
}

// IsJSON reports whether contentType is application/json or any +json type
// (problem+json, fhir+json).
func IsJSON(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	return mt == "application/json" || strings.HasPrefix(mt, "application/") && strings.HasSuffix(mt, "+json")
}
