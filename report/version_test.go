package report

import (
	"runtime/debug"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestVersion(t *testing.T) {
	vcs := func(rev, modified string) []debug.BuildSetting {
		return []debug.BuildSetting{{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: rev}, {Key: "vcs.time", Value: "2026-12-07T18:00:00Z"}, {Key: "vcs.modified", Value: modified}}
	}
	const rev = "59041450a5f56b2ec8ad06eabae4e12b5fcc2cb9"
	tests := []struct {
		name string
		bi   debug.BuildInfo
		want string
	}{
		{name: "release", bi: debug.BuildInfo{Main: debug.Module{Path: module, Version: "v1.4.0"}}, want: "1.4.0"},
		{name: "stamped pseudo-version", bi: debug.BuildInfo{Main: debug.Module{Path: module, Version: "v0.0.0-20261207180000-59041450a5f5+dirty"}, Settings: vcs(rev, "true")},
			want: "0.0.0-20261207180000-59041450a5f5+dirty"},
		{name: "devel with VCS", bi: debug.BuildInfo{Main: debug.Module{Path: module, Version: "(devel)"}, Settings: vcs(rev, "false")}, want: "dev+59041450a5f5"},
		{name: "devel with changes", bi: debug.BuildInfo{Main: debug.Module{Path: module, Version: "(devel)"}, Settings: vcs(rev, "true")}, want: "dev+59041450a5f5.dirty"},
		{name: "devel without VCS", bi: debug.BuildInfo{Main: debug.Module{Path: module, Version: "(devel)"}}, want: "dev"},
		{name: "embedded as a dependency", bi: debug.BuildInfo{Main: debug.Module{Path: "example.com/scanner", Version: "v2.0.0"},
			Deps: []*debug.Module{{Path: "golang.org/x/sync", Version: "v0.10.0"}, {Path: module, Version: "v1.3.2"}}}, want: "1.3.2"},
		{name: "embedded through a replace", bi: debug.BuildInfo{Main: debug.Module{Path: "example.com/scanner"},
			Deps: []*debug.Module{{Path: module, Version: "v1.3.2", Replace: &debug.Module{Path: "example.com/fork", Version: "v1.3.3-fork"}}}}, want: "1.3.3-fork"},
		{name: "embedded, replaced by a directory", bi: debug.BuildInfo{Main: debug.Module{Path: "example.com/scanner"},
			Deps: []*debug.Module{{Path: module, Version: "(devel)", Replace: &debug.Module{Path: "../stigscan"}}}, Settings: vcs(rev, "false")}, want: "dev"},
		{name: "not linked in", bi: debug.BuildInfo{Main: debug.Module{Path: "example.com/other"}}, want: "dev"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, version(&tc.bi))
		})
	}
}
