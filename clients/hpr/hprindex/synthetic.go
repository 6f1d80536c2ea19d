package hprindex

import (
	"archive/zip"
	"bufio"
	"compress/flate"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/oppslag/oppslag/clients/hpr"
)

// SyntheticDay is the gjelderForDato of the synthetic export, and the day
// to give Build as the export time for a realistic status mix.
var SyntheticDay = hpr.NewDate(2026, time.January, 15)

// syntheticPerEntry is the number of objects per zip entry of the
// synthetic export. INFERENCE: HPR's real split is not documented; many
// entries of moderate size exercise the parallel readers.
const syntheticPerEntry = 50_000

// WriteSyntheticExport writes to w a zipped export of n synthetic register
// entries in the format of GET /v1/export: entries "hpr-export-NNN.json",
// each a run of JSON objects (one per line) of the shape of
// hpr.Personnel. The same n and seed always give the same bytes.
//
// The names follow the Norwegian distribution closely enough for search
// timings: frequent -sen names, a long tail of farm names (Haugland,
// Ødegård, Bråten), æ/ø/å, hyphenated double names (Hansen-Berg,
// Anne-Lise), two given names, middle names, and some foreign names with
// diacritics (José, Müller). Identity numbers are synthetic (month + 80,
// the Testnorge form) with valid check digits, so no real person's number
// can appear.
func WriteSyntheticExport(w io.Writer, n int, seed uint64) error {
	zw := zip.NewWriter(w)
	// The fastest deflate level: generating is not what is measured, and
	// reading costs the same at any level.
	zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(out, flate.BestSpeed)
	})
	g := newSynth(seed)
	for i := 0; i < n; i += syntheticPerEntry {
		f, err := zw.CreateHeader(&zip.FileHeader{
			Name:     fmt.Sprintf("hpr-export-%03d.json", i/syntheticPerEntry+1),
			Method:   zip.Deflate,
			Modified: SyntheticDay.Time,
		})
		if err != nil {
			return fmt.Errorf("hprindex: synthetic export: %w", err)
		}
		bw := bufio.NewWriterSize(f, 1<<16)
		enc := json.NewEncoder(bw) // one object per line
		for j := i; j < min(n, i+syntheticPerEntry); j++ {
			p := g.personnel()
			if err := enc.Encode(&p); err != nil {
				return fmt.Errorf("hprindex: synthetic export: %w", err)
			}
		}
		if err := bw.Flush(); err != nil {
			return fmt.Errorf("hprindex: synthetic export: %w", err)
		}
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("hprindex: synthetic export: %w", err)
	}
	return nil
}

// SyntheticQueries returns n search queries of the mix an office types,
// drawn from the entries of the synthetic export of the same seed (its
// first entries, which are drawn like all the others): 30 % a surname
// (a quarter of them in ASCII spelling, "odegard" for Ødegård), 25 % the
// first three to five letters of a surname, 20 % a surname of five or more
// letters with one typo, 25 % a given name and a surname.
func SyntheticQueries(n int, seed uint64) []string {
	g := newSynth(seed)
	pool := make([]hpr.Personnel, min(max(n, 1000), 20_000))
	for i := range pool {
		pool[i] = g.personnel()
	}
	r := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	first := func(s string) string {
		if f := strings.FieldsFunc(s, func(c rune) bool { return c == '-' || c == ' ' }); len(f) > 0 {
			return f[0]
		}
		return s
	}
	out := make([]string, 0, n)
	for len(out) < n {
		p := pool[r.IntN(len(pool))].Person
		sur := strings.ToLower(first(p.FamilyName))
		switch k := r.IntN(100); {
		case k < 30:
			if r.IntN(4) == 0 {
				sur = asciiSpelling(sur)
			}
			out = append(out, sur)
		case k < 55:
			rs := []rune(sur)
			out = append(out, string(rs[:min(len(rs), 3+r.IntN(3))]))
		case k < 75:
			rs := []rune(sur)
			if len(rs) < 5 {
				continue
			}
			out = append(out, typo(r, rs))
		default:
			out = append(out, first(p.GivenName)+" "+first(p.FamilyName))
		}
	}
	return out
}

// asciiSpelling writes æ, ø, å as ae, oe, aa, as on a keyboard without them.
func asciiSpelling(s string) string {
	return strings.NewReplacer("æ", "ae", "ø", "oe", "å", "aa", "Æ", "Ae", "Ø", "Oe", "Å", "Aa").Replace(s)
}

