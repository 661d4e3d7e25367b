package cli

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/stigscan/stigscan/collectors/secret"
	"github.com/stigscan/stigscan/engine"
	"github.com/stigscan/stigscan/xccdf"
)

// TestSummaryShowsWarnings: a scan's warnings follow its totals on stdout,
// where the person who ran it looks first.
func TestSummaryShowsWarnings(t *testing.T) {
	var out bytes.Buffer
	res := &engine.Result{Benchmark: &xccdf.Benchmark{ID: "x"}, Target: secret.RedactTarget("postgres://u:pw@db/x"),
		Warnings: []string{"the scan connected as u, which is a superuser"}}
	printSummary(&out, res, true)
	assert.Contains(t, out.String(), "warning: postgres://u:[redacted]@db/x: the scan connected as u, which is a superuser\n")
}
