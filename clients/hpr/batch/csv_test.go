package batch

import (
	"strings"
	"testing"
)

func TestCSVSafe(t *testing.T) {
	tests := []struct{ in, want string }{
		{"=SUM(A1)", "'=SUM(A1)"},
		{"+47", "'+47"},
		{"-", "'-"},
		{"@x", "'@x"},
		{"\tx", "'\tx"},
		{"\rx", "'\rx"},
		{"Lege", "Lege"},
		{"a=b", "a=b"},
		{"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := csvSafe(tt.in); got != tt.want {
				t.Errorf("csvSafe(%q) = %q; want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestWriteCSV(t *testing.T) {
	header := []string{"HPR-nummer", "Navn", "Status"}
	rows := [][]string{
		{"565501872", "Ingrid Haugland", "Gyldig autorisasjon/lisens"},
		{"9", "", "Finnes ikke i HPR"},
		{"565502143", `=HYPERLINK("http://x";"klikk")`, "Suspendert; Advarsel"},
	}
	tests := []struct {
		name  string
		comma rune
		want  string
	}{
		{"Norwegian", ';', "\ufeffHPR-nummer;Navn;Status\n" +
			"565501872;Ingrid Haugland;Gyldig autorisasjon/lisens\n" +
			"9;;Finnes ikke i HPR\n" +
			`565502143;"'=HYPERLINK(""http://x"";""klikk"")";"Suspendert; Advarsel"` + "\n"},
		{"English", ',', "\ufeffHPR-nummer,Navn,Status\n" +
			"565501872,Ingrid Haugland,Gyldig autorisasjon/lisens\n" +
			"9,,Finnes ikke i HPR\n" +
			`565502143,"'=HYPERLINK(""http://x"";""klikk"")",Suspendert; Advarsel` + "\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b strings.Builder
			if err := WriteCSV(&b, tt.comma, header, rows); err != nil {
				t.Fatal(err)
			}
			if got := b.String(); got != tt.want {
				t.Errorf("WriteCSV =\n%q\nwant\n%q", got, tt.want)
			}
		})
	}
}
