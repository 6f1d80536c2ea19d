package handlers

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/oppslag/oppslag/clients/sanitize"
	"github.com/oppslag/oppslag/handlers/request"
	"github.com/oppslag/oppslag/views"
)

// Start serves the front page: a welcome with "Log in" for visitors, and
// for signed-in users a start page that offers what their roles allow (a
// person search only to clinicians, whom every other role would meet with
// a 403).
type Start struct {
	Site Site
}

// ServeHTTP renders the page that fits the visitor.
func (h Start) ServeHTTP(w http.ResponseWriter, r *http.Request) error {
	u := request.UserFrom(r.Context())
	if u == nil {
		return Render(w, r, http.StatusOK, views.WelcomePage(h.Site.Base(r, "welcome.title")))
	}
	s := views.StartData{Clinician: u.Has(request.RoleClinician), Auditor: u.Has(request.RoleAuditor)}
	title := "start.hpr.title"
	if s.Clinician {
		s.Lookups = "/me/lookups"
		title = "start.title"
	}
	return Render(w, r, http.StatusOK, views.StartPageFor(h.Site.Base(r, title), s))
}

// SignedOut serves the page HelseID returns the user to after logout.
func (h Start) SignedOut(w http.ResponseWriter, r *http.Request) error {
	return Render(w, r, http.StatusOK, views.SignedOutPage(h.Site.Base(r, "signedout.title")))
}

// returnTarget is where the language switch brings the user back to: the
// whole URL of the page, path and query, so a trend page keeps its
// analysis (web's safeReturn still checks it is local). Two exceptions keep
// the path alone: a page answered to a POST (its form values are not the
// page's address), and a query that could hold an identity number (eleven
// digits, however spaced), which the page must not write back (S15): the
// HPR search refuses one in its URL, and its page must not repeat it.
func returnTarget(r *http.Request) string {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return r.URL.Path
	}
	if r.URL.RawQuery == "" {
		return r.URL.EscapedPath()
	}
	q, err := url.QueryUnescape(r.URL.RawQuery)
	if err != nil {
		return r.URL.EscapedPath()
	}
	joined := numberSeparators.Replace(q)
	if sanitize.Text(joined, nil, len(joined)) != joined {
		return r.URL.EscapedPath()
	}
	return r.URL.RequestURI()
}

// numberSeparators are what a person may type inside an identity number.
var numberSeparators = strings.NewReplacer(" ", "", ".", "", "-", "", "\u00a0", "")
