package builtin

import (
	"fmt"

	"github.com/stigscan/stigscan/xccdf"
)

// Source is the Content.Path prefix of built-in content ("builtin:NAME").
const Source = "builtin:"

// Open parses one built-in benchmark, its checks resolved in FS.
func Open(name string, opt xccdf.Options) (*xccdf.Content, error) {
	data, err := Read(name)
	if err != nil {
		return nil, fmt.Errorf("builtin: %w", err)
	}
	return xccdf.OpenBytes(data, Source+name, FS(), opt)
}

// Library opens the checks of every STIG stigscan has checks for, in
// STIGNames order: the content engine.Options.Library binds imported DISA
// benchmarks to.
func Library() ([]*xccdf.Content, error) {
	var lib []*xccdf.Content
	for _, n := range STIGNames() {
		f, _ := STIG(n)
		c, err := Open(f, xccdf.Options{})
		if err != nil {
			return nil, fmt.Errorf("builtin: checks for %s: %w", n, err)
		}
		lib = append(lib, c)
	}
	return lib, nil
}
