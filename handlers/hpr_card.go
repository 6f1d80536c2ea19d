package handlers

import (
	"context"
	"errors"
	"net/http"
	"strconv"

	"github.com/oppslag/oppslag/clients/hpr"
	"github.com/oppslag/oppslag/clients/hpr/standing"
	"github.com/oppslag/oppslag/clients/tolerant"
	"github.com/oppslag/oppslag/clients/upstream"
	"github.com/oppslag/oppslag/handlers/request"
	"github.com/oppslag/oppslag/views"
)

// The health-personnel card (F14, F16): one entry, from HPR through the
// client or from the local index, labelled with where it came from and how
// old it is. What the entry says on the day is decided in
// clients/hpr/standing; this file picks the messages and the view words
// them.

// cardSource is one entry as the pages show it, with where it came from.
type cardSource struct {
	personnel hpr.Personnel
	freshness views.Text
	stale     bool
	staleText views.Text
	limited   *views.HPRLimit
}

// lookupNumber asks HPR through the client, falling back to the index
// when HPR cannot be asked and the client has no stale answer.
func (h HPR) lookupNumber(ctx context.Context, n int) (cardSource, error) {
	var apiErr error
	if h.API != nil {
		cctx, cancel := context.WithTimeout(ctx, h.timeout())
		res, err := h.API.ByNumber(cctx, n)
		cancel()
		if err == nil {
			c := cardSource{personnel: res.Personnel}
			when := views.DateTime(res.FetchedAt)
			switch {
			case res.Stale:
				c.stale = true
				c.limited = limitOf(res.StaleCause)
				c.staleText = staleText(c.limited, when)
				c.freshness = views.Msg("hpr.freshness.cache", when)
			case res.FromCache:
				c.freshness = views.Msg("hpr.freshness.cache", when)
			default:
				c.freshness = views.Msg("hpr.freshness.live", when)
			}
			return c, nil
		}
		if errors.Is(err, upstream.ErrNotFound) {
			return cardSource{}, err
		}
		apiErr = err
	}
	ix := h.index()
	if ix == nil {
		if apiErr == nil {
			apiErr = errNoHPR
		}
		return cardSource{}, apiErr
	}
	p, ok, err := ix.ByNumber(ctx, n)
	switch {
	case err != nil && apiErr != nil:
		return cardSource{}, apiErr
	case err != nil:
		return cardSource{}, upstreamError(serviceHPR, err)
	case !ok:
		if apiErr != nil {
			return cardSource{}, apiErr
		}
		return cardSource{}, upstream.ErrNotFound
	}
	when := views.DateTime(ix.Info().ExportedAt)
	c := cardSource{personnel: p, freshness: views.Msg("hpr.freshness.index", when)}
	if apiErr != nil {
		// HPR was asked and could not answer: the index's copy is older
		// than a live answer would be, and the page says so.
		c.stale, c.limited = true, limitOf(apiErr)
		c.staleText = staleText(c.limited, when)
	}
	return c, nil
}

// staleText says why an older copy is shown, by its cause: the portal held
// back because of HPR's rate limit (HPR was never asked), or HPR did not
// answer. Saying "HPR is not answering" about a request never sent would
// send the reader looking for an outage that is not there.
func staleText(limited *views.HPRLimit, when views.DateTime) views.Text {
	if limited != nil {
		return views.Msg("hpr.stale.limited", when)
	}
	return views.Msg("hpr.stale", when)
}

// Card is the health-personnel card: GET /hpr/{number}.
func (h HPR) Card(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	n, ok := parseHPRNumber(r.PathValue("number"))
	if !ok {
		return Errorf(http.StatusNotFound, "error.hpr.notfound", nil)
	}
	c, err := h.lookupNumber(ctx, n)
	var numbers []int
	if err == nil {
		numbers = []int{n}
	}
	if aerr := h.record(ctx, "view", []string{"hprNummer"}, numbers, outcomeOf(err)); aerr != nil {
		return aerr
	}
	if err != nil {
		if l := limitOf(err); l != nil {
			s := h.searchModel()
			s.Query, s.Searched, s.Limited = strconv.Itoa(n), true, l
			return Render(w, r, http.StatusTooManyRequests, views.HPRSearchPage(h.Site.Base(r, "hpr.title"), s))
		}
		if e := AsError(err); h.Log != nil && e.Status >= 500 && !errors.Is(ctx.Err(), context.Canceled) {
			h.Log.ErrorContext(ctx, "hpr card failed", "status", e.Status, "err", e.Err,
				"correlation_id", request.CorrelationID(ctx))
		}
		if errors.Is(err, upstream.ErrNotFound) {
			return Errorf(http.StatusNotFound, "error.hpr.notfound", err)
		}
		return upstreamError(serviceHPR, err)
	}
	if len(c.personnel.Unread) > 0 && h.Log != nil {
		// Paths only: a value could hold an identity number.
		h.Log.WarnContext(ctx, "hpr entry has values the portal could not read",
			"fields", tolerant.Paths(c.personnel.Unread), "correlation_id", request.CorrelationID(ctx))
	}
	card := cardOf(c.personnel, hpr.Today(h.now()))
	card.Freshness, card.Stale, card.StaleText, card.Limited = c.freshness, c.stale, c.staleText, c.limited
	card.SearchURL = "/hpr"
	return Render(w, r, http.StatusOK, views.HPRCardPage(h.Site.Base(r, "hpr.card.title"), card))
}

