package views

import (
	"context"
	"strings"
	"testing"

	"github.com/oppslag/oppslag/views/i18n"
)

func TestHPRTermText(t *testing.T) {
	tests := []struct {
		name string
		lang i18n.Lang
		in   string
		want string
	}{
		{"bokmål as received", i18n.NB, "Autorisasjon", "Autorisasjon"},
		{"bokmål unknown as received", i18n.NB, "Noe nytt", "Noe nytt"},
		{"official English alone", i18n.EN, "Autorisasjon", "Authorisation"},
		{"official English licence", i18n.EN, "Lisens", "Licence"},
		{"own English with bokmål beside", i18n.EN, "Full rekvisisjonsrett", "Full right to prescribe (Full rekvisisjonsrett)"},
		{"end status in English", i18n.EN, "Erstattet av autorisasjon", "Replaced by authorisation (Erstattet av autorisasjon)"},
		{"speciality in English", i18n.EN, "Allmennmedisin", "General practice (Allmennmedisin)"},
		{"case and space tolerant", i18n.EN, " autorisasjon ", "Authorisation"},
		{"unknown in English marked", i18n.EN, "Noe nytt", "Noe nytt (Norwegian term)"},
		{"nynorsk", i18n.NN, "Erstattet av autorisasjon", "Erstatta av autorisasjon"},
		{"nynorsk same word", i18n.NN, "Lisens", "Lisens"},
		{"nynorsk unknown as received", i18n.NN, "Noe nytt", "Noe nytt"},
		{"empty", i18n.EN, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := i18n.WithLang(context.Background(), tt.lang)
			if got := hprTermText(ctx, tt.in); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// Every term's key is in the catalog, and no two register names share one.
func TestHPRTermsInCatalog(t *testing.T) {
	seen := map[string]string{}
	for name, term := range hprTerms {
		if !i18n.Has(term.key) {
			t.Errorf("%q: %s not in the catalog", name, term.key)
		}
		if other, dup := seen[term.key]; dup {
			t.Errorf("%q and %q share %s", name, other, term.key)
		}
		seen[term.key] = name
		if name != strings.ToLower(name) {
			t.Errorf("%q: keys are lower-case", name)
		}
		if got := i18n.TL(i18n.NB, term.key); !strings.EqualFold(got, name) {
			t.Errorf("%s in bokmål = %q, want the register's %q", term.key, got, name)
		}
	}
}

// The card words the register's values in the reader's language: the
// approval kind in the heading, the end status, a speciality and a
// requisition right.
func TestHPRCardRegisterValuesInEnglish(t *testing.T) {
	out, doc := hprRender(t, HPRCardPage(hprBase(), hprCardModel()), i18n.EN)
	approvals := all(byAttr("data-testid", "hpr-approval"), doc)
	if len(approvals) != 2 {
		t.Fatalf("got %d approvals, want 2", len(approvals))
	}
	for i, want := range []string{"Physician (LE) – Authorisation", "– Licence"} {
		if got := text(approvals[i]); !strings.Contains(got, want) {
			t.Errorf("approval %d: got %q, want it to contain %q", i, got, want)
		}
	}
	for _, want := range []string{
		"Expired (Utløpt)",
		"Internal medicine (Indremedisin)",
		"Revoked (Tilbakekalt)",
		"Suspension of authorisation (Suspensjon av autorisasjon)",
		"Rekvisisjonsrett for legemidler i gruppe A (Norwegian term)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("card lacks %q", want)
		}
	}
	if strings.Contains(text(approvals[0]), "– Autorisasjon") {
		t.Error("the approval kind is still in bokmål")
	}
}
