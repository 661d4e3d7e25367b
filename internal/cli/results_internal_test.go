package cli

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/stigscan/stigscan/engine"
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
