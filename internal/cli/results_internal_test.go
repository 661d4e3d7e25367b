package cli

import (
	"bytes"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/stigscan/stigscan/collectors/secret"
	"github.com/stigscan/stigscan/engine"
	"github.com/stigscan/stigscan/xccdf"
)

func TestOVALResultsName(t *testing.T) {
	tests := []struct {
		name, file, href string
		i                int
		want             string
	}{
		{name: "first keeps FILE", file: "out/oval.xml", href: "ssg-debian11-oval.xml", i: 0, want: "out/oval.xml"},
		{name: "others get the document name", file: "out/oval.xml", href: "ssg-debian11-cpe-oval.xml", i: 1, want: filepath.Join("out", "ssg-debian11-cpe-oval-oval.xml")},
		{name: "href with folders", file: "r.xml", href: "checks/U_RHEL_9_V2R9-oval.xml", i: 2, want: "U_RHEL_9_V2R9-oval-r.xml"},
		{name: "component reference", file: "r.xml", href: "#scap_comp_oval", i: 1, want: "_scap_comp_oval-r.xml"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, ovalResultsName(tc.file, &engine.OVALReport{Href: tc.href}, tc.i))
		})
	}
}

// TestSummaryShowsWarnings: a scan's warnings follow its totals on stdout,
// where the person who ran it looks first.
func TestSummaryShowsWarnings(t *testing.T) {
	var out bytes.Buffer
	res := &engine.Result{Benchmark: &xccdf.Benchmark{ID: "x"}, Target: secret.RedactTarget("postgres://u:pw@db/x"),
		Warnings: []string{"the scan connected as u, which is a superuser"}}
	printSummary(&out, res, true)
	assert.Contains(t, out.String(), "warning: postgres://u:[redacted]@db/x: the scan connected as u, which is a superuser\n")
}
