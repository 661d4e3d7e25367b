package engine

import (
	"fmt"
	"strings"

	"github.com/stigscan/stigscan/xccdf"
)

// chooseCheck picks the check to run: those with the refined selector (else
// the default, unselected ones), the first in a system stigscan evaluates.
func chooseCheck(checks []xccdf.Check, selector string) (*xccdf.Check, string) {
	var cands []*xccdf.Check
	for i := range checks {
		if checks[i].Selector == selector {
			cands = append(cands, &checks[i])
		}
	}
	if len(cands) == 0 {
		for i := range checks {
			if checks[i].Selector == "" {
				cands = append(cands, &checks[i])
			}
		}
	}
	if len(cands) == 0 {
		return nil, "the rule has no check"
	}
	var systems []string
	for _, c := range cands {
		if c.System == SystemOVAL {
			return c, ""
		}
		systems = append(systems, c.System)
	}
	// A manual check: keep it so its text is carried into the results.
	return cands[0], fmt.Sprintf("no automated check in a supported system (have: %s)", strings.Join(systems, ", "))
}
