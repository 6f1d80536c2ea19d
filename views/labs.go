package views

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/oppslag/oppslag/clients/labs/unit"
	"github.com/oppslag/oppslag/views/i18n"
)

// The lab pages' view models carry data and catalog messages (Text), not
// words: the handler chooses what a page says, and the view says it in
// the request's language. Numbers, dates and durations arrive as data, so
// a decimal comma or a month name is the view's concern alone.

// LabsChooser is the access-basis form shown before any lab result is
// fetched (S16).
type LabsChooser struct {
	Action      string // POST target
	OverviewURL string
	Bases       []LabsOption
	Roles       []LabsRole // the user's HPR professions
	Error       Text       // zero when there is nothing to say
	// EmergencyURL opens the emergency form; EmergencyWindow is how long
	// an opening lasts.
	EmergencyURL    string
	EmergencyWindow time.Duration
	// Notice confirms what was just done ("the access has ended"); zero
	// for none.
	Notice Text
}

// LabsOption is one radio button or select option.
type LabsOption struct {
	Value       string
	Label, Help Text
	Selected    bool
}

// LabsRole is one of the user's HPR professions (kodeverk 9060) offered as
// the requester role; the view names it (labsProfession).
type LabsRole struct {
	Code     string
	Selected bool
}

// LabsData is the results page under a bound basis.
type LabsData struct {
	OverviewURL  string
	ChangeURL    string
	Basis        Text
	BasisCode    string
	Role         string         // the requester's HPR profession code; "" for none
	Until        time.Time      // when the basis lapses, shown as a clock time
	TrendURL     string         // base of the per-analysis trend links
	PrintURL     string         // the print view; "" on the print view itself
	Emergency    *LabsEmergency // the countdown banner, when the basis is an emergency one
	Stamp        *LabsStamp     // set on the print view
	Error        *ErrorData
	NothingMore  bool
	Truncated    bool
	NotFound     bool
	Restrictions []LabsRestriction
	Days         []LabsDay
	// Ranges is the period selector (not on the print view); Older counts
	// the reports before the period, and AllURL shows them ("" when the
	// period is already everything).
	Ranges []LabsRange
	Older  int
	AllURL string
	// Views switch between the reports by day and the cumulative sheet
	// (not on the print view); Sheet is set when the sheet is shown.
	Views []LabsTab
	Sheet *LabsSheet
	// OnlyAbnormal is true when only the deviations are shown;
	// AbnormalURL is the same page with the filter turned over, and Hidden
	// counts what the filter leaves out: reports, or the sheet's dates.
	OnlyAbnormal bool
	AbnormalURL  string
	Hidden       int
	// Summary is the latest deviation of each analysis, newest first.
	Summary []LabsSummaryEntry
	// ElevateURL, set under AKUTT, is the emergency form with
	// FORHOYET_AKUTT chosen: what the restriction notice offers.
	ElevateURL string
	// Opened counts the reports shown that the patient had restricted
	// (each marked); RestrictedUnknown says they could not be told apart.
	Opened            int
	RestrictedUnknown bool
}

// LabsTab is one of the results page's two views.
type LabsTab struct {
	Key     string // "reports" or "sheet"
	Label   Text
	URL     string
	Current bool
}

// LabsSummaryEntry is one analysis in the summary of deviations: its
// latest deviating value with its date, and a later result when there is
// one, so an old deviation does not read as the state today.
type LabsSummaryEntry struct {
	Name       string
	TrendURL   string // "" when the analysis has no trend
	Value      LabsValue
	At         time.Time // zero when the report gives no date
	FlagSymbol string
	FlagText   Text
	Flag       string // lower-case level, for the highlight
	Later      *LabsSummaryLater
}

// LabsSummaryLater is the latest result of an analysis, taken after its
// latest deviation.
type LabsSummaryLater struct {
	Value LabsValue
	At    time.Time
}

// LabsSheet is the cumulative sheet: an analysis a row, a time results
// were taken a column (newest first), grouped by panel.
type LabsSheet struct {
	Columns []LabsSheetColumn
	Groups  []LabsSheetGroup
	Other   int // reports only the reports view shows (text, cultures, withdrawn)
}

// LabsSheetColumn is a time results were taken; Restricted marks results
// the patient had restricted, opened by an elevated basis.
type LabsSheetColumn struct {
	At         time.Time // zero for undated reports
	Restricted bool
}

// LabsSheetGroup is the rows of one panel.
type LabsSheetGroup struct {
	Name string
	Rows []LabsSheetRow
}

