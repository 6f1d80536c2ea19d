package timeline

import (
	"fmt"
	"strings"

	"github.com/oppslag/oppslag/clients/person"
)

// Text is words for the page, kept free of a language so the rules need no
// catalog: a message key with arguments, or (with no key) the arguments
// joined by ", " with empty ones left out. The page translates it when it
// renders. Arguments are strings, numbers, person.DateTime (a calendar
// day), Country, EnumValue, person.FamilyRelationType (a relative's role)
// and Text (translated in turn).
type Text struct {
	Key  string
	Args []any
}

// Key is the message key with args.
func Key(key string, args ...any) Text { return Text{Key: key, Args: args} }

// Join is its parts joined by ", ", empty parts left out.
func Join(parts ...any) Text { return Text{Args: parts} }

// Country is an ISO 3166-1 country code, named in the page's language when
// rendered (as the overview names it).
type Country string

// EnumValue is an upstream enum value the page names by the message key
// Prefix + "." + lower-case Value; a value the catalog does not know (a
// newer API version, S33) is shown as it came.
type EnumValue struct {
	Prefix string
	Value  string
}

// Enum is the enum value v named under prefix, or no text when v is empty.
func Enum(prefix, v string) Text {
	if v == "" {
		return Text{}
	}
	return Join(EnumValue{Prefix: prefix, Value: v})
}

// IsZero reports whether t shows nothing.
func (t Text) IsZero() bool {
	if t.Key != "" {
		return false
	}
	for _, a := range t.Args {
		switch v := a.(type) {
		case string:
			if v == "" {
				continue
			}
		case Country:
			if v == "" {
				continue
			}
		case EnumValue:
			if v.Value == "" {
				continue
			}
		case Text:
			if v.IsZero() {
				continue
			}
		case person.DateTime:
			if v.IsZero() {
				continue
			}
		}
		return false
	}
	return true
}

// String is t in the catalog's own terms, for tests and logs: keys are not
// resolved, a key's arguments follow it in brackets, dates are YYYY-MM-DD
// and an enum value is prefix[Value].
func (t Text) String() string {
	var args []string
	for _, a := range t.Args {
		var s string
		switch v := a.(type) {
		case person.DateTime:
			if raw, odd := v.UnreadValue(); odd {
				s = "unread(" + raw + ")"
			} else if v.Known() {
				s = v.DateOnly()
			}
		case EnumValue:
			if v.Value != "" {
				s = v.Prefix + "[" + v.Value + "]"
			}
		default:
			s = strings.TrimSpace(fmt.Sprint(v))
		}
		if t.Key != "" || s != "" {
			args = append(args, s)
		}
	}
	if t.Key == "" {
		return strings.Join(args, ", ")
	}
	if len(args) == 0 {
		return t.Key
	}
	return t.Key + "(" + strings.Join(args, ", ") + ")"
}

// Field is one labelled value of an item, for the comparison.
type Field struct {
	Label string // message key
	Value Text
}
