package handlers

import (
	"net/http"
	"strings"

	"github.com/oppslag/oppslag/handlers/request"
	"github.com/oppslag/oppslag/views"
)

// Me serves the signed-in user's own page: what HelseID said about them and
// what the portal lets them do.
func (h Start) Me(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u := request.UserFrom(ctx)
	if u == nil {
		return Errorf(http.StatusUnauthorized, "", nil)
	}
	m := views.MeData{
		Name:          u.Name,
		HPRNumber:     u.HPRNumber,
		SecurityLevel: u.SecurityLevel,
		SignedInAt:    request.SignedInAt(ctx),
		Org:           orgOf(u),
	}
	if u.Has(request.RoleClinician) {
		m.Roles = append(m.Roles, views.Msg("me.role.clinician"))
	}
	m.Roles = append(m.Roles, views.Msg("me.role.hpr"))
	if u.Has(request.RoleAuditor) {
		m.Roles = append(m.Roles, views.Msg("me.role.auditor"))
		m.Pages = append(m.Pages, views.Link{Text: views.Msg("start.audit.search"), Href: "/audit"})
	}
	for _, a := range u.Approvals {
		auth := a.AuthorizationText
		if auth == "" {
			auth = a.Authorization
		}
		m.Approvals = append(m.Approvals, views.MeApproval{
			Profession:        views.ProfessionName(a.Profession),
			Authorization:     auth,
			Specialities:      strings.Join(a.Specialities, ", "),
			RequisitionRights: strings.Join(a.RequisitionRights, ", "),
		})
	}
	return Render(w, r, http.StatusOK, views.MePage(h.Site.Base(r, "me.title"), m))
}