// typo makes one edit in the middle of rs: a swap, a deletion or a
// substitution.
func typo(r *rand.Rand, rs []rune) string {
	i := 1 + r.IntN(len(rs)-2)
	switch r.IntN(3) {
	case 0:
		rs[i], rs[i+1] = rs[i+1], rs[i]
	case 1:
		rs = append(rs[:i], rs[i+1:]...)
	default:
		rs[i] = rune('a' + r.IntN(26))
	}
	return string(rs)
}

// synth draws synthetic register entries.
type synth struct {
	r       *rand.Rand
	hpr     int
	farm    []string
	serial  map[hpr.Date]int
	updated time.Time
}

func newSynth(seed uint64) *synth {
	g := &synth{
		r:       rand.New(rand.NewPCG(seed, 0x5eed)),
		hpr:     1_000_000,
		serial:  map[hpr.Date]int{},
		updated: time.Date(2015, 1, 1, 8, 0, 0, 0, hpr.Oslo),
	}
	for _, a := range farmFirst {
		for _, b := range farmLast {
			g.farm = append(g.farm, a+b)
		}
	}
	// A fixed shuffle, so the Zipf ranks do not follow the alphabet.
	g.r.Shuffle(len(g.farm), func(i, j int) { g.farm[i], g.farm[j] = g.farm[j], g.farm[i] })
	return g
}

// zipf draws an index in [0, n) with weight about 1/(i+20): a long tail
// whose head is as flat as Norway's, where the commonest surname (Hansen)
// is about one person in a hundred.
func (g *synth) zipf(n int) int {
	const s = 20.0
	// Inverse of the continuous distribution function.
	u := g.r.Float64()
	i := int(s*math.Pow((float64(n)+s)/s, u) - s)
	return min(max(i, 0), n-1)
}

func (g *synth) surname() string {
	switch k := g.r.IntN(100); {
	case k < 55:
		return commonSurnames[g.zipf(len(commonSurnames))]
	case k < 94:
		return capitalize(g.farm[g.zipf(len(g.farm))])
	case k < 97:
		return foreignSurnames[g.r.IntN(len(foreignSurnames))]
	default:
		a := commonSurnames[g.zipf(len(commonSurnames))]
		b := capitalize(g.farm[g.zipf(len(g.farm))])
		return a + "-" + b
	}
}

func (g *synth) givenName(female bool) string {
	list := maleNames
	if female {
		list = femaleNames
	}
	first := list[g.zipf(len(list))]
	switch k := g.r.IntN(100); {
	case k < 20 && !strings.Contains(first, "-"):
		second := list[g.zipf(len(list))]
		if second != first && !strings.Contains(second, "-") {
			return first + " " + second
		}
	case k < 22:
		return foreignGiven[g.r.IntN(len(foreignGiven))]
	}
	return first
}

func capitalize(s string) string {
	rs := []rune(s)
	if len(rs) == 0 {
		return s
	}
	return strings.ToUpper(string(rs[0])) + string(rs[1:])
}

// category draws a helsepersonellkategori with roughly the register's mix.
func (g *synth) category() hpr.Code {
	k := g.r.IntN(1000)
	for _, c := range categoryMix {
		if k < c.cum {
			return hpr.Code{Name: c.name, Value: c.code, CodeSet: hpr.CodeSet{ID: hpr.CodeSetCategory, Name: "Kategori helsepersonell"}}
		}
	}
	last := categoryMix[len(categoryMix)-1]
	return hpr.Code{Name: last.name, Value: last.code, CodeSet: hpr.CodeSet{ID: hpr.CodeSetCategory, Name: "Kategori helsepersonell"}}
}

func (g *synth) date(from, to hpr.Date) hpr.Date {
	days := int(to.Sub(from.Time).Hours() / 24)
	if days <= 0 {
		return from
	}
	return hpr.Date{Time: from.AddDate(0, 0, g.r.IntN(days))}
}

// nin returns a synthetic identity number for birth: the Testnorge form
// (month + 80), an individual number unique per birth date, valid check
// digits.
func (g *synth) nin(birth hpr.Date) string {
	y, m, d := birth.Date()
	for {
		g.serial[birth]++
		ind := g.serial[birth]
		if y >= 2000 {
			ind += 500
		}
		s := fmt.Sprintf("%02d%02d%02d%03d", d, int(m)+80, y%100, ind%1000)
		if k, ok := checkDigits(s); ok {
			return s + k
		}
	}
}

