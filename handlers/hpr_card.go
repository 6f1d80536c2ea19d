package handlers

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/oppslag/oppslag/clients/hpr"
	"github.com/oppslag/oppslag/clients/hpr/standing"
	"github.com/oppslag/oppslag/clients/tolerant"
	"github.com/oppslag/oppslag/clients/upstream"
	"github.com/oppslag/oppslag/handlers/request"
	"github.com/oppslag/oppslag/views"
	"github.com/oppslag/oppslag/views/i18n"
)

// The health-personnel card (F14, F16): one entry, from HPR through the
// client or from the local index, labelled with where it came from and how
// old it is. What the entry says on the day is decided in
// clients/hpr/standing; this file words it.

// cardSource is one entry as the pages show it, with where it came from.
type cardSource struct {
	personnel hpr.Personnel
	freshness string
	stale     bool
	staleText string
	limited   *views.HPRLimit
}

// lookupNumber asks HPR through the client, falling back to the index
// when HPR cannot be asked and the client has no stale answer.
func (h HPR) lookupNumber(ctx context.Context, n int) (cardSource, error) {
	lang := i18n.From(ctx)
	var apiErr error
	if h.API != nil {
		cctx, cancel := context.WithTimeout(ctx, h.timeout())
		res, err := h.API.ByNumber(cctx, n)
		cancel()
		if err == nil {
			c := cardSource{personnel: res.Personnel}
			when := i18n.DateTime(lang, res.FetchedAt)
			switch {
			case res.Stale:
				c.stale = true
				c.limited = limitOf(ctx, res.StaleCause)
				c.staleText = staleText(ctx, c.limited, when)
				c.freshness = i18n.T(ctx, "hpr.freshness.cache", when)
			case res.FromCache:
				c.freshness = i18n.T(ctx, "hpr.freshness.cache", when)
			default:
				c.freshness = i18n.T(ctx, "hpr.freshness.live", when)
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
	when := i18n.DateTime(lang, ix.Info().ExportedAt)
	c := cardSource{personnel: p, freshness: i18n.T(ctx, "hpr.freshness.index", when)}
	if apiErr != nil {
		// HPR was asked and could not answer: the index's copy is older
		// than a live answer would be, and the page says so.
		c.stale, c.limited = true, limitOf(ctx, apiErr)
		c.staleText = staleText(ctx, c.limited, when)
	}
	return c, nil
}

// staleText says why an older copy is shown, by its cause: the portal held
// back because of HPR's rate limit (HPR was never asked), or HPR did not
// answer. Saying "HPR is not answering" about a request never sent would
// send the reader looking for an outage that is not there.
func staleText(ctx context.Context, limited *views.HPRLimit, when string) string {
	if limited != nil {
		return i18n.T(ctx, "hpr.stale.limited", when)
	}
	return i18n.T(ctx, "hpr.stale", when)
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
		if l := limitOf(ctx, err); l != nil {
			s := h.searchModel(ctx)
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
	card := cardOf(ctx, c.personnel, hpr.Today(h.now()))
	card.Freshness, card.Stale, card.StaleText, card.Limited = c.freshness, c.stale, c.staleText, c.limited
	card.SearchURL = "/hpr"
	return Render(w, r, http.StatusOK, views.HPRCardPage(h.Site.Base(r, "hpr.card.title"), card))
}

// categoryText names a 9060 category in the user's language, with its code.
// A value the catalog does not know (one added to the code set later) is
// shown as received, with the register's own name, and marked new: never
// dropped, never mapped to a known one.
func categoryText(ctx context.Context, c hpr.Code) string {
	if c.Value == "" {
		return c.Name
	}
	key := "profession." + strings.ToLower(c.Value)
	if t := i18n.T(ctx, key); t != key {
		return t + " (" + c.Value + ")"
	}
	return i18n.T(ctx, "hpr.code.new", firstNonEmpty(c.Name, c.Value), c.Value)
}

// hprDateText formats a day for the page: the date in the user's language,
// the value as received and marked when HPR sent something the portal
// cannot read as a date ("mars 2022 — ukjent format"), or "" when absent.
func hprDateText(ctx context.Context, d hpr.Date) string {
	switch {
	case d.Unreadable():
		return i18n.T(ctx, "hpr.unread.value", d.Raw)
	case d.IsZero():
		return ""
	}
	return i18n.Date(i18n.From(ctx), d.Time)
}

// hprUnreadRows lists an entry's unread values for the card.
func hprUnreadRows(fields []tolerant.Field) []views.HPRUnread {
	out := make([]views.HPRUnread, 0, len(fields))
	for _, f := range fields {
		out = append(out, views.HPRUnread{Path: f.Path, Value: f.Raw})
	}
	return out
}

// currentCategories names the categories standing.Categories picks, each
// once as the reader sees it.
func currentCategories(ctx context.Context, st hpr.Status) string {
	var names []string
	seen := map[string]bool{}
	for _, c := range standing.Categories(st) {
		if t := categoryText(ctx, c); !seen[t] {
			seen[t] = true
			names = append(names, t)
		}
	}
	return strings.Join(names, ", ")
}

// periodText writes a period as "from – to", open at either end; an end
// the portal cannot read is shown as received, marked.
func periodText(ctx context.Context, p hpr.Period) string {
	return strings.TrimSpace(i18n.T(ctx, "hpr.period", hprDateText(ctx, p.From), hprDateText(ctx, p.To)))
}

func codeText(c *hpr.Code) string {
	if c == nil {
		return ""
	}
	return firstNonEmpty(c.Name, c.Value)
}

func reactionRows(ctx context.Context, rs []hpr.Reaction, day hpr.Date) []views.HPRPeriodRow {
	var out []views.HPRPeriodRow
	for _, r := range rs {
		out = append(out, views.HPRPeriodRow{Name: firstNonEmpty(r.Type.Name, r.Type.Value), Period: periodText(ctx, r.Period),
			Active: r.InForce(day)})
	}
	return out
}

func rightRows(ctx context.Context, rs []hpr.Right, day hpr.Date) []views.HPRRight {
	var out []views.HPRRight
	for _, r := range rs {
		out = append(out, views.HPRRight{
			Name:      firstNonEmpty(r.Type.Name, r.Type.Value),
			Period:    periodText(ctx, r.Period),
			Valid:     standing.RightValidOn(r, day),
			Ended:     codeText(r.Ended),
			Reactions: reactionRows(ctx, r.Reactions, day),
		})
	}
	return out
}

// cardOf builds the card: the approvals in standing.Ordered's order
// (current first), each with its full history.
func cardOf(ctx context.Context, p hpr.Personnel, day hpr.Date) views.HPRCard {
	lang := i18n.From(ctx)
	st := hpr.StatusOn(p, day)
	kind := string(standing.Of(st))
	c := views.HPRCard{
		Name:       fullName(p.Person.GivenName, p.Person.MiddleName, p.Person.FamilyName),
		Number:     strconv.Itoa(p.HPRNumber),
		Status:     i18n.T(ctx, "hpr.status."+kind),
		StatusKind: kind,
		Reactions:  reactionRows(ctx, p.Reactions, day),
		Birth:      hprDateText(ctx, p.Person.BirthDate),
		Death:      hprDateText(ctx, p.Person.DeathDate),
		Unread:     hprUnreadRows(p.Unread),
	}
	if st.Replaced {
		c.ReplacedBy = &views.HPRLink{URL: hprCardURL(st.ReplacedBy), Text: strconv.Itoa(st.ReplacedBy)}
	}
	for _, a := range standing.Ordered(st) {
		v := views.HPRApproval{
			Category:          categoryText(ctx, a.Category()),
			Authorization:     firstNonEmpty(a.Approval.Authorization.Name, a.Approval.Authorization.Value),
			Period:            periodText(ctx, a.Approval.Period),
			Valid:             a.ValidOn && !a.Suspended,
			Suspended:         a.ValidOn && a.Suspended,
			Ended:             codeText(a.Approval.Ended),
			Specialities:      rightRows(ctx, a.Approval.Specialities, day),
			RequisitionRights: rightRows(ctx, a.Approval.RequisitionRights, day),
			Competences:       rightRows(ctx, a.Approval.Competences, day),
			Reactions:         reactionRows(ctx, a.Approval.Reactions, day),
		}
		switch {
		case v.Suspended:
			v.ValidText = i18n.T(ctx, "hpr.status.suspended")
		case v.Valid:
			v.ValidText = i18n.T(ctx, "hpr.valid.today")
		default:
			v.ValidText = i18n.T(ctx, "hpr.valid.not")
		}
		if a.ExpiringSoon {
			v.Expiring = true
			v.ExpiringText = i18n.T(ctx, "hpr.expiring", a.DaysLeft, i18n.Date(lang, a.Expires.Time))
		}
		v.InternshipDate = hprDateText(ctx, a.Approval.InternshipDate)
		for _, cond := range a.Approval.Conditions {
			v.Conditions = append(v.Conditions, firstNonEmpty(cond.Type.Name, cond.Type.Value))
		}
		c.Approvals = append(c.Approvals, v)
	}
	return c
}
