package handlers

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/oppslag/oppslag/clients/audit"
	"github.com/oppslag/oppslag/clients/hpr"
	"github.com/oppslag/oppslag/clients/hpr/hprindex"
	"github.com/oppslag/oppslag/clients/hpr/query"
	"github.com/oppslag/oppslag/clients/hpr/standing"
	"github.com/oppslag/oppslag/clients/person/nin"
	"github.com/oppslag/oppslag/clients/upstream"
	"github.com/oppslag/oppslag/handlers/request"
	"github.com/oppslag/oppslag/views"
)

// HPRRegister is what the HPR pages need of the HPR client (clients/hpr):
// lookups through its cache and rate limiter.
type HPRRegister interface {
	ByNumber(ctx context.Context, n int) (hpr.Result, error)
	ByNIN(ctx context.Context, nin string) (hpr.Result, error)
	Search(ctx context.Context, surname string, birth hpr.Date) ([]hpr.Personnel, error)
	// Extended reports whether the portal holds HPR's extended (or export)
	// scope, which search by identity number needs.
	Extended() bool
}

// HPRIndex is the local index of the register's export (clients/hpr/hprindex):
// name search with Norwegian folding and typos, and lookups that cost no
// upstream call.
type HPRIndex interface {
	Search(ctx context.Context, q string, limit int) ([]hprindex.Hit, error)
	ByNumber(ctx context.Context, n int) (hpr.Personnel, bool, error)
	BySurnameAndBirth(ctx context.Context, surname string, birth hpr.Date) ([]hpr.Personnel, error)
	Info() hprindex.Info
}

// HPR serves the health-personnel pages (F13–F16) to any signed-in user:
// search, the personnel card and the batch check. Every lookup is audited
// (who searched for which personnel) before the answer is written.
//
// Where answers come from, in order:
//   - a card asks HPR through the client (its cache answers repeats; its
//     limiter keeps the portal inside HPR's bucket). When HPR cannot be
//     asked (rate limit, error) the client's stale answer, and failing that
//     the local index, is shown, always labelled with its age;
//   - name search and the batch check use the local index when there is
//     one, so they cost no upstream calls; without it, name search needs a
//     birth date (HPR's own search) and the batch check goes through the
//     client number by number.
type HPR struct {
	Site    Site
	API     HPRRegister     // nil when HPR is not configured
	Index   func() HPRIndex // returns nil while no index is built; nil func = no index
	Audit   Auditor
	Timeout time.Duration // per upstream call (S32)
	Now     func() time.Time
	Log     *slog.Logger
	Batches *HPRBatches
}

func (h HPR) now() time.Time {
	if h.Now == nil {
		return time.Now()
	}
	return h.Now()
}

func (h HPR) timeout() time.Duration {
	if h.Timeout <= 0 {
		return 3 * time.Second
	}
	return h.Timeout
}

func (h HPR) index() HPRIndex {
	if h.Index == nil {
		return nil
	}
	return h.Index()
}

// parseHPRNumber reads an HPR number (query.ParseNumber); the labs pages
// link a requester's number to the card with it.
func parseHPRNumber(s string) (int, bool) { return query.ParseNumber(s) }

func hprCardURL(n int) string { return "/hpr/" + strconv.Itoa(n) }

// errNoHPR is the error when neither HPR nor an index is configured.
var errNoHPR = notConfigured(serviceHPR)

// limitOf is the rate-limit answer for err, or nil when err is not one. A
// limit without a wait (HPR's own 429) is a minute.
func limitOf(err error) *views.HPRLimit {
	var rl *hpr.RateLimitError
	if !errors.As(err, &rl) {
		if errors.Is(err, upstream.ErrRateLimited) {
			return &views.HPRLimit{Seconds: 60}
		}
		return nil
	}
	return &views.HPRLimit{Seconds: rl.Seconds()}
}

// record writes the audit record of an HPR lookup: the fields searched by
// (never their values) and the HPR numbers returned.
func (h HPR) record(ctx context.Context, action string, fields []string, numbers []int, outcome audit.Outcome) error {
	e := audit.Event{Resource: "hpr", Action: action, Fields: fields, Outcome: outcome}
	for _, n := range numbers {
		e.Results = append(e.Results, strconv.Itoa(n))
	}
	if err := h.Audit.Record(ctx, request.UserFrom(ctx), e); err != nil {
		return Errorf(http.StatusServiceUnavailable, "error.audit", err)
	}
	return nil
}

