package handlers

import (
	"net/http"

	"github.com/oppslag/oppslag/handlers/request"
	"github.com/oppslag/oppslag/views"
)

// Print answers GET /person/{handle}/print: the overview as a print view
// (F10), every panel with its details expanded, the patient banner, and a
// stamp of who printed, when, with their HPR number and the log id.
//
// A print is its own audit event, like the lab print: the lookups made for
// it are recorded with the action "print" instead of "view" (person, krr,
// family), so the log says what went onto paper; the person record is the
// print event. They are recorded before anything is written (S20), and the
// stamp's log id is the correlation id those records carry.
func (h Person) Print(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	streamed, wait, err := h.overview(r, "print")
	if err != nil {
		return err
	}
	defer wait()
	// Paper is printed whole: the print view waits for every panel.
	page := streamed.Settled()
	base := "/person/" + r.PathValue("handle")
	p := views.PersonPrint{
		Header: page.Header,
		Stamp: views.PrintStamp{
			When:          h.now(),
			CorrelationID: request.CorrelationID(ctx),
			Back:          views.Link{Text: views.Msg("person.print.back"), Href: base},
		},
	}
	if u := request.UserFrom(ctx); u != nil {
		p.Stamp.Who, p.Stamp.HPRNumber = u.Name, u.HPRNumber
	}
	// Paper has no links to follow: the header keeps its facts and labels.
	p.Header.Timeline, p.Header.Labs, p.Header.Print = "", "", ""
	for _, pn := range page.Panels {
		pn.Expanded = true
		p.Panels = append(p.Panels, pn)
	}
	return Render(w, r, http.StatusOK, views.PersonPrintPage(h.Site.Base(r, "person.print.title"), p))
}
