// Package i18n is the portal's message catalog: Norwegian bokmål (the
// default), nynorsk and English, the language carried in the request context,
// and date formatting in the user's language. Every string a user reads goes
// through T or TL.
package i18n

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

// Lang is one of the portal's languages, as a BCP 47 primary language subtag.
type Lang string

// The supported languages.
const (
	NB Lang = "nb" // Norwegian bokmål, the default
	NN Lang = "nn" // Norwegian nynorsk
	EN Lang = "en" // English
)

// Default is the language used when nothing else is known.
const Default = NB

var catalogs = map[Lang]map[string]string{
	NB: nb,
	NN: nn,
	EN: en,
}

// Supported returns the supported languages in the order a menu shows them.
func Supported() []Lang {
	return []Lang{NB, NN, EN}
}

// Parse returns the language named by s ("nb", "nn", "en"; case and a region
// such as "nb-NO" or "en_GB" are ignored, and the macrolanguage "no" means
// bokmål). For anything else it returns Default and false.
func Parse(s string) (Lang, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	if i := strings.IndexAny(s, "-_"); i >= 0 {
		s = s[:i]
	}
	switch s {
	case "nb", "no":
		return NB, true
	case "nn":
		return NN, true
	case "en":
		return EN, true
	}
	return Default, false
}

// Tag returns the value for an HTML lang attribute.
func Tag(l Lang) string {
	if _, ok := catalogs[l]; !ok {
		return string(Default)
	}
	return string(l)
}

// Autonym returns the language's name in the language itself, as a language
// menu shows it to someone who cannot read the current page.
func Autonym(l Lang) string {
	switch l {
	case NN:
		return "Norsk nynorsk"
	case EN:
		return "English"
	default:
		return "Norsk bokmål"
	}
}

type ctxKey struct{}

// WithLang returns ctx carrying the user's language.
func WithLang(ctx context.Context, l Lang) context.Context {
	return context.WithValue(ctx, ctxKey{}, l)
}

// From returns the language carried by ctx, or Default.
func From(ctx context.Context) Lang {
	if ctx != nil {
		if l, ok := ctx.Value(ctxKey{}).(Lang); ok {
			if _, known := catalogs[l]; known {
				return l
			}
		}
	}
	return Default
}

// T returns the message for key in the language carried by ctx, formatted
// with args as by fmt.Sprintf when args are given.
func T(ctx context.Context, key string, args ...any) string {
	return TL(From(ctx), key, args...)
}

// TL returns the message for key in language l, formatted with args as by
// fmt.Sprintf when args are given. A key missing from l falls back to bokmål;
// a key missing everywhere comes back as the key itself, which the tests
// catch in rendered pages.
func TL(l Lang, key string, args ...any) string {
	msg, ok := catalogs[l][key]
	if !ok {
		msg, ok = catalogs[Default][key]
	}
	if !ok {
		return key
	}
	if len(args) == 0 {
		return msg
	}
	return fmt.Sprintf(msg, args...)
}

// Has reports whether key is in every language's catalog.
func Has(key string) bool {
	for _, c := range catalogs {
		if _, ok := c[key]; !ok {
			return false
		}
	}
	return true
}

// Keys returns every key of the default catalog, sorted.
func Keys() []string {
	keys := make([]string, 0, len(catalogs[Default]))
	for k := range catalogs[Default] {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// extend adds an area's messages to a language's catalog. Areas keep their
// messages in their own files (e.g. person_nb.go) and call it from init; a
// key defined twice is a programming error and stops the program at once.
func extend(dst, src map[string]string) {
	for k, v := range src {
		if _, dup := dst[k]; dup {
			panic("i18n: duplicate catalog key " + k)
		}
		dst[k] = v
	}
}
