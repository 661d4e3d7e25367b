package postgrestest

import (
	"context"
	"github.com/stigscan/stigscan/builtin/internal/checktest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/engine"
)

// TestMD5PasswordMethod: the Crunchy Data releases call an md5 rule in
// pg_hba.conf a finding as well as a password one (their V-233519 and
// V-261892); 9.x named only password and keeps passing. pg_hba_file_rules
// reads the file as it is on disk, so the passing server's file gains one
// md5 line for the scan.
func TestMD5PasswordMethod(t *testing.T) {
	r := startFixture(t, passing)
	hba := filepath.Join(r.c.data, "pg_hba.conf")
	orig, err := os.ReadFile(hba)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(hba, append(append([]byte{}, orig...), "host all all 198.51.100.0/24 md5\n"...), 0o600))
	t.Cleanup(func() { _ = os.WriteFile(hba, orig, 0o600) })
	for _, tc := range []struct {
		rel  release
		vuln string
		want engine.Status
	}{
		{releases[0], "V-214056", engine.Pass},
		{releases[1], "V-233519", engine.Fail},
		{releases[2], "V-261892", engine.Fail},
	} {
		t.Run(tc.rel.name, func(t *testing.T) {
			b := r.prepare(t, tc.rel.benchmark)
			res, err := b.Evaluate(context.Background(), r.open(t, "fixture"))
			require.NoError(t, err)
			rr := checktest.RuleByVuln(res, tc.vuln)
			require.NotNil(t, rr)
			assert.Equal(t, tc.want, rr.Status, "%s %s: %v", tc.rel.name, tc.vuln, rr.Evidence)
			if tc.want == engine.Fail {
				assert.Contains(t, strings.Join(rr.Evidence, "\n"), "auth_method=md5")
			}
		})
	}
}
