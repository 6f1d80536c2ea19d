package handlers

import (
	"bytes"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/oppslag/oppslag/clients/person"
	"github.com/oppslag/oppslag/clients/person/protection"
	"github.com/oppslag/oppslag/clients/upstream/rawlog"
	"github.com/oppslag/oppslag/handlers/request"
	"github.com/oppslag/oppslag/views"
)

// The raw-response drawer (F19) shows, for one overview panel, what the
// Person API sent: status, headers and the JSON pretty-printed. It exists
// only in demo mode with every upstream simulated (Person.RawDrawer; the
// route is not mounted otherwise, and answers 404 if it is).
//
// Decisions:
//   - Nothing is kept between requests. GET /person/{handle}/raw/{panel}
//     makes the panel's own upstream calls again, with a rawlog capture in
//     its context, and renders what the Person API client read; the
//     capturing transport (rawlog.Transport, wrapped around the client's)
//     is a no-op for every other request. So two users never see each
//     other's exchanges, and nothing raw is logged or stored.
//   - Opening it is an access like any other: each call is audited with
//     the panel's resource and action "raw_view" before anything is
//     written, behind AccessGate (S20, S27); an audit failure fails closed.
//   - S19 holds here as on the page: every body is parsed and masked with
//     protection.MaskRaw (the rule the address panel uses) before it is
//     rendered. A body that cannot be masked (not JSON, or cut at the
//     capture's cap) is not shown at all, only its size.
//   - Token-bearing headers never appear (rawlog.Sensitive), and the
//     request body, which carries the identity number, is not shown.
//   - The drawer is a link to a page of its own, not an htmx swap: the
//     panels' focus handling in app.js returns focus to a refreshed panel's
//     refresh button, which would pull focus away from the loaded data.

// actionRaw is the audit action of opening a raw-response drawer.
const actionRaw = "raw_view"

// rawURL is the drawer's URL for panel id, or "" when there is no drawer.
func (h Person) rawURL(handle, id string) string {
	if !h.RawDrawer {
		return ""
	}
	return "/person/" + handle + "/raw/" + id
}

// withRawDrawers gives each panel of an overview its drawer link.
func (h Person) withRawDrawers(panels []views.PersonPanel, handle string) {
	for i := range panels {
		raw := h.rawURL(handle, panels[i].ID)
		panels[i].Raw = raw
		// A panel still coming gets its drawer when it is built.
		if later := panels[i].Later; later != nil {
			panels[i].Later = func() views.PersonPanel {
				pn := later()
				pn.Raw = raw
				return pn
			}
		}
	}
}

// Raw answers GET /person/{handle}/raw/{panel}: the panel's upstream calls
// made again and shown as received, masked as the page masks (see above).
func (h Person) Raw(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("panel")
	if !h.RawDrawer || !slices.Contains(panelIDs, id) {
		return Errorf(http.StatusNotFound, "", nil)
	}
	number, err := resolve(r)
	if err != nil {
		return err
	}
	ctx, capture := rawlog.With(h.withPageBudget(r.Context()))
	switch id {
	case "krr":
		_, err = h.fetch(ctx, number, "krr", actionRaw, krrParts, false)
	case "family":
		var p *person.Person
		if p, err = h.fetch(ctx, number, "family", actionRaw, familyParts, true); err == nil {
			_, err = h.relatives(ctx, number, p, actionRaw)
		}
	default:
		s := fregPanel(id)
		var p *person.Person
		p, err = h.fetch(ctx, number, s.resource, actionRaw, s.parts, true)
		if err == nil && id == "marital" { // the panel names the spouse from the relatives
			_, err = h.relatives(ctx, number, p, actionRaw)
		}
	}
	if isAuditError(err) || errors.Is(err, request.ErrLoginRequired) {
		return err
	}
	page := views.RawPage{
		Panel: views.Msg("person.panel." + id),
		Back:  "/person/" + r.PathValue("handle") + "#panel-" + id,
	}
	if err != nil {
		e := ErrorView(ctx, err)
		page.Error = &e
	}
	for _, x := range capture.Exchanges() {
		page.Exchanges = append(page.Exchanges, rawExchange(x))
	}
	return Render(w, r, http.StatusOK, views.RawResponsePage(h.Site.Base(r, "raw.title"), page))
}

// rawExchange is the view of one captured Person API exchange, its body
// masked (S19) or withheld.
func rawExchange(x rawlog.Exchange) views.RawExchange {
	out := views.RawExchange{Method: x.Method, Path: x.Path, Status: x.Status, Proto: x.Proto, Removed: x.Removed}
	for _, hd := range x.Header {
		out.Header = append(out.Header, views.RawHeader{Name: hd.Name, Value: hd.Value})
	}
	body := bytes.TrimSpace(x.Body)
	switch {
	case len(body) == 0:
		out.Note = views.Msg("raw.body.empty")
	case x.Truncated:
		out.Note = views.Msg("raw.body.truncated", len(x.Body))
	default:
		doc, err := rawlog.Parse(body)
		if err != nil {
			out.Note = views.Msg("raw.body.notjson", len(body))
			break
		}
		out.Masked = maskPersonAnswer(doc, x.Path)
		out.Body = doc.Indent()
	}
	return out
}

// maskPersonAnswer masks a Person API answer to the request at path (path
// and query) and returns how many address items it hid. get-by-nin answers
// the person looked up; every other answer (bulk-by-nin: the relatives) is
// masked as relatives' documents, which hides every address in it.
func maskPersonAnswer(doc *rawlog.Value, path string) int {
	route, query, _ := strings.Cut(path, "?")
	q, _ := url.ParseQuery(query)
	asked := slices.Contains(q["informationParts"], string(person.PartAddressProtection))
	subject := strings.HasSuffix(route, "/person/get-by-nin")
	return protection.MaskRaw(doc, !subject, asked)
}
