package handlers

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/oppslag/oppslag/clients/audit"
	"github.com/oppslag/oppslag/clients/audit/chaincheck"
	"github.com/oppslag/oppslag/clients/audit/checkpoint"
	"github.com/oppslag/oppslag/clients/audit/reviewqueue"
	"github.com/oppslag/oppslag/handlers/request"
	"github.com/oppslag/oppslag/views"
)

// AuditReviews serves the emergency review queue (F20, S17) and the
// on-demand chain check. The queue is derived from the log on every view
// (clients/audit/reviewqueue); a review and a check are appended records,
// and every view is itself a record (resource "audit").
type AuditReviews struct {
	Site            Site
	Audit           Auditor
	Now             func() time.Time
	EmergencyWindow time.Duration // 0: DefaultEmergencyWindow
	// Checkpoints reads the signed checkpoints the chain check verifies
	// against (OPPSLAG_AUDIT_CHECKPOINTS); nil when they are off.
	Checkpoints func(context.Context) (checkpoint.Reading, error)
}

func (h AuditReviews) now() time.Time {
	if h.Now == nil {
		return time.Now()
	}
	return h.Now()
}

func (h AuditReviews) window() time.Duration {
	if h.EmergencyWindow <= 0 {
		return DefaultEmergencyWindow
	}
	return h.EmergencyWindow
}

// Queue answers GET /audit/reviews: the openings not yet reviewed, oldest
// first.
func (h AuditReviews) Queue(w http.ResponseWriter, r *http.Request) error {
	return h.queue(w, r, http.StatusOK, 0, views.AuditReviewForm{})
}

func (h AuditReviews) queue(w http.ResponseWriter, r *http.Request, status int, bad int64, form views.AuditReviewForm) error {
	ctx := r.Context()
	items, err := h.pending(r)
	if err != nil {
		return err
	}
	if err := h.Audit.Record(ctx, request.UserFrom(ctx), audit.Event{Resource: "audit", Action: "reviews", Outcome: audit.Success}); err != nil {
		return Errorf(http.StatusServiceUnavailable, "error.audit", err)
	}
	d := views.AuditReviewsData{}
	for _, it := range items {
		o := it.Opening
		v := views.AuditReviewItem{Seq: o.Seq, URL: recordURL(o.Seq), Action: "/audit/reviews/" + strconv.FormatInt(o.Seq, 10),
			Time: o.Time, End: it.End, Who: o.Actor.Name, HPRNumber: o.Actor.HPRNumber, Org: actorOrg(o.Actor),
			Patient: formatNIN(o.Patient), Basis: basisOf(o.AccessBasis), Reason: o.Reason, Pages: it.Pages}
		for _, op := range it.Opened {
			v.Opened = append(v.Opened, kindText(op.Kind))
		}
		for _, vd := range reviewqueue.Verdicts {
			v.Verdicts = append(v.Verdicts, views.AuditOption{Value: string(vd), Label: views.Msg("audit.reviews.verdict." + string(vd))})
		}
		if o.Seq == bad {
			v.Form = form
		}
		d.Items = append(d.Items, v)
	}
	return Render(w, r, status, views.AuditReviewsPage(h.Site.Base(r, "audit.reviews.title"), d))
}

// pending is the queue, read from the log.
func (h AuditReviews) pending(r *http.Request) ([]reviewqueue.Item, error) {
	ctx := r.Context()
	s := h.Audit.Store
	opened, err := s.Query(ctx, audit.Filter{Action: audit.ActionEmergency})
	if err != nil {
		return nil, Errorf(http.StatusServiceUnavailable, "error.audit", err)
	}
	reviews, err := audit.ReviewsOf(ctx, s, opened)
	if err != nil {
		return nil, Errorf(http.StatusServiceUnavailable, "error.audit", err)
	}
	var out []reviewqueue.Item
	for _, o := range reviewqueue.Pending(opened, reviews) {
		recs, err := s.Query(ctx, audit.Filter{ActorPID: o.Actor.PID, From: o.Time, To: o.Time.Add(h.window())})
		if err != nil {
			return nil, Errorf(http.StatusServiceUnavailable, "error.audit", err)
		}
		out = append(out, reviewqueue.ItemOf(o, recs, h.window(), h.now()))
	}
	return out, nil
}

