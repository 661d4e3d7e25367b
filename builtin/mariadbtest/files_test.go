package mariadbtest

import (
	"github.com/stigscan/stigscan/builtin/internal/checktest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/engine"
)

// TestAuditLogFiles: on a server writing its audit log to a file
// (server_audit_output_type file, relative to the data directory), the
// audit-protection rules judge the log and every rotated copy: closed to
// others they pass, one rotated copy readable by everyone fails them,
// named in the evidence.
func TestAuditLogFiles(t *testing.T) {
	r := startFixture(t, failing)
	closed := *r
	closed.fileMode, closed.dirMode = 0o600, 0o700
	closed.root = closed.buildRoot(t)

	res := closed.scan(t, closed.prepare(t, nil))
	for _, v := range []string{"V-253679", "V-253680", "V-253681", "V-253682", "V-253683", "V-253684"} {
		rr := checktest.RuleByVuln(res, v)
		require.NotNil(t, rr)
		assert.Equal(t, engine.Pass, rr.Status, "%s: %s", v, strings.Join(rr.Evidence, "\n"))
	}

	datadir := closed.setting(t, "datadir")
	require.NoError(t, os.Chmod(filepath.Join(closed.root, datadir, "server_audit.log.1"), 0o644))
	res = closed.scan(t, closed.prepare(t, nil))
	rr := checktest.RuleByVuln(res, "V-253679")
	require.NotNil(t, rr)
	ev := strings.Join(rr.Evidence, "\n")
	assert.Equal(t, engine.Fail, rr.Status, ev)
	assert.Contains(t, ev, "server_audit.log.1")
}
