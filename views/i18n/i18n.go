// Package i18n is the portal's message catalog: Norwegian bokmål (the
// default), nynorsk and English, the language carried in the request context,
// and date formatting in the user's language. Every string a user reads goes
// through T or TL.
//
// # The catalog
//
// The messages live in catalog/nb.json, catalog/nn.json and catalog/en.json,
// one file per language, embedded in the binary and parsed once at start-up
// by go-i18n (github.com/nicksnyder/go-i18n/v2). Each file is one flat JSON
// object from a dotted key ("hpr.expiring") to the message. Bokmål is the
// reference: every key in it must be in nynorsk and English too, with the same
// placeholders, and the tests hold the three files to that. Register terms
// follow Folkeregisteret (upstreams.md §2.3, §6).
//
// Messages are written in fmt's verb style (%s, %d, %[2]s) and formatted with
// fmt.Sprintf, so a translation may reorder its arguments with explicit
// indexes. go-i18n's own templates are never executed: a "{{" in a message is
// plain text.
//
// # Plurals
//
// A message whose wording depends on a count has plural forms instead of one
// text, chosen by the language's CLDR plural rule:
//
//	"hpr.expiring": {"one": "Utløper om %d dag (%s)", "other": "Utløper om %d dager (%s)"}
//
// For a message with plural forms, T and TL pick the form by the first
// integer argument (any int or uint type), wherever the text places it; with
// no integer argument they use "other". So the argument whose count governs
// the wording goes first in the call. Bokmål, nynorsk and English each need
// "one" and "other". A sentence with two counts that each govern a noun
// cannot be one plural message: it is built from one plural message per count.
//
// # Where translation happens
//
// In views, through T and TL: a view model carries data (counts, dates,
// codes) and views.Text values (a message key and its arguments), and the
// templ component turns them into words in the request's language.
// Handlers choose which message applies — a form error, a notice, a label —
// but never word it: handlers.TestHandlersDoNotTranslate fails on a handler
// that calls T, TL or a date formatter. Clients and rule packages hold no
// user-facing text: they return data and named errors, which a view or the
// error renderer translates.
package i18n

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"reflect"
	"slices"
	"strconv"
	"strings"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"github.com/nicksnyder/go-i18n/v2/i18n/template"
	"golang.org/x/text/language"
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

//go:embed catalog/*.json
var catalogFiles embed.FS

// catalogs is parsed once, at start-up: a broken catalog file stops the
// program before it serves a page with keys in place of words.
var catalogs = mustLoad(catalogFiles)

// catalog is the parsed message files.
type catalog struct {
	localizers map[Lang]*goi18n.Localizer
	messages   map[Lang]map[string]*goi18n.Message
	plural     map[string]bool // keys with plural forms in some language
}

func mustLoad(fsys fs.FS) *catalog {
	c, err := load(fsys)
	if err != nil {
		panic(err)
	}
	return c
}

// load parses catalog/<lang>.json for every supported language into one
// go-i18n bundle, with bokmål as the bundle's fallback.
func load(fsys fs.FS) (*catalog, error) {
	b := goi18n.NewBundle(language.Make(string(Default)))
	c := &catalog{
		localizers: make(map[Lang]*goi18n.Localizer),
		messages:   make(map[Lang]map[string]*goi18n.Message),
		plural:     make(map[string]bool),
	}
	for _, l := range Supported() {
		path := "catalog/" + string(l) + ".json"
		f, err := b.LoadMessageFileFS(fsys, path)
		if err != nil {
			return nil, fmt.Errorf("i18n: load %s: %w", path, err)
		}
		msgs := make(map[string]*goi18n.Message, len(f.Messages))
		for _, m := range f.Messages {
			msgs[m.ID] = m
			if hasPluralForms(m) {
				c.plural[m.ID] = true
			}
		}
		c.messages[l] = msgs
		c.localizers[l] = goi18n.NewLocalizer(b, string(l))
	}
	return c, nil
}

func hasPluralForms(m *goi18n.Message) bool {
	return m.Zero != "" || m.One != "" || m.Two != "" || m.Few != "" || m.Many != ""
}

// known reports whether l is one of the supported languages.
func known(l Lang) bool {
	_, ok := catalogs.localizers[l]
	return ok
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
	if !known(l) {
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
			if known(l) {
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

// identity keeps go-i18n from reading a message as a text/template: messages
// are fmt formats, and a "{{" in one is text.
var identity = template.IdentityParser{}

// TL returns the message for key in language l, formatted with args as by
// fmt.Sprintf when args are given; for a message with plural forms, the first
// integer argument picks the form. A key missing from l falls back to bokmål;
// a key missing everywhere comes back as the key itself, which the tests
// catch in rendered pages.
func TL(l Lang, key string, args ...any) string {
	return catalogs.text(l, key, args...)
}

func (c *catalog) text(l Lang, key string, args ...any) string {
	loc, ok := c.localizers[l]
	if !ok {
		l, loc = Default, c.localizers[Default]
	}
	m, ok := c.messages[l][key]
	if !ok {
		if m, ok = c.messages[Default][key]; !ok {
			return key
		}
	}
	msg := m.Other
	if c.plural[key] {
		// Only a plural message needs go-i18n at lookup time: its CLDR rule
		// picks the form. Every other message is the parsed text itself,
		// a map lookup on the hot path of every page.
		lc := goi18n.LocalizeConfig{MessageID: key, TemplateParser: identity}
		if n, ok := pluralCount(args); ok {
			lc.PluralCount = n
		}
		// The error reports a fallback to bokmål or to the "other" form;
		// both still give a message, and the catalog tests keep either from
		// happening.
		msg, _ = loc.Localize(&lc)
	}
	if msg == "" {
		return key
	}
	if len(args) == 0 {
		return msg
	}
	return fmt.Sprintf(msg, args...)
}

// pluralCount returns the first integer in args in a form go-i18n takes as a
// plural count: an int64, or a decimal string for an unsigned integer.
func pluralCount(args []any) (any, bool) {
	for _, a := range args {
		v := reflect.ValueOf(a)
		switch v.Kind() {
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			return v.Int(), true
		case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
			return strconv.FormatUint(v.Uint(), 10), true
		}
	}
	return nil, false
}

// Has reports whether key is in every language's catalog.
func Has(key string) bool {
	for _, l := range Supported() {
		if _, ok := catalogs.messages[l][key]; !ok {
			return false
		}
	}
	return true
}

// Keys returns every key of the default catalog, sorted.
func Keys() []string {
	keys := make([]string, 0, len(catalogs.messages[Default]))
	for k := range catalogs.messages[Default] {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
