package hprindex

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"testing"
	"time"

	"github.com/oppslag/oppslag/clients/hpr"
)

// exportDay is the export time of the test exports: 15 January 2026,
// 02:00 in Oslo.
var exportDay = time.Date(2026, time.January, 15, 2, 0, 0, 0, hpr.Oslo)

// zipEntry is one file of a test export.
type zipEntry struct {
	name string
	body []byte
}

// zipBytes writes entries as a zip, the format of GET /v1/export.
func zipBytes(t testing.TB, entries ...zipEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		w, err := zw.Create(e.name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(e.body); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// objects encodes ps as consecutive JSON objects, one per line, as the
// export's entries hold them.
func objects(t testing.TB, ps ...hpr.Personnel) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	for _, p := range ps {
		if err := enc.Encode(p); err != nil {
			t.Fatal(err)
		}
	}
	return buf.Bytes()
}

// exportOf is a zip of ps split over entries of at most per objects.
func exportOf(t testing.TB, per int, ps ...hpr.Personnel) []byte {
	t.Helper()
	var entries []zipEntry
	for i := 0; i < len(ps); i += per {
		entries = append(entries, zipEntry{
			name: "hpr-export-" + string(rune('a'+i/per)) + ".json",
			body: objects(t, ps[i:min(len(ps), i+per)]...),
		})
	}
	return zipBytes(t, entries...)
}

var (
	codeSP = hpr.Code{Name: "Sykepleier", Value: "SP", CodeSet: hpr.CodeSet{ID: hpr.CodeSetCategory, Name: "Kategori helsepersonell"}}
	codeLE = hpr.Code{Name: "Lege", Value: "LE", CodeSet: hpr.CodeSet{ID: hpr.CodeSetCategory, Name: "Kategori helsepersonell"}}
	codeHP = hpr.Code{Name: "Hjelpepleier", Value: "HP", CodeSet: hpr.CodeSet{ID: hpr.CodeSetCategory, Name: "Kategori helsepersonell"}}
	auth1  = hpr.Code{Name: "Autorisasjon", Value: "1", CodeSet: hpr.CodeSet{ID: hpr.CodeSetAuthorization, Name: "Godkjenningstype"}}
)

// person makes a register entry with one current authorisation as a
// nurse, unless changed by the caller.
func person(n int, given, middle, family string, birth hpr.Date, nin string) hpr.Personnel {
	return hpr.Personnel{
		HPRNumber: n,
		Person: hpr.PersonData{
			GivenName: given, MiddleName: middle, FamilyName: family,
			BirthDate: birth, NIN: nin,
		},
		Approvals: []hpr.Approval{{
			Category: codeSP, Authorization: auth1,
			Period: hpr.Period{From: hpr.NewDate(2005, 6, 1)},
		}},
		LastUpdated:  hpr.DateTime{Time: time.Date(2025, 3, 4, 10, 11, 12, 0, hpr.Oslo)},
		ValidForDate: hpr.DateOf(exportDay),
	}
}

// The fixture register: Norwegian names with æ/ø/å, hyphens, middle
// names, ASCII spellings and a few foreign names. The numbers are the
// tests' handles.
const (
	nBjornHansen     = 1001
	nAseSaether      = 1002
	nHansMuller      = 1003
	nAnneLiseHB      = 1004
	nOyvindOdegard   = 1005
	nKariHaugland    = 1006
	nPerJohansen     = 1007
	nJoseGarcia      = 1008
	nOlaAs           = 1009
	nAnneHansen      = 1010
	nKariMo          = 1011
	nKariMoe         = 1012
	nErlingHaaland   = 1013
	nErlingHaland    = 1014
	nIngridHaugen    = 1015
	nLiseBjornstad   = 1016
	nKariHauglandOl  = 1017
	nSeanOBrien      = 1018
	nPietVanDerBerg  = 1019
	nKristinAas      = 1020
	nMariaHansen     = 1021
	nTorErikSorensen = 1022
)

// Synthetic identity numbers (Testnorge form, month + 80).
const (
	ninBjorn = "01888012345"
	ninAse   = "15867512340"
)

func fixture() []hpr.Personnel {
	b := func(y int, m time.Month, d int) hpr.Date { return hpr.NewDate(y, m, d) }
	ps := []hpr.Personnel{
		person(nBjornHansen, "Bjørn", "", "Hansen", b(1980, 1, 1), ninBjorn),
		person(nAseSaether, "Åse", "", "Sæther", b(1975, 6, 15), ninAse),
		person(nHansMuller, "Hans", "", "Müller", b(1968, 3, 3), ""),
		person(nAnneLiseHB, "Anne-Lise", "", "Hansen-Berg", b(1982, 2, 2), ""),
		person(nOyvindOdegard, "Øyvind", "", "Ødegård", b(1990, 9, 9), ""),
		person(nKariHaugland, "Kari", "", "Haugland", b(1985, 5, 5), ""),
		person(nPerJohansen, "Per", "", "Johansen", b(1960, 12, 24), ""),
		person(nJoseGarcia, "José", "", "García", b(1979, 7, 7), ""),
		person(nOlaAs, "Ola", "", "Ås", b(1971, 1, 31), ""),
		person(nAnneHansen, "Anne", "", "Hansen", b(1982, 2, 2), ""),
		person(nKariMo, "Kari", "", "Mo", b(1988, 8, 8), ""),
		person(nKariMoe, "Kari", "", "Moe", b(1988, 8, 8), ""),
		person(nErlingHaaland, "Erling", "", "Haaland", b(2000, 7, 21), ""),
		person(nErlingHaland, "Erling", "", "Håland", b(1972, 11, 23), ""),
		person(nIngridHaugen, "Ingrid", "", "Haugen", b(1993, 4, 4), ""),
		person(nLiseBjornstad, "Lise", "", "Bjørnstad", b(1966, 6, 6), ""),
		person(nKariHauglandOl, "Kari", "Haugland", "Olsen", b(1991, 10, 10), ""),
		person(nSeanOBrien, "Seán", "", "O'Brien", b(1977, 7, 17), ""),
		person(nPietVanDerBerg, "Piet", "", "van der Berg", b(1964, 4, 14), ""),
		person(nKristinAas, "Kristin", "", "Aas", b(1986, 6, 16), ""),
		person(nMariaHansen, "Maria", "", "Hansen", b(1999, 9, 19), ""),
		person(nTorErikSorensen, "Tor-Erik", "", "Sørensen", b(1970, 10, 1), ""),
	}
	ps[0].Approvals[0].Category = codeLE
	return ps
}

// buildFixture builds the fixture register into a fresh index and opens it.
func buildFixture(t testing.TB) *Index {
	t.Helper()
	return buildIndex(t, exportOf(t, 7, fixture()...))
}

// buildIndex builds zipped into a fresh file and opens it.
func buildIndex(t testing.TB, zipped []byte) *Index {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "hpr.db")
	b := Builder{Now: func() time.Time { return exportDay.Add(time.Minute) }}
	if _, err := b.Build(context.Background(), dst, bytes.NewReader(zipped), int64(len(zipped)), exportDay); err != nil {
		t.Fatalf("build: %v", err)
	}
	ix, err := Open(dst)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { ix.Close() })
	return ix
}

// numbers lists the HPR numbers of hits.
func numbers(hits []Hit) []int {
	out := make([]int, len(hits))
	for i, h := range hits {
		out[i] = h.HPRNumber
	}
	return out
}
