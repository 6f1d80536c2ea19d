package handlers

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/oppslag/oppslag/clients/audit"
	"github.com/oppslag/oppslag/clients/hpr"
	"github.com/oppslag/oppslag/clients/hpr/hprindex"
	"github.com/oppslag/oppslag/clients/person/nin"
	"github.com/oppslag/oppslag/clients/tolerant"
	"github.com/oppslag/oppslag/handlers/request"
	"github.com/oppslag/oppslag/views"
	"github.com/oppslag/oppslag/views/i18n"
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

// maxHPRNumber bounds an HPR number: at most nine digits.
const maxHPRNumber = 999_999_999

// parseHPRNumber reads an HPR number: 1–9 digits, not zero.
func parseHPRNumber(s string) (int, bool) {
	if s == "" || len(s) > 9 {
		return 0, false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return 0, false
		}
	}
	n, err := strconv.Atoi(s)
	return n, err == nil && n > 0 && n <= maxHPRNumber
}

func hprCardURL(n int) string { return "/hpr/" + strconv.Itoa(n) }

// errNoHPR is the error when neither HPR nor an index is configured.
var errNoHPR = errors.New("hpr: not configured")

// hprError maps a client error to a plain message naming HPR (S26, S31).
func hprError(err error) *Error {
	switch {
	case errors.Is(err, errNoHPR):
		return Errorf(http.StatusServiceUnavailable, "error.hpr.unavailable", err)
	case errors.Is(err, hpr.ErrNotFound):
		return Errorf(http.StatusNotFound, "error.hpr.notfound", err)
	case errors.Is(err, context.DeadlineExceeded):
		return Errorf(http.StatusGatewayTimeout, "error.hpr.timeout", err)
	case errors.Is(err, hpr.ErrMalformed):
		return Errorf(http.StatusBadGateway, "error.hpr.malformed", err)
	}
	return Errorf(http.StatusBadGateway, "error.hpr.upstream", err)
}

