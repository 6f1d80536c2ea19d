package views

import (
	"context"
	"fmt"
	"time"

	"github.com/oppslag/oppslag/views/i18n"
)

// Text is a catalog message a handler chose and a view translates: view
// models carry Texts (a key and its arguments), not words, so the
// language is applied in one place, the view, in the request's language.
// An argument that is itself worded (a Text, or any value with a
// Lang(i18n.Lang) string method, such as a country name), a Date or a
// DateTime is worded or formatted in the same language before the message
// is.
type Text struct {
	Key  string
	Args []any
}

// Msg returns the Text for key with args.
func Msg(key string, args ...any) Text { return Text{Key: key, Args: args} }

// Plain returns a Text that is s as it is: a value from a register (a
// name, a code shown as received), which no catalog translates.
func Plain(s string) Text { return Text{Args: []any{s}} }

// MsgOr returns the Text for key when the catalog has it in every
// language, else or as received: a register code the catalog may not know
// yet (a new profession, a new status) still shows.
func MsgOr(key, or string) Text {
	if i18n.Has(key) {
		return Msg(key)
	}
	return Plain(or)
}

// Worded is a value that words itself in a language: a Text, a country or
// language name, a joined phrase. A Worded argument of a Text is worded in
// the Text's language.
type Worded interface {
	Lang(l i18n.Lang) string
}

// IsZero reports whether t is the zero Text, which renders as "".
func (t Text) IsZero() bool { return t.Key == "" && len(t.Args) == 0 }

// In returns t in the language of ctx.
func (t Text) In(ctx context.Context) string { return t.Lang(i18n.From(ctx)) }

// Lang returns t in language l.
func (t Text) Lang(l i18n.Lang) string {
	args := make([]any, len(t.Args))
	for i, a := range t.Args {
		args[i] = argIn(l, a)
	}
	if t.Key == "" {
		return fmt.Sprint(args...) // Plain: as received
	}
	return i18n.TL(l, t.Key, args...)
}

// Date is a calendar day as an argument of a Text: formatted as the
// language writes dates (i18n.Date).
type Date time.Time

// DateTime is an instant as an argument of a Text: formatted as the
// language writes a date and time in Norwegian time (i18n.DateTime).
type DateTime time.Time

func argIn(l i18n.Lang, a any) any {
	switch v := a.(type) {
	case Worded:
		return v.Lang(l)
	case Date:
		return i18n.Date(l, time.Time(v))
	case DateTime:
		return i18n.DateTime(l, time.Time(v))
	}
	return a
}
