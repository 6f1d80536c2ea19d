package query

import (
	"errors"
	"testing"

	"github.com/oppslag/oppslag/clients/hpr"
)

func TestParseNumber(t *testing.T) {
	tests := []struct {
		in     string
		want   int
		wantOK bool
	}{
		{"1", 1, true},
		{"565501872", 565501872, true},
		{"999999999", MaxNumber, true},
		{"000000007", 7, true},
		{"", 0, false},
		{"0", 0, false},
		{"1234567890", 0, false},
		{"12a", 0, false},
		{"-1", 0, false},
		{"+2", 0, false},
		{" 12", 0, false},
		{"١٢", 0, false}, // Arabic-Indic digits are not ASCII digits
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := ParseNumber(tt.in)
			if ok != tt.wantOK || (ok && got != tt.want) {
				t.Errorf("ParseNumber(%q) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		name    string
		q       string
		birth   string
		want    Query
		wantErr error
	}{
		{"an HPR number", "565501872", "", Query{Kind: ByNumber, Number: 565501872}, nil},
		{"a number wins over a birth date", "12", "not a date", Query{Kind: ByNumber, Number: 12}, nil},
		{"a name alone", "Haugland", "", Query{Kind: ByName, Text: "Haugland"}, nil},
		{"a surname and a birth date", "Haugland", "12.05.1979",
			Query{Kind: BySurnameAndBirth, Text: "Haugland", Birth: hpr.NewDate(1979, 5, 12)}, nil},
		{"two letters are enough", "Øy", "", Query{Kind: ByName, Text: "Øy"}, nil},
		{"the zero day is no date", "Haugland", "01.01.0001", Query{Kind: ByName, Text: "Haugland"}, nil},
		{"an identity number is refused", "12057900499", "", Query{}, ErrIdentityNumber},
		{"an identity number before a bad birth date", "12057900499", "x", Query{}, ErrIdentityNumber},
		{"ten digits are a short name", "1234567890", "", Query{}, ErrTooShort},
		{"a bad birth date before a short name", "K", "31.02.1980", Query{}, ErrBirth},
		{"a birth date in another form", "Haugland", "1979-05-12", Query{}, ErrBirth},
		{"one letter", "K", "", Query{}, ErrTooShort},
		{"a birth date alone", "", "12.05.1979", Query{}, ErrTooShort},
		{"digits and one letter", "K123", "", Query{}, ErrTooShort},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.q, tt.birth)
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil && err != nil) {
				t.Fatalf("Parse(%q, %q) error = %v; want %v", tt.q, tt.birth, err, tt.wantErr)
			}
			if got.Kind != tt.want.Kind || got.Number != tt.want.Number || got.Text != tt.want.Text || !got.Birth.Equal(tt.want.Birth.Time) {
				t.Errorf("Parse(%q, %q) = %+v; want %+v", tt.q, tt.birth, got, tt.want)
			}
		})
	}
}
