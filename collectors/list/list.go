// Package list assembles the standard target kinds into one registry.
// It may import every collector, database drivers included; packages
// that must not link a driver (engine, fleet) take a target.Registry
// instead. A new kind is its own package declaring a target.Kind and one
// entry here.
package list

import (
	"github.com/stigscan/stigscan/collectors/local"
	"github.com/stigscan/stigscan/collectors/mongodb"
	"github.com/stigscan/stigscan/collectors/mysql"
	"github.com/stigscan/stigscan/collectors/oracle"
	"github.com/stigscan/stigscan/collectors/postgres"
	"github.com/stigscan/stigscan/collectors/ssh"
	"github.com/stigscan/stigscan/collectors/target"
)

// Standard is a new registry of every kind stigscan scans: the local
// machine, an offline root, SSH, PostgreSQL, MongoDB, Oracle and
// MySQL/MariaDB. Each
// call builds a fresh map, so a caller may add to or remove from its own.
func Standard() target.Registry {
	return target.Registry{
		"local":    local.Kind(),
		"root":     local.RootKind(),
		"ssh":      ssh.Kind(),
		"postgres": postgres.Kind(),
		"mongodb":  mongodb.Kind(),
		"oracle":   oracle.Kind(),
		"mysql":    mysql.Kind(),
	}
}
