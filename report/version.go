package report

import (
	"runtime/debug"
	"strings"
)

// module is stigscan's module path, looked up in the build information.
const module = "github.com/stigscan/stigscan"

// Version is the stigscan version a binary was built from, as the
// generated documents record it, read from the build information:
//
//   - the module version without its "v" when stigscan was built as a
//     release or a dependency ("1.4.0", or a pseudo-version such as
//     "0.0.0-20261207183545-5904145abcde+dirty" that go build stamps from
//     the repository);
//   - for a development build without one, "dev+" and the first 12 digits
//     of the VCS revision, ".dirty" added when the tree had changes
//     ("dev+5904145a5f56.dirty");
//   - "dev" when the build carries neither (go test, go run).
func Version() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "dev"
	}
	return version(bi)
}

func version(bi *debug.BuildInfo) string {
	m := &bi.Main
	if m.Path != module {
		// Embedded in another program: stigscan is one of its modules.
		m = nil
		for _, d := range bi.Deps {
			if d.Path == module {
				m = d
				if d.Replace != nil && d.Replace.Version != "" {
					m = d.Replace
				}
				break
			}
		}
		if m == nil {
			return "dev"
		}
	}
	if v := m.Version; v != "" && v != "(devel)" {
		return strings.TrimPrefix(v, "v")
	}
	if m != &bi.Main {
		return "dev"
	}
	var rev string
	var dirty bool
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if rev == "" {
		return "dev"
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if dirty {
		return "dev+" + rev + ".dirty"
	}
	return "dev+" + rev
}
