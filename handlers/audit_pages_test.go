package handlers

import (
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/oppslag/oppslag/clients/audit"
	"github.com/oppslag/oppslag/views/i18n"
)

func TestSearchFormOf(t *testing.T) {
	oslo := i18n.Oslo()
	tests := []struct {
		name    string
		query   string
		want    audit.SearchFilter
		wantOK  bool
		wantErr string // the field with a message
	}{
		{"nothing: everything", "", audit.SearchFilter{}, true, ""},
		{"every filter", "hpr=565501872&user=Kari&org=987+654+325&resource=lab&action=view&outcome=denied&basis=AKUTT",
			audit.SearchFilter{HPRNumber: "565501872", User: "Kari", Org: "987654325", Resource: "lab", Action: "view",
				Outcome: audit.Denied, AccessBasis: "AKUTT"}, true, ""},
		{"a period of Oslo days, to inclusive", "from=2026-11-01&to=2026-11-21",
			audit.SearchFilter{From: time.Date(2026, 11, 1, 0, 0, 0, 0, oslo), To: time.Date(2026, 11, 22, 0, 0, 0, 0, oslo)}, true, ""},
		{"the next page", "before=120", audit.SearchFilter{Before: 120}, true, ""},
		{"a nonsense page is the first", "before=-3", audit.SearchFilter{}, true, ""},
		{"a bad date", "from=21.11.2026", audit.SearchFilter{}, false, "from"},
		{"a period backwards", "from=2026-11-21&to=2026-11-01", audit.SearchFilter{}, false, "to"},
		{"an identity number as a name", "user=12057900499", audit.SearchFilter{}, false, "query"},
		{"an identity number with a space", "action=120579+00499", audit.SearchFilter{}, false, "query"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, err := url.ParseQuery(tt.query)
			if err != nil {
				t.Fatal(err)
			}
			form, f, ok := searchFormOf(q)
			if ok != tt.wantOK {
				t.Fatalf("ok: got %v, want %v", ok, tt.wantOK)
			}
			if ok && !(f.HPRNumber == tt.want.HPRNumber && f.User == tt.want.User && f.Org == tt.want.Org &&
				f.Resource == tt.want.Resource && f.Action == tt.want.Action && f.Outcome == tt.want.Outcome &&
				f.AccessBasis == tt.want.AccessBasis && f.From.Equal(tt.want.From) && f.To.Equal(tt.want.To) && f.Before == tt.want.Before) {
				t.Errorf("filter: got %+v, want %+v", f, tt.want)
			}
			got := ""
			switch {
			case !form.FromError.IsZero():
				got = "from"
			case !form.ToError.IsZero():
				got = "to"
			case !form.QueryError.IsZero():
				got = "query"
			}
			if got != tt.wantErr {
				t.Errorf("field error: got %q, want %q", got, tt.wantErr)
			}
			if got == "query" && (form.User != "" || form.Action != "" || form.HPR != "" || form.Org != "") {
				t.Errorf("the form repeats a refused value: %+v", form)
			}
		})
	}
}

func TestSearchURLAndFields(t *testing.T) {
	q := url.Values{"hpr": {"565501872"}, "outcome": {"denied"}, "before": {"40"}, "other": {"x"}}
	if got, want := usedFields(q), []string{"hpr", "outcome", "before"}; !slices.Equal(got, want) {
		t.Errorf("fields: got %v, want %v", got, want)
	}
	tests := []struct {
		before int64
		want   string
	}{
		{0, "/audit?hpr=565501872&outcome=denied"},
		{20, "/audit?before=20&hpr=565501872&outcome=denied"},
	}
	for _, tt := range tests {
		if got := searchURL(q, tt.before); got != tt.want {
			t.Errorf("before %d: got %q, want %q", tt.before, got, tt.want)
		}
	}
	if got := searchURL(url.Values{}, 0); got != "/audit" {
		t.Errorf("no filter: got %q, want /audit", got)
	}
}
