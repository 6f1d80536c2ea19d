// Package views holds the portal's templ components and their typed view
// models. Views fetch nothing: a handler fills a model and renders it. Every
// page is wrapped in Page, every string a user reads comes from the i18n
// catalog, and every asset URL comes from static.Path.
package views

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/oppslag/oppslag/views/i18n"
)

// UserHeader is what the header shows about the signed-in user. The handler
// formats it (e.g. Professions "Lege, Sykepleier", Org "Org.nr. 123 456 789"
// via the "user.org" message); an empty HPRNumber shows as "no HPR number".
type UserHeader struct {
	Name        string
	HPRNumber   string
	Professions string
	Org         string
}

// Base is what every page's frame needs. Title and Flash arrive already
// translated; the language itself travels in the context (i18n.WithLang).
type Base struct {
	Title     string      // page title, without the product name
	User      *UserHeader // nil when anonymous
	CSRFToken string      // "" when there is no session
	Demo      bool        // show the DEMO band: synthetic data only
	Path      string      // current local path, where the language switch returns to
	Flash     string      // one-off notice shown at the top of main
}

// ErrorData is what an error page or fragment shows: a plain message in the
// user's language and the correlation id to quote to support (security S26).
type ErrorData struct {
	Status        int
	Title         string
	Message       string
	CorrelationID string
	ShowLogin     bool // offer "log in again" (e.g. after the session ran out)
}

// StatusError returns the catalog's title and message for an HTTP status in
// the context's language. Statuses without their own text get the 500 text
// for 5xx and the 400 text for other 4xx; 401 offers a new login.
func StatusError(ctx context.Context, status int, correlationID string) ErrorData {
	key := "500"
	switch status {
	case http.StatusBadRequest, http.StatusUnauthorized, http.StatusForbidden,
		http.StatusNotFound, http.StatusMethodNotAllowed, http.StatusTooManyRequests,
		http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		key = strconv.Itoa(status)
	default:
		if status >= 400 && status < 500 {
			key = "400"
		}
	}
	return ErrorData{
		Status:        status,
		Title:         i18n.T(ctx, "error."+key+".title"),
		Message:       i18n.T(ctx, "error."+key+".message"),
		CorrelationID: correlationID,
		ShowLogin:     status == http.StatusUnauthorized,
	}
}

// htmxConfig locks htmx down for a strict CSP (security S24): no eval, no
// script tags from swapped HTML, requests to our own origin only, no history
// snapshots of patient data in localStorage, indicator CSS from a file.
//
// responseHandling swaps 4xx and 5xx answers too: an error fragment is the
// panel's own plain message (with its correlation id), shown where the user
// looked, instead of htmx silently dropping it. 204 swaps nothing.
const htmxConfig = `{"allowEval":false,"allowScriptTags":false,"selfRequestsOnly":true,"historyCacheSize":0,"includeIndicatorStyles":false,"refreshOnHistoryMiss":true,"responseHandling":[{"code":"204","swap":false},{"code":"[23]..","swap":true},{"code":"[45]..","swap":true,"error":true}]}`

// csrfHeaders returns the hx-headers JSON that makes every htmx request carry
// the session's CSRF token. json.Marshal escapes the token, so nothing in it
// can break out of the object.
func csrfHeaders(token string) string {
	b, err := json.Marshal(map[string]string{"X-CSRF-Token": token})
	if err != nil {
		// A map of strings always marshals; stay safe rather than panic.
		return "{}"
	}
	return string(b)
}

// pageTitle is the document title: the page's own title and the product name.
func pageTitle(ctx context.Context, b Base) string {
	if b.Title == "" {
		return i18n.T(ctx, "app.name")
	}
	return i18n.T(ctx, "page.title", b.Title)
}

// withTitle returns b with its title set when the caller left it empty.
func withTitle(b Base, title string) Base {
	if b.Title == "" {
		b.Title = title
	}
	return b
}

// hprLine is the header's HPR line: the number, or that there is none.
func hprLine(ctx context.Context, u *UserHeader) string {
	if u.HPRNumber == "" {
		return i18n.T(ctx, "user.no_hpr")
	}
	return i18n.T(ctx, "user.hpr", u.HPRNumber)
}

// returnPath is where the language switch sends the user back to: the current
// path, or the front page when none is known. The web layer still checks
// that it is local before redirecting.
func returnPath(p string) string {
	if p == "" {
		return "/"
	}
	return p
}

// alertColor picks the alert colour: the user's own 4xx is a warning, a
// failure on our side (5xx) is danger.
func alertColor(status int) string {
	if status >= 400 && status < 500 {
		return "warning"
	}
	return "danger"
}

// orNone shows s, or the catalog's "none" when s is empty.
func orNone(ctx context.Context, s string) string {
	if s == "" {
		return i18n.T(ctx, "me.none")
	}
	return s
}

// unreadSummary is the heading of a panel's list of values the portal could
// not read: "1 verdi kunne ikke leses", "2 verdier kunne ikke leses".
func unreadSummary(ctx context.Context, n int) string {
	if n == 1 {
		return i18n.T(ctx, "person.unread.summary.one")
	}
	return i18n.T(ctx, "person.unread.summary", n)
}
