package engine

import (
	"github.com/stigscan/stigscan/oval"
	"github.com/stigscan/stigscan/oval/probes/mongodb"
	"github.com/stigscan/stigscan/oval/probes/oracle"
	"github.com/stigscan/stigscan/oval/probes/sql57"
)

// probes are the OVAL probes a benchmark's documents are prepared with: the
// probes stigscan adds to oval's own (sql57, which reaches a database only
// through the target's host.SQLDatabase; stigscan's mongodb family, through
// host.MongoDatabase, idle times on the benchmark's clock; stigscan's oracle
// family, Oracle Net files through the target's host), then the
// caller's Options.Probes, which add, replace, or (nil) remove.
func (b *Benchmark) probes() map[string]oval.Probe {
	m := sql57.Probes()
	for k, v := range mongodb.Probes(mongodb.Options{Now: b.now}) {
		m[k] = v
	}
	for k, v := range oracle.Probes() {
		m[k] = v
	}
	for k, v := range b.opts.Probes {
		m[k] = v
	}
	return m
}
