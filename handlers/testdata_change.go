package handlers

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/oppslag/oppslag/clients/audit"
	"github.com/oppslag/oppslag/clients/person/nin"
	"github.com/oppslag/oppslag/clients/person/personsim"
	"github.com/oppslag/oppslag/handlers/request"
	"github.com/oppslag/oppslag/views"
)

// PersonChanger changes a synthetic person in the Person API simulator,
// which then tells of the change in its event feed (personsim.Changes).
type PersonChanger interface {
	Rename(nin, family string) (seq int64, err error)
}

// maxFamilyName bounds a new family name, in characters.
const maxFamilyName = 100

// ChangePerson answers POST /testdata/person: a tester gives a synthetic
// person a new family name. The simulator appends a ChangeInName event, so
// the portal's per-user person cache drops the person at its next poll of
// the feed and the overview shows the new name (issue 15, change events).
//
// The number comes in the body, as everywhere, and never goes back in a
// URL: the answer is a redirect to /testdata?changed=SEQ, the event's
// sequence number. The change is recorded before it is made (resource
// testdata, action person_change, the person as the patient), so an audit
// store that is down refuses it.
func (h Testdata) ChangePerson(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if h.Changes == nil {
		return Errorf(http.StatusNotFound, "", errors.New("testdata: no changeable simulator"))
	}
	number, numErr := nin.Parse(r.PostFormValue("nin"))
	family := strings.TrimSpace(r.PostFormValue("family"))
	var msg views.Text
	switch {
	case numErr != nil:
		msg = views.Msg("testdata.change.error.nin")
	case family == "" || utf8.RuneCountInString(family) > maxFamilyName || !readable(family):
		msg = views.Msg("testdata.change.error.family", maxFamilyName)
	}
	if msg.IsZero() {
		rec := audit.Event{Resource: "testdata", Action: "person_change", Patient: number.Digits,
			Fields: []string{"family"}, Outcome: audit.Success}
		if err := h.Audit.Record(ctx, request.UserFrom(ctx), rec); err != nil {
			return Errorf(http.StatusServiceUnavailable, "error.audit", err)
		}
		seq, err := h.Changes.Rename(number.Digits, family)
		switch {
		case err == nil:
			http.Redirect(w, r, "/testdata?changed="+strconv.FormatInt(seq, 10), http.StatusSeeOther)
			return nil
		case errors.Is(err, personsim.ErrUnknownPerson):
			msg = views.Msg("testdata.change.error.unknown")
		default:
			return Errorf(http.StatusInternalServerError, "", fmt.Errorf("testdata: rename: %w", err))
		}
	}
	d := views.TestdataData{FaultPanel: h.FaultPanel, CanChange: true, ChangeError: msg, ChangeFamily: family}
	h.fillForm(&d, testdataQuery{page: 1})
	return Render(w, r, http.StatusUnprocessableEntity, views.TestdataPage(h.Site.Base(r, "testdata.title"), d))
}