// categoryOf is a 9060 category for the page, which names it.
func categoryOf(c hpr.Code) views.HPRCategory {
	return views.HPRCategory{Code: c.Value, Name: c.Name}
}

// hprDate is a day for the page: the date, the value as received and
// marked when HPR sent something the portal cannot read as a date ("mars
// 2022 — ukjent format"), or zero when absent.
func hprDate(d hpr.Date) views.Text {
	switch {
	case d.Unreadable():
		return views.Msg("hpr.unread.value", d.Raw)
	case d.IsZero():
		return views.Text{}
	}
	return views.HPRDay(d.Time)
}

// hprUnreadRows lists an entry's unread values for the card.
func hprUnreadRows(fields []tolerant.Field) []views.HPRUnread {
	out := make([]views.HPRUnread, 0, len(fields))
	for _, f := range fields {
		out = append(out, views.HPRUnread{Path: f.Path, Value: f.Raw})
	}
	return out
}

// currentCategories are the categories standing.Categories picks; the
// page names each once as the reader sees it.
func currentCategories(st hpr.Status) []views.HPRCategory {
	var out []views.HPRCategory
	for _, c := range standing.Categories(st) {
		out = append(out, categoryOf(c))
	}
	return out
}

// periodOf is a period for the page, open at either end; an end the
// portal cannot read is shown as received, marked.
func periodOf(p hpr.Period) views.HPRPeriod {
	return views.HPRPeriod{From: hprDate(p.From), To: hprDate(p.To)}
}

func codeText(c *hpr.Code) string {
	if c == nil {
		return ""
	}
	return firstNonEmpty(c.Name, c.Value)
}

func reactionRows(rs []hpr.Reaction, day hpr.Date) []views.HPRPeriodRow {
	var out []views.HPRPeriodRow
	for _, r := range rs {
		out = append(out, views.HPRPeriodRow{Name: firstNonEmpty(r.Type.Name, r.Type.Value), Period: periodOf(r.Period),
			Active: r.InForce(day)})
	}
	return out
}

func rightRows(rs []hpr.Right, day hpr.Date) []views.HPRRight {
	var out []views.HPRRight
	for _, r := range rs {
		out = append(out, views.HPRRight{
			Name:      firstNonEmpty(r.Type.Name, r.Type.Value),
			Period:    periodOf(r.Period),
			Valid:     standing.RightValidOn(r, day),
			Ended:     codeText(r.Ended),
			Reactions: reactionRows(r.Reactions, day),
		})
	}
	return out
}

// cardOf builds the card: the approvals in standing.Ordered's order
// (current first), each with its full history.
func cardOf(p hpr.Personnel, day hpr.Date) views.HPRCard {
	st := hpr.StatusOn(p, day)
	c := views.HPRCard{
		Name:       fullName(p.Person.GivenName, p.Person.MiddleName, p.Person.FamilyName),
		Number:     strconv.Itoa(p.HPRNumber),
		StatusKind: string(standing.Of(st)),
		Reactions:  reactionRows(p.Reactions, day),
		Birth:      hprDate(p.Person.BirthDate),
		Death:      hprDate(p.Person.DeathDate),
		Unread:     hprUnreadRows(p.Unread),
	}
	if st.Replaced {
		c.ReplacedBy = &views.HPRLink{URL: hprCardURL(st.ReplacedBy), Text: strconv.Itoa(st.ReplacedBy)}
	}
	for _, a := range standing.Ordered(st) {
		v := views.HPRApproval{
			Category:          categoryOf(a.Category()),
			Authorization:     firstNonEmpty(a.Approval.Authorization.Name, a.Approval.Authorization.Value),
			Period:            periodOf(a.Approval.Period),
			Valid:             a.ValidOn && !a.Suspended,
			Suspended:         a.ValidOn && a.Suspended,
			Ended:             codeText(a.Approval.Ended),
			InternshipDate:    hprDate(a.Approval.InternshipDate),
			Specialities:      rightRows(a.Approval.Specialities, day),
			RequisitionRights: rightRows(a.Approval.RequisitionRights, day),
			Competences:       rightRows(a.Approval.Competences, day),
			Reactions:         reactionRows(a.Approval.Reactions, day),
		}
		if a.ExpiringSoon {
			v.Expiring = true
			v.ExpiringText = views.Msg("hpr.expiring", a.DaysLeft, views.Date(a.Expires.Time))
		}
		for _, cond := range a.Approval.Conditions {
			v.Conditions = append(v.Conditions, firstNonEmpty(cond.Type.Name, cond.Type.Value))
		}
		c.Approvals = append(c.Approvals, v)
	}
	return c
}