// Search is the search page: GET /hpr?q=<HPR number or name>[&birth=dd.mm.åååå],
// bookmarkable because HPR numbers and names are not patient identifiers.
// An identity number typed into q is refused: those go by POST (SearchNIN).
func (h HPR) Search(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	q := r.URL.Query()
	s := h.searchModel()
	s.Query = strings.TrimSpace(q.Get("q"))
	s.Birth = strings.TrimSpace(q.Get("birth"))
	if s.Query == "" && s.Birth == "" {
		return Render(w, r, http.StatusOK, views.HPRSearchPage(h.Site.Base(r, "hpr.title"), s))
	}
	status := http.StatusOK
	switch err := h.search(ctx, &s); {
	case err == nil:
	case isAuditError(err):
		return err
	default:
		status = AsError(err).Status
		if status == http.StatusUnprocessableEntity {
			break
		}
		// A user who left is no server failure (the access log says 499).
		if e := AsError(err); h.Log != nil && e.Status >= 500 && !errors.Is(ctx.Err(), context.Canceled) {
			h.Log.ErrorContext(ctx, "hpr search failed", "status", e.Status, "err", e.Err,
				"correlation_id", request.CorrelationID(ctx))
		}
		d := ErrorView(ctx, err)
		s.Error = &d
		status = http.StatusOK // the page renders; the error is in it
	}
	return Render(w, r, status, views.HPRSearchPage(h.Site.Base(r, "hpr.title"), s))
}

func (h HPR) searchModel() views.HPRSearch {
	s := views.HPRSearch{BatchURL: "/hpr/batch", IndexInfo: h.indexInfo()}
	if h.API != nil && h.API.Extended() {
		s.NINAction = "/hpr/nin"
	}
	return s
}

// indexInfo says where name search and the batch check look: the local
// index and when its export was taken; zero without an index.
func (h HPR) indexInfo() views.Text {
	ix := h.index()
	if ix == nil {
		return views.Text{}
	}
	return views.Msg("hpr.index.info", views.DateTime(ix.Info().ExportedAt))
}

// errInvalid marks a form the user must correct (422, messages in the model).
var errInvalid = Errorf(http.StatusUnprocessableEntity, "", errors.New("hpr: invalid search"))

// search validates the query, searches, audits and fills s.
func (h HPR) search(ctx context.Context, s *views.HPRSearch) error {
	q, err := query.Parse(s.Query, s.Birth)
	switch {
	case errors.Is(err, query.ErrIdentityNumber):
		s.QueryError = views.Msg("hpr.error.query.nin")
		return errInvalid
	case errors.Is(err, query.ErrBirth):
		s.BirthError = views.Msg("hpr.error.birth")
		return errInvalid
	case errors.Is(err, query.ErrTooShort):
		s.QueryError = views.Msg("hpr.error.query.short")
		return errInvalid
	case q.Kind == query.ByNumber:
		return h.searchNumber(ctx, s, q.Number)
	}
	ix := h.index()
	var found []hpr.Personnel
	var hits []hprindex.Hit
	fields := []string{"navn"}
	switch {
	case q.Kind == query.BySurnameAndBirth:
		fields = []string{"etternavn", "foedselsdato"}
		if ix != nil {
			found, err = ix.BySurnameAndBirth(ctx, q.Text, q.Birth)
		} else if h.API != nil {
			cctx, cancel := context.WithTimeout(ctx, h.timeout())
			found, err = h.API.Search(cctx, q.Text, q.Birth)
			cancel()
		} else {
			err = errNoHPR
		}
	case ix != nil:
		hits, err = ix.Search(ctx, q.Text, hprSearchLimit+1)
	default:
		s.BirthError = views.Msg("hpr.error.birth.needed")
		return errInvalid
	}
	var numbers []int
	for _, p := range found {
		numbers = append(numbers, p.HPRNumber)
	}
	for _, hit := range hits {
		numbers = append(numbers, hit.HPRNumber)
	}
	if aerr := h.record(ctx, "search", fields, numbers, outcomeOf(err)); aerr != nil {
		return aerr
	}
	s.Searched = true
	if err != nil {
		if l := limitOf(err); l != nil {
			s.Limited = l
			return nil
		}
		return upstreamError(serviceHPR, err)
	}
	day := hpr.Today(h.now())
	for _, p := range found {
		s.Results = append(s.Results, hitOf(p, day))
	}
	for _, hit := range hits {
		s.Results = append(s.Results, indexHitOf(hit))
	}
	if len(s.Results) > hprSearchLimit {
		s.Results, s.Truncated = s.Results[:hprSearchLimit], true
	}
	return nil
}

