package views

import (
	"context"
	"strings"
	"time"

	"github.com/oppslag/oppslag/views/i18n"
)

// View models of the HPR pages (F13–F16): search, the health-personnel
// card and the batch check. Handlers fill them with data and catalog
// messages (Text); the templates and the helpers here word them in the
// reader's language. Names, codes and values from the register are data
// and shown as received.

// HPRLimit is the rate-limit answer (S34): HPR lookups are limited right
// now, try again in Seconds.
type HPRLimit struct {
	Seconds int
}

// HPRSearch is the search page, with its results when a search was made.
type HPRSearch struct {
	Query      string // as typed: an HPR number or a name
	Birth      string // as typed: the birth date for a surname search
	QueryError Text   // message for the query field; zero when fine
	BirthError Text
	// NINAction is the POST target of the identity-number search; "" when
	// the portal lacks HPR's extended scope (the form is then not shown).
	NINAction string
	NINError  Text
	// IndexInfo says where name search looks, e.g. "Navnesøk i kopi av
	// registeret fra 21.11.2026 kl. 06.00"; zero without a local index.
	IndexInfo Text
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
	Birth      Text   // the birth date; zero when not known (basic scope)
	Categories []HPRCategory
	// StatusKind is active, suspended, expired, deceased, replaced or
	// none: the page words it (hpr.status.<kind>), and it is the
	// data-status hook for CSS and tests.
	StatusKind string
}

// HPRCategory is a category of health personnel (code set 9060) as the
// register sent it. The page names a code the catalog knows in the
// reader's language; one it does not know (added to the code set later)
// is shown with the register's own name and marked new, never dropped.
type HPRCategory struct {
	Code string // "LE"; "" when the register sent only a name
	Name string // the register's name for the code
}

