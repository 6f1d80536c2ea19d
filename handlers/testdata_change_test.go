package handlers

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/oppslag/oppslag/clients/person/personsim"
	"github.com/oppslag/oppslag/handlers/request"
	"github.com/oppslag/oppslag/views/i18n"
)

// fakeChanger records renames; unknown numbers are refused as the
// simulator refuses them.
type fakeChanger struct {
	known   string
	renamed map[string]string
	before  func() // runs at the rename, to see what was recorded by then
}

func (f *fakeChanger) Rename(nin, family string) (int64, error) {
	if f.before != nil {
		f.before()
	}
	if nin != f.known {
		return 0, personsim.ErrUnknownPerson
	}
	f.renamed[nin] = family
	return 20417, nil
}

func postChange(t *testing.T, h Testdata, form url.Values) (*httptest.ResponseRecorder, error) {
	t.Helper()
	r := httptest.NewRequest(http.MethodPost, "/testdata/person", strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	ctx := request.WithUser(r.Context(), &request.User{Name: "Tora Tester", PID: "tester"})
	ctx = request.WithCSRFToken(ctx, tdToken)
	r = r.WithContext(i18n.WithLang(ctx, i18n.NB))
	w := httptest.NewRecorder()
	return w, h.ChangePerson(w, r)
}

// A tester renames a synthetic person: recorded first, the number only in
// the body and the record, never in the redirect.
func TestTestdata_ChangePerson(t *testing.T) {
	b, err := tdBrowser()
	if err != nil {
		t.Fatal(err)
	}
	const number = "12057900499"
	store := &tlAudit{}
	ch := &fakeChanger{known: number, renamed: map[string]string{}}
	var recordedFirst bool
	ch.before = func() { recordedFirst = len(store.events) == 1 }
	h := Testdata{Site: Site{Demo: true, Testdata: true}, Browse: b, Audit: Auditor{Store: store}, Changes: ch}

	w, err := postChange(t, h, url.Values{"nin": {"120579 00499"}, "family": {"  Nyberg "}})
	if err != nil {
		t.Fatalf("ChangePerson: %v", err)
	}
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/testdata?changed=20417" {
		t.Fatalf("answer %d to %q; want 303 to /testdata?changed=20417", w.Code, w.Header().Get("Location"))
	}
	if ch.renamed[number] != "Nyberg" {
		t.Errorf("renamed: %v", ch.renamed)
	}
	if !recordedFirst {
		t.Error("the change was made before its audit record")
	}
	if e := store.events[0]; e.Resource != "testdata" || e.Action != "person_change" || e.Patient != number {
		t.Errorf("record: %+v", e)
	}

	for name, form := range map[string]url.Values{
		"not a number":   {"nin": {"12345"}, "family": {"Nyberg"}},
		"no family name": {"nin": {number}, "family": {" "}},
		"too long":       {"nin": {number}, "family": {strings.Repeat("a", 101)}},
		"unknown person": {"nin": {"01010150015"}, "family": {"Nyberg"}},
	} {
		t.Run(name, func(t *testing.T) {
			w, err := postChange(t, h, form)
			if err != nil || w.Code != http.StatusUnprocessableEntity {
				t.Fatalf("answer %d, %v; want 422", w.Code, err)
			}
			if !strings.Contains(w.Body.String(), `data-testid="testdata-change-error"`) {
				t.Error("no message says why")
			}
			if strings.Contains(w.Body.String(), form.Get("nin")) && len(form.Get("nin")) == 11 {
				t.Error("the number is shown back")
			}
		})
	}

	// The audit store down: nothing changes (S20).
	ch.renamed = map[string]string{}
	h.Audit = Auditor{Store: &tdFailingStore{}}
	if _, err := postChange(t, h, url.Values{"nin": {number}, "family": {"Nyberg"}}); AsError(err).Status != http.StatusServiceUnavailable {
		t.Errorf("audit down: %v; want 503", err)
	}
	if len(ch.renamed) != 0 {
		t.Error("renamed with the audit store down")
	}
}

// The list after a change says which event the simulator reported.
func TestTestdata_ChangedNotice(t *testing.T) {
	b, err := tdBrowser()
	if err != nil {
		t.Fatal(err)
	}
	h := Testdata{Site: Site{Demo: true, Testdata: true}, Browse: b, Audit: Auditor{Store: &tlAudit{}},
		Changes: &fakeChanger{renamed: map[string]string{}}}
	r := httptest.NewRequest(http.MethodGet, "/testdata?changed=20417", nil)
	ctx := request.WithUser(r.Context(), &request.User{Name: "Tora Tester", PID: "tester"})
	r = r.WithContext(i18n.WithLang(request.WithCSRFToken(ctx, tdToken), i18n.NB))
	w := httptest.NewRecorder()
	if err := h.ServeHTTP(w, r); err != nil {
		t.Fatal(err)
	}
	body := w.Body.String()
	if !strings.Contains(body, `data-testid="testdata-changed"`) || !strings.Contains(body, "20417") {
		t.Error("no notice of the change")
	}
	if !strings.Contains(body, `action="/testdata/person"`) {
		t.Error("no change form")
	}
}
