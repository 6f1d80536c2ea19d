package handlers

import (
	"context"

	"github.com/oppslag/oppslag/clients/audit"
	"github.com/oppslag/oppslag/handlers/request"
)

// Auditor writes audit records for the request's user. Every handler that
// touches patient data records through it before writing the data (S20);
// a committed record is what opens the request's access gate (gate.go).
type Auditor struct {
	Store audit.Store
}

// Record fills in who, from where and under which correlation id, then
// appends e; it returns only once the record is committed, and then opens
// the request's access gate.
func (a Auditor) Record(ctx context.Context, u *request.User, e audit.Event) error {
	e.CorrelationID = request.CorrelationID(ctx)
	e.ClientIP = request.ClientIP(ctx)
	if u != nil {
		e.Actor = audit.Actor{PID: u.PID, Name: u.Name, HPRNumber: u.HPRNumber, SecurityLevel: u.SecurityLevel,
			OrgParent: u.OrgParent, OrgChild: u.OrgChild}
		if p := u.Professions(); len(p) > 0 {
			e.Actor.HPRRole = p[0]
		}
	}
	if _, err := a.Store.Record(ctx, e); err != nil {
		return err
	}
	opened(ctx)
	return nil
}
