package sanitize

import (
	"errors"
	"strings"
	"testing"
)

func TestDecodeJSON(t *testing.T) {
	type doc struct {
		N   int    `json:"n"`
		NIN string `json:"nin"`
	}
	cases := []struct {
		name, in, want string
	}{
		{"ok", `{"n":1,"nin":"12057900499"}`, ""},
		{"empty", "  ", "empty body"},
		{"truncated", `{"nin":"12057900499"`, "truncated JSON"},
		{"syntax", `{"nin":12057900499x}`, "JSON syntax error at offset"},
		{"wrong type", `{"n":"12057900499"}`, "JSON string where doc.n wants int"},
		{"trailing data", `{"n":1} {"n":2}`, "data after the JSON value"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var d doc
			err := DecodeJSON([]byte(c.in), &d)
			if c.want == "" {
				if err != nil {
					t.Fatalf("err %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err %v; want %q", err, c.want)
			}
			if strings.Contains(err.Error(), "12057900499") {
				t.Errorf("error text quotes the input: %v", err)
			}
			var de *DecodeError
			if !errors.As(err, &de) {
				t.Errorf("not a *DecodeError: %T", err)
			}
		})
	}
}