// hprSearchLimit is how many hits a search shows.
const hprSearchLimit = 50

// searchNumber looks one HPR number up and shows it as the only hit.
func (h HPR) searchNumber(ctx context.Context, s *views.HPRSearch, n int) error {
	c, err := h.lookupNumber(ctx, n)
	var numbers []int
	if err == nil {
		numbers = []int{n}
	}
	if aerr := h.record(ctx, "search", []string{"hprNummer"}, numbers, outcomeOf(err)); aerr != nil {
		return aerr
	}
	s.Searched = true
	switch {
	case errors.Is(err, upstream.ErrNotFound):
		return nil
	case err != nil:
		if l := limitOf(err); l != nil {
			s.Limited = l
			return nil
		}
		return upstreamError(serviceHPR, err)
	}
	s.Results = []views.HPRHit{hitOf(c.personnel, hpr.Today(h.now()))}
	return nil
}

// SearchNIN looks personnel up by national identity number: POST /hpr/nin
// (never in a URL), with HPR's extended scope. A hit goes to the card.
func (h HPR) SearchNIN(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	s := h.searchModel()
	if s.NINAction == "" {
		return Errorf(http.StatusForbidden, "error.hpr.extended", errors.New("hpr: no extended scope"))
	}
	number, err := nin.Parse(r.PostFormValue("nin"))
	if err != nil {
		s.NINError = views.Msg("hpr.error.nin")
		return Render(w, r, http.StatusUnprocessableEntity, views.HPRSearchPage(h.Site.Base(r, "hpr.title"), s))
	}
	cctx, cancel := context.WithTimeout(ctx, h.timeout())
	res, err := h.API.ByNIN(cctx, number.Digits)
	cancel()
	var numbers []int
	if err == nil {
		numbers = []int{res.Personnel.HPRNumber}
	}
	if aerr := h.record(ctx, "search", []string{"nin"}, numbers, outcomeOf(err)); aerr != nil {
		return aerr
	}
	s.Searched = true
	switch {
	case err == nil:
		http.Redirect(w, r, hprCardURL(res.Personnel.HPRNumber), http.StatusSeeOther)
		return nil
	case errors.Is(err, upstream.ErrNotFound):
	default:
		if l := limitOf(err); l != nil {
			s.Limited = l
		} else {
			d := ErrorView(ctx, upstreamError(serviceHPR, err))
			s.Error = &d
		}
	}
	return Render(w, r, http.StatusOK, views.HPRSearchPage(h.Site.Base(r, "hpr.title"), s))
}

// hitOf is a search hit for an entry read whole (HPR's search, a number).
func hitOf(p hpr.Personnel, day hpr.Date) views.HPRHit {
	st := hpr.StatusOn(p, day)
	return views.HPRHit{
		URL:        hprCardURL(p.HPRNumber),
		Name:       fullName(p.Person.GivenName, p.Person.MiddleName, p.Person.FamilyName),
		Number:     strconv.Itoa(p.HPRNumber),
		Birth:      hprDate(p.Person.BirthDate),
		Categories: currentCategories(st),
		StatusKind: string(standing.Of(st)),
	}
}

// indexHitOf is a search hit from the local index, which holds a summary,
// not the entry.
func indexHitOf(hit hprindex.Hit) views.HPRHit {
	h := views.HPRHit{
		URL:        hprCardURL(hit.HPRNumber),
		Name:       fullName(hit.GivenName, hit.MiddleName, hit.FamilyName),
		Number:     strconv.Itoa(hit.HPRNumber),
		StatusKind: string(standing.OfHit(hit)),
	}
	for _, c := range hit.Categories {
		h.Categories = append(h.Categories, views.HPRCategory{Code: c})
	}
	if !hit.BirthDate.IsZero() {
		h.Birth = views.HPRDay(hit.BirthDate.Time)
	}
	return h
}
