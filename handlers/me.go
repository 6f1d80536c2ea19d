package handlers

import (
	"context"
	"net/http"
	"strings"

	"github.com/oppslag/oppslag/handlers/request"
	"github.com/oppslag/oppslag/views"
	"github.com/oppslag/oppslag/views/i18n"
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
		SignedInAt:    i18n.DateTime(i18n.From(ctx), request.SignedInAt(ctx)),
	}
	if hdr := userHeader(ctx, u); hdr != nil {
		m.Org = hdr.Org
	}
	if u.Has(request.RoleClinician) {
		m.Roles = append(m.Roles, i18n.T(ctx, "me.role.clinician"))
	}
	m.Roles = append(m.Roles, i18n.T(ctx, "me.role.hpr"))
	if u.Has(request.RoleAuditor) {
		m.Roles = append(m.Roles, i18n.T(ctx, "me.role.auditor"))
	}
	for _, a := range u.Approvals {
		auth := a.AuthorizationText
		if auth == "" {
			auth = a.Authorization
		}
		m.Approvals = append(m.Approvals, views.MeApproval{
			Profession:        professionName(ctx, a.Profession),
			Authorization:     auth,
			Specialities:      strings.Join(a.Specialities, ", "),
			RequisitionRights: strings.Join(a.RequisitionRights, ", "),
		})
	}
	return Render(w, r, http.StatusOK, views.MePage(h.Site.Base(r, "me.title"), m))
}

// professionName names an HPR category (code set 9060) in the user's
// language; an unknown code is shown as it came.
func professionName(ctx context.Context, code string) string {
	key := "profession." + strings.ToLower(code)
	if !i18n.Has(key) {
		return code
	}
	return i18n.T(ctx, key)
}
