package nin

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"time"
)

// randomTries is how many random individual numbers Generate and GenerateFH
// draw before scanning the candidates in order. About 2 in 11 draws give a
// check digit of 10, so the scan is a guarantee of termination, not a path
// that real sources reach.
const randomTries = 64

// indRange is an inclusive range of individual numbers. Every range starts on
// an even number and ends on an odd one, so half of it has each parity.
type indRange struct{ lo, hi int }

// individualRanges returns the individual numbers allocated to a birth year
// (upstreams.md §5). For 1940–1999 both the 000–499 series and the reserve
// 900–999 series are used, so that generated data exercises the whole table.
func individualRanges(year int) []indRange {
	switch {
	case year >= 1854 && year <= 1899:
		return []indRange{{500, 749}}
	case year >= 1900 && year <= 1939:
		return []indRange{{0, 499}}
	case year >= 1940 && year <= 1999:
		return []indRange{{0, 499}, {900, 999}}
	case year >= 2000 && year <= 2039:
		return []indRange{{500, 999}}
	}
	return nil
}

// pick returns the i-th individual number of the given parity within ranges.
func pick(ranges []indRange, parity, i int) int {
	for _, rg := range ranges {
		n := (rg.hi - rg.lo + 1) / 2
		if i < n {
			return rg.lo + 2*i + parity
		}
		i -= n
	}
	return -1 // unreachable for i below the total
}

// Generate returns a valid classic identity number of the given kind for a
// person born on birth's calendar date (in birth's own location): an
// individual number from the century's range with the gender's parity (even
// for female) and classic check digits, drawing again when a check digit
// would be 10. synthetic adds Test-Norge's month + 80, also to a D-number.
// The result is deterministic for a given state of r; a nil r uses a randomly
// seeded source. Kind FellesHjelpenummer (use GenerateFH), a synthetic
// H-number (month + 40 + 80 is not a defined form) and birth years outside
// 1854–2039 (not covered by the century table) return an error.
func Generate(r *rand.Rand, birth time.Time, female bool, kind Kind, synthetic bool) (string, error) {
	year, month, day := birth.Date()
	ranges := individualRanges(year)
	if ranges == nil {
		return "", fmt.Errorf("nin: generate: birth year %d outside 1854–2039", year)
	}
	dd, mm := day, int(month)
	switch kind {
	case Fodselsnummer:
	case DNumber:
		dd += 40
	case HNumber:
		if synthetic {
			return "", errors.New("nin: generate: a synthetic H-number is not a defined form")
		}
		mm += 40
	case FellesHjelpenummer:
		return "", errors.New("nin: generate: use GenerateFH for felles hjelpenummer")
	default:
		return "", fmt.Errorf("nin: generate: unknown kind %d", int(kind))
	}
	if synthetic {
		mm += 80
	}
	if r == nil {
		r = seeded()
	}
	parity := 1
	if female {
		parity = 0
	}
	total := 0
	for _, rg := range ranges {
		total += (rg.hi - rg.lo + 1) / 2
	}
	datePart := fmt.Sprintf("%02d%02d%02d", dd, mm, year%100)
	try := func(i int) (string, bool) {
		first9 := fmt.Sprintf("%s%03d", datePart, pick(ranges, parity, i))
		k1, k2, ok := CheckDigits(first9)
		return fmt.Sprintf("%s%d%d", first9, k1, k2), ok
	}
	if s, ok := firstValid(r, total, try); ok {
		return s, nil
	}
	return "", errors.New("nin: generate: no individual number gives valid check digits")
}

// GenerateFH returns a random felles hjelpenummer: first digit 8 or 9, seven
// random digits and a random ninth digit, with classic check digits, drawing
// again when a check digit would be 10. It is deterministic for a given state
// of r; a nil r uses a randomly seeded source.
func GenerateFH(r *rand.Rand) string {
	if r == nil {
		r = seeded()
	}
	const space = 2 * 100_000_000 // first digit 8 or 9, then eight free digits
	try := func(i int) (string, bool) {
		first9 := fmt.Sprintf("%d%08d", 8+i/100_000_000, i%100_000_000)
		k1, k2, ok := CheckDigits(first9)
		return fmt.Sprintf("%s%d%d", first9, k1, k2), ok
	}
	// Changing the ninth digit moves k1 through ten distinct values, so the
	// scan in firstValid finds a valid number within a few steps.
	s, _ := firstValid(r, space, try)
	return s
}

// firstValid draws candidates 0..total-1 from r until try accepts one; after
// randomTries draws it scans onward from the last draw, so it ends even with
// a degenerate source. ok is false when try accepts no candidate.
func firstValid(r *rand.Rand, total int, try func(int) (string, bool)) (string, bool) {
	i := 0
	for range randomTries {
		i = r.IntN(total)
		if s, ok := try(i); ok {
			return s, true
		}
	}
	for step := 1; step < total; step++ {
		if s, ok := try((i + step) % total); ok {
			return s, true
		}
	}
	return "", false
}

// seeded returns a source seeded from the runtime's random generator, for
// callers that pass no *rand.Rand.
func seeded() *rand.Rand {
	return rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))
}
