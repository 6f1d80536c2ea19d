package handlers

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/oppslag/oppslag/clients/person"
	"github.com/oppslag/oppslag/handlers/request"
)

// TestSnapshotOf_HoldsNoAddress: what the session keeps for the banner has
// no address of any kind, protected or not (S19); of the protection only
// the level.
func TestSnapshotOf_HoldsNoAddress(t *testing.T) {
	addressWords := []string{"Bergensgata", "Thorvald Meyers", "Markveien", "35B", "5003", "0555", "0554",
		"0102", "OSLO", "BERGEN", "Grünerløkka", "123"}
	tests := []struct {
		name       string
		protection []person.AddressProtection
		want       request.PatientSnapshot
	}{
		{"unprotected", nil,
			request.PatientSnapshot{Name: "Kari Hansen Nordmann", BirthDate: "1980-03-12"}},
		{"confidential", []person.AddressProtection{{Meta: tlMeta("2024-01-01", ""), ProtectionLevel: person.Confidential}},
			request.PatientSnapshot{Name: "Kari Hansen Nordmann", BirthDate: "1980-03-12", Protection: "Confidential"}},
		{"strictly confidential", []person.AddressProtection{{Meta: tlMeta("2024-01-01", ""), ProtectionLevel: person.StrictlyConfidential}},
			request.PatientSnapshot{Name: "Kari Hansen Nordmann", BirthDate: "1980-03-12", Protection: "StrictlyConfidential"}},
		{"a level the API adds later", []person.AddressProtection{{Meta: tlMeta("2024-01-01", ""), ProtectionLevel: "SomethingNew"}},
			request.PatientSnapshot{Name: "Kari Hansen Nordmann", BirthDate: "1980-03-12", Protection: "SomethingNew"}},
		{"protection that has ended", []person.AddressProtection{{Meta: tlMeta("2000-01-01", "2003-01-01"), ProtectionLevel: person.StrictlyConfidential}},
			request.PatientSnapshot{Name: "Kari Hansen Nordmann", BirthDate: "1980-03-12"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := tlLifePerson(t)
			p.AddressProtection = tt.protection
			got := snapshotOf(p)
			if got != tt.want {
				t.Errorf("snapshot %+v; want %+v", got, tt.want)
			}
			stored, err := json.Marshal(got)
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range addressWords {
				if strings.Contains(string(stored)+fmt.Sprintf("%+v", got), w) {
					t.Errorf("the snapshot holds %q, part of an address: %s", w, stored)
				}
			}
		})
	}
	t.Run("no field can hold an address", func(t *testing.T) {
		typ := reflect.TypeFor[request.PatientSnapshot]()
		for i := range typ.NumField() {
			f := typ.Field(i)
			if n := strings.ToLower(f.Name); strings.Contains(n, "address") || strings.Contains(n, "street") ||
				strings.Contains(n, "postal") || strings.Contains(n, "city") || strings.Contains(n, "municipality") {
				t.Errorf("field %s looks like an address", f.Name)
			}
			if f.Type.Kind() != reflect.String && f.Type.Kind() != reflect.Bool {
				t.Errorf("field %s is a %s; a snapshot holds only strings and flags", f.Name, f.Type)
			}
		}
	})
	t.Run("deceased", func(t *testing.T) {
		p := tlLifePerson(t)
		p.Death = &person.Death{Meta: tlMeta("2024-02-01", ""), DeceasedDate: tlDay("2024-02-01")}
		if got := snapshotOf(p); !got.Deceased || got.DeceasedDate != "2024-02-01" {
			t.Errorf("snapshot %+v; want deceased on 2024-02-01", got)
		}
	})
}

// bannerMemory is a session's handles with the banner's memory.
type bannerMemory struct {
	patientHandles
	kept map[string]request.PatientSnapshot
}

func (m bannerMemory) Remember(_ context.Context, h string, p request.PatientSnapshot) error {
	m.kept[h] = p
	return nil
}

func (m bannerMemory) Recall(_ context.Context, h string) (request.PatientSnapshot, bool) {
	p, ok := m.kept[h]
	return p, ok
}

