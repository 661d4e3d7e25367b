// Package builtin holds the content stigscan ships: the Linux baseline it
// scans with when no benchmark is named, and automated checks for DISA
// STIGs that DISA publishes only as manual benchmarks (bound to an
// imported DISA benchmark by Vuln-ID, see engine.Options.Library).
package builtin

import (
	"embed"
	"io/fs"
	"sort"
)

//go:embed linux-xccdf.xml linux-oval.xml mongodb-4x-xccdf.xml mongodb-4x-oval.xml
//go:embed postgres-9x-xccdf.xml postgres-9x-oval.xml
var files embed.FS

// LinuxBenchmark is the file name of the built-in Linux baseline.
const LinuxBenchmark = "linux-xccdf.xml"

// MongoDB4xBenchmark is the file name of the checks for DISA's MongoDB
// Enterprise Advanced 4.x STIG (written against V1R3; they bind to V1R1
// and V1R2 by the same Vuln-IDs).
const MongoDB4xBenchmark = "mongodb-4x-xccdf.xml"

// Postgres9xBenchmark is the file name of the checks for DISA's PostgreSQL
// 9.x STIG (written against V2R5).
const Postgres9xBenchmark = "postgres-9x-xccdf.xml"

// stigs maps a STIG's short name to the benchmark file of its checks.
func stigs() map[string]string {
	return map[string]string{
		"mongodb-4x":  MongoDB4xBenchmark,
		"postgres-9x": Postgres9xBenchmark,
	}
}

// STIG returns the benchmark file of the built-in checks for the STIG
// named (for example "mongodb-4x"), and whether there is one.
func STIG(name string) (string, bool) {
	f, ok := stigs()[name]
	return f, ok
}

// STIGNames lists the STIGs with built-in checks, sorted.
func STIGNames() []string {
	var out []string
	for k := range stigs() {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// FS returns the built-in content files.
func FS() fs.FS { return files }

// Read returns one built-in file.
func Read(name string) ([]byte, error) { return fs.ReadFile(files, name) }
