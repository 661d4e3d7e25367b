package oval

import (
	"errors"
	"fmt"

	"github.com/stigscan/stigscan/collectors/host"
)

// ErrNotApplicable is what a probe returns when its object type has no
// meaning on the host at all; the object gets the flag "not applicable" and
// every test on it the result "not applicable". Custom probes may return it
// (wrapped) too.
var ErrNotApplicable = errors.New("oval: object type not applicable to this target")

// An offline target (a root folder or disk image; host.IsLive false) has
// files but no running kernel, processes or mounts. Each object type that
// describes only running state is answered the way the reference
// interpreter (OpenSCAP 1.3, OSCAP_PROBE_ROOT) answers it, so that results
// on an image agree with it; its probe says which answer (LiveOnly), and
// answerOffline gives it:
//
//   - uname_object and sysctl_object describe the running kernel and have no
//     offline reading at all: "not applicable".
//   - process58_object and environmentvariable58_object read the process
//     table, and an image runs no process: no item ("does not exist").
//   - partition_object reads the mount table, and nothing is mounted in an
//     image: no item ("does not exist").
//
// A live target is never affected.

// offline reports whether h is not a running system.
func offline(h host.Host) bool { return !host.IsLive(h) }

// answerOffline answers an object of a LiveOnly probe on an offline root:
// "not applicable", or no item with a note saying what the root lacks.
func answerOffline(q *Query, a OfflineAnswer) ([]*Item, error) {
	if a.NotApplicable {
		return nil, fmt.Errorf("%w: %s describes a running system and %s is an offline root", ErrNotApplicable, q.Object.Type, host.Describe(q.Host))
	}
	q.Note("info", fmt.Sprintf("%s is an offline root: it has no %s.", host.Describe(q.Host), a.Lacks))
	return nil, nil
}
