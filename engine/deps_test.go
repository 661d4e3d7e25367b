package engine_test

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestLinksNoDatabaseDriver: the engine receives its probes from the
// caller (Options.Probes), so a program embedding it links no database
// driver and no probe family it did not choose.
func TestLinksNoDatabaseDriver(t *testing.T) {
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("the go command is not on PATH, so the engine's dependencies cannot be listed")
	}
	out, err := exec.Command(gobin, "list", "-deps", "-f", "{{.ImportPath}}", ".").Output()
	require.NoError(t, err, "go list -deps")
	deps := strings.Fields(string(out))
	require.Contains(t, deps, "github.com/stigscan/stigscan/oval", "go list -deps listed the engine's dependencies")
	forbidden := []string{
		"go.mongodb.org/mongo-driver", // MongoDB
		"github.com/jackc/pgx",        // PostgreSQL
		"github.com/sijms/go-ora",     // Oracle
		"github.com/stigscan/stigscan/collectors/mongodb",
		"github.com/stigscan/stigscan/collectors/postgres",
		"github.com/stigscan/stigscan/collectors/oracle",
		"github.com/stigscan/stigscan/oval/probes/",
	}
	for _, d := range deps {
		for _, f := range forbidden {
			assert.False(t, d == f || strings.HasPrefix(d, strings.TrimSuffix(f, "/")+"/"), "engine depends on %s", d)
		}
	}
}
