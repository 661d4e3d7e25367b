package local

import (
	"context"

	"github.com/stigscan/stigscan/collectors/host"
	"github.com/stigscan/stigscan/collectors/secret"
	"github.com/stigscan/stigscan/collectors/target"
)

var _ host.KindProvider = (*Host)(nil)

// rootPrefix starts an offline root's target: "local:/path/to/root".
const rootPrefix = "local:"

// Kind is the live machine stigscan runs on: the target "local".
func Kind() target.Kind {
	return target.Kind{
		Name: "local", Title: "local machine", Class: target.Machine,
		Words: []string{"local"}, Usage: "local",
		Open: func(_ context.Context, r target.Request) (host.Host, func() error, error) {
			return New(WithMaxFileBytes(r.Env.MaxFileBytes)), nil, nil
		},
		DefaultName: func(string) string { return "local" },
	}
}

// RootKind is an offline system image in a folder, read as a machine
// whose "/" is the folder: "local:/path/to/root".
func RootKind() target.Kind {
	return target.Kind{
		Name: "root", Title: "offline root", Class: target.Machine,
		Schemes: []string{rootPrefix}, Usage: rootPrefix + "/path/to/root",
		Open: func(_ context.Context, r target.Request) (host.Host, func() error, error) {
			h, err := NewRoot(r.Spec[len(rootPrefix):], WithMaxFileBytes(r.Env.MaxFileBytes))
			if err != nil {
				return nil, nil, err
			}
			return h, nil, nil
		},
		DefaultName: func(spec string) string {
			return target.NameFromPath(secret.RedactTarget(spec).String(), rootPrefix)
		},
	}
}

// Kind is Kind's or RootKind's description, as the host is live or a
// root folder.
func (h *Host) Kind() host.Kind {
	if h.root == "" {
		return Kind().Host()
	}
	return RootKind().Host()
}
