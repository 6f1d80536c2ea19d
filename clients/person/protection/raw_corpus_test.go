package protection

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oppslag/oppslag/clients/upstream/rawlog"
)

// addressTexts collects the string values of v by where they stand:
// under an address-like member (addressLike) or elsewhere. KRR's contact
// information is neither: its "digitalPostAddress" is no dwelling, and the
// page shows it.
func addressTexts(v *rawlog.Value, inAddress bool, inside, outside map[string]bool) {
	switch v.Kind {
	case rawlog.Object:
		for i, name := range v.Names {
			if name == "commonContactRegisterInformation" {
				continue
			}
			addressTexts(v.Items[i], inAddress || addressLike(name), inside, outside)
		}
	case rawlog.Array:
		for _, el := range v.Items {
			addressTexts(el, inAddress, inside, outside)
		}
	default:
		var s string
		if json.Unmarshal(v.Raw, &s) != nil || len(s) < 3 {
			return
		}
		if inAddress {
			inside[s] = true
		} else {
			outside[s] = true
		}
	}
}

// The Person API's public example documents (the seeds, and the client's
// fixtures): read as a relative's, every address text is gone from the raw
// view, and the view is still JSON; read as the patient's own, an
// unprotected document passes unchanged.
func TestMaskRaw_Corpus(t *testing.T) {
	var files []string
	for _, dir := range []string{"../testdata/corpus", "../testdata/person"} {
		m, err := filepath.Glob(filepath.Join(dir, "*.json"))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) < 5 {
		t.Fatalf("%d corpus documents; want the seeds at least", len(files))
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			orig, err := rawlog.Parse(b)
			if err != nil {
				t.Skipf("not one JSON document: %v", err)
			}
			// What stands only in addresses: a source or a municipality
			// that also stands elsewhere (a marriage's place) may remain.
			texts, elsewhere := map[string]bool{}, map[string]bool{}
			addressTexts(orig, false, texts, elsewhere)
			for s := range elsewhere {
				delete(texts, s)
			}

			rel, _ := rawlog.Parse(b)
			MaskRaw(rel, true, true)
			out := rel.Compact()
			if !json.Valid(out) {
				t.Fatalf("the masked view is not JSON: %s", out)
			}
			for s := range texts {
				if strings.Contains(string(out), s) {
					t.Errorf("a relative's raw view still shows %q", s)
				}
			}

			own, _ := rawlog.Parse(b)
			MaskRaw(own, false, true)
			if !strings.Contains(string(b), "addressProtection") && string(own.Compact()) != string(orig.Compact()) {
				t.Errorf("an unprotected document changed in the patient's own raw view")
			}
		})
	}
}
