package postgrestest

import (
	"context"
	"testing"
)

// BenchmarkBuiltinSTIGs evaluates each PostgreSQL release's built-in
// checks against the passing server (one real PostgreSQL 15, with the
// offline root for its files): the figure docs/benchmarks.md keeps for
// "each built-in STIG against its local server". Run it with
// scripts/bench-db-stigs.sh.
func BenchmarkBuiltinSTIGs(b *testing.B) {
	r := startFixture(b, passing)
	for _, rel := range releases {
		b.Run(rel.name, func(b *testing.B) {
			bench := r.prepare(b, rel.benchmark)
			tg := r.open(b, "fixture")
			b.ResetTimer()
			for b.Loop() {
				if _, err := bench.Evaluate(context.Background(), tg); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
