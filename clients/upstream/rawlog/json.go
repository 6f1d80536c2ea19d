package rawlog

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Kind is the kind of a JSON value.
type Kind int

// The kinds of Value.
const (
	Scalar Kind = iota // string, number, true, false or null
	Object
	Array
)

// Value is a JSON document kept as received: members in document order,
// duplicate names kept, numbers as written. Maskers replace parts of it
// (Set, SetItem) and Indent prints it. encoding/json's map would sort the
// members and drop duplicates, and the drawer shows what was sent.
type Value struct {
	Kind  Kind
	Names []string        // an object's member names, in order
	Items []*Value        // an object's member values (parallel to Names) or an array's elements
	Raw   json.RawMessage // a scalar's JSON text
}

// String returns a JSON string value.
func String(s string) *Value {
	b, _ := marshal(s)
	return &Value{Kind: Scalar, Raw: b}
}

// maxDepth bounds nesting, as encoding/json does (10,000), so a hostile
// body cannot exhaust the stack.
const maxDepth = 10000

// Parse reads exactly one JSON value from b.
func Parse(b []byte) (*Value, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	v, err := parse(dec, 0)
	if err != nil {
		return nil, fmt.Errorf("rawlog: parse: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("rawlog: parse: data after the JSON value")
	}
	return v, nil
}

func parse(dec *json.Decoder, depth int) (*Value, error) {
	if depth > maxDepth {
		return nil, errors.New("nested too deeply")
	}
	tok, err := dec.Token()
	if err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			v := &Value{Kind: Object}
			for dec.More() {
				nt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				name, ok := nt.(string)
				if !ok {
					return nil, errors.New("object member name is not a string")
				}
				item, err := parse(dec, depth+1)
				if err != nil {
					return nil, err
				}
				v.Names = append(v.Names, name)
				v.Items = append(v.Items, item)
			}
			if _, err := dec.Token(); err != nil {
				return nil, err
			}
			return v, nil
		case '[':
			v := &Value{Kind: Array}
			for dec.More() {
				item, err := parse(dec, depth+1)
				if err != nil {
					return nil, err
				}
				v.Items = append(v.Items, item)
			}
			if _, err := dec.Token(); err != nil {
				return nil, err
			}
			return v, nil
		}
		return nil, fmt.Errorf("unexpected %v", t)
	default:
		b, err := marshal(t)
		if err != nil {
			return nil, err
		}
		return &Value{Kind: Scalar, Raw: b}, nil
	}
}

// marshal encodes a scalar without HTML escaping: the view escapes.
func marshal(x any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(x); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

// Compact returns v as compact JSON, for decoding a part into a typed
// struct.
func (v *Value) Compact() []byte {
	var buf bytes.Buffer
	v.write(&buf, "", 0)
	return buf.Bytes()
}

// Indent returns v pretty-printed with two spaces per level.
func (v *Value) Indent() string {
	var buf bytes.Buffer
	v.write(&buf, "  ", 0)
	return buf.String()
}

func (v *Value) write(buf *bytes.Buffer, indent string, depth int) {
	newline := func(d int) {
		if indent != "" {
			buf.WriteByte('\n')
			buf.WriteString(strings.Repeat(indent, d))
		}
	}
	switch v.Kind {
	case Object, Array:
		opening, closing := byte('['), byte(']')
		if v.Kind == Object {
			opening, closing = '{', '}'
		}
		buf.WriteByte(opening)
		for i, item := range v.Items {
			if i > 0 {
				buf.WriteByte(',')
			}
			newline(depth + 1)
			if v.Kind == Object {
				name, _ := marshal(v.Names[i])
				buf.Write(name)
				buf.WriteByte(':')
				if indent != "" {
					buf.WriteByte(' ')
				}
			}
			item.write(buf, indent, depth+1)
		}
		if len(v.Items) > 0 {
			newline(depth)
		}
		buf.WriteByte(closing)
	default:
		buf.Write(v.Raw)
	}
}

// Has reports whether object v has a member called name.
func (v *Value) Has(name string) bool {
	if v == nil || v.Kind != Object {
		return false
	}
	for _, n := range v.Names {
		if n == name {
			return true
		}
	}
	return false
}
