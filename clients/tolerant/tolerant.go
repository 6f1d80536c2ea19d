// Package tolerant reads upstream JSON the way a register's documents must
// be read (Postel): per field. A value the client cannot read costs that
// field, is kept as received where it can be shown, and is reported with its
// path, never the document. Only what makes the whole answer untrustworthy
// fails: an empty body, text that is not JSON, a cut-off document, data
// after the document, or a document of the wrong shape at the top.
//
// Three things make a field odd, and each is handled where it happens:
//   - a date-time in a form nobody listed: Time keeps the received text
//     (FieldForm);
//   - a value of the wrong JSON type, e.g. a number where a name belongs or
//     an object where a list belongs: the field stays empty and Decode
//     reports it with its received text (FieldType);
//   - an enum value added later: the clients keep enums as strings, so it
//     arrives as sent and the views show it marked as unknown.
//
// Unknown members are ignored, and null where a list belongs is an empty
// list, as encoding/json does by itself.
package tolerant

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/oppslag/oppslag/clients/sanitize"
)

// FieldKind tells how a field was odd.
type FieldKind uint8

// The kinds of odd field.
const (
	// FieldForm is a value of the right JSON type in a form the client
	// cannot read (a date-time "2022-03-15 kl 10"). The field's own type
	// keeps the text, so the page shows it in place.
	FieldForm FieldKind = iota + 1
	// FieldType is a value of the wrong JSON type. The field is left empty;
	// the page lists it with its received text.
	FieldType
)

// Field is one value the client could not read.
type Field struct {
	// Path names the field from the document root with the upstream's JSON
	// names and list indices: "residentialAddress[0].moveDate". It holds no
	// value and may be logged.
	Path string
	// Raw is the value as received: compact JSON for FieldType, the text for
	// FieldForm. Control characters are dropped, digit runs that could be an
	// identity number masked, and it is capped. Never log it.
	Raw  string
	Kind FieldKind
}

// Unread is implemented by field types that keep a value they could not
// read (Time does). Decode finds them and reports them as FieldForm.
type Unread interface {
	UnreadValue() (raw string, ok bool)
}

// unreadCount counts values kept unread by UnmarshalJSON methods, in every
// goroutine. Decode walks the result for them only when it moved, so the
// common, clean document costs no walk; a concurrent decode may cause a
// needless walk, never a missed one.
var unreadCount atomic.Uint64

// NoteUnread records that an UnmarshalJSON method kept a value it could not
// read. Field types implementing Unread call it, so Decode knows to look.
func NoteUnread() { unreadCount.Add(1) }

// Clean makes raw safe to keep and show: control characters dropped, every
// run of 11 or more digits masked, at most maxRaw runes.
func Clean(raw string) string { return sanitize.Text(raw, nil, maxRaw) }

// ErrShape is the cause when the document's top level is not what the
// caller decodes into (an array where a document belongs, or null).
var ErrShape = errors.New("wrong top-level shape")

// Decode decodes exactly one JSON document from b into out, a non-nil
// pointer, and returns the fields it could not read, in path order. It fails
// (with a *sanitize.DecodeError, which never quotes the body) only for an
// empty body, invalid or truncated JSON, data after the document, or a
// document whose top level does not fit out, including null for a struct.
func Decode(b []byte, out any) ([]Field, error) {
	trimmed := bytes.TrimSpace(b)
	if len(trimmed) == 0 {
		return nil, &sanitize.DecodeError{Kind: "empty body"}
	}
	target := reflect.TypeOf(out)
	if target == nil || target.Kind() != reflect.Pointer {
		return nil, &sanitize.DecodeError{Kind: "decode target is not a pointer"}
	}
	if trimmed[0] == 'n' && deref(target.Elem()).Kind() == reflect.Struct {
		return nil, &sanitize.DecodeError{Kind: "JSON null where a document belongs", Err: ErrShape}
	}
	before := unreadCount.Load()
	dec := json.NewDecoder(bytes.NewReader(b))
	err := dec.Decode(out)
	var typeErr *json.UnmarshalTypeError
	var fields []Field
	switch {
	case err == nil:
	case errors.As(err, &typeErr):
		// encoding/json finishes the document past a value of the wrong
		// type and reports only the first; find them all.
		var shapeErr error
		fields, shapeErr = typeMismatches(b, target.Elem())
		if shapeErr != nil {
			return nil, shapeErr
		}
	default:
		return nil, &sanitize.DecodeError{Kind: sanitize.JSONError(err), Err: err}
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, &sanitize.DecodeError{Kind: "data after the JSON value"}
	}
	if unreadCount.Load() != before {
		fields = append(fields, unreadForms(reflect.ValueOf(out))...)
	}
	slices.SortStableFunc(fields, func(a, b Field) int { return strings.Compare(a.Path, b.Path) })
	return fields, nil
}

