package engine_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/builtin"
	"github.com/stigscan/stigscan/collectors/local"
	"github.com/stigscan/stigscan/engine"
	"github.com/stigscan/stigscan/xccdf"
)

// failingRoot is an offline root that fails the built-in baseline's
// password-age and root-login rules: PASS_MAX_DAYS 99999, and an
// sshd_config that permits root logins.
func failingRoot(t *testing.T) *local.Host {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"etc/login.defs":      "# login.defs\nPASS_MAX_DAYS\t99999\nPASS_MIN_DAYS\t0\n",
		"etc/ssh/sshd_config": "Port 22\nPermitRootLogin yes\nPasswordAuthentication no\n",
		"etc/passwd":          "root:x:0:0:root:/root:/bin/sh\n",
		"etc/shadow":          "root:*:19000:0:99999:7:::\n",
		"var/lib/dpkg/status": "Package: base-files\nStatus: install ok installed\nVersion: 12\nArchitecture: amd64\n",
	}
	for name, body := range files {
		p := filepath.Join(dir, name)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(body), 0o600))
	}
	h, err := local.NewRoot(dir)
	require.NoError(t, err)
	return h
}

// The first evidence line is what summaries show (the HTML table's
// evidence column, checklists' finding details lead with it): it must be
// the criterion that failed, with the value that failed, whole.
func TestEvidenceLeadsWithWhatFailed(t *testing.T) {
	data, err := builtin.Read(builtin.LinuxBenchmark)
	require.NoError(t, err)
	c, err := xccdf.OpenBytes(data, builtin.LinuxBenchmark, builtin.FS(), xccdf.Options{})
	require.NoError(t, err)
	sel, err := xccdf.Resolve(c.Benchmark, nil, "xccdf_io.stigscan_profile_offline")
	require.NoError(t, err)
	fixed := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	b, err := engine.Prepare(context.Background(), c, sel, engine.Options{Now: func() time.Time { return fixed }})
	require.NoError(t, err)
	res, err := b.Evaluate(context.Background(), failingRoot(t))
	require.NoError(t, err)
	byRule := map[string]*engine.RuleResult{}
	for _, rr := range res.Rules {
		byRule[rr.Rule.ID] = rr
	}

	for _, tt := range []struct {
		name, rule string
		lead       string // the first line starts with it
		has        []string
		notFirst   string // a criterion that held may follow, never lead
	}{
		{
			name: "PermitRootLogin", rule: "xccdf_io.stigscan_rule_sshd_no_root_login",
			lead:     "PermitRootLogin no: no matching items",
			notFirst: "sshd_config exists",
		},
		{
			name: "PASS_MAX_DAYS", rule: "xccdf_io.stigscan_rule_pass_max_days",
			lead: "PASS_MAX_DAYS value: textfilecontent filepath=/etc/login.defs ",
			has:  []string{"text=PASS_MAX_DAYS 99999 subexpression=99999 → false"},
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rr := byRule[tt.rule]
			require.NotNil(t, rr)
			assert.Equal(t, engine.Fail, rr.Status)
			require.NotEmpty(t, rr.Evidence)
			first := rr.Evidence[0]
			assert.Truef(t, len(first) >= len(tt.lead) && first[:len(tt.lead)] == tt.lead, "want first line to start %q, got %q", tt.lead, first)
			for _, h := range tt.has {
				assert.Contains(t, first, h)
			}
			if tt.notFirst != "" {
				assert.NotContains(t, first, tt.notFirst)
				assert.Contains(t, rr.Evidence[1], tt.notFirst, "what held is still reported")
			}
		})
	}
}
