package views

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/oppslag/oppslag/views/i18n"
)

// TestLabsValue: the lab page writes numbers with the language's decimal
// separator, dates as the language writes them, and every other value as
// received or as its message.
func TestLabsValue(t *testing.T) {
	at := time.Date(2026, 11, 21, 9, 42, 0, 0, time.UTC)
	m := func(cmp string, v float64, unit string) *LabsMeasure {
		return &LabsMeasure{Comparator: cmp, Value: v, Unit: unit}
	}
	tests := []struct {
		name   string
		value  LabsValue
		nb, en string
	}{
		{"quantity", LabsValue{Quantity: m("", 5.25, "mmol/L")}, "5,25 mmol/L", "5.25 mmol/L"},
		{"below a limit, no unit", LabsValue{Quantity: m("<", 0.5, "")}, "<0,5", "<0.5"},
		{"range", LabsValue{Range: &LabsInterval{Low: m("", 1, "U"), High: m("", 4.5, "IU/L")}}, "1–4,5 IU/L", "1–4.5 IU/L"},
		{"lower limit only", LabsValue{Range: &LabsInterval{Low: m("", 3.6, "mmol/L")}}, "≥ 3,6 mmol/L", "≥ 3.6 mmol/L"},
		{"upper limit only", LabsValue{Range: &LabsInterval{High: m("", 5, "")}}, "≤ 5", "≤ 5"},
		{"range as text", LabsValue{Range: &LabsInterval{Text: "< 0,5"}}, "< 0,5", "< 0,5"},
		{"date-time", LabsValue{DateTime: &at}, "21.11.2026 kl. 10.42", "21 Nov 2026 10:42"},
		{"absent", LabsValue{Text: Msg("labs.value.absent", "Error")}, "Ingen verdi: Error", "No value: Error"},
		{"text as received", LabsValue{Text: Plain("1,5 <hemolysert>")}, "1,5 <hemolysert>", "1,5 <hemolysert>"},
		{"nothing", LabsValue{}, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.value.Lang(i18n.NB); got != tt.nb {
				t.Errorf("nb: got %q, want %q", got, tt.nb)
			}
			if got := tt.value.In(i18n.WithLang(context.Background(), i18n.EN)); got != tt.en {
				t.Errorf("en: got %q, want %q", got, tt.en)
			}
			if got, want := tt.value.Empty(), tt.nb == ""; got != want {
				t.Errorf("Empty() = %v, want %v", got, want)
			}
		})
	}
	var none *LabsInterval
	if got := none.Lang(i18n.NB); got != "" {
		t.Errorf("nil interval: got %q, want \"\"", got)
	}
}

