package tolerant

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestParseTime(t *testing.T) {
	plus1 := time.FixedZone("", 3600)
	tests := []struct {
		in    string
		want  time.Time
		prec  Precision
		zoned bool
	}{
		{"2023-11-15T12:39:49+01", time.Date(2023, 11, 15, 12, 39, 49, 0, plus1), PrecisionSecond, true},
		{"2023-11-15T12:39:49+0100", time.Date(2023, 11, 15, 12, 39, 49, 0, plus1), PrecisionSecond, true},
		{"2023-11-15T12:39:49+01:00", time.Date(2023, 11, 15, 12, 39, 49, 0, plus1), PrecisionSecond, true},
		{"2023-11-15T12:39:49-02:30", time.Date(2023, 11, 15, 15, 9, 49, 0, time.UTC), PrecisionSecond, true},
		{"2023-11-15T12:39:49Z", time.Date(2023, 11, 15, 12, 39, 49, 0, time.UTC), PrecisionSecond, true},
		{"2023-11-15T12:39:49", time.Date(2023, 11, 15, 12, 39, 49, 0, time.UTC), PrecisionSecond, false},
		{"2023-11-15 12:39:49", time.Date(2023, 11, 15, 12, 39, 49, 0, time.UTC), PrecisionSecond, false},
		{"2023-11-15T12:39", time.Date(2023, 11, 15, 12, 39, 0, 0, time.UTC), PrecisionMinute, false},
		{"2023-11-15T12:39+01:00", time.Date(2023, 11, 15, 12, 39, 0, 0, plus1), PrecisionMinute, true},
		{"2022-02-22T07:36:17.753116Z", time.Date(2022, 2, 22, 7, 36, 17, 753116000, time.UTC), PrecisionSecond, true},
		{"2022-02-22T07:36:17.1Z", time.Date(2022, 2, 22, 7, 36, 17, 100000000, time.UTC), PrecisionSecond, true},
		{"2022-02-22T07:36:17.123456789Z", time.Date(2022, 2, 22, 7, 36, 17, 123456789, time.UTC), PrecisionSecond, true},
		{"2022-02-22T07:36:17,5", time.Date(2022, 2, 22, 7, 36, 17, 500000000, time.UTC), PrecisionSecond, false},
		{"1964-09-06", time.Date(1964, 9, 6, 0, 0, 0, 0, time.UTC), PrecisionDay, false},
		{"1964-09", time.Date(1964, 9, 1, 0, 0, 0, 0, time.UTC), PrecisionMonth, false},
		{"1964", time.Date(1964, 1, 1, 0, 0, 0, 0, time.UTC), PrecisionYear, false},
		{"2024-02-29", time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC), PrecisionDay, false},
		{"2023-12-31T24:00:00Z", time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), PrecisionSecond, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseTime(tt.in)
			if err != nil {
				t.Fatalf("ParseTime(%q): %v", tt.in, err)
			}
			if !got.Equal(tt.want) || got.Precision != tt.prec || got.Zoned != tt.zoned {
				t.Errorf("ParseTime(%q) = %v %d %v, want %v %d %v", tt.in, got.Time, got.Precision, got.Zoned, tt.want, tt.prec, tt.zoned)
			}
		})
	}
}

func TestParseTimeKeepsTheCalendarDay(t *testing.T) {
	// A date written with an offset is still that day (FREG birthDate).
	got, err := ParseTime("1985-03-12T00:00:00+01:00")
	if err != nil {
		t.Fatal(err)
	}
	if d := got.DateOnly(); d != "1985-03-12" {
		t.Errorf("DateOnly = %q, want 1985-03-12", d)
	}
}

func TestParseTimeIn(t *testing.T) {
	oslo, err := time.LoadLocation("Europe/Oslo")
	if err != nil {
		t.Skip("no tzdata:", err)
	}
	got, err := ParseTimeIn("2024-06-01T10:00:00", oslo)
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2024, 6, 1, 8, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("got %v, want %v", got.UTC(), want)
	}
}