// limitOf is the rate-limit message for err, or nil when err is not one.
func limitOf(ctx context.Context, err error) *views.HPRLimit {
	var rl *hpr.RateLimitError
	if !errors.As(err, &rl) {
		if errors.Is(err, hpr.ErrRateLimited) {
			return &views.HPRLimit{Seconds: 60, Message: i18n.T(ctx, "hpr.limited", 60)}
		}
		return nil
	}
	s := rl.Seconds()
	return &views.HPRLimit{Seconds: s, Message: i18n.T(ctx, "hpr.limited", s)}
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

func hprOutcome(err error) audit.Outcome {
	switch {
	case err == nil, errors.Is(err, hpr.ErrNotFound):
		return audit.Granted
	case errors.Is(err, hpr.ErrForbidden), errors.Is(err, hpr.ErrUnauthorized):
		return audit.Denied
	}
	return audit.UpstreamError
}

// Search is the search page: GET /hpr?q=<HPR number or name>[&birth=dd.mm.åååå],
// bookmarkable because HPR numbers and names are not patient identifiers.
// An identity number typed into q is refused: those go by POST (SearchNIN).
func (h HPR) Search(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	q := r.URL.Query()
	s := h.searchModel(ctx)
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

func (h HPR) searchModel(ctx context.Context) views.HPRSearch {
	s := views.HPRSearch{BatchURL: "/hpr/batch"}
	if h.API != nil && h.API.Extended() {
		s.NINAction = "/hpr/nin"
	}
	if ix := h.index(); ix != nil {
		s.IndexInfo = i18n.T(ctx, "hpr.index.info", i18n.DateTime(i18n.From(ctx), ix.Info().ExportedAt))
	}
	return s
}

// errInvalid marks a form the user must correct (422, messages in the model).
var errInvalid = Errorf(http.StatusUnprocessableEntity, "", errors.New("hpr: invalid search"))

// search validates the query, searches, audits and fills s.
func (h HPR) search(ctx context.Context, s *views.HPRSearch) error {
	if n, ok := parseHPRNumber(s.Query); ok {
		return h.searchNumber(ctx, s, n)
	}
	if digits(s.Query) == len(s.Query) && len(s.Query) == 11 {
		s.QueryError = i18n.T(ctx, "hpr.error.query.nin")
		return errInvalid
	}
	var birth hpr.Date
	if s.Birth != "" {
		t, err := time.Parse("02.01.2006", s.Birth)
		if err != nil {
			s.BirthError = i18n.T(ctx, "hpr.error.birth")
			return errInvalid
		}
		birth = hpr.DateOf(t)
	}
	if letters(s.Query) < 2 {
		s.QueryError = i18n.T(ctx, "hpr.error.query.short")
		return errInvalid
	}
	ix := h.index()
	var found []hpr.Personnel
	var hits []hprindex.Hit
	var err error
	fields := []string{"navn"}
	switch {
	case !birth.IsZero():
		fields = []string{"etternavn", "foedselsdato"}
		if ix != nil {
			found, err = ix.BySurnameAndBirth(ctx, s.Query, birth)
		} else if h.API != nil {
			cctx, cancel := context.WithTimeout(ctx, h.timeout())
			found, err = h.API.Search(cctx, s.Query, birth)
			cancel()
		} else {
			err = errNoHPR
		}
	case ix != nil:
		hits, err = ix.Search(ctx, s.Query, hprSearchLimit+1)
	default:
		s.BirthError = i18n.T(ctx, "hpr.error.birth.needed")
		return errInvalid
	}
	var numbers []int
	for _, p := range found {
		numbers = append(numbers, p.HPRNumber)
	}
	for _, hit := range hits {
		numbers = append(numbers, hit.HPRNumber)
	}
	if aerr := h.record(ctx, "search", fields, numbers, hprOutcome(err)); aerr != nil {
		return aerr
	}
	s.Searched = true
	if err != nil {
		if l := limitOf(ctx, err); l != nil {
			s.Limited = l
			return nil
		}
		return hprError(err)
	}
	day := hpr.Today(h.now())
	for _, p := range found {
		s.Results = append(s.Results, hitOf(ctx, p, day))
	}
	for _, hit := range hits {
		s.Results = append(s.Results, indexHitOf(ctx, hit))
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
	if aerr := h.record(ctx, "search", []string{"hprNummer"}, numbers, hprOutcome(err)); aerr != nil {
		return aerr
	}
	s.Searched = true
	switch {
	case errors.Is(err, hpr.ErrNotFound):
		return nil
	case err != nil:
		if l := limitOf(ctx, err); l != nil {
			s.Limited = l
			return nil
		}
		return hprError(err)
	}
	s.Results = []views.HPRHit{hitOf(ctx, c.personnel, hpr.Today(h.now()))}
	return nil
}

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
		if errors.Is(err, hpr.ErrNotFound) {
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
		return cardSource{}, hprError(err)
	case !ok:
		if apiErr != nil {
			return cardSource{}, apiErr
		}
		return cardSource{}, hpr.ErrNotFound
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
	if aerr := h.record(ctx, "view", []string{"hprNummer"}, numbers, hprOutcome(err)); aerr != nil {
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
		if errors.Is(err, hpr.ErrNotFound) {
			return Errorf(http.StatusNotFound, "error.hpr.notfound", err)
		}
		return hprError(err)
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

// SearchNIN looks personnel up by national identity number: POST /hpr/nin
// (never in a URL), with HPR's extended scope. A hit goes to the card.
func (h HPR) SearchNIN(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	s := h.searchModel(ctx)
	if s.NINAction == "" {
		return Errorf(http.StatusForbidden, "error.hpr.extended", errors.New("hpr: no extended scope"))
	}
	number, err := nin.Parse(r.PostFormValue("nin"))
	if err != nil {
		s.NINError = i18n.T(ctx, "hpr.error.nin")
		return Render(w, r, http.StatusUnprocessableEntity, views.HPRSearchPage(h.Site.Base(r, "hpr.title"), s))
	}
	cctx, cancel := context.WithTimeout(ctx, h.timeout())
	res, err := h.API.ByNIN(cctx, number.Digits)
	cancel()
	var numbers []int
	if err == nil {
		numbers = []int{res.Personnel.HPRNumber}
	}
	if aerr := h.record(ctx, "search", []string{"nin"}, numbers, hprOutcome(err)); aerr != nil {
		return aerr
	}
	s.Searched = true
	switch {
	case err == nil:
		http.Redirect(w, r, hprCardURL(res.Personnel.HPRNumber), http.StatusSeeOther)
		return nil
	case errors.Is(err, hpr.ErrNotFound):
	default:
		if l := limitOf(ctx, err); l != nil {
			s.Limited = l
		} else {
			d := ErrorView(ctx, hprError(err))
			s.Error = &d
		}
	}
	return Render(w, r, http.StatusOK, views.HPRSearchPage(h.Site.Base(r, "hpr.title"), s))
}

func digits(s string) int {
	n := 0
	for _, r := range s {
		if r >= '0' && r <= '9' {
			n++
		}
	}
	return n
}

func letters(s string) int {
	n := 0
	for _, r := range s {
		if unicode.IsLetter(r) {
			n++
		}
	}
	return n
}

// statusKind sums up an entry on a day in one word for lists and tags.
func statusKind(st hpr.Status) string {
	switch {
	case st.Replaced:
		return "replaced"
	case st.Deceased:
		return "deceased"
	case st.Suspended:
		return "suspended"
	case st.Authorised():
		return "active"
	case len(st.Approvals) > 0:
		return "expired"
	}
	return "none"
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

// currentCategories names the categories of the approvals valid on the day,
// or of all approvals when none is.
func currentCategories(ctx context.Context, st hpr.Status) string {
	var names []string
	seen := map[string]bool{}
	add := func(a hpr.ApprovalStatus) {
		t := categoryText(ctx, a.Category())
		if !seen[t] {
			seen[t] = true
			names = append(names, t)
		}
	}
	for _, a := range st.Current() {
		add(a)
	}
	if len(names) == 0 {
		for _, a := range st.Approvals {
			add(a)
		}
	}
	return strings.Join(names, ", ")
}

func hitOf(ctx context.Context, p hpr.Personnel, day hpr.Date) views.HPRHit {
	st := hpr.StatusOn(p, day)
	kind := statusKind(st)
	hit := views.HPRHit{
		URL:        hprCardURL(p.HPRNumber),
		Name:       fullName(p.Person.GivenName, p.Person.MiddleName, p.Person.FamilyName),
		Number:     strconv.Itoa(p.HPRNumber),
		Categories: currentCategories(ctx, st),
		Status:     i18n.T(ctx, "hpr.status."+kind),
		StatusKind: kind,
	}
	hit.Birth = hprDateText(ctx, p.Person.BirthDate)
	return hit
}

func indexHitOf(ctx context.Context, hit hprindex.Hit) views.HPRHit {
	kind := "none"
	switch st := hit.Status; {
	case st.ReplacedBy != 0:
		kind = "replaced"
	case st.Deceased:
		kind = "deceased"
	case st.Suspended:
		kind = "suspended"
	case st.Active:
		kind = "active"
	case len(hit.Categories) > 0:
		kind = "expired"
	}
	var cats []string
	for _, c := range hit.Categories {
		cats = append(cats, categoryText(ctx, hpr.Code{Value: c}))
	}
	h := views.HPRHit{
		URL:        hprCardURL(hit.HPRNumber),
		Name:       fullName(hit.GivenName, hit.MiddleName, hit.FamilyName),
		Number:     strconv.Itoa(hit.HPRNumber),
		Categories: strings.Join(cats, ", "),
		Status:     i18n.T(ctx, "hpr.status."+kind),
		StatusKind: kind,
	}
	if !hit.BirthDate.IsZero() {
		h.Birth = i18n.Date(i18n.From(ctx), hit.BirthDate.Time)
	}
	return h
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
			Valid:     r.Period.Covers(day) && (r.Ended == nil || !r.Period.To.IsZero()),
			Ended:     codeText(r.Ended),
			Reactions: reactionRows(ctx, r.Reactions, day),
		})
	}
	return out
}

// cardOf builds the card: current approvals first, then the rest, each
// with its full history.
func cardOf(ctx context.Context, p hpr.Personnel, day hpr.Date) views.HPRCard {
	lang := i18n.From(ctx)
	st := hpr.StatusOn(p, day)
	kind := statusKind(st)
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
	var current, rest []views.HPRApproval
	for _, a := range st.Approvals {
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
		if a.ValidOn {
			current = append(current, v)
		} else {
			rest = append(rest, v)
		}
	}
	c.Approvals = append(current, rest...)
	return c
}
