package audit

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The encoding is a stored format: this golden pins it byte for byte, so a
// change to encodeChain (or to anything it relies on) that would break the
// verification of existing records fails here first.
func TestChainEncodingGolden(t *testing.T) {
	e := Event{
		Time:          time.Date(2026, 3, 1, 9, 30, 0, 120000000, time.FixedZone("CET", 3600)),
		CorrelationID: "c-1",
		Actor:         Actor{PID: "pid", Name: "Kari\nLege", HPRNumber: "565501872", HPRRole: "LE", SecurityLevel: "4", OrgParent: "983658776", OrgChild: "994598759"},
		Patient:       "p",
		Resource:      "lab",
		Action:        "search",
		AccessBasis:   "TREATMENT",
		Reason:        "",
		Outcome:       Granted,
		ClientIP:      "192.0.2.1",
		Fields:        []string{"name", ""},
	}
	want := "oppslag-audit-chain/v1\n" +
		"seq 1:7\n" +
		"prev_hash 64:" + genesisHash + "\n" +
		"time 23:2026-03-01T08:30:00.12Z\n" +
		"correlation_id 3:c-1\n" +
		"actor.pid 3:pid\n" +
		"actor.name 9:Kari\nLege\n" +
		"actor.hpr_number 9:565501872\n" +
		"actor.hpr_role 2:LE\n" +
		"actor.security_level 1:4\n" +
		"actor.org_parent 9:983658776\n" +
		"actor.org_child 9:994598759\n" +
		"patient 1:p\n" +
		"resource 3:lab\n" +
		"action 6:search\n" +
		"access_basis 9:TREATMENT\n" +
		"reason 0:\n" +
		"outcome 7:granted\n" +
		"client_ip 9:192.0.2.1\n" +
		"fields 2\n" +
		"- 4:name\n" +
		"- 0:\n" +
		"results 0\n"
	if got := string(encodeChain(7, genesisHash, e)); got != want {
		t.Errorf("encoding:\ngot  %q\nwant %q", got, want)
	}
	// The want value was computed outside Go: printf '<the bytes above>' | sha256sum.
	if got, want := chainHash(7, genesisHash, e), "ad405afd6fe85a65262ebc5e2a99aa7e58e0e59b714f9828d181c3ccedb89233"; got != want {
		t.Errorf("hash: got %s, want %s", got, want)
	}
}

// decodeChain parses chain encoding v1 back into its parts. It exists only
// to prove the encoding is injective: if every encoding decodes to the input
// it came from, no two inputs share an encoding.
func decodeChain(b []byte) (seq int64, prevHash string, e Event, err error) {
	if !bytes.HasPrefix(b, []byte(chainVersionLine)) {
		return 0, "", Event{}, errors.New("no version line")
	}
	b = b[len(chainVersionLine):]
	number := func(end byte) (int, error) {
		i := bytes.IndexByte(b, end)
		if i < 0 {
			return 0, fmt.Errorf("no %q", end)
		}
		n, err := strconv.Atoi(string(b[:i]))
		if err != nil || n < 0 || strconv.Itoa(n) != string(b[:i]) {
			return 0, fmt.Errorf("bad number %q", b[:i])
		}
		b = b[i+1:]
		return n, nil
	}
	prefix := func(p string) error {
		if !bytes.HasPrefix(b, []byte(p)) {
			return fmt.Errorf("want %q", p)
		}
		b = b[len(p):]
		return nil
	}
	value := func() (string, error) {
		n, err := number(':')
		if err != nil {
			return "", err
		}
		if len(b) < n+1 || b[n] != '\n' {
			return "", errors.New("value overruns")
		}
		v := string(b[:n])
		b = b[n+1:]
		return v, nil
	}
	scalar := func(name string, dst *string) {
		if err != nil {
			return
		}
		if err = prefix(name + " "); err == nil {
			*dst, err = value()
		}
	}
	list := func(name string, dst *[]string) {
		if err != nil {
			return
		}
		if err = prefix(name + " "); err != nil {
			return
		}
		var n int
		if n, err = number('\n'); err != nil {
			return
		}
		for range n {
			if err = prefix("- "); err != nil {
				return
			}
			var v string
			if v, err = value(); err != nil {
				return
			}
			*dst = append(*dst, v)
		}
	}
	var seqText, timeText, outcome string
	scalar("seq", &seqText)
	scalar("prev_hash", &prevHash)
	scalar("time", &timeText)
	scalar("correlation_id", &e.CorrelationID)
	scalar("actor.pid", &e.Actor.PID)
	scalar("actor.name", &e.Actor.Name)
	scalar("actor.hpr_number", &e.Actor.HPRNumber)
	scalar("actor.hpr_role", &e.Actor.HPRRole)
	scalar("actor.security_level", &e.Actor.SecurityLevel)
	scalar("actor.org_parent", &e.Actor.OrgParent)
	scalar("actor.org_child", &e.Actor.OrgChild)
	scalar("patient", &e.Patient)
	scalar("resource", &e.Resource)
	scalar("action", &e.Action)
	scalar("access_basis", &e.AccessBasis)
	scalar("reason", &e.Reason)
	scalar("outcome", &outcome)
	scalar("client_ip", &e.ClientIP)
	list("fields", &e.Fields)
	list("results", &e.Results)
	if err != nil {
		return 0, "", Event{}, err
	}
	if len(b) != 0 {
		return 0, "", Event{}, errors.New("trailing bytes")
	}
	e.Outcome = Outcome(outcome)
	if seq, err = strconv.ParseInt(seqText, 10, 64); err != nil {
		return 0, "", Event{}, err
	}
	if e.Time, err = time.Parse(time.RFC3339Nano, timeText); err != nil {
		return 0, "", Event{}, err
	}
	return seq, prevHash, e, nil
}

