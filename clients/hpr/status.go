package hpr

import (
	"slices"
	"time"
)

// ExpiryWarningDays is how close to its end date an approval is flagged as
// expiring: a licence that ends within 90 days needs renewing now.
const ExpiryWarningDays = 90

// Today returns the calendar day of now in Norway, the day HPR's dates
// refer to.
func Today(now time.Time) Date { return DateOf(now.In(Oslo)) }

// ApprovalStatus is one approval (godkjenning) as it stands on a day.
type ApprovalStatus struct {
	Approval Approval
	// ValidOn is true when the approval's period covers the day. An
	// approval with avsluttetStatus and no end date is not valid: the
	// register says it ended without saying when, and the portal must not
	// present it as in force.
	ValidOn bool
	// Expires is the last day of the approval (periode.til); zero when
	// open-ended.
	Expires Date
	// DaysLeft is the number of days from the day to Expires (0 on the last
	// day); meaningful only when Expires is set and ValidOn.
	DaysLeft int
	// ExpiringSoon is true when the approval is valid and ends within
	// ExpiryWarningDays.
	ExpiringSoon bool
	// Suspended is true when a suspension covers the day, on the person or
	// on this approval.
	Suspended bool
	// Specialities are the specialist approvals valid on the day.
	Specialities []Right
}

// Category is the approval's helsepersonellkategori (code set 9060).
func (a ApprovalStatus) Category() Code { return a.Approval.Category }

// Authorization is the approval's autorisasjon (code set 7704).
func (a ApprovalStatus) Authorization() Code { return a.Approval.Authorization }

// Status is what an entry says about a person on one day, for pages and
// batch checks.
type Status struct {
	Day Date
	// Approvals are all the entry's approvals, in the register's order,
	// each with its standing on Day.
	Approvals []ApprovalStatus
	// Suspended is true when a suspension covers Day, on the person or on
	// any approval; Suspensions are those reactions, the person's first.
	Suspended   bool
	Suspensions []Reaction
	// Deceased is true when the entry has a death date on or before Day.
	Deceased  bool
	DeathDate Date
	// Replaced is true when the entry was replaced by another HPR number
	// (ReplacedBy); look that one up for the current data.
	Replaced   bool
	ReplacedBy int
}

// StatusOn computes p's status on day.
func StatusOn(p Personnel, day Date) Status {
	s := Status{Day: day}
	if p.ReplacedBy != nil {
		s.Replaced, s.ReplacedBy = true, *p.ReplacedBy
	}
	switch d := p.Person.DeathDate; {
	case d.Unreadable():
		// The register holds a death date the client cannot read: the
		// person is not presented as alive and practising (fail closed);
		// the card shows the date as received.
		s.Deceased, s.DeathDate = true, d
	case !d.IsZero() && !d.After(day.Time):
		s.Deceased, s.DeathDate = true, d
	}
	personSuspensions := activeSuspensions(p.Reactions, day)
	s.Suspensions = append(s.Suspensions, personSuspensions...)
	for _, a := range p.Approvals {
		as := ApprovalStatus{
			Approval: a,
			ValidOn:  a.Period.Covers(day) && (a.Ended == nil || !a.Period.To.IsZero()),
			Expires:  a.Period.To,
		}
		own := activeSuspensions(a.Reactions, day)
		s.Suspensions = append(s.Suspensions, own...)
		as.Suspended = len(personSuspensions) > 0 || len(own) > 0
		if as.ValidOn && !as.Expires.IsZero() {
			as.DaysLeft = int(as.Expires.Sub(day.Time).Hours() / 24)
			as.ExpiringSoon = as.DaysLeft <= ExpiryWarningDays
		}
		for _, sp := range a.Specialities {
			if sp.Period.Covers(day) && (sp.Ended == nil || !sp.Period.To.IsZero()) {
				as.Specialities = append(as.Specialities, sp)
			}
		}
		s.Approvals = append(s.Approvals, as)
	}
	s.Suspended = len(s.Suspensions) > 0
	return s
}

// Current returns the approvals valid on the day.
func (s Status) Current() []ApprovalStatus {
	var out []ApprovalStatus
	for _, a := range s.Approvals {
		if a.ValidOn {
			out = append(out, a)
		}
	}
	return out
}

// Authorised reports whether the person may practise on the day: alive
// and holding at least one valid approval that is not suspended. A
// replaced entry answers for itself; callers show ReplacedBy.
func (s Status) Authorised() bool {
	if s.Deceased {
		return false
	}
	return slices.ContainsFunc(s.Approvals, func(a ApprovalStatus) bool { return a.ValidOn && !a.Suspended })
}

// InForce reports whether reaction r holds on day: its period covers the
// day, or the client could not read its period. The second is fail-closed
// on purpose: a suspension whose dates are unreadable must not let an
// approval look usable; the card shows the period as received.
func (r Reaction) InForce(day Date) bool { return r.Period.Covers(day) || !r.Period.Known() }

// activeSuspensions returns the reactions in rs that are suspensions
// (SuspensionCodes) in force on day.
func activeSuspensions(rs []Reaction, day Date) []Reaction {
	var out []Reaction
	for _, r := range rs {
		if slices.Contains(SuspensionCodes, r.Type.Value) && r.InForce(day) {
			out = append(out, r)
		}
	}
	return out
}
