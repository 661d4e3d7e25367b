// Package builtin holds the content stigscan ships: the Linux baseline it
// scans with when no benchmark is named, and automated checks for DISA
// STIGs that DISA publishes only as manual benchmarks (bound to an
// imported DISA benchmark by Vuln-ID, see engine.Options.Library).
package builtin

//go:generate go run ./gen

import (
	"embed"
	"io/fs"
	"sort"
)

//go:embed linux-xccdf.xml linux-oval.xml
//go:embed mongodb-4x-xccdf.xml mongodb-4x-oval.xml mongodb-7x-xccdf.xml mongodb-7x-oval.xml
//go:embed oracle-12c-xccdf.xml oracle-12c-oval.xml oracle-19c-xccdf.xml oracle-19c-oval.xml
//go:embed postgres-9x-xccdf.xml postgres-9x-oval.xml postgres-16-xccdf.xml postgres-16-oval.xml
//go:embed crunchy-pg-xccdf.xml crunchy-pg-oval.xml
//go:embed mariadb-10x-xccdf.xml mariadb-10x-oval.xml
//go:embed mysql-8-xccdf.xml mysql-8-oval.xml
var files embed.FS

// LinuxBenchmark is the file name of the built-in Linux baseline.
const LinuxBenchmark = "linux-xccdf.xml"

// MongoDB4xBenchmark is the file name of the checks for DISA's MongoDB
// Enterprise Advanced 4.x STIG (written against V1R3; they bind to V1R1
// and V1R2 by the same Vuln-IDs).
const MongoDB4xBenchmark = "mongodb-4x-xccdf.xml"

// MongoDB7xBenchmark is the file name of the checks for DISA's MongoDB
// Enterprise Advanced 7.x STIG (written against V1R1).
const MongoDB7xBenchmark = "mongodb-7x-xccdf.xml"

// Postgres9xBenchmark is the file name of the checks for DISA's PostgreSQL
// 9.x STIG (written against V2R5).
const Postgres9xBenchmark = "postgres-9x-xccdf.xml"

// CrunchyPGBenchmark is the file name of the checks for DISA's Crunchy
// Data PostgreSQL STIG (written against V3R1).
const CrunchyPGBenchmark = "crunchy-pg-xccdf.xml"

// Postgres16Benchmark is the file name of the checks for DISA's Crunchy
// Data Postgres 16 STIG (written against V1R1).
const Postgres16Benchmark = "postgres-16-xccdf.xml"

// Oracle12cBenchmark is the file name of the checks for DISA's Oracle
// Database 12c STIG (written against V2R9; they bind to earlier releases
// by the same Vuln-IDs).
const Oracle12cBenchmark = "oracle-12c-xccdf.xml"

// Oracle19cBenchmark is the file name of the checks for DISA's Oracle
// Database 19c STIG (written against V1R1). Rules whose check text is the
// 12c one share the 12c checks and their Values.
const Oracle19cBenchmark = "oracle-19c-xccdf.xml"

// MariaDB10xBenchmark is the file name of the checks for DISA's MariaDB
// Enterprise 10.x STIG (written against V2R1). Its rules apply only to a
// MariaDB server: on MySQL they are notapplicable.
const MariaDB10xBenchmark = "mariadb-10x-xccdf.xml"

// MySQL8Benchmark is the file name of the checks for DISA's Oracle MySQL
// 8.0 STIG (written against V2R1).
const MySQL8Benchmark = "mysql-8-xccdf.xml"

// Release describes the built-in checks of one DISA STIG release. The
// benchmarks and their OVAL are generated (go generate, builtin/gen) from
// builtin/stigs/<Name>.yaml and the catalog of checks it maps to
// (docs/checks.md); a test keeps this table and those files in step.
type Release struct {
	Name      string // short name, as in --stig
	Target    string // the target kind (collectors/list name) the checks need: postgres, mongodb, oracle
	Product   string // DISA's STIG
	Release   string // the release the checks were written against
	Benchmark string // file name of the generated XCCDF benchmark
	OVAL      string // file name of its OVAL document
}

// releases lists the STIGs with built-in checks by short name.
func releases() map[string]Release {
	return map[string]Release{
		"crunchy-pg": {Name: "crunchy-pg", Target: "postgres", Product: "DISA Crunchy Data PostgreSQL STIG", Release: "V3R1",
			Benchmark: CrunchyPGBenchmark, OVAL: "crunchy-pg-oval.xml"},
		"mariadb-10x": {Name: "mariadb-10x", Target: "mysql", Product: "DISA MariaDB Enterprise 10.x STIG", Release: "V2R1",
			Benchmark: MariaDB10xBenchmark, OVAL: "mariadb-10x-oval.xml"},
		"mongodb-4x": {Name: "mongodb-4x", Target: "mongodb", Product: "DISA MongoDB Enterprise Advanced 4.x STIG", Release: "V1R3",
			Benchmark: MongoDB4xBenchmark, OVAL: "mongodb-4x-oval.xml"},
		"mongodb-7x": {Name: "mongodb-7x", Target: "mongodb", Product: "DISA MongoDB Enterprise Advanced 7.x STIG", Release: "V1R1",
			Benchmark: MongoDB7xBenchmark, OVAL: "mongodb-7x-oval.xml"},
		"mysql-8": {Name: "mysql-8", Target: "mysql", Product: "DISA Oracle MySQL 8.0 STIG", Release: "V2R1",
			Benchmark: MySQL8Benchmark, OVAL: "mysql-8-oval.xml"},
		"oracle-12c": {Name: "oracle-12c", Target: "oracle", Product: "DISA Oracle Database 12c STIG", Release: "V2R9",
			Benchmark: Oracle12cBenchmark, OVAL: "oracle-12c-oval.xml"},
		"oracle-19c": {Name: "oracle-19c", Target: "oracle", Product: "DISA Oracle Database 19c STIG", Release: "V1R1",
			Benchmark: Oracle19cBenchmark, OVAL: "oracle-19c-oval.xml"},
		"postgres-16": {Name: "postgres-16", Target: "postgres", Product: "DISA Crunchy Data Postgres 16 STIG", Release: "V1R1",
			Benchmark: Postgres16Benchmark, OVAL: "postgres-16-oval.xml"},
		"postgres-9x": {Name: "postgres-9x", Target: "postgres", Product: "DISA PostgreSQL 9.x STIG", Release: "V2R5",
			Benchmark: Postgres9xBenchmark, OVAL: "postgres-9x-oval.xml"},
	}
}

// ReleaseOf returns what is known about the built-in checks of the STIG
// named (for example which kind of database target they need), and
// whether there are such checks.
func ReleaseOf(name string) (Release, bool) {
	r, ok := releases()[name]
	return r, ok
}

// STIG returns the benchmark file of the built-in checks for the STIG
// named (for example "mongodb-4x"), and whether there is one.
func STIG(name string) (string, bool) {
	r, ok := releases()[name]
	return r.Benchmark, ok
}

// STIGNames lists the STIGs with built-in checks, sorted.
func STIGNames() []string {
	var out []string
	for k := range releases() {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// FS returns the built-in content files.
func FS() fs.FS { return files }

// Read returns one built-in file.
func Read(name string) ([]byte, error) { return fs.ReadFile(files, name) }