// eventStrings returns pointers to every string in e, in encoding order;
// the fuzz target mutates them one at a time.
func eventStrings(e *Event) []*string {
	a := &e.Actor
	return []*string{
		&e.CorrelationID, &a.PID, &a.Name, &a.HPRNumber, &a.HPRRole, &a.SecurityLevel, &a.OrgParent, &a.OrgChild,
		&e.Patient, &e.Resource, &e.Action, &e.AccessBasis, &e.Reason, (*string)(&e.Outcome), &e.ClientIP,
	}
}

// splitList turns one fuzz string into a list: "" is the empty list,
// otherwise elements are separated by 0x1F.
func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, "\x1f")
}

// FuzzChainEncoding (S37) feeds arbitrary strings into every field and
// checks that the encoding is deterministic, decodes back to its input (so
// it is injective) and that the hash changes when any one field changes.
func FuzzChainEncoding(f *testing.F) {
	f.Add(int64(1), genesisHash, int64(1772355600000000000),
		"corr", "pid", "Kari Lege", "565501872", "LE", "4", "983658776", "994598759",
		"12345678901", "person", "view", "TREATMENT", "", "granted", "192.0.2.1",
		"name\x1fbirth_date", "opaque-1", uint8(0), "x")
	f.Add(int64(0), "", int64(0),
		"", "", "", "", "", "", "", "",
		"", "", "", "", "", "", "",
		"", "", uint8(200), "")
	f.Add(int64(-1), "\n", int64(-1),
		"a\nb 3:c", "\xff", "\x00", "- 0:", "fields 1", "\r\n", "æøå", "\u2028",
		"\"><img src=x onerror=alert(1)>", "", "", "", "\x1f", "", "",
		"\x1f\x1f", "\n", uint8(17), "\n")
	f.Fuzz(func(t *testing.T, seq int64, prevHash string, unixNano int64,
		corr, pid, name, hpr, role, level, orgParent, orgChild,
		patient, resource, action, basis, reason, outcome, ip,
		fields, results string, which uint8, alt string) {
		e := Event{
			Time:          time.Unix(0, unixNano).UTC(),
			CorrelationID: corr,
			Actor:         Actor{PID: pid, Name: name, HPRNumber: hpr, HPRRole: role, SecurityLevel: level, OrgParent: orgParent, OrgChild: orgChild},
			Patient:       patient, Resource: resource, Action: action, AccessBasis: basis, Reason: reason,
			Outcome: Outcome(outcome), ClientIP: ip,
			Fields: splitList(fields), Results: splitList(results),
		}
		enc := encodeChain(seq, prevHash, e)
		if again := encodeChain(seq, prevHash, e); !bytes.Equal(enc, again) {
			t.Fatalf("encoding is not deterministic:\n%q\n%q", enc, again)
		}
		gotSeq, gotPrev, gotEvent, err := decodeChain(enc)
		if err != nil {
			t.Fatalf("decode %q: %v", enc, err)
		}
		if gotSeq != seq || gotPrev != prevHash || !gotEvent.Time.Equal(e.Time) {
			t.Fatalf("decode: got seq %d prev %q time %v, want %d %q %v", gotSeq, gotPrev, gotEvent.Time, seq, prevHash, e.Time)
		}
		gotEvent.Time = e.Time
		if !reflect.DeepEqual(gotEvent, e) {
			t.Fatalf("decode:\ngot  %#v\nwant %#v", gotEvent, e)
		}

		// Change one field (which picks it) to alt, or extend it when alt
		// is what it already holds; the hash must change.
		base := chainHash(seq, prevHash, e)
		changed := func(old string) string {
			if alt != old {
				return alt
			}
			return old + "x"
		}
		m := e
		m.Fields = append([]string(nil), e.Fields...)
		m.Results = append([]string(nil), e.Results...)
		strs := eventStrings(&m)
		mSeq, mPrev := seq, prevHash
		const extra = 5 // seq, prev_hash, time, fields, results
		switch i := int(which) % (len(strs) + extra); {
		case i < len(strs):
			*strs[i] = changed(*strs[i])
		case i == len(strs):
			mSeq++
		case i == len(strs)+1:
			mPrev = changed(prevHash)
		case i == len(strs)+2:
			m.Time = m.Time.Add(time.Nanosecond)
		case i == len(strs)+3:
			m.Fields = append(m.Fields, alt)
		default:
			if len(m.Results) > 0 {
				m.Results[0] = changed(m.Results[0])
			} else {
				m.Results = []string{alt}
			}
		}
		if chainHash(mSeq, mPrev, m) == base {
			t.Fatalf("hash unchanged after changing field %d to %q", int(which)%(len(strs)+extra), alt)
		}
	})
}

func TestPrepare(t *testing.T) {
	now := func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 6789, time.FixedZone("CET", 3600)) }
	fields := []string{"a"}
	got, err := prepare(Event{Fields: fields, Results: []string{}}, now)
	if err != nil {
		t.Fatalf("prepare: %v", err)
	}
	if want := time.Date(2026, 1, 2, 2, 4, 5, 6000, time.UTC); !got.Time.Equal(want) || got.Time.Location() != time.UTC {
		t.Errorf("Time: got %v, want %v", got.Time, want)
	}
	if got.Results != nil {
		t.Errorf("Results: got %#v, want nil", got.Results)
	}
	fields[0] = "changed later"
	if got, want := got.Fields, []string{"a"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Fields: got %q, want %q (a copy)", got, want)
	}
	for _, year := range []int{0, 10000} {
		if _, err := prepare(Event{Time: time.Date(year, 1, 1, 0, 0, 0, 0, time.UTC)}, now); err == nil {
			t.Errorf("year %d: got no error", year)
		}
	}
}
