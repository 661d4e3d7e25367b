// Package testutil locates test inputs shared by the project's tests.
package testutil

import (
	"os"
	"path/filepath"
	"testing"
)

// RepoRoot returns the directory holding go.mod.
func RepoRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("testutil: go.mod not found above the test directory")
		}
		dir = parent
	}
}

// SharedContent returns ../shared/content/<sub> beside the repository, or
// skips the test saying what is missing.
func SharedContent(t testing.TB, sub string) string {
	t.Helper()
	p := filepath.Join(RepoRoot(t), "..", "shared", "content", sub)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("shared test content %s is absent (%v): these tests read real DISA/NIST/OpenSCAP content from ../shared/content", p, err)
	}
	return p
}

// SSGContent returns the ComplianceAsCode data stream directory installed by
// Debian's ssg-debian/ssg-debderived packages, or skips.
func SSGContent(t testing.TB) string {
	t.Helper()
	const p = "/usr/share/xml/scap/ssg/content"
	if _, err := os.Stat(p); err != nil {
		t.Skipf("%s is absent: install Debian's ssg-debian and ssg-debderived packages (.ci/run does)", p)
	}
	return p
}