// LabsSheetRow is one analysis across the columns.
type LabsSheetRow struct {
	Name     string
	TrendURL string
	Cells    []LabsSheetCell // one per column
}

// LabsSheetCell is what a column says of an analysis; no values when it
// was not taken then.
type LabsSheetCell struct{ Values []LabsSheetValue }

// LabsSheetValue is one result in a cell: its value and flag, symbol and
// word, as in the reports.
type LabsSheetValue struct {
	Value      LabsValue
	FlagSymbol string
	FlagText   Text
	Flag       string
	Status     Text // why a withdrawn result has no value
	Withdrawn  bool
}

// LabsEmergency is the banner shown on every lab view while an emergency
// basis lasts: which basis, why, until when, and a way to end it.
type LabsEmergency struct {
	Basis, Reason Text
	Until         time.Time     // shown as a clock time
	UntilISO      string        // RFC 3339, read by the countdown script
	Remaining     time.Duration // when the page was made
	EndAction     string        // POST target that ends the access now
}

// LabsStamp is the print view's stamp: who printed, when, under which
// basis (and emergency reason), with the correlation id of the print's
// audit record.
type LabsStamp struct {
	Who, HPRNumber, CorrelationID string
	When                          time.Time
	Basis, Reason                 Text
	Back                          string // the results page
}

// LabsEmergencyForm is the emergency opening form (S17). Each *Error is
// the message for its field, zero when the field is fine.
type LabsEmergencyForm struct {
	Action, OverviewURL, ChooserURL                             string
	Window                                                      time.Duration // how long an opening lasts
	Bases, Reasons                                              []LabsOption
	Roles                                                       []LabsRole
	Text                                                        string
	TextMin, TextMax                                            int
	Confirmed                                                   bool
	BasisError, ReasonError, TextError, RoleError, ConfirmError Text
}

// HasErrors reports whether any field failed.
func (f LabsEmergencyForm) HasErrors() bool {
	return !f.BasisError.IsZero() || !f.ReasonError.IsZero() || !f.TextError.IsZero() ||
		!f.RoleError.IsZero() || !f.ConfirmError.IsZero()
}

// LabsRestriction announces withheld results and what would open them;
// ElevateURL, under AKUTT, is the emergency form with FORHOYET_AKUTT
// chosen.
type LabsRestriction struct {
	Text, Opens Text
	ElevateURL  string
}

// LabsDay is the reports of one date, newest day first.
type LabsDay struct {
	Day     time.Time
	Reports []LabsReport
}

// LabsReport is one report with its observations flattened into rows.
type LabsReport struct {
	Title     string
	Status    Text
	Requester string
	Performer string
	// Specimens are the report's samples, each with when it was taken
	// ("Serum, tatt 20.09.2017 07:57").
	Specimens []LabsSpecimen
	Comments  []string
	// RequesterURL is the requester's HPR card, "" when the report names
	// no HPR number.
	RequesterURL string
	Rows         []LabsRow
	// ShowSpecimen is true when the results come from more than one sample:
	// each row then names its own.
	ShowSpecimen bool
	Cultures     []LabsCulture
	Incomplete   bool         // results the report refers to are missing
	Unread       []LabsUnread // the report's own values that could not be read
	// StatusNotice says what a status other than final means for the
	// reader ("Foreløpig rapport: ..."); zero for a final report.
	// UnknownStatus is a status code the catalog has no notice for, named
	// as received after the unknown-status notice. StatusKind is
	// "preliminary", "amended" or "withdrawn", for the notice's colour
	// (the words carry the meaning).
	StatusNotice  Text
	UnknownStatus string
	StatusKind    string
	// Withdrawn is true for a cancelled or entered-in-error report: it
	// has no rows, sections or groups, only the notice and any comment.
	Withdrawn bool
	// Restricted is true for a report the patient had restricted, shown
	// because an elevated basis opened it.
	Restricted bool
	// Groups are named sets of results (KITH heading GR), each shown as
	// its own table.
	Groups []LabsGroup
	// Sections are the text sections of a pathology or imaging report.
	Sections []LabsSection
}

// statusNotice is the report's status notice in the language of ctx.
func (r LabsReport) statusNotice(ctx context.Context) string {
	s := r.StatusNotice.In(ctx)
	if r.UnknownStatus != "" {
		s += " (" + r.UnknownStatus + ")"
	}
	return s
}

// LabsSpecimen is a sample as a report names it, with when it was taken:
// Collected is zero when the report does not say, and Day is true when it
// gives only the date.
type LabsSpecimen struct {
	Name      string
	Collected time.Time
	Day       bool
}