// HPRCard is the health-personnel card (F14).
type HPRCard struct {
	Name, Number string
	Birth, Death Text // zero when not known
	// ReplacedBy links the number that replaced this one; nil when current.
	ReplacedBy *HPRLink
	StatusKind string // the overall status today, as HPRHit.StatusKind
	// Freshness says where the data came from and when, e.g. "Hentet fra
	// HPR 21.11.2026 kl. 10.42".
	Freshness Text
	// Stale is set when HPR could not be asked and an older answer is
	// shown; StaleText says so in words, with the time it was fetched.
	Stale     bool
	StaleText Text
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

// HPRPeriod is a period, open at either end: each end a date, a value the
// portal could not read (shown as received, marked), or zero.
type HPRPeriod struct{ From, To Text }

// HPRApproval is one authorisation or licence with everything under it.
type HPRApproval struct {
	Category      HPRCategory
	Authorization string // "Autorisasjon", "Lisens", ... as the register names it
	Period        HPRPeriod
	// Valid is set when the approval holds today: in its period and not
	// suspended. Suspended marks one in its period under a suspension in
	// force (its own or the person's); the page says which in words.
	Valid     bool
	Suspended bool
	// Expiring is set when a valid approval ends within 90 days;
	// ExpiringText says when, e.g. "Utløper om 45 dager (31.12.2026)".
	Expiring          bool
	ExpiringText      Text
	Ended             string // avsluttetStatus as the register names it; "" when not ended
	InternshipDate    Text
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
	Period    HPRPeriod
	Valid     bool
	Ended     string
	Reactions []HPRPeriodRow
}

// HPRPeriodRow is an administrative reaction (suspension, withdrawal, ...)
// with its period; Active when it covers today.
type HPRPeriodRow struct {
	Name   string
	Period HPRPeriod
	Active bool
}

// HPRBatchForm is the batch check form.
type HPRBatchForm struct {
	Action    string // POST target (multipart: a textarea "numbers" and a file "file")
	Numbers   string // as pasted, when the form is shown again
	Error     Text
	Max       int  // most numbers in one check
	IndexInfo Text // where the check looks, as in HPRSearch
}

// HPRBatch is a batch check, running or done.
type HPRBatch struct {
	URL     string // this page; the progress region polls it with HX-Request
	CSVURL  string // the CSV download; "" until done
	FormURL string // a new check
	Done    bool
	Checked int // numbers checked so far, of Total ("312 av 2 000 kontrollert")
	Total   int
	Source  Text // where the answers came from, e.g. the index's date
	Limited *HPRLimit
	Rows    []HPRBatchRow
	Counts  []HPRCount // per status, for a summary line
}

// HPRBatchRow is one checked number.
type HPRBatchRow struct {
	Number     string
	URL        string // the card; "" when the number was not found or not checked
	Name       string
	Categories []HPRCategory
	StatusKind string // as HPRHit.StatusKind, plus "notfound" and "unchecked"
	Expiry     Text   // the earliest end date of a current approval; zero when open-ended
	// Suspensions (in force, with their periods) and Conditions restrict
	// the person; the page lists them in that order.
	Suspensions []HPRPeriodRow
	Conditions  []string
}

// HPRCount is how many rows have one status.
type HPRCount struct {
	Kind  string // as HPRBatchRow.StatusKind
	Count int
}

// HPRDay is the Text of a day the register gave: the date as the reader's
// language writes it.
func HPRDay(t time.Time) Text {
	// A Text without a key is its arguments as they render; a Date
	// argument renders in the reader's language.
	return Text{Args: []any{Date(t)}}
}

// hprStatusText is a status kind in words.
func hprStatusText(ctx context.Context, kind string) string {
	return i18n.T(ctx, "hpr.status."+kind)
}

// hprLimitText is the rate-limit message with its wait.
func hprLimitText(ctx context.Context, l HPRLimit) string {
	return i18n.T(ctx, "hpr.limited", l.Seconds)
}

// hprProgressText says how far a check has come.
func hprProgressText(ctx context.Context, d HPRBatch) string {
	return i18n.T(ctx, "hpr.batch.progress", d.Checked, d.Total)
}

// hprCategoryText names a category in the reader's language, with its
// code; see HPRCategory.
func hprCategoryText(ctx context.Context, c HPRCategory) string {
	if c.Code == "" {
		return c.Name
	}
	key := "profession." + strings.ToLower(c.Code)
	if t := i18n.T(ctx, key); t != key {
		return t + " (" + c.Code + ")"
	}
	name := c.Name
	if name == "" {
		name = c.Code
	}
	return i18n.T(ctx, "hpr.code.new", name, c.Code)
}

// hprCategoriesText names categories, each once as the reader sees it.
func hprCategoriesText(ctx context.Context, cs []HPRCategory) string {
	var names []string
	seen := map[string]bool{}
	for _, c := range cs {
		if t := hprCategoryText(ctx, c); !seen[t] {
			seen[t] = true
			names = append(names, t)
		}
	}
	return strings.Join(names, ", ")
}

// hprPeriodText writes a period as "from – to", open at either end.
func hprPeriodText(ctx context.Context, p HPRPeriod) string {
	return strings.TrimSpace(i18n.T(ctx, "hpr.period", p.From.In(ctx), p.To.In(ctx)))
}

// hprValidText says whether an approval holds today, a suspension first:
// an approval under one is never "valid today".
func hprValidText(ctx context.Context, a HPRApproval) string {
	switch {
	case a.Suspended:
		return i18n.T(ctx, "hpr.status.suspended")
	case a.Valid:
		return i18n.T(ctx, "hpr.valid.today")
	}
	return i18n.T(ctx, "hpr.valid.not")
}

// hprRestrictionsText lists what restricts a person on a batch row:
// each suspension with its period, then each condition.
func hprRestrictionsText(ctx context.Context, r HPRBatchRow) string {
	var limits []string
	for _, s := range r.Suspensions {
		limits = append(limits, hprTermText(ctx, s.Name)+" ("+hprPeriodText(ctx, s.Period)+")")
	}
	limits = append(limits, hprTermsText(ctx, r.Conditions)...)
	return strings.Join(limits, "; ")
}

// HPRBatchCSV is a finished check as the download words it, in the
// reader's language: the column heads and one record per row, the columns
// of the page's table.
func HPRBatchCSV(ctx context.Context, d HPRBatch) (head []string, records [][]string) {
	head = []string{"hpr.col.number", "hpr.col.name", "hpr.col.category", "hpr.col.status", "hpr.col.expiry", "hpr.col.restrictions"}
	for i, k := range head {
		head[i] = i18n.T(ctx, k)
	}
	records = make([][]string, 0, len(d.Rows))
	for _, r := range d.Rows {
		records = append(records, []string{r.Number, r.Name, hprCategoriesText(ctx, r.Categories),
			hprStatusText(ctx, r.StatusKind), r.Expiry.In(ctx), hprRestrictionsText(ctx, r)})
	}
	return head, records
}

// hprTerm is a register value the catalog translates: its key, and whether
// the English is the authorities' own term.
type hprTerm struct {
	key      string
	official bool
}

// hprTerms are the values of HPR's code sets (approval kinds, code set
// 7704; specialities, 7426; requisition rights, additional competences,
// conditions, administrative reactions and end statuses) by the register's
// own bokmål name, lower-cased. The register sends each value as a code
// and its bokmål name; the portal keys on the name because it is the
// register's word for the value and the only part of most of these code
// sets that is public (clients/synthetic/hpr_codes.go says which codes are
// inferred). Official English: Helsedirektoratet's English pages use
// "authorisation", "licence" and "temporary provision of services"; the
// other English terms are the portal's own.
var hprTerms = map[string]hprTerm{
	"autorisasjon":                           {"hpr.term.approval.authorisation", true},
	"turnuslisens":                           {"hpr.term.approval.internship_licence", false},
	"studentlisens":                          {"hpr.term.approval.student_licence", false},
	"lisens":                                 {"hpr.term.approval.licence", true},
	"midlertidig tjenesteyting":              {"hpr.term.approval.temporary", true},
	"autorisasjon med vilkår":                {"hpr.term.approval.conditional", false},
	"lis1-lisens":                            {"hpr.term.approval.lis1", false},
	"full rekvisisjonsrett":                  {"hpr.term.requisition.full", false},
	"begrenset rekvisisjonsrett":             {"hpr.term.requisition.limited", false},
	"rekvisisjonsrett for prevensjonsmidler": {"hpr.term.requisition.contraceptives", false},
	"rekvisisjonsrett for diagnostiske legemidler til øyet": {"hpr.term.requisition.eye_drops", false},
	"godkjent implantatprotetisk behandler":                 {"hpr.term.competence.implant", false},
	"kompetanseområde alders- og sykehjemsmedisin":          {"hpr.term.competence.nursing_home", false},
	"kompetanseområde akuttmedisin":                         {"hpr.term.competence.emergency", false},
	"kompetanseområde palliativ medisin":                    {"hpr.term.competence.palliative", false},
	"manuellterapeut":                                       {"hpr.term.competence.manual_therapy", false},
	"kun arbeid under veiledning":                           {"hpr.term.condition.supervised", false},
	"begrenset til stilling ved angitt virksomhet":          {"hpr.term.condition.position", false},
	"ikke adgang til selvstendig næringsvirksomhet":         {"hpr.term.condition.no_private_practice", false},
	"begrenset til bestemte arbeidsoppgaver":                {"hpr.term.condition.tasks", false},
	"suspensjon av autorisasjon":                            {"hpr.term.reaction.suspension", false},
	"tilbakekall av autorisasjon":                           {"hpr.term.reaction.withdrawal", false},
	"begrensning av autorisasjon":                           {"hpr.term.reaction.limitation", false},
	"advarsel":                                              {"hpr.term.reaction.warning", false},
	"suspensjon av lisens":                                  {"hpr.term.reaction.licence_suspension", false},
	"tilbakekall av lisens":                                 {"hpr.term.reaction.licence_withdrawal", false},
	"tilbakekall av rekvisisjonsrett":                       {"hpr.term.reaction.requisition_withdrawal", false},
	"suspensjon i påvente av vedtak":                        {"hpr.term.reaction.pending", false},
	"utløpt":                                                {"hpr.term.ended.expired", false},
	"tilbakekalt":                                           {"hpr.term.ended.withdrawn", false},
	"død":                                                   {"hpr.term.ended.deceased", false},
	"bortfalt ved aldersgrense":                             {"hpr.term.ended.age_limit", false},
	"erstattet av autorisasjon":                             {"hpr.term.ended.replaced", false},
	"allmennmedisin":                                        {"hpr.term.speciality.general_practice", false},
	"psykiatri":                                             {"hpr.term.speciality.psychiatry", false},
	"ortopedisk kirurgi":                                    {"hpr.term.speciality.orthopaedic_surgery", false},
	"anestesiologi":                                         {"hpr.term.speciality.anaesthesiology", false},
	"barnesykdommer":                                        {"hpr.term.speciality.paediatrics", false},
	"barne- og ungdomspsykiatri":                            {"hpr.term.speciality.child_psychiatry", false},
	"fødselshjelp og kvinnesykdommer":                       {"hpr.term.speciality.obstetrics", false},
	"generell kirurgi":                                      {"hpr.term.speciality.general_surgery", false},
	"indremedisin":                                          {"hpr.term.speciality.internal_medicine", false},
	"kardiologi":                                            {"hpr.term.speciality.cardiology", false},
	"nevrologi":                                             {"hpr.term.speciality.neurology", false},
	"radiologi":                                             {"hpr.term.speciality.radiology", false},
	"øre-nese-halssykdommer":                                {"hpr.term.speciality.ent", false},
	"øyesykdommer":                                          {"hpr.term.speciality.ophthalmology", false},
	"onkologi":                                              {"hpr.term.speciality.oncology", false},
	"patologi":                                              {"hpr.term.speciality.pathology", false},
	"samfunnsmedisin":                                       {"hpr.term.speciality.community_medicine", false},
	"arbeidsmedisin":                                        {"hpr.term.speciality.occupational_medicine", false},
	"geriatri":                                              {"hpr.term.speciality.geriatrics", false},
	"hud- og veneriske sykdommer":                           {"hpr.term.speciality.dermatology", false},
	"urologi":                                               {"hpr.term.speciality.urology", false},
	"revmatologi":                                           {"hpr.term.speciality.rheumatology", false},
	"lungesykdommer":                                        {"hpr.term.speciality.pulmonology", false},
	"fysikalsk medisin og rehabilitering":                   {"hpr.term.speciality.rehabilitation", false},
	"medisinsk mikrobiologi":                                {"hpr.term.speciality.microbiology", false},
	"rus- og avhengighetsmedisin":                           {"hpr.term.speciality.addiction", false},
	"akutt- og mottaksmedisin":                              {"hpr.term.speciality.emergency", false},
	"kjeveortopedi":                                         {"hpr.term.speciality.orthodontics", false},
	"oral kirurgi og oral medisin":                          {"hpr.term.speciality.oral_surgery", false},
	"periodonti":                                            {"hpr.term.speciality.periodontics", false},
	"pedodonti":                                             {"hpr.term.speciality.paediatric_dentistry", false},
	"endodonti":                                             {"hpr.term.speciality.endodontics", false},
	"protetikk":                                             {"hpr.term.speciality.prosthodontics", false},
	"kjeve- og ansiktsradiologi":                            {"hpr.term.speciality.maxillofacial_radiology", false},
}

// hprTermText is a register value in the reader's language. Bokmål shows
// it as the register wrote it. Nynorsk shows the catalog's nynorsk form
// (the same legal term in the other written standard). English shows the
// official English term alone, the portal's own translation with the
// register's bokmål term beside it — "Full right to prescribe (Full
// rekvisisjonsrett)" — because the bokmål term is the legal one a reader
// may need to look up, and a value the catalog does not know marked as
// Norwegian: "Xyz (Norwegian term)". A value is never dropped.
func hprTermText(ctx context.Context, name string) string {
	l := i18n.From(ctx)
	if l == i18n.NB || strings.TrimSpace(name) == "" {
		return name
	}
	t, ok := hprTerms[strings.ToLower(strings.TrimSpace(name))]
	switch {
	case !ok && l == i18n.EN:
		return i18n.T(ctx, "hpr.term.norwegian", name)
	case !ok:
		return name
	}
	text := i18n.T(ctx, t.key)
	if l == i18n.NN || t.official || strings.EqualFold(text, name) {
		return text
	}
	return i18n.T(ctx, "hpr.term.beside", text, name)
}

// hprTermsText is register values in the reader's language (hprTermText).
func hprTermsText(ctx context.Context, names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = hprTermText(ctx, n)
	}
	return out
}