// Review answers POST /audit/reviews/{seq}: the auditor's verdict on one
// opening, appended as a review record; then back to the queue. A second
// review of the same opening appends nothing: the first one stands.
func (h AuditReviews) Review(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	seq, err := strconv.ParseInt(r.PathValue("seq"), 10, 64)
	if err != nil || seq <= 0 {
		return Errorf(http.StatusNotFound, "", nil)
	}
	opened, err := h.Audit.Store.Query(ctx, audit.Filter{Action: audit.ActionEmergency})
	if err != nil {
		return Errorf(http.StatusServiceUnavailable, "error.audit", err)
	}
	var opening *audit.Record
	for i := range opened {
		if opened[i].Seq == seq && opened[i].Outcome != audit.Denied {
			opening = &opened[i]
		}
	}
	if opening == nil {
		return Errorf(http.StatusNotFound, "", nil)
	}
	form := views.AuditReviewForm{Verdict: r.PostFormValue("verdict"), Comment: r.PostFormValue("comment")}
	verdict, ok := reviewqueue.ParseVerdict(form.Verdict)
	if !ok {
		form.VerdictError = views.Msg("audit.reviews.error.verdict")
	}
	if utf8.RuneCountInString(strings.TrimSpace(form.Comment)) > reviewqueue.MaxComment {
		form.CommentError, ok = views.Msg("audit.reviews.error.comment", reviewqueue.MaxComment), false
	}
	if !ok {
		return h.queue(w, r, http.StatusUnprocessableEntity, seq, form)
	}
	done, err := audit.ReviewsOf(ctx, h.Audit.Store, []audit.Record{*opening})
	if err != nil {
		return Errorf(http.StatusServiceUnavailable, "error.audit", err)
	}
	if _, reviewed := done[seq]; !reviewed {
		if err := h.Audit.Record(ctx, request.UserFrom(ctx), audit.ReviewEvent(*opening, reviewqueue.Note(verdict, form.Comment))); err != nil {
			return Errorf(http.StatusServiceUnavailable, "error.audit", err)
		}
	}
	http.Redirect(w, r, "/audit/reviews", http.StatusSeeOther)
	return nil
}

// Verify answers POST /audit/verify: walks the whole chain now, records
// the result (chaincheck) and goes back to the search, which shows the
// newest check.
//
// It is `oppslag audit verify`'s check: the checkpoints are read first, so
// each one's record is in the walk's snapshot, then the chain is walked
// against them. A log the portal cannot read fails the request (503), not
// the check: the record would claim a check that did not happen.
func (h AuditReviews) Verify(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	var ck chaincheck.Checkpoints
	var anchors []audit.Head
	if h.Checkpoints != nil {
		rd, err := h.Checkpoints(ctx)
		if err != nil {
			return Errorf(http.StatusServiceUnavailable, "error.audit", err)
		}
		anchors = rd.Anchors
		ck = chaincheck.Checkpoints{Checked: true, Agreed: len(rd.Anchors), BadLines: len(rd.Problems)}
	}
	var rep audit.Report
	var err error
	if a, ok := h.Audit.Store.(audit.Anchored); ok {
		rep, err = a.VerifyAnchored(ctx, anchors)
	} else {
		rep, err = h.Audit.Store.Verify(ctx)
		ck = chaincheck.Checkpoints{}
	}
	if err != nil {
		return Errorf(http.StatusServiceUnavailable, "error.audit", err)
	}
	if err := h.Audit.Record(ctx, request.UserFrom(ctx), chaincheck.Event(rep, ck)); err != nil {
		return Errorf(http.StatusServiceUnavailable, "error.audit", err)
	}
	http.Redirect(w, r, "/audit", http.StatusSeeOther)
	return nil
}

// lastCheck is the newest chain check in the log, for the search page.
func lastCheck(r *http.Request, s audit.Searcher) (views.AuditChain, error) {
	page, err := s.Search(r.Context(), audit.SearchFilter{Resource: "audit", Action: chaincheck.Action, Limit: 1})
	if err != nil {
		return views.AuditChain{}, Errorf(http.StatusServiceUnavailable, "error.audit", err)
	}
	if len(page.Records) == 0 {
		return views.AuditChain{}, nil
	}
	res, ok := chaincheck.Of(page.Records[0])
	if !ok {
		return views.AuditChain{}, nil
	}
	return views.AuditChain{Checked: true, At: res.At, Records: res.Records, Intact: res.Intact,
		BreakSeq: res.BreakSeq, Problem: res.Problem, CheckpointsChecked: res.Checkpoints.Checked,
		CheckpointsAgreed: res.Agreed, CheckpointBadLines: res.BadLines}, nil
}
