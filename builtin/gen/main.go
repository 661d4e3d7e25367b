// Command gen writes stigscan's built-in STIG checks from their source:
// for every release in builtin/stigs/*.yaml, the benchmark and OVAL
// document it names (builtin/<stig>-xccdf.xml, builtin/<stig>-oval.xml),
// from the checks of its catalog in builtin/checks/*.yaml, and the
// release's section of docs/coverage.md when it has one. Run it with
// "go generate ./builtin" (docs/checks.md); a test in builtin fails when
// the checked-in files differ from what it writes.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/stigscan/stigscan/builtin/internal/checkgen"
)

func main() {
	dir := flag.String("dir", ".", "the builtin directory")
	cov := flag.String("coverage", "../docs/coverage.md", "docs/coverage.md, whose generated sections are replaced")
	flag.Parse()
	if err := run(*dir, *cov); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(dir, covPath string) error {
	src, err := checkgen.Load(dir)
	if err != nil {
		return err
	}
	cov, err := os.ReadFile(covPath)
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	covChanged := false
	var covered []*checkgen.Release
	var outs []*checkgen.Output
	for _, r := range src.Releases {
		out, err := src.Generate(r)
		if err != nil {
			return err
		}
		if r.Coverage != nil {
			covered, outs = append(covered, r), append(outs, out)
		}
		if err := os.WriteFile(filepath.Join(dir, r.XCCDFFile), out.XCCDF, 0o644); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, r.OVALFile), out.OVAL, 0o644); err != nil {
			return err
		}
		if r.Coverage != nil {
			cov = checkgen.SpliceCoverage(cov, r.Coverage.Marker, out.Coverage)
			covChanged = true
		}
	}
	if covChanged {
		cov = checkgen.SpliceCoverage(cov, checkgen.SummaryMarker, checkgen.Summary(covered, outs))
		return os.WriteFile(covPath, cov, 0o644)
	}
	return nil
}