// Lang writes the sample in language l: its name, then when it was taken.
func (s LabsSpecimen) Lang(l i18n.Lang) string {
	if s.Collected.IsZero() {
		return s.Name
	}
	when := i18n.DateTime(l, s.Collected)
	if s.Day {
		when = i18n.Date(l, s.Collected)
	}
	return strings.TrimSpace(s.Name + ", " + i18n.TL(l, "labs.collected", when))
}

// LabsGroup is a named group of results (a KITH result group, "Gruppe").
type LabsGroup struct {
	Name string
	Rows []LabsRow
}

// LabsSection is one examination of a pathology or imaging report: its
// parts (diagnosis, assessment, macroscopy, microscopy, description) as
// text with their line breaks, and the procedures it covered.
type LabsSection struct {
	Heading    Text
	Status     Text     // the examination's status, zero when final
	Procedures []string // examinations without a text of their own ("UL Lever (SJJ0AK)")
	Parts      []LabsPart
}

// LabsPart is one text part of a section, with its coded diagnoses.
type LabsPart struct {
	Heading string
	Text    LabsValue // line breaks kept; paragraphs split at blank lines
	Codes   []LabsCode
	Comment string
	Status  Text // the part's own status, zero when final
}

// LabsCode is one coding of a diagnosis or finding, every one shown: the
// code, its text when sent, and the code system (zero when none is named).
type LabsCode struct {
	Code, Display string
	System        Text
}

// LabsUnread is a value that could not be read, shown as received and
// marked, with the field it came in.
type LabsUnread struct{ Field, Raw string }

// LabsRow is one observation; Depth > 0 for panel members.
type LabsRow struct {
	Name       string
	Value      LabsValue
	Reference  *LabsInterval // nil when the result gives none
	FlagSymbol string        // "" when not flagged
	FlagText   Text          // zero when not flagged
	Flag       string        // lower-case flag level ("h", "l", "o", ...; "unknown" for a code not known) for the row's highlight; "" when not flagged
	TrendURL   string        // the analysis' trend; "" when it has none
	Specimen   string        // the result's own sample, when the report has several
	Depth      int
	Panel      bool
	Comment    string
	Unread     []LabsUnread
	// Status is the result's status when it is not final ("Endret",
	// "Foreløpig"), zero otherwise; Withdrawn says the result was
	// cancelled or entered in error, and Value is then empty.
	Status    Text
	Withdrawn bool
}

// LabsCulture is one organism isolated by a culture, with its amount and a
// susceptibility row per antibiotic.
type LabsCulture struct {
	Organism LabsValue
	Test     string
	Specimen string
	Amounts  []LabsValue
	Comment  string
	Rows     []LabsSusceptibility
	Unread   []LabsUnread
}

// LabsSusceptibility is one antibiotic tested against an organism.
type LabsSusceptibility struct {
	Antibiotic string
	MIC        LabsValue
	FlagSymbol string // the S/I/R interpretation as a letter ...
	FlagText   Text   // ... and a word
	Flag       string // lower-case level for the row's highlight
	Unread     []LabsUnread
}

// LabsValue is a result's value as the report gave it. A measure or a
// range is written with the language's decimal separator and a date-time
// as the language writes it; any other value is a Text: as received, or a
// message ("no value: ..."). At most one of Quantity, Range and DateTime
// is set.
type LabsValue struct {
	Quantity *LabsMeasure
	Range    *LabsInterval
	DateTime *time.Time
	Text     Text
}

// Lang writes v in language l.
func (v LabsValue) Lang(l i18n.Lang) string {
	switch {
	case v.Quantity != nil:
		return v.Quantity.Lang(l)
	case v.Range != nil:
		return v.Range.Lang(l)
	case v.DateTime != nil:
		return i18n.DateTime(l, *v.DateTime)
	}
	return v.Text.Lang(l)
}

// In writes v in the language of ctx.
func (v LabsValue) In(ctx context.Context) string { return v.Lang(i18n.From(ctx)) }

// Empty reports whether v shows nothing. That is the same in every
// language: only numbers and dates are written per language, and they are
// never empty.
func (v LabsValue) Empty() bool { return v.Lang(i18n.Default) == "" }

// LabsMeasure is a measured number with its comparator ("<" for a value
// below a measuring limit) and unit.
type LabsMeasure struct {
	Comparator string
	Value      float64
	Unit       string
}

