package audit

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestWriteNDJSON(t *testing.T) {
	e := sampleEvent(1)
	e.Time = time.Date(2026, 3, 1, 9, 0, 0, 5000, time.UTC)
	e.Reason = "line one\nline two" // must not split the record over lines
	recs := []Record{
		{Seq: 1, Event: e, PrevHash: genesisHash, Hash: chainHash(1, genesisHash, e)},
		{Seq: 2, Event: Event{Time: e.Time, Resource: "session", Action: "logout", Outcome: Success}, PrevHash: "h1", Hash: "h2"},
	}
	var buf bytes.Buffer
	if err := WriteNDJSON(&buf, recs); err != nil {
		t.Fatalf("WriteNDJSON: %v", err)
	}
	sc := bufio.NewScanner(&buf)
	var got []Record
	for sc.Scan() {
		var r Record
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("line %d: %v", len(got)+1, err)
		}
		got = append(got, r)
	}
	if !reflect.DeepEqual(got, recs) {
		t.Errorf("round trip:\ngot  %+v\nwant %+v", got, recs)
	}

	buf.Reset()
	WriteNDJSON(&buf, recs[1:])
	want := `{"seq":2,"time":"2026-03-01T09:00:00.000005Z","actor":{},"resource":"session","action":"logout","outcome":"success","prev_hash":"h1","hash":"h2"}` + "\n"
	if got := buf.String(); got != want {
		t.Errorf("shape:\ngot  %s\nwant %s", got, want)
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriteNDJSONWriteError(t *testing.T) {
	err := WriteNDJSON(failingWriter{}, []Record{{Seq: 1}})
	if err == nil || !strings.HasPrefix(err.Error(), "audit: export") {
		t.Errorf("got %v, want an audit: export error", err)
	}
}
