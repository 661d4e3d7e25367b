// Package list assembles stigscan's standard OVAL probe set, for callers
// to hand to engine.Options.Probes or oval.Options.Probes. The engine and
// oval import no probe family themselves, so a program that embeds them
// links only the families it chooses (and their database drivers); this
// package is the one place the standard families are listed, and adding a
// family is one line here.
package list

import (
	"maps"

	"github.com/stigscan/stigscan/oval"
	"github.com/stigscan/stigscan/oval/probes/mongodb"
	"github.com/stigscan/stigscan/oval/probes/mysql"
	"github.com/stigscan/stigscan/oval/probes/oracle"
	"github.com/stigscan/stigscan/oval/probes/sql57"
)

// Standard returns the probes stigscan scans with, keyed by
// "family:object_type": oval's own (oval.BuiltinProbes), OVAL's sql57 test
// (a database reached only through the target's host.SQLDatabase), and
// stigscan's mongodb (through host.MongoDatabase; idle times on the
// evaluation's clock, oval.Options.Now), oracle (Oracle Net files
// through the target's host) and mysql (MariaDB/MySQL option files
// through the target's host) families. A fresh map each call: callers may
// add or replace entries. The probes hold no state and are safe for
// concurrent use on many hosts.
func Standard() map[string]oval.Probe {
	m := oval.BuiltinProbes()
	for _, family := range []map[string]oval.Probe{
		sql57.Probes(),
		mongodb.Probes(mongodb.Options{}),
		oracle.Probes(),
		mysql.Probes(),
	} {
		maps.Copy(m, family)
	}
	return m
}
