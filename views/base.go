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
	"strings"

	"github.com/oppslag/oppslag/views/i18n"
)

// UserHeader is what the header shows about the signed-in user: the view
// words it (Professions "Lege, Sykepleier" from the HPR category codes, Org
// "Org.nr. 123 456 789"); an empty HPRNumber shows as "no HPR number".
type UserHeader struct {
	Name        string
	HPRNumber   string
	Professions []string // HPR category codes (code set 9060), e.g. "LE"
	Org         string   // organisation number, "" when unknown
}

// ProfessionName names an HPR category (code set 9060); a code the catalog
// does not know is shown as it came.
func ProfessionName(code string) Text {
	return MsgOr("profession."+strings.ToLower(code), code)
}

// professionsText is the header's list of the user's categories.
func professionsText(ctx context.Context, codes []string) string {
	names := make([]string, len(codes))
	for i, c := range codes {
		names[i] = ProfessionName(c).In(ctx)
	}
	return strings.Join(names, ", ")
}

// OrgText is an organisation number as the header and the user's page show
// it: "Org.nr. 123 456 789".
func OrgText(ctx context.Context, org string) string {
	if len(org) == 9 {
		org = org[0:3] + " " + org[3:6] + " " + org[6:9]
	}
	return i18n.T(ctx, "user.org", org)
}

// ErrorFor is what the user sees of a failure with status: the title and
// message key names (key+".title", key+".message") when the catalog has
// them, else the status's own; and the correlation id.
func ErrorFor(ctx context.Context, status int, key, correlationID string) ErrorData {
	d := StatusError(ctx, status, correlationID)
	if key != "" && i18n.Has(key+".message") {
		d.Title = i18n.T(ctx, key+".title")
		d.Message = i18n.T(ctx, key+".message")
	}
	return d
}

// Base is what every page's frame needs. Flash arrives already translated; the language itself travels in the context (i18n.WithLang).
type Base struct {
	Title     Text        // page title, without the product name
	User      *UserHeader // nil when anonymous
	CSRFToken string      // "" when there is no session
	Demo      bool        // show the DEMO band: synthetic data only
	Testdata  bool        // link to the population browser (/testdata): every upstream is simulated
	Path      string      // current local path, where the language switch returns to
	Flash     string      // one-off notice shown at the top of main
	// Patient is the patient banner at the top of main on every page about
	// one patient; nil elsewhere.
	Patient *PatientBanner
	// Faults are the simulator faults in force (F19), shown in a band
	// under the DEMO band on every page; nil when none.
	Faults []FaultLine
}

// PatientBanner says whose page this is, on every patient page and its
// print (issue 12): with two tabs open, the name, birth date and number at
// the top are what keep a clinician from reading the wrong patient's
// results. It never carries an address (S19), only the protection label.
// The browser tab title stays free of names; the banner is enough.
type PatientBanner struct {
	Name        string // the current name; "" when the session has no snapshot of the patient
	NumberLabel Text   // "Fødselsnummer", "D-nummer", ...
	Number      string // formatted "DDMMYY NNNNN"; text only, never in an attribute (S15)
	Birth       Text   // the birth date; zero when unknown
	Age         Text   // "46 år", "72 år (ved død)"; zero when unknown
	Labels      []Tag  // deceased, protected address, D-number, synthetic
	Overview    string // the overview's URL; "" on the overview itself
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
	if b.Title.IsZero() {
		return i18n.T(ctx, "app.name")
	}
	return i18n.T(ctx, "page.title", b.Title.In(ctx))
}

// withTitle returns b with its title set when the caller left it empty.
func withTitle(b Base, title Text) Base {
	if b.Title.IsZero() {
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