// checkDigits computes the two mod-11 check digits of a 9-digit base
// (upstreams.md §5); ok is false when one would be 10.
func checkDigits(base string) (string, bool) {
	d := make([]int, 10)
	for i := range 9 {
		d[i] = int(base[i] - '0')
	}
	k := func(w []int, n int) (int, bool) {
		s := 0
		for i := range n {
			s += w[i] * d[i]
		}
		c := 11 - s%11
		if c == 11 {
			c = 0
		}
		return c, c != 10
	}
	k1, ok := k([]int{3, 7, 6, 1, 8, 9, 4, 5, 2}, 9)
	if !ok {
		return "", false
	}
	d[9] = k1
	k2, ok := k([]int{5, 4, 3, 2, 7, 6, 5, 4, 3, 2}, 10)
	if !ok {
		return "", false
	}
	return fmt.Sprintf("%d%d", k1, k2), true
}

var authorisation = hpr.Code{Name: "Autorisasjon", Value: "1", CodeSet: hpr.CodeSet{ID: hpr.CodeSetAuthorization, Name: "Godkjenningstype"}}
var licence = hpr.Code{Name: "Lisens", Value: "2", CodeSet: hpr.CodeSet{ID: hpr.CodeSetAuthorization, Name: "Godkjenningstype"}}

func (g *synth) personnel() hpr.Personnel {
	g.hpr += 1 + g.r.IntN(6)
	female := g.r.IntN(100) < 70 // the register is mostly women (nurses)
	birth := g.date(hpr.NewDate(1945, 1, 1), hpr.NewDate(2004, 1, 1))
	p := hpr.Personnel{
		HPRNumber: g.hpr,
		Person: hpr.PersonData{
			GivenName:  g.givenName(female),
			FamilyName: g.surname(),
			BirthDate:  birth,
		},
		ValidForDate: SyntheticDay,
	}
	if g.r.IntN(4) == 0 {
		p.Person.MiddleName = g.surname()
	}
	if g.r.IntN(50) == 0 {
		p.Person.MissingNIN = true
	} else {
		p.Person.NIN = g.nin(birth)
	}
	if g.r.IntN(100) == 0 {
		p.Person.DeathDate = g.date(hpr.Date{Time: birth.AddDate(50, 0, 0)}, SyntheticDay)
	}
	start := hpr.Date{Time: birth.AddDate(22+g.r.IntN(8), g.r.IntN(12), 0)}
	if start.After(SyntheticDay.Time) {
		start = hpr.Date{Time: SyntheticDay.AddDate(0, -g.r.IntN(24), 0)}
	}
	napp := 1
	if k := g.r.IntN(100); k < 3 {
		napp = 3
	} else if k < 20 {
		napp = 2
	}
	for range napp {
		a := hpr.Approval{
			Category:      g.category(),
			Authorization: authorisation,
			Period:        hpr.Period{From: start},
		}
		if g.r.IntN(10) == 0 {
			a.Authorization = licence
			a.Period.To = hpr.Date{Time: start.AddDate(1+g.r.IntN(3), 0, 0)}
			if a.Period.To.Before(SyntheticDay.Time) {
				a.Ended = &hpr.Code{Name: "Utløpt", Value: "4", CodeSet: hpr.CodeSet{ID: 7702, Name: "Avslutningsstatus"}}
			}
		}
		switch a.Category.Value {
		case "LE":
			if g.r.IntN(2) == 0 {
				s := specialities[g.r.IntN(len(specialities))]
				a.Specialities = append(a.Specialities, hpr.Right{Type: s, Period: hpr.Period{From: hpr.Date{Time: start.AddDate(6, 0, 0)}}})
			}
			a.InternshipDate = hpr.Date{Time: start.AddDate(0, -18, 0)}
			fallthrough
		case "TL", "JO":
			a.RequisitionRights = append(a.RequisitionRights, hpr.Right{
				Type:   hpr.Code{Name: "Full rekvisisjonsrett", Value: "1", CodeSet: hpr.CodeSet{ID: 7702, Name: "Rekvisisjonsrett"}},
				Period: hpr.Period{From: start},
			})
		}
		if g.r.IntN(300) == 0 {
			from := g.date(start, SyntheticDay)
			a.Reactions = append(a.Reactions, hpr.Reaction{
				Type:   hpr.Code{Name: "Suspensjon", Value: "1", CodeSet: hpr.CodeSet{ID: 7703, Name: "Administrativ reaksjon"}},
				Period: hpr.Period{From: from, To: hpr.Date{Time: from.AddDate(0, 6, 0)}},
			})
		}
		p.Approvals = append(p.Approvals, a)
		start = hpr.Date{Time: start.AddDate(g.r.IntN(6), g.r.IntN(12), 0)}
		if start.After(SyntheticDay.Time) {
			start = SyntheticDay
		}
	}
	g.updated = g.updated.Add(time.Duration(g.r.IntN(600)) * time.Second)
	p.LastUpdated = hpr.DateTime{Time: g.updated.Truncate(time.Second)}
	return p
}

