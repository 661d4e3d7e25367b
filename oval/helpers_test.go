package oval

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// repoRoot walks up from the package folder to the folder holding go.mod.
func repoRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	require.NoError(t, err)
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		require.NotEqual(t, parent, dir, "no go.mod above the test folder")
		dir = parent
	}
}

// sharedContent returns a folder of the shared test content, skipping the
// test when the content is absent.
func sharedContent(t testing.TB, sub string) string {
	t.Helper()
	dir := filepath.Join(repoRoot(t), "..", "shared", "content", sub)
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("shared test content %s is absent (%v); it lives beside the repository in ../shared/content", sub, err)
	}
	return dir
}
