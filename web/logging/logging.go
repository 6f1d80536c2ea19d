// Package logging builds the technical log: a slog handler that escapes
// control characters and removes national identity numbers and JWTs from
// every message and attribute before they are written (security case S29).
//
// Audit records are not technical logs; they live in clients/audit.
package logging

import (
	"context"
	"encoding"
	"fmt"
	"io"
	"log/slog"
	"math"
	"reflect"
	"strconv"
)

// New returns a logger writing text (or JSON when json is true) to w at
// level and above, with everything passing through NewHandler.
func New(w io.Writer, json bool, level slog.Level) *slog.Logger {
	opts := &slog.HandlerOptions{Level: level}
	var inner slog.Handler
	if json {
		inner = slog.NewJSONHandler(w, opts)
	} else {
		inner = slog.NewTextHandler(w, opts)
	}
	return slog.New(NewHandler(inner))
}

// NewHandler returns a handler that cleans the message, attribute keys and
// values, and group names before passing them to inner: control characters
// are escaped, 11-digit identity numbers become "[nin]" and JWTs "[jwt]".
//
// Values other than strings and numbers (errors, Stringers, structs, maps)
// reach inner as their text, formatted like TextHandler would, because a
// number inside a struct is out of reach once inner marshals it. Durations
// are written as text ("12.5s") too: JSONHandler would write nanoseconds,
// and 10 to 100 seconds is an 11-digit number.
func NewHandler(inner slog.Handler) slog.Handler {
	if h, ok := inner.(*handler); ok {
		return h // already clean; cleaning twice changes nothing
	}
	return &handler{inner: inner}
}

type handler struct {
	inner slog.Handler
}

func (h *handler) Enabled(ctx context.Context, level slog.Level) bool {
	return h.inner.Enabled(ctx, level)
}

func (h *handler) Handle(ctx context.Context, r slog.Record) error {
	out := slog.NewRecord(r.Time, r.Level, redact(r.Message), r.PC)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(cleanAttr(a))
		return true
	})
	return h.inner.Handle(ctx, out)
}

func (h *handler) WithAttrs(attrs []slog.Attr) slog.Handler {
	clean := make([]slog.Attr, len(attrs))
	for i, a := range attrs {
		clean[i] = cleanAttr(a)
	}
	return &handler{inner: h.inner.WithAttrs(clean)}
}

func (h *handler) WithGroup(name string) slog.Handler {
	return &handler{inner: h.inner.WithGroup(redact(name))}
}

// cleanAttr returns a with its key and value cleaned; groups are cleaned
// all the way down.
func cleanAttr(a slog.Attr) slog.Attr {
	a.Key = redact(a.Key)
	a.Value = cleanValue(a.Value.Resolve())
	return a
}

func cleanValue(v slog.Value) slog.Value {
	switch v.Kind() {
	case slog.KindString:
		s := v.String()
		if c := redact(s); c != s {
			return slog.StringValue(c)
		}
		return v
	case slog.KindInt64:
		n := v.Int64()
		var u uint64
		if n < 0 {
			u = uint64(-(n + 1)) + 1 // no overflow for math.MinInt64
		} else {
			u = uint64(n)
		}
		if isNINSized(u) {
			return slog.StringValue(ninMark)
		}
		return v
	case slog.KindUint64:
		if isNINSized(v.Uint64()) {
			return slog.StringValue(ninMark)
		}
		return v
	case slog.KindFloat64:
		return cleanFloat(v)
	case slog.KindDuration:
		return slog.StringValue(redact(v.Duration().String()))
	case slog.KindGroup:
		attrs := v.Group()
		clean := make([]slog.Attr, len(attrs))
		for i, a := range attrs {
			clean[i] = cleanAttr(a)
		}
		return slog.GroupValue(clean...)
	case slog.KindAny:
		return slog.StringValue(redact(anyText(v.Any())))
	default: // bool, time: nothing in them to hide
		return v
	}
}

func isNINSized(u uint64) bool { return u >= 1e10 && u < 1e11 }

// cleanFloat hides a float whose text holds an identity number, in the
// form of either built-in handler: TextHandler writes 'g' (1.2345678901e+10),
// JSONHandler writes plain decimals (12345678901, 0.12345678901).
func cleanFloat(v slog.Value) slog.Value {
	f := v.Float64()
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return v
	}
	var buf [32]byte
	if !hasNIN(string(strconv.AppendFloat(buf[:0], f, 'f', -1, 64))) &&
		!hasNIN(string(strconv.AppendFloat(buf[:0], f, 'g', -1, 64))) {
		return v
	}
	return slog.StringValue(redact(strconv.FormatFloat(f, 'f', -1, 64)))
}

// anyText formats x the way TextHandler would, except that errors are
// written with Error (JSONHandler's choice) and a panic while formatting
// gives a placeholder instead of taking the process down.
func anyText(x any) (s string) {
	defer func() {
		if p := recover(); p != nil {
			if rv := reflect.ValueOf(x); rv.Kind() == reflect.Pointer && rv.IsNil() {
				s = "<nil>"
				return
			}
			s = "!PANIC in log value"
		}
	}()
	switch x := x.(type) {
	case nil:
		return "<nil>"
	case error:
		return x.Error()
	case encoding.TextMarshaler:
		b, err := x.MarshalText()
		if err != nil {
			return "!ERROR in log value: " + err.Error()
		}
		return string(b)
	case fmt.Stringer:
		return x.String()
	case []byte:
		return string(x)
	default:
		return fmt.Sprintf("%+v", x)
	}
}
