package handlers

import (
	"net/http"

	"github.com/oppslag/oppslag/handlers/request"
	"github.com/oppslag/oppslag/views"
)

// Start serves the front page: a welcome with "Log in" for visitors, the
// search start page for signed-in users.
type Start struct {
	Site Site
}

// ServeHTTP renders the page that fits the visitor.
func (h Start) ServeHTTP(w http.ResponseWriter, r *http.Request) error {
	if request.UserFrom(r.Context()) == nil {
		return Render(w, r, http.StatusOK, views.WelcomePage(h.Site.Base(r, "welcome.title")))
	}
	return Render(w, r, http.StatusOK, views.StartPage(h.Site.Base(r, "start.title")))
}

// SignedOut serves the page HelseID returns the user to after logout.
func (h Start) SignedOut(w http.ResponseWriter, r *http.Request) error {
	return Render(w, r, http.StatusOK, views.SignedOutPage(h.Site.Base(r, "signedout.title")))
}