func TestLabsSpecimen(t *testing.T) {
	at := time.Date(2017, 9, 20, 5, 57, 0, 0, time.UTC)
	tests := []struct {
		name string
		sp   LabsSpecimen
		lang i18n.Lang
		want string
	}{
		{"no time", LabsSpecimen{Name: "Serum"}, i18n.NB, "Serum"},
		{"date and time", LabsSpecimen{Name: "Serum", Collected: at}, i18n.NB, "Serum, tatt 20.09.2017 kl. 07.57"},
		{"in English", LabsSpecimen{Name: "Serum", Collected: at}, i18n.EN, "Serum, collected 20 Sep 2017 07:57"},
		{"a bare date", LabsSpecimen{Name: "Hud", Collected: at, Day: true}, i18n.NB, "Hud, tatt 20.09.2017"},
		{"no name", LabsSpecimen{Collected: at, Day: true}, i18n.NB, ", tatt 20.09.2017"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.sp.Lang(tt.lang); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// TestLabsDuration: a window is written in hours and minutes, rounded up
// so it never shows as over while it lasts.
func TestLabsDuration(t *testing.T) {
	tests := []struct {
		d      time.Duration
		nb, en string
	}{
		{4 * time.Hour, "4 t", "4 h"},
		{3*time.Hour + 59*time.Minute + time.Second, "4 t", "4 h"},
		{3*time.Hour + 58*time.Minute + time.Second, "3 t 59 min", "3 h 59 min"},
		{40 * time.Second, "1 min", "1 min"},
		{-time.Minute, "0 min", "0 min"},
	}
	for _, tt := range tests {
		t.Run(tt.d.String(), func(t *testing.T) {
			got := labsDuration(tt.d)
			if nb := got.Lang(i18n.NB); nb != tt.nb {
				t.Errorf("nb: got %q, want %q", nb, tt.nb)
			}
			if en := got.Lang(i18n.EN); en != tt.en {
				t.Errorf("en: got %q, want %q", en, tt.en)
			}
		})
	}
}

func TestLabsMsgOr(t *testing.T) {
	if got, want := LabsMsgOr("labs.flag.h", Plain("H")).Lang(i18n.EN), i18n.TL(i18n.EN, "labs.flag.h"); got != want {
		t.Errorf("known key: got %q, want %q", got, want)
	}
	if got, want := LabsMsgOr("labs.flag.zz", Plain("ZZ")).Lang(i18n.EN), "ZZ"; got != want {
		t.Errorf("unknown key: got %q, want %q", got, want)
	}
	if !LabsPlain("").IsZero() || LabsPlain("x").IsZero() {
		t.Error("LabsPlain: only the empty string is the zero Text")
	}
}

func TestLabsProfession(t *testing.T) {
	ctx := i18n.WithLang(context.Background(), i18n.EN)
	tests := []struct{ code, want string }{
		{"LE", i18n.TL(i18n.EN, "profession.le") + " (LE)"},
		{"ZZ", "ZZ"}, // a code the catalog does not know, as received
		{"", ""},
	}
	for _, tt := range tests {
		if got := labsProfession(ctx, tt.code); got != tt.want {
			t.Errorf("%q: got %q, want %q", tt.code, got, tt.want)
		}
	}
}

func TestLabsReportStatusNotice(t *testing.T) {
	ctx := i18n.WithLang(context.Background(), i18n.NB)
	r := LabsReport{StatusNotice: Msg("labs.status.notice.unknown"), UnknownStatus: "partial-x"}
	if got, want := r.statusNotice(ctx), i18n.TL(i18n.NB, "labs.status.notice.unknown")+" (partial-x)"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// TestLabsTrendDataChart: each marker's tooltip says what its row says,
// in the page's language, oldest first.
func TestLabsTrendDataChart(t *testing.T) {
	d := trendPageData(t)
	d.Rows[0].Value = LabsValue{Quantity: &LabsMeasure{Value: 3.1, Comparator: "<", Unit: "mmol/L"}}
	tests := []struct {
		lang i18n.Lang
		want []string
	}{
		{i18n.NB, []string{"10.01.2026: 4,2 mmol/L", "01.06.2026: 5,6 mmol/L, Høy", "15.09.2026: <3,1 mmol/L, Lav"}},
		{i18n.EN, []string{"10 Jan 2026: 4.2 mmol/L", "1 Jun 2026: 5.6 mmol/L, High", "15 Sep 2026: <3.1 mmol/L, Low"}},
	}
	for _, tt := range tests {
		t.Run(string(tt.lang), func(t *testing.T) {
			c := d.Chart(tt.lang)
			var got []string
			for _, m := range c.Markers {
				got = append(got, m.Label)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("labels\n%q\nwant\n%q", got, tt.want)
			}
		})
	}
	d.Rows = d.Rows[2:3] // text only
	if c := d.Chart(i18n.NB); c != nil {
		t.Errorf("no charted row: got a chart, want nil")
	}
}

// TestLabsTrendUndatedRow: a result without a date says so, with no
// <time> element.
func TestLabsTrendUndatedRow(t *testing.T) {
	rows := []LabsTrendRow{{Value: LabsValue{Quantity: &LabsMeasure{Value: 4.1, Unit: "mmol/L"}}}}
	for _, l := range i18n.Supported() {
		t.Run(string(l), func(t *testing.T) {
			_, nodes := renderFragment(t, labsTrendTable(rows, true), l)
			row := all(byAttr("data-testid", "labs-trend-row"), nodes...)
			if len(row) != 1 {
				t.Fatalf("got %d rows, want 1", len(row))
			}
			if th := all(byTag("th"), row[0]); len(th) != 1 || text(th[0]) != i18n.TL(l, "labs.trend.nodate") {
				t.Errorf("date cell is not %q", i18n.TL(l, "labs.trend.nodate"))
			}
			if got := len(all(byTag("time"), row[0])); got != 0 {
				t.Errorf("got %d <time> elements, want none", got)
			}
			if got := len(all(byAttr("data-testid", "labs-trend-not-charted"), row[0])); got != 1 {
				t.Errorf("got %d not-charted notes, want 1", got)
			}
		})
	}
}

// TestLabsNothingMoreSaysWhichBasis: an elevated basis that opens nothing
// more says so in the words of the basis chosen.
func TestLabsNothingMoreSaysWhichBasis(t *testing.T) {
	em := &LabsEmergency{Basis: Msg("labs.basis.forhoyet_akutt"), Until: time.Date(2026, 12, 7, 18, 0, 0, 0, time.UTC),
		UntilISO: "2026-12-07T18:00:00Z", Remaining: time.Hour, EndAction: "/person/h/labs/end"}
	for _, tt := range []struct {
		name      string
		emergency *LabsEmergency
		want      string
	}{
		{"elevated consent", nil, "labs.nothing_more"},
		{"elevated emergency access", em, "labs.nothing_more.emergency"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			out, _ := render(t, LabsPage(Base{Path: "/person/h/labs"}, LabsData{NothingMore: true, Emergency: tt.emergency}), i18n.EN, "")
			if !strings.Contains(out, i18n.TL(i18n.EN, tt.want)) {
				t.Errorf("the page does not say %q", i18n.TL(i18n.EN, tt.want))
			}
		})
	}
}
