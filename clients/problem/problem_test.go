package problem

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestReadKeepsOnlySanitisedFields(t *testing.T) {
	tests := []struct {
		name        string
		contentType string
		body        string
		want        Details
	}{
		{"problem json", "application/problem+json; charset=utf-8",
			`{"title":"Not found: 01017012345","status":404,"detail":"line\nbreak","traceId":"00-ab","errors":{"x":["y"]}}`,
			Details{Title: "Not found: ***", Status: 404, Detail: "linebreak", TraceID: "00-ab"}},
		{"secret masked", "application/json", `{"title":"for 4711 only"}`, Details{Title: "for *** only"}},
		{"html gateway page", "text/html", `<h1>502</h1>`, Details{}},
		{"truncated", "application/problem+json", `{"title":"cut`, Details{}},
		{"trailing data", "application/json", `{"title":"a"} {"title":"b"}`, Details{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := &http.Response{Header: http.Header{"Content-Type": {tt.contentType}}, Body: io.NopCloser(strings.NewReader(tt.body))}
			if got := Read(resp, []string{"4711"}); got != tt.want {
				t.Errorf("Read = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestWriteAnswersAsASPNETCore(t *testing.T) {
	rec := httptest.NewRecorder()
	Write(rec, http.StatusTooManyRequests, "Too Many Requests")
	if rec.Code != http.StatusTooManyRequests {
		t.Errorf("status %d, want 429", rec.Code)
	}
	if got := rec.Header().Get("Content-Type"); got != "application/problem+json; charset=utf-8" {
		t.Errorf("Content-Type %q", got)
	}
	var d Details
	if err := json.Unmarshal(rec.Body.Bytes(), &d); err != nil {
		t.Fatal(err)
	}
	want := Details{Type: "https://tools.ietf.org/html/rfc6585#section-4", Title: "Too Many Requests", Status: 429}
	if d != want {
		t.Errorf("body %+v, want %+v", d, want)
	}
}
