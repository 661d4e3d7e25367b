// Package builtin holds the content stigscan ships: the Linux baseline it
// scans with when no benchmark is named.
package builtin

import (
	"embed"
	"io/fs"
)

//go:embed linux-xccdf.xml linux-oval.xml
var files embed.FS

// LinuxBenchmark is the file name of the built-in Linux baseline.
const LinuxBenchmark = "linux-xccdf.xml"

// FS returns the built-in content files.
func FS() fs.FS { return files }

// Read returns one built-in file.
func Read(name string) ([]byte, error) { return fs.ReadFile(files, name) }