func TestSite_BaseBanner(t *testing.T) {
	const number = "01017012345" // not a valid number: no D-number or synthetic label
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	site := Site{Now: func() time.Time { return now }}
	kari := request.PatientSnapshot{Name: "Kari Nordmann", BirthDate: "1970-01-01", Protection: "StrictlyConfidential"}
	tests := []struct {
		name       string
		kept       map[string]request.PatientSnapshot
		path       string
		recorded   bool
		wantBanner bool
		wantName   string
		wantAge    string
		wantLabels []string
		wantLink   string
	}{
		{"a lab page, with the snapshot", map[string]request.PatientSnapshot{"h1": kari}, "/person/h1/labs", true,
			true, "Kari Nordmann", "55", []string{"banner-label-protected"}, "/person/h1"},
		{"the overview: no link to itself", map[string]request.PatientSnapshot{"h1": kari}, "/person/h1", true,
			true, "Kari Nordmann", "55", []string{"banner-label-protected"}, ""},
		{"no snapshot: the number and the way to the overview", map[string]request.PatientSnapshot{}, "/person/h1/labs/basis", true,
			true, "", "", nil, "/person/h1"},
		{"nothing recorded: no banner", map[string]request.PatientSnapshot{"h1": kari}, "/person/h1/labs", false,
			false, "", "", nil, ""},
		{"deceased: age at death", map[string]request.PatientSnapshot{"h1": {Name: "Ola", BirthDate: "1930-05-02", Deceased: true, DeceasedDate: "2000-05-01"}},
			"/person/h1/timeline", true, true, "Ola", "69", []string{"banner-label-deceased"}, "/person/h1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, tt.path, nil)
			r.SetPathValue("handle", "h1")
			handles := bannerMemory{patientHandles: patientHandles{"h1": number}, kept: tt.kept}
			r = r.WithContext(request.WithHandles(r.Context(), handles))
			var b *http.Request
			AccessGate(func(http.ResponseWriter, *http.Request, error) {})(http.HandlerFunc(func(_ http.ResponseWriter, gr *http.Request) {
				b = withPatient(gr)
				if tt.recorded {
					opened(b.Context())
				}
			})).ServeHTTP(httptest.NewRecorder(), r)
			got := site.Base(b, "").Patient
			if (got != nil) != tt.wantBanner {
				t.Fatalf("banner %+v; want one: %v", got, tt.wantBanner)
			}
			if got == nil {
				return
			}
			if got.Name != tt.wantName || got.Number != "010170 12345" || got.Overview != tt.wantLink {
				t.Errorf("banner name %q, number %q, link %q; want %q, %q, %q", got.Name, got.Number, got.Overview,
					tt.wantName, "010170 12345", tt.wantLink)
			}
			if age := fmt.Sprint(got.Age.Args); !strings.Contains(age, tt.wantAge) {
				t.Errorf("age %v; want %s", got.Age, tt.wantAge)
			}
			var labels []string
			for _, l := range got.Labels {
				labels = append(labels, l.TestID)
			}
			if fmt.Sprint(labels) != fmt.Sprint(tt.wantLabels) {
				t.Errorf("labels %v; want %v", labels, tt.wantLabels)
			}
		})
	}
}

func TestShowPatient_RemembersWhatThePageFetched(t *testing.T) {
	kept := map[string]request.PatientSnapshot{"h1": {Name: "Old Name"}}
	r := httptest.NewRequest(http.MethodGet, "/person/h1", nil)
	r.SetPathValue("handle", "h1")
	r = withPatient(r.WithContext(request.WithHandles(r.Context(),
		bannerMemory{patientHandles: patientHandles{"h1": "01017012345"}, kept: kept})))
	pt, _ := loadedPatient(r.Context())
	if pt.shown.snap == nil || pt.shown.snap.Name != "Old Name" {
		t.Fatalf("loaded %+v; want the session's snapshot", pt.shown.snap)
	}
	showPatient(r, tlLifePerson(t))
	if got := kept["h1"].Name; got != "Kari Hansen Nordmann" {
		t.Errorf("kept %q; want the fetched name", got)
	}
	if pt.shown.snap.Name != "Kari Hansen Nordmann" {
		t.Errorf("shown %q; want the fetched name", pt.shown.snap.Name)
	}
	// A failed fetch shows the number alone, and keeps the session's snapshot.
	showPatient(r, nil)
	if pt.shown.snap != nil || kept["h1"].Name != "Kari Hansen Nordmann" {
		t.Errorf("after a failed fetch: shown %+v, kept %+v; want none shown, the snapshot kept", pt.shown.snap, kept["h1"])
	}
}
