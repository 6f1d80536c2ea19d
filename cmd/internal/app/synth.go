package app

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/oppslag/oppslag/clients/person"
	"github.com/oppslag/oppslag/clients/synthetic"
)

// synthLine is one person as `oppslag synth` prints it by default; HPR is
// the person's HPR number when the person is health personnel.
type synthLine struct {
	NIN   string   `json:"nin"`
	Name  string   `json:"name"`
	Kinds []string `json:"kinds"`
	HPR   int      `json:"hpr,omitempty"`
}

// Synth prints persons of the demo population (OPPSLAG_DEMO_SEED,
// OPPSLAG_DEMO_PERSONS) as JSON lines, so testers and scripts can find a
// person of a given kind: `oppslag synth --where protected --limit 3`; a
// line of health personnel carries the HPR number ("hpr"). With
// --full each line is the whole Person document as the full-access Person
// API returns it with history. The numbers are synthetic by construction.
func Synth(args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("synth", flag.ContinueOnError)
	fs.SetOutput(stderr)
	where := fs.String("where", "", "only persons of this kind (one of: "+strings.Join(synthetic.AllKinds(), ", ")+")")
	limit := fs.Int("limit", 20, "at most this many persons (0: all)")
	full := fs.Bool("full", false, "print the complete Person document")
	hostile := fs.Bool("hostile", false, "print the persons beside the population whose every text is a hostile string (S25)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("synth: unexpected argument %q", fs.Arg(0))
	}
	if *where != "" {
		if err := synthetic.CheckKind(*where); err != nil {
			return fmt.Errorf("synth: --where: %w (kinds: %s)", err, strings.Join(synthetic.AllKinds(), ", "))
		}
	}
	if *limit < 0 {
		return fmt.Errorf("synth: --limit must be 0 or more")
	}
	cfg, err := LoadConfig(getenv)
	if err != nil {
		return err
	}
	pop, err := synthetic.Generate(synthetic.Options{Seed: cfg.DemoSeed, Persons: cfg.DemoPersons})
	if err != nil {
		return err
	}
	enc := json.NewEncoder(stdout)
	enc.SetEscapeHTML(false)
	emit := func(p *person.Person) error {
		if *full {
			return enc.Encode(p)
		}
		nin := p.CurrentNIN()
		line := synthLine{NIN: nin, Kinds: pop.Kinds(nin)}
		line.HPR, _ = pop.HPRNumber(nin)
		if n := p.CurrentName(); n != nil {
			line.Name = strings.Join(strings.Fields(n.GivenName+" "+n.MiddleName+" "+n.FamilyName), " ")
		}
		return enc.Encode(line)
	}
	if *hostile {
		for _, p := range synthetic.HostilePersons() {
			if *full {
				if err := enc.Encode(p); err != nil {
					return err
				}
				continue
			}
			line := synthLine{NIN: p.CurrentNIN(), Kinds: []string{"hostile"}}
			if n := p.CurrentName(); n != nil {
				line.Name = n.GivenName + " " + n.FamilyName
				if r := []rune(line.Name); len(r) > 80 {
					line.Name = string(r[:80]) + "…"
				}
			}
			if err := enc.Encode(line); err != nil {
				return err
			}
		}
		return nil
	}
	if *where != "" {
		for _, p := range pop.Where(*where, *limit) {
			if err := emit(p); err != nil {
				return err
			}
		}
		return nil
	}
	n := 0
	var werr error
	pop.Each(func(p *person.Person) bool {
		if *limit > 0 && n >= *limit {
			return false
		}
		n++
		werr = emit(p)
		return werr == nil
	})
	return werr
}
