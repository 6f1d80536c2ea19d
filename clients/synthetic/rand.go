package synthetic

import (
	"math"
	"math/rand/v2"
	"time"
)

// Random streams. Every draw comes from a PCG stream keyed by (seed, domain,
// index): the family unit's structure from (seed, domainUnit, unit index),
// a person's own attributes from (seed, domain, person index). A register
// added later (HPR, lab results) takes its own domain, so it never shifts
// the draws of the persons that exist already.
const (
	domainUnit    uint64 = 1 // family structure, households, addresses
	domainNIN     uint64 = 2 // identity numbers
	domainKRR     uint64 = 3 // contact register
	domainContact uint64 = 4 // postal and foreign addresses, Sámi details
	// Later registers: pick the next free numbers (5 HPR, 6 lab results, ...).
)

// stream is a reusable PCG source: at reseeds it in place, so drawing a new
// stream allocates nothing. A stream is not safe for concurrent use.
type stream struct {
	seed uint64
	pcg  rand.PCG
	r    *rand.Rand
}

func newStream(seed int64) *stream {
	s := &stream{seed: uint64(seed)}
	s.r = rand.New(&s.pcg)
	return s
}

// at returns the generator of (domain, index), reset to its start.
func (s *stream) at(domain, index uint64) *rand.Rand {
	s.pcg.Seed(streamSeeds(s.seed, domain, index))
	return s.r
}

// streamSeeds derives the PCG seeds of (seed, domain, index).
func streamSeeds(seed, domain, index uint64) (uint64, uint64) {
	return mix(seed ^ mix(domain)), mix(index + domain<<56)
}

// personRand returns a fresh generator for person i in a register's domain.
// Registers added after generation (HPR, lab results) draw from it, so they
// never shift the draws that made the persons.
func (p *Population) personRand(domain uint64, i int) *rand.Rand {
	return rand.New(rand.NewPCG(streamSeeds(uint64(p.seed), domain, uint64(i))))
}

// mix is SplitMix64's finaliser: a bijective scramble of 64 bits.
func mix(x uint64) uint64 {
	x += 0x9E3779B97F4A7C15
	x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9
	x = (x ^ (x >> 27)) * 0x94D049BB133111EB
	return x ^ (x >> 31)
}

// hash3 mixes three values into one, for draws made while materialising a
// person (registration times), where no stream is at hand.
func hash3(a, b, c uint64) uint64 { return mix(mix(mix(a)^b) ^ c) }

// Dates are day numbers (days since 1970-01-01, UTC); none marks an absent
// date. Day numbers keep the records small and the arithmetic exact.
const none int32 = math.MinInt32

// dayOf returns the day number of a calendar date.
func dayOf(year int, month time.Month, day int) int32 {
	return int32(time.Date(year, month, day, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// dayTime returns midnight UTC of day d.
func dayTime(d int32) time.Time { return time.Unix(int64(d)*86400, 0).UTC() }

// yearOf returns the calendar year of day d.
func yearOf(d int32) int { return dayTime(d).Year() }

// daysPerYear converts years to days for random spans.
const daysPerYear = 365.2425

// years returns y years as days.
func years(y float64) int32 { return int32(y * daysPerYear) }

// addYears returns d plus whole calendar years (a birthday).
func addYears(d int32, y int) int32 {
	t := dayTime(d)
	return int32(t.AddDate(y, 0, 0).Unix() / 86400)
}

// between returns a uniform day in [lo, hi); lo when the span is empty.
func between(r *rand.Rand, lo, hi int32) int32 {
	if hi <= lo {
		return lo
	}
	return lo + int32(r.Int64N(int64(hi-lo)))
}

// chance reports an event of probability p.
func chance(r *rand.Rand, p float64) bool { return r.Float64() < p }

// zipf draws an index in [0, n) with weights 1/(k+2), so the first entries of
// a frequency-ordered list dominate without starving the tail.
func zipf(r *rand.Rand, n int) int {
	// Inverse of the integral of 1/(x+2): x = 2·(((n+2)/2)^u) − 2.
	u := r.Float64()
	x := 2*math.Pow(float64(n+2)/2, u) - 2
	k := int(x)
	if k >= n {
		k = n - 1
	}
	return k
}

// pickWeighted draws an index with the given weights (not all zero).
func pickWeighted(r *rand.Rand, weights []float64) int {
	total := 0.0
	for _, w := range weights {
		total += w
	}
	v := r.Float64() * total
	for i, w := range weights {
		if v < w {
			return i
		}
		v -= w
	}
	return len(weights) - 1
}
