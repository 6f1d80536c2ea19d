package synthetic

import (
	"encoding/json"
	"testing"
)

// BenchmarkGenerate100k measures B8's first figure: 100,000 persons
// (performance.md: ≤ 5 s on two cores).
func BenchmarkGenerate100k(b *testing.B) {
	for b.Loop() {
		if _, err := Generate(Options{Seed: 1, Persons: 100_000}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGenerateDefault measures the demo default (20,000 persons).
func BenchmarkGenerateDefault(b *testing.B) {
	for b.Loop() {
		if _, err := Generate(Options{Seed: 1}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBuild measures building one person document, as a lookup does.
func BenchmarkBuild(b *testing.B) {
	p, err := defaultPopulation()
	if err != nil {
		b.Fatal(err)
	}
	i := 0
	for b.Loop() {
		p.build(i % p.Len())
		i++
	}
}

// BenchmarkBuildJSON measures building and encoding one document.
func BenchmarkBuildJSON(b *testing.B) {
	p, err := defaultPopulation()
	if err != nil {
		b.Fatal(err)
	}
	i := 0
	for b.Loop() {
		if _, err := json.Marshal(p.build(i % p.Len())); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
