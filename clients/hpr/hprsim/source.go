package hprsim

import (
	"github.com/oppslag/oppslag/clients/hpr"
)

// Source is the register the simulator serves; the synthetic population
// implements it. Entries carry the full extended data (with nin and birth
// date); the simulator cuts them down to what each scope may see.
type Source interface {
	// Personnel returns the entry with HPR number n.
	Personnel(n int) (hpr.Personnel, bool)
	// PersonnelByNIN returns the entry of the person with identity number nin.
	PersonnelByNIN(nin string) (hpr.Personnel, bool)
	// SearchPersonnel returns the entries whose family name equals surname
	// (case-insensitive) and who were born on birth, in HPR number order.
	SearchPersonnel(surname string, birth hpr.Date) []hpr.Personnel
	// EachPersonnel calls fn for every entry in HPR number order until fn
	// returns false (the export).
	EachPersonnel(fn func(hpr.Personnel) bool)
	// PersonnelCount is the number of entries.
	PersonnelCount() int
}
