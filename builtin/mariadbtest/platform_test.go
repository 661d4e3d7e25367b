package mariadbtest

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/collectors/mysql"
	"github.com/stigscan/stigscan/engine"
	"github.com/stigscan/stigscan/internal/testutil"
	"github.com/stigscan/stigscan/oval/probes/list"
	"github.com/stigscan/stigscan/xccdf"
)

// mysqlReplies is the real MariaDB target with the product answers of a
// MySQL 8.0 server, as Oracle documents them (VERSION() "8.0.36",
// @@version_comment "MySQL Community Server - GPL"): no MySQL server runs
// here, and the platform decides from those two answers alone.
type mysqlReplies struct {
	*mysql.Target
	asked int
}

func (m *mysqlReplies) QueryRows(ctx context.Context, q string) ([]string, [][]*string, error) {
	if strings.HasPrefix(q, "SELECT VERSION() AS version, @@global.version_comment AS version_comment") {
		m.asked++
		v, c, rel := "8.0.36", "MySQL Community Server - GPL", "8.0.36"
		return []string{"version", "version_comment", "server_release"}, [][]*string{{&v, &c, &rel}}, nil
	}
	return m.Target.QueryRows(ctx, q)
}

// TestNotApplicableOnMySQL: every rule carries the mariadb platform, so
// on a server that answers as MySQL every rule is notapplicable and none
// is judged as if the server were MariaDB; on MariaDB the platform
// applies (TestBuiltinChecks).
func TestNotApplicableOnMySQL(t *testing.T) {
	r := startFixture(t, passing)
	b := r.prepare(t, nil)
	tg := &mysqlReplies{Target: r.open(t)}
	res, err := b.Evaluate(context.Background(), tg)
	require.NoError(t, err)
	require.Len(t, res.Rules, disaRules)
	assert.Positive(t, tg.asked, "the platform asked the server what it is")
	for _, rr := range res.Rules {
		assert.Equal(t, engine.NotApplicable, rr.Status, rr.Identity.VulnID)
	}
}

// TestImportedDISANotApplicableOnMySQL: DISA's MariaDB benchmark, imported
// and bound to the built-in checks, keeps their platform: on a server that
// answers as MySQL every bound rule is notapplicable (its check is not
// run) and every manual rule stays notchecked.
func TestImportedDISANotApplicableOnMySQL(t *testing.T) {
	dir := testutil.SharedContent(t, "disa-manual")
	r := startFixture(t, passing)
	values := map[string]string{}
	for k, v := range r.tailored(nil) {
		values[valuePfx+k] = v
	}
	disa, err := xccdf.Open(filepath.Join(dir, disaFile), xccdf.Options{})
	require.NoError(t, err)
	sel, err := xccdf.Resolve(disa.Benchmark, nil, "")
	require.NoError(t, err)
	lib := builtinContent(t)
	b, err := engine.Prepare(context.Background(), disa, sel, engine.Options{Probes: list.Standard(), Library: []*xccdf.Content{lib}, LibraryValues: values})
	require.NoError(t, err)
	tg := &mysqlReplies{Target: r.open(t)}
	res, err := b.Evaluate(context.Background(), tg)
	require.NoError(t, err)
	require.Len(t, res.Rules, disaRules)
	assert.Positive(t, tg.asked)
	auto := map[string]bool{}
	for _, lr := range lib.Benchmark.Rules {
		auto[lr.Identity().VulnID] = len(lr.Checks) > 0
	}
	for _, rr := range res.Rules {
		want := engine.NotChecked
		if auto[rr.Identity.VulnID] {
			want = engine.NotApplicable
		}
		assert.Equal(t, want, rr.Status, rr.Identity.VulnID)
	}
}
