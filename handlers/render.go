package handlers

import (
	"bytes"
	"context"
	"net/http"
	"strings"

	"github.com/a-h/templ"
	"github.com/oppslag/oppslag/handlers/request"
	"github.com/oppslag/oppslag/views"
	"github.com/oppslag/oppslag/views/i18n"
)

// Site carries what every page needs beyond the request itself.
type Site struct {
	Demo bool // synthetic data: every page shows the demo band
}

// Base builds the layout's view model for r with the translated title key.
func (s Site) Base(r *http.Request, titleKey string) views.Base {
	ctx := r.Context()
	b := views.Base{
		CSRFToken: request.CSRFToken(ctx),
		Demo:      s.Demo,
		Path:      r.URL.Path,
	}
	if titleKey != "" {
		b.Title = i18n.T(ctx, titleKey)
	}
	if u := request.UserFrom(ctx); u != nil {
		b.User = userHeader(ctx, u)
	}
	return b
}

func userHeader(ctx context.Context, u *request.User) *views.UserHeader {
	var profs []string
	for _, p := range u.Professions() {
		profs = append(profs, professionName(ctx, p))
	}
	h := &views.UserHeader{Name: u.Name, HPRNumber: u.HPRNumber, Professions: strings.Join(profs, ", ")}
	if org := u.OrgChild; org != "" || u.OrgParent != "" {
		if org == "" {
			org = u.OrgParent
		}
		h.Org = i18n.T(ctx, "user.org", formatOrgNumber(org))
	}
	return h
}

// formatOrgNumber groups a 9-digit organisation number as "123 456 789".
func formatOrgNumber(s string) string {
	if len(s) != 9 {
		return s
	}
	return s[0:3] + " " + s[3:6] + " " + s[6:9]
}

// Render writes c with status after rendering it completely into a buffer, so
// a render error never leaves a half-written page.
func Render(w http.ResponseWriter, r *http.Request, status int, c templ.Component) error {
	var buf bytes.Buffer
	if err := c.Render(r.Context(), &buf); err != nil {
		return Errorf(http.StatusInternalServerError, "", err)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, err := w.Write(buf.Bytes())
	return err
}

// IsFragment reports whether r asks for an htmx fragment (and is not an htmx
// history restore, which needs the whole page).
func IsFragment(r *http.Request) bool {
	return r.Header.Get("HX-Request") == "true" && r.Header.Get("HX-History-Restore-Request") != "true"
}
