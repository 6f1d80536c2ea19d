package views

// View models of the HPR pages (F13–F16): search, the health-personnel
// card and the batch check. Every string arrives translated and formatted
// for the user's language; the templates only place it.

// HPRLimit is the rate-limit answer (S34): HPR lookups are limited right
// now, try again in Seconds.
type HPRLimit struct {
	Seconds int
	Message string // "HPR-oppslag er begrenset akkurat nå – prøv igjen om 42 s."
}

// HPRSearch is the search page, with its results when a search was made.
type HPRSearch struct {
	Query      string // as typed: an HPR number or a name
	Birth      string // as typed: the birth date for a surname search
	QueryError string // translated message for the query field; "" when fine
	BirthError string
	// NINAction is the POST target of the identity-number search; "" when
	// the portal lacks HPR's extended scope (the form is then not shown).
	NINAction string
	NINError  string
	// IndexInfo says where name search looks, e.g. "Navnesøk i kopi av
	// registeret fra 21.11.2026 kl. 06.00"; "" without a local index.
	IndexInfo string
	Searched  bool // a search was made: show Results or the "no hits" text
	Results   []HPRHit
	Truncated bool // more hits than shown
	Limited   *HPRLimit
	Error     *ErrorData // HPR failed: a plain message with a correlation id
	BatchURL  string
}

// HPRHit is one search result.
type HPRHit struct {
	URL        string // the card
	Name       string
	Number     string // HPR number
	Birth      string // formatted birth date, "" when not known (basic scope)
	Categories string // "Lege, Sykepleier"
	Status     string // translated status text
	StatusKind string // active, suspended, expired, deceased, replaced, none: a data-status hook for CSS and tests
}

// HPRCard is the health-personnel card (F14).
type HPRCard struct {
	Name, Number string
	Birth, Death string // formatted; "" when not known
	// ReplacedBy links the number that replaced this one; nil when current.
	ReplacedBy *HPRLink
	Status     string // translated overall status today
	StatusKind string // as HPRHit.StatusKind
	// Freshness says where the data came from and when, e.g. "Hentet fra
	// HPR 21.11.2026 kl. 10.42".
	Freshness string
	// Stale is set when HPR could not be asked and an older answer is
	// shown; StaleText says so in words, with the time it was fetched.
	Stale     bool
	StaleText string
	Approvals []HPRApproval // current ones first, then ended ones
	Reactions []HPRPeriodRow
	SearchURL string
	Limited   *HPRLimit // shown with a stale card when the limit was the cause
	// Unread lists the values HPR sent that the portal could not read,
	// shown as received (issue 9): the rest of the card still stands.
	Unread []HPRUnread
}

// HPRUnread is one value the portal could not read: where it was in HPR's
// document ("godkjenninger[0].periode.til") and the value as received,
// cleaned and with identity-number-like digit runs masked.
type HPRUnread struct {
	Path  string
	Value string
}

// HPRLink is a link with its text.
type HPRLink struct{ URL, Text string }

// HPRApproval is one authorisation or licence with everything under it.
type HPRApproval struct {
	Category      string // "Lege (LE)"
	Authorization string // "Autorisasjon", "Lisens", ...
	Period        string // "01.08.2010 – " or "01.08.2010 – 31.12.2026"
	// Valid is set when the approval holds today: in its period and not
	// suspended. Suspended marks one in its period under a suspension in
	// force (its own or the person's); ValidText says which in words.
	Valid     bool
	Suspended bool
	ValidText string // "Gyldig i dag" / "Suspendert" / "Ikke gyldig i dag"
	// Expiring is set when a valid approval ends within 90 days;
	// ExpiringText says when, e.g. "Utløper om 45 dager (31.12.2026)".
	Expiring          bool
	ExpiringText      string
	Ended             string // avsluttetStatus in words; "" when not ended
	InternshipDate    string
	Specialities      []HPRRight
	RequisitionRights []HPRRight
	Competences       []HPRRight
	Conditions        []string
	Reactions         []HPRPeriodRow
}

// HPRRight is a specialist approval, requisition right or additional
// competence.
type HPRRight struct {
	Name      string
	Period    string
	Valid     bool
	Ended     string
	Reactions []HPRPeriodRow
}

// HPRPeriodRow is an administrative reaction (suspension, withdrawal, ...)
// with its period; Active when it covers today.
type HPRPeriodRow struct {
	Name   string
	Period string
	Active bool
}

// HPRBatchForm is the batch check form.
type HPRBatchForm struct {
	Action    string // POST target (multipart: a textarea "numbers" and a file "file")
	Numbers   string // as pasted, when the form is shown again
	Error     string
	Max       int    // most numbers in one check
	IndexInfo string // where the check looks, as in HPRSearch
}

// HPRBatch is a batch check, running or done.
type HPRBatch struct {
	URL      string // this page; the progress region polls it with HX-Request
	CSVURL   string // the CSV download; "" until done
	FormURL  string // a new check
	Done     bool
	Checked  int
	Total    int
	Progress string // "312 av 2 000 kontrollert"
	Source   string // where the answers came from, e.g. the index's date
	Limited  *HPRLimit
	Rows     []HPRBatchRow
	Counts   []HPRCount // per status, for a summary line
}

// HPRBatchRow is one checked number.
type HPRBatchRow struct {
	Number       string
	URL          string // the card; "" when the number was not found or not checked
	Name         string
	Category     string
	Status       string
	StatusKind   string // as HPRHit.StatusKind, plus "notfound" and "unchecked"
	Expiry       string // the earliest end date of a current approval, "" when open-ended
	Restrictions string // active suspensions, conditions
}

// HPRCount is how many rows have one status.
type HPRCount struct {
	Status string
	Kind   string
	Count  int
}