var specialities = []hpr.Code{
	{Name: "Allmennmedisin", Value: "1", CodeSet: hpr.CodeSet{ID: 7426, Name: "Spesialitet"}},
	{Name: "Indremedisin", Value: "20", CodeSet: hpr.CodeSet{ID: 7426, Name: "Spesialitet"}},
	{Name: "Psykiatri", Value: "40", CodeSet: hpr.CodeSet{ID: 7426, Name: "Spesialitet"}},
	{Name: "Anestesiologi", Value: "2", CodeSet: hpr.CodeSet{ID: 7426, Name: "Spesialitet"}},
	{Name: "Barnesykdommer", Value: "4", CodeSet: hpr.CodeSet{ID: 7426, Name: "Spesialitet"}},
}

// categoryMix is cumulative per mille, roughly the 2016 register
// (upstreams.md §3.5: nurses 35 %, auxiliary nurses 23 %, doctors 10 %).
var categoryMix = []struct {
	code, name string
	cum        int
}{
	{"SP", "Sykepleier", 330}, {"HP", "Hjelpepleier", 540}, {"HF", "Helsefagarbeider", 640},
	{"LE", "Lege", 740}, {"FT", "Fysioterapeut", 780}, {"VP", "Vernepleier", 815},
	{"PS", "Psykolog", 840}, {"TL", "Tannlege", 860}, {"BI", "Bioingeniør", 880},
	{"ET", "Ergoterapeut", 900}, {"AA", "Ambulansearbeider", 920}, {"FA2", "Reseptarfarmasøyt", 930},
	{"FA1", "Provisorfarmasøyt", 940}, {"JO", "Jordmor", 950}, {"RA", "Radiograf", 962},
	{"TP", "Tannpleier", 970}, {"OP", "Optiker", 978}, {"HE", "Helsesekretær", 990},
	{"KI", "Kiropraktor", 995}, {"OA", "Omsorgsarbeider", 1000},
}

var commonSurnames = []string{
	"Hansen", "Johansen", "Olsen", "Larsen", "Andersen", "Pedersen", "Nilsen", "Kristiansen", "Jensen",
	"Karlsen", "Johnsen", "Pettersen", "Eriksen", "Berg", "Haugen", "Hagen", "Johannessen", "Andreassen",
	"Jacobsen", "Dahl", "Jørgensen", "Halvorsen", "Henriksen", "Lund", "Sørensen", "Jakobsen", "Moen",
	"Gundersen", "Iversen", "Strand", "Solberg", "Svendsen", "Eide", "Knutsen", "Martinsen", "Paulsen",
	"Bakken", "Kristoffersen", "Mathisen", "Lie", "Amundsen", "Nguyen", "Rasmussen", "Ali", "Lunde",
	"Solheim", "Berge", "Moe", "Nygård", "Bakke", "Kristensen", "Fredriksen", "Holm", "Lien", "Hauge",
	"Christensen", "Andresen", "Nielsen", "Knudsen", "Evensen", "Sæther", "Aas", "Myhre", "Hanssen",
	"Ahmed", "Haugland", "Thomassen", "Sivertsen", "Simonsen", "Danielsen", "Berntsen", "Sandvik",
	"Rønning", "Arnesen", "Antonsen", "Næss", "Vik", "Haug", "Ellingsen", "Thorsen", "Edvardsen",
	"Birkeland", "Isaksen", "Gulbrandsen", "Ødegård", "Wold", "Mo", "Aasen", "Kvam", "Bråten", "Øien",
	"Løken", "Ås", "Strøm", "Tangen", "Sæter", "Brekke", "Aune", "Hovland", "Engen", "Foss", "Våge",
}