// Paths returns the paths of fields, for a log line.
func Paths(fields []Field) []string {
	out := make([]string, len(fields))
	for i, f := range fields {
		out[i] = f.Path
	}
	return out
}

// Under returns the fields whose path lies under prefix (a top-level member
// such as "commonContactRegisterInformation", or a deeper path).
func Under(fields []Field, prefix string) []Field {
	var out []Field
	for _, f := range fields {
		if f.Path == prefix || strings.HasPrefix(f.Path, prefix) && (f.Path[len(prefix)] == '.' || f.Path[len(prefix)] == '[') {
			out = append(out, f)
		}
	}
	return out
}

// typeMismatches decodes b a second time as a plain tree and walks it
// beside t, collecting every value whose JSON type t cannot hold. It runs
// only for a document that has such a value.
func typeMismatches(b []byte, t reflect.Type) ([]Field, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var tree any
	if err := dec.Decode(&tree); err != nil {
		return nil, &sanitize.DecodeError{Kind: sanitize.JSONError(err), Err: err}
	}
	var out []Field
	if !walkTree(t, tree, "", &out) {
		return nil, &sanitize.DecodeError{Kind: "wrong top-level shape", Err: ErrShape}
	}
	return out, nil
}

var (
	jsonUnmarshaler = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshaler = reflect.TypeFor[interface{ UnmarshalText([]byte) error }]()
)

// walkTree reports whether node fits t at the top; below the top, values
// that do not fit are appended to out with their path.
func walkTree(t reflect.Type, node any, path string, out *[]Field) bool {
	t = deref(t)
	if node == nil {
		return true // null leaves any Go value at its zero
	}
	pt := reflect.PointerTo(t)
	if t.Implements(jsonUnmarshaler) || pt.Implements(jsonUnmarshaler) {
		return true // reads itself; the tolerant ones never fail
	}
	fits := true
	switch {
	case t.Implements(textUnmarshaler) || pt.Implements(textUnmarshaler):
		_, fits = node.(string)
	default:
		switch t.Kind() {
		case reflect.String:
			_, fits = node.(string)
		case reflect.Bool:
			_, fits = node.(bool)
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			n, ok := node.(json.Number)
			_, err := strconv.ParseInt(string(n), 10, t.Bits())
			fits = ok && err == nil
		case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
			n, ok := node.(json.Number)
			_, err := strconv.ParseUint(string(n), 10, t.Bits())
			fits = ok && err == nil
		case reflect.Float32, reflect.Float64:
			n, ok := node.(json.Number)
			_, err := strconv.ParseFloat(string(n), t.Bits())
			fits = ok && err == nil
		case reflect.Interface:
		case reflect.Struct:
			obj, ok := node.(map[string]any)
			if fits = ok; ok {
				fs := fieldsOf(t)
				for _, key := range sortedKeys(obj) {
					if f, found := fs.lookup(key); found {
						walkTree(f.typ, obj[key], join(path, key), out)
					}
				}
			}
		case reflect.Map:
			obj, ok := node.(map[string]any)
			if fits = ok; ok {
				for _, key := range sortedKeys(obj) {
					walkTree(t.Elem(), obj[key], join(path, key), out)
				}
			}
		case reflect.Slice, reflect.Array:
			if t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8 {
				_, fits = node.(string) // []byte is base64 text
				break
			}
			list, ok := node.([]any)
			if fits = ok; ok {
				for i, v := range list {
					walkTree(t.Elem(), v, path+"["+strconv.Itoa(i)+"]", out)
				}
			}
		default:
			fits = false // chan, func: nothing JSON can fill
		}
	}
	if !fits && path != "" {
		raw, _ := json.Marshal(node)
		*out = append(*out, Field{Path: path, Raw: Clean(string(raw)), Kind: FieldType})
	}
	return fits
}