// number is the comparator and number in language l, without the unit.
func (m *LabsMeasure) number(l i18n.Lang) string {
	return m.Comparator + i18n.Decimal(l, strconv.FormatFloat(m.Value, 'f', -1, 64))
}

// Lang writes m in language l; "" for nil.
func (m *LabsMeasure) Lang(l i18n.Lang) string {
	if m == nil {
		return ""
	}
	s := m.number(l)
	if m.Unit != "" {
		s += " " + LabsUnit(l, m.Unit)
	}
	return s
}

// LabsUnit is a lab unit typeset for reading in language l ("10*9/L" as
// "10⁹/L", "umol/L" as "µmol/L"; clients/labs/unit decides what changes).
// Units are compared and grouped as received; only their writing changes.
func LabsUnit(l i18n.Lang, u string) string {
	decimal := ','
	if l == i18n.EN {
		decimal = '.'
	}
	return unit.Typeset(u, decimal)
}

// LabsInterval is a range (a reference range, or a value given as one):
// its limits, or, with neither, its text as received.
type LabsInterval struct {
	Low, High *LabsMeasure
	Text      string
}

// Lang writes iv in language l ("3,5–5 mmol/L", "≥ 3,6 mmol/L"); "" for nil.
func (iv *LabsInterval) Lang(l i18n.Lang) string {
	if iv == nil {
		return ""
	}
	switch {
	case iv.Low != nil && iv.High != nil:
		s := iv.Low.number(l) + "–" + iv.High.number(l)
		if iv.High.Unit != "" {
			s += " " + LabsUnit(l, iv.High.Unit)
		}
		return s
	case iv.Low != nil:
		return "≥ " + iv.Low.Lang(l)
	case iv.High != nil:
		return "≤ " + iv.High.Lang(l)
	}
	return iv.Text
}

// In writes iv in the language of ctx.
func (iv *LabsInterval) In(ctx context.Context) string { return iv.Lang(i18n.From(ctx)) }

// LabsMsgOr is the message key when the catalog has it, else or: a code
// the catalog does not know yet is shown as received, never dropped.
func LabsMsgOr(key string, or Text) Text {
	if i18n.Has(key) {
		return Msg(key)
	}
	return or
}

// LabsPlain is s as received (Plain), or the zero Text when s is empty,
// so that an absent value stays absent (IsZero).
func LabsPlain(s string) Text {
	if s == "" {
		return Text{}
	}
	return Plain(s)
}

// labsProfession names an HPR profession code (kodeverk 9060) in the
// language of ctx, with the code: "Lege (LE)"; a code the catalog does not
// know is shown as received.
func labsProfession(ctx context.Context, code string) string {
	key := "profession." + strings.ToLower(code)
	if !i18n.Has(key) {
		return code
	}
	return i18n.T(ctx, key) + " (" + code + ")"
}

// labsDuration writes d as hours and minutes, "3 t 59 min", rounding up
// so a window never shows as over while it lasts.
func labsDuration(d time.Duration) Text {
	if d < 0 {
		d = 0
	}
	mins := int((d + time.Minute - 1) / time.Minute)
	hours, rest := mins/60, mins%60
	switch {
	case hours == 0:
		return Msg("labs.duration.minutes", rest)
	case rest == 0:
		return Msg("labs.duration.hours", hours)
	}
	return Msg("labs.duration.hours_minutes", hours, rest)
}

// labsClock is t's time of day in the language of ctx.
func labsClock(ctx context.Context, t time.Time) string { return i18n.Clock(i18n.From(ctx), t) }

// labsISODate is t's calendar day in Oslo as a <time> element's datetime.
func labsISODate(t time.Time) string { return t.In(i18n.Oslo()).Format("2006-01-02") }

// sheetCellFlag is the highlight of a sheet cell: its first flagged
// result's, as a report row takes its result's.
func sheetCellFlag(c LabsSheetCell) string {
	for _, v := range c.Values {
		if v.Flag != "" {
			return v.Flag
		}
	}
	return ""
}

// hasRestrictedColumn reports whether the sheet marks a column as
// restricted, and so needs the legend that explains the mark.
func hasRestrictedColumn(s LabsSheet) bool {
	for _, c := range s.Columns {
		if c.Restricted {
			return true
		}
	}
	return false
}

// labsDateText is t's day in the language of ctx, or "undated".
func labsDateText(ctx context.Context, t time.Time) string {
	if t.IsZero() {
		return i18n.T(ctx, "labs.undated")
	}
	return i18n.Date(i18n.From(ctx), t)
}