var foreignSurnames = []string{
	"Müller", "García", "Hernández", "Nowak", "Kowalski", "Wiśniewski", "Öztürk", "Şahin", "Le",
	"Tran", "Mohammed", "Hussain", "Khan", "Jönsson", "Söderström", "Björk", "Lindqvist", "Virtanen",
	"Mäkinen", "O'Brien", "Dubois", "Lefèvre", "Çelik", "Novák", "Dvořák", "Petrović", "Jovanović",
}

var farmFirst = []string{
	"haug", "berg", "sol", "øde", "fjell", "bratt", "lang", "nord", "sør", "vest", "øst", "stor",
	"li", "brå", "holt", "rød", "tveit", "skog", "myr", "vik", "nes", "dal", "strand", "bakke",
	"ås", "hov", "gjerde", "ek", "bø", "sand", "fos", "aker", "grøn", "kvern", "løv", "mel", "ny",
	"ring", "røy", "sæ", "tor", "ul", "vang", "hel", "klepp", "lyng", "rust", "sel", "krok", "fur",
	"hol", "kval", "rise", "skjær", "tjønn", "vatn", "hamar", "gran", "bjørk", "ask",
}

var farmLast = []string{
	"land", "heim", "berg", "dal", "gård", "stad", "vik", "nes", "rud", "set", "bakken", "haug",
	"li", "seth", "vold", "voll", "mo", "eng", "bø", "åsen", "hagen", "lien", "sæter", "strand",
	"tun", "bu", "myr", "holm", "stein", "fjord", "by", "hus", "lund", "moen", "rød", "brekke",
	"ås", "aker", "neset", "tveit",
}

var femaleNames = []string{
	"Anne", "Inger", "Kari", "Marit", "Ingrid", "Liv", "Eva", "Berit", "Astrid", "Bjørg", "Hilde",
	"Anna", "Solveig", "Marianne", "Randi", "Ida", "Nina", "Maria", "Elisabeth", "Kristin", "Bente",
	"Heidi", "Silje", "Hanne", "Gerd", "Linda", "Tone", "Tove", "Elin", "Anita", "Wenche", "Camilla",
	"Ragnhild", "Grethe", "Monica", "Hege", "Ellen", "Julie", "Cecilie", "Karin", "Mari", "Sissel",
	"Åse", "Gunn", "Turid", "Sigrid", "Torill", "Laila", "Nora", "Emma", "Sara", "Thea", "Ingeborg",
	"Anne-Lise", "Ann-Kristin", "Mette-Marit", "Kari-Anne", "Siv", "Sølvi", "Frøydis", "Gøril",
	"Torbjørg", "Målfrid", "Åslaug", "Synnøve", "Kjellrun", "Ranveig", "Dagrun", "Ådne", "Brynhild",
	"Hjørdis", "Signe", "Vigdis", "Mona", "Lene", "Trine", "Stine", "Guro", "Maja", "Ingvild", "Tuva",
}

var maleNames = []string{
	"Jan", "Per", "Bjørn", "Ole", "Lars", "Kjell", "Knut", "Arne", "Svein", "Thomas", "Hans",
	"Geir", "Tor", "Morten", "Terje", "Odd", "Erik", "Rune", "Martin", "Andreas", "John", "Anders",
	"Trond", "Tore", "Harald", "Jon", "Olav", "Stian", "Gunnar", "Øyvind", "Espen", "Kristian",
	"Rolf", "Nils", "Frode", "Helge", "Pål", "Håkon", "Jørgen", "Ørjan", "Kåre", "Åsmund", "Ståle",
	"Sæbjørn", "Tor-Erik", "Jan-Erik", "Per-Olav", "Eirik", "Magnus", "Sindre", "Jonas", "Even",
	"Sigurd", "Asbjørn", "Torbjørn", "Steinar", "Leif", "Egil", "Roar", "Vegard", "Kåre", "Ivar",
	"Henrik", "Fredrik", "Sverre", "Halvard", "Audun", "Øystein", "Bård", "Are", "Aage", "Haakon",
}

var foreignGiven = []string{
	"José", "René", "Zoë", "Chloé", "Mohammad", "Fatima", "Ahmed", "Agnieszka", "Łukasz", "Jürgen",
	"Søren", "Björn", "Åke", "François", "Noël", "Ana", "Thi Hoa", "Van Minh", "Jesús", "Ümit",
}