// unreadForms walks a decoded value for fields implementing Unread that
// hold an unread value.
func unreadForms(v reflect.Value) []Field {
	var out []Field
	var walk func(v reflect.Value, path string)
	walk = func(v reflect.Value, path string) {
		for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
			if v.IsNil() {
				return
			}
			v = v.Elem()
		}
		if v.CanInterface() {
			if u, ok := v.Interface().(Unread); ok {
				if raw, odd := u.UnreadValue(); odd {
					out = append(out, Field{Path: path, Raw: raw, Kind: FieldForm})
				}
				return
			}
		}
		switch v.Kind() {
		case reflect.Struct:
			for _, f := range fieldsOf(v.Type()).list {
				fv, err := v.FieldByIndexErr(f.index)
				if err == nil {
					walk(fv, join(path, f.name))
				}
			}
		case reflect.Slice, reflect.Array:
			if v.Type().Elem().Kind() == reflect.Uint8 {
				return
			}
			for i := range v.Len() {
				walk(v.Index(i), path+"["+strconv.Itoa(i)+"]")
			}
		case reflect.Map:
			if v.Type().Key().Kind() != reflect.String {
				return
			}
			keys := v.MapKeys()
			slices.SortFunc(keys, func(a, b reflect.Value) int { return strings.Compare(a.String(), b.String()) })
			for _, k := range keys {
				walk(v.MapIndex(k), join(path, k.String()))
			}
		}
	}
	walk(v, "")
	return out
}

// structField is one JSON member of a struct, embedded ones promoted.
type structField struct {
	name  string
	index []int
	typ   reflect.Type
}

// structFields are a struct type's JSON members.
type structFields struct {
	list   []structField
	byName map[string]int
}

// lookup finds the member for a JSON key as encoding/json does: the exact
// name first, then a case-insensitive match.
func (fs *structFields) lookup(key string) (structField, bool) {
	if i, ok := fs.byName[key]; ok {
		return fs.list[i], true
	}
	for _, f := range fs.list {
		if strings.EqualFold(f.name, key) {
			return f, true
		}
	}
	return structField{}, false
}

var fieldCache sync.Map // reflect.Type → *structFields

// fieldsOf lists t's JSON members: exported fields by their tag name (or Go
// name), fields of untagged embedded structs promoted unless a shallower
// field has the same name, `json:"-"` skipped.
func fieldsOf(t reflect.Type) *structFields {
	if fs, ok := fieldCache.Load(t); ok {
		return fs.(*structFields)
	}
	fs := &structFields{byName: map[string]int{}}
	var collect func(t reflect.Type, index []int)
	collect = func(t reflect.Type, index []int) {
		var embedded []reflect.StructField
		for i := range t.NumField() {
			sf := t.Field(i)
			tag := sf.Tag.Get("json")
			if tag == "-" {
				continue
			}
			name, _, _ := strings.Cut(tag, ",")
			if sf.Anonymous && name == "" && deref(sf.Type).Kind() == reflect.Struct {
				embedded = append(embedded, sf)
				continue
			}
			if !sf.IsExported() {
				continue
			}
			if name == "" {
				name = sf.Name
			}
			if _, taken := fs.byName[name]; taken {
				continue
			}
			fs.byName[name] = len(fs.list)
			fs.list = append(fs.list, structField{name: name, index: append(slices.Clone(index), i), typ: sf.Type})
		}
		// Embedded members come after the outer ones, so the shallower
		// field wins a name clash, as in encoding/json.
		for _, sf := range embedded {
			collect(deref(sf.Type), append(slices.Clone(index), sf.Index...))
		}
	}
	collect(t, nil)
	actual, _ := fieldCache.LoadOrStore(t, fs)
	return actual.(*structFields)
}

func deref(t reflect.Type) reflect.Type {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