func TestParseTimeRefuses(t *testing.T) {
	for _, in := range []string{
		"", "mars 2022", "15.11.2023", "2023-11-15T12:39:49+1", "2023-11-15T12:39:49+01:0",
		"2023-13-01", "2023-02-30", "2023-11-15T25:00:00Z", "2023-11-15T24:00:01Z",
		"2023-11-15T12:39:49.1234567891Z", "2023-11-15T12:39:49.Z", "2023-11-15T12:39:49+24:00",
		"0000-01-01", "20231115", "2023-11-15T", "2023-11-15T12", "2023-11-15T12:39:49ZZ",
		"2023-11-15T12:39:49+01:60", "１９６４-09-06", "2023-11-15Tab:cd",
	} {
		if got, err := ParseTime(in); err == nil {
			t.Errorf("ParseTime(%q) = %v, want an error", in, got)
		}
	}
}

func TestTimeJSON(t *testing.T) {
	var v struct {
		A Time `json:"a"`
		B Time `json:"b"`
		C Time `json:"c"`
		D Time `json:"d"`
		E Time `json:"e,omitzero"`
	}
	before := unreadCount.Load()
	if err := json.Unmarshal([]byte(`{"a":"2023-11-15T12:39:49+01","b":"mars 2022","c":20220301,"d":null}`), &v); err != nil {
		t.Fatalf("Unmarshal: %v", err)
	}
	if unreadCount.Load()-before != 2 {
		t.Errorf("unread count moved by %d, want 2", unreadCount.Load()-before)
	}
	if !v.A.Known() || v.A.Raw != "" {
		t.Errorf("a = %+v, want a known time", v.A)
	}
	if v.B.Known() || v.B.Raw != "mars 2022" {
		t.Errorf("b = %+v, want Raw %q", v.B, "mars 2022")
	}
	if v.C.Raw != "20220301" {
		t.Errorf("c.Raw = %q, want the number as received", v.C.Raw)
	}
	if !v.D.IsZero() {
		t.Errorf("d = %+v, want zero", v.D)
	}
	out, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"a":"2023-11-15T11:39:49Z","b":"mars 2022","c":"20220301","d":null}`
	if string(out) != want {
		t.Errorf("Marshal = %s, want %s", out, want)
	}
}

func TestTimeMarshalKeepsPrecision(t *testing.T) {
	for _, in := range []string{"2022", "2022-03", "2022-03-15"} {
		v, err := ParseTime(in)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(v)
		if string(b) != `"`+in+`"` {
			t.Errorf("%s marshals as %s", in, b)
		}
	}
}

type inner struct {
	Name  string `json:"name,omitempty"`
	Count int64  `json:"count,omitempty"`
	When  Time   `json:"when,omitzero"`
}

type base struct {
	Valid *bool `json:"isValid,omitempty"`
	From  Time  `json:"validFrom,omitzero"`
}

type doc struct {
	ID    string           `json:"id"`
	Items []item           `json:"items"`
	One   *inner           `json:"one"`
	Tags  map[string]inner `json:"tags"`
	Skip  []Field          `json:"-"`
}

type item struct {
	base
	Code  string   `json:"code"`
	Score float64  `json:"score"`
	Parts []string `json:"parts"`
}

func TestDecodeCostsOnlyTheOddField(t *testing.T) {
	body := `{
	  "id": "p1",
	  "unknownPart": [{"x": 1}],
	  "items": [
	    {"code": "A", "isValid": true, "validFrom": "2023-11-15T12:39:49+01", "score": 1.5, "parts": null},
	    {"code": 42, "isValid": "yes", "validFrom": "mars 2022", "score": "high", "parts": ["a", 7]},
	    "not an item"
	  ],
	  "one": {"name": ["x"], "count": 1.5, "when": "2020-01-01"},
	  "tags": {"k": {"count": 12345678901234, "when": {"y": 1}}}
	}`
	var d doc
	fields, err := Decode([]byte(body), &d)
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	var got []string
	for _, f := range fields {
		got = append(got, f.Path+"="+f.Raw)
	}
	want := []string{
		`items[1].code=42`,
		`items[1].isValid="yes"`,
		`items[1].parts[1]=7`,
		`items[1].score="high"`,
		`items[1].validFrom=mars 2022`,
		`items[2]="not an item"`,
		`one.count=1.5`,
		`one.name=["x"]`,
		`tags.k.when={"y":1}`,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("fields:\n got %q\nwant %q", got, want)
	}
	// Everything else arrived.
	if d.ID != "p1" || len(d.Items) != 3 || d.Items[0].Code != "A" || d.Items[0].Score != 1.5 || !d.Items[0].From.Known() {
		t.Errorf("first item lost: %+v", d.Items[0])
	}
	if d.Items[1].Parts[0] != "a" || d.Items[1].From.Raw != "mars 2022" {
		t.Errorf("second item: %+v", d.Items[1])
	}
	if d.One == nil || d.One.When.DateOnly() != "2020-01-01" {
		t.Errorf("one: %+v", d.One)
	}
	if d.Tags["k"].Count != 12345678901234 {
		t.Errorf("tags: %+v", d.Tags)
	}
	for _, f := range fields {
		if f.Kind == 0 {
			t.Errorf("%s has no kind", f.Path)
		}
	}
}

func TestDecodeMasksIdentityNumbersInRaw(t *testing.T) {
	var d doc
	fields, err := Decode([]byte(`{"id": 26879497719, "items": [{"validFrom": "26879497719"}]}`), &d)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fields {
		if strings.Contains(f.Raw, "26879497719") {
			t.Errorf("%s kept an identity number: %q", f.Path, f.Raw)
		}
	}
	if len(fields) != 2 {
		t.Errorf("got %d fields, want 2", len(fields))
	}
}

func TestDecodeCleanDocumentHasNoFields(t *testing.T) {
	var d doc
	fields, err := Decode([]byte(`{"id":"x","items":[{"code":"A","validFrom":"2020-01-01"}],"one":null,"tags":null}`), &d)
	if err != nil || len(fields) != 0 {
		t.Errorf("Decode = %v, %v; want no fields", fields, err)
	}
}

func TestDecodeFailsTheDocument(t *testing.T) {
	for name, body := range map[string]string{
		"empty":         ``,
		"blank":         "  \n",
		"not JSON":      `<html>`,
		"truncated":     `{"id": "p1", "items": [`,
		"trailing data": `{"id": "p1"} {}`,
		"array at top":  `[{"id": "p1"}]`,
		"string at top": `"p1"`,
		"null at top":   `null`,
	} {
		t.Run(name, func(t *testing.T) {
			var d doc
			if _, err := Decode([]byte(body), &d); err == nil {
				t.Errorf("Decode(%q) succeeded", body)
			} else if strings.Contains(err.Error(), "p1") {
				t.Errorf("error quotes the body: %v", err)
			}
		})
	}
	var list []doc
	if _, err := Decode([]byte(`null`), &list); err != nil {
		t.Errorf("null for a list: %v, want an empty list", err)
	}
	if _, err := Decode([]byte(`{"id":"x"}`), &list); !errors.Is(err, ErrShape) {
		t.Errorf("object for a list: %v, want ErrShape", err)
	}
}

func TestUnder(t *testing.T) {
	fields := []Field{{Path: "krr.email"}, {Path: "krrx"}, {Path: "krr"}, {Path: "krr[0]"}, {Path: "name"}}
	got := Paths(Under(fields, "krr"))
	want := []string{"krr.email", "krr", "krr[0]"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Under = %q, want %q", got, want)
	}
}

func FuzzDecode(f *testing.F) {
	f.Add([]byte(`{"id":"p1","items":[{"code":42,"validFrom":"mars"}],"one":{"count":"x"}}`))
	f.Add([]byte(`{"items":null,"tags":{"a":{"when":1}}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var d doc
		fields, err := Decode(b, &d)
		if err != nil && len(fields) != 0 {
			t.Errorf("fields with an error")
		}
		for _, fl := range fields {
			if fl.Path == "" {
				t.Errorf("field without a path")
			}
		}
	})
}

func FuzzParseTime(f *testing.F) {
	for _, s := range []string{"2023-11-15T12:39:49+01", "1964", "2022-02-22T07:36:17.753116Z", "2023-11-15 12:39"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParseTime(s)
		if err != nil {
			return
		}
		if _, err := json.Marshal(v); err != nil {
			t.Errorf("ParseTime(%q) gave an unmarshalable value: %v", s, err)
		}
	})
}
