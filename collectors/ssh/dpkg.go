package ssh

import (
	"context"

	"github.com/stigscan/stigscan/collectors/host"
)

// dpkgStatusBody prints the lines of dpkg's status file that
// host.ParseDpkgStatus reads (field names are case-insensitive) and the
// blank lines between stanzas; -a keeps a stray NUL byte (a block zeroed
// by a crash) from turning the file into "binary file matches" and no
// lines. grep's "no line matched" (an empty file) is success.
const dpkgStatusBody = `f=` + host.DpkgStatusPath + `
if [ -f "$f" ]; then
	grep -a -i -E '^(package|status|version|architecture)[[:space:]]*:|^[[:space:]]*$' -- "$f"
	s=$?
	if [ $s -eq 1 ]; then s=0; fi
	exit $s
fi
exit 2
`

// DpkgStatus reads dpkg's status file cut down on the target to the fields
// of host.ParseDpkgStatus (host.DpkgStatusReader), a tenth of its bytes. A
// target without grep gets the whole file read.
func (h *Host) DpkgStatus(ctx context.Context) ([]byte, error) {
	res, err := h.script(ctx, "read dpkg status", dpkgStatusBody)
	if err != nil {
		return nil, err
	}
	if res.status == 0 {
		return res.stdout, nil
	}
	// No grep, a grep that refuses these options, or a file that cannot
	// be read: the whole-file read gives the data or the exact error.
	return h.ReadFile(ctx, host.DpkgStatusPath)
}
