package jsonres

import (
	"fmt"
	"strings"

	"github.com/stigscan/stigscan/engine"
	"github.com/stigscan/stigscan/internal/clip"
)

// MaxDetails bounds finding details and comments in checklists: STIG
// Manager keeps at most 32767 characters of each and STIG Viewer's text
// areas slow down well before that.
const MaxDetails = 32000

// Verdict is what a checklist shows for a rule: one of the four checklist
// statuses (as XCCDF results: pass, fail, notapplicable, notchecked), the
// finding details and the comments.
type Verdict struct {
	Status   engine.Status
	Details  string
	Comments string
	// Manual is set when the verdict is a person's review carried from a
	// previous checklist rather than stigscan's result.
	Manual bool
}

// ChecklistStatus maps an XCCDF result onto the four statuses a checklist
// knows: pass and fixed are not a finding, fail is open, notapplicable is
// not applicable, everything else is not reviewed.
func ChecklistStatus(s engine.Status) engine.Status {
	switch s {
	case engine.Pass, engine.Fixed:
		return engine.Pass
	case engine.Fail:
		return engine.Fail
	case engine.NotApplicable:
		return engine.NotApplicable
	}
	return engine.NotChecked
}

// Decided reports whether stigscan's own result settles the rule for a
// checklist (pass, fixed, fail or notapplicable).
func (r *Rule) Decided() bool {
	return ChecklistStatus(engine.Status(r.Status)) != engine.NotChecked
}

// Verdict returns what a checklist shows for r: a carried review when there
// is one, else stigscan's result with its evidence as finding details.
func (r *Rule) Verdict() Verdict {
	if rv := r.Review; rv != nil && rv.Status != "" {
		return Verdict{
			Status:   ChecklistStatus(engine.Status(rv.Status)),
			Details:  Truncate(rv.Details, MaxDetails),
			Comments: Truncate(joinNonEmpty("\n\n", rv.Comments, r.Comments), MaxDetails),
			Manual:   true,
		}
	}
	return Verdict{
		Status:   ChecklistStatus(engine.Status(r.Status)),
		Details:  Truncate(r.FindingDetails(), MaxDetails),
		Comments: Truncate(r.Comments, MaxDetails),
	}
}

// FindingDetails renders stigscan's result for a checklist's finding
// details: the result, the check, what was found and any messages. For a
// result a checklist shows as not reviewed it starts with why.
func (r *Rule) FindingDetails() string {
	var b strings.Builder
	st := engine.Status(r.Status)
	switch ChecklistStatus(st) {
	case engine.NotChecked:
		fmt.Fprintf(&b, "stigscan could not decide this rule automatically (result: %s).\n", st)
	default:
		fmt.Fprintf(&b, "stigscan result: %s\n", st)
	}
	if c := r.Check; c != nil {
		name := c.Name
		if name == "" {
			name = "all definitions"
		}
		fmt.Fprintf(&b, "Check: %s in %s\n", name, c.Href)
	}
	writeFound(&b, r.Evidence, r.Messages)
	for _, in := range r.Instances {
		fmt.Fprintf(&b, "\nInstance %s: %s\n", in.Name, in.Status)
		writeFound(&b, in.Evidence, in.Messages)
	}
	return strings.TrimRight(b.String(), "\n")
}

func writeFound(b *strings.Builder, evidence []string, msgs []Message) {
	if len(evidence) > 0 {
		b.WriteString("Found:\n")
		for _, e := range evidence {
			b.WriteString("  " + strings.ReplaceAll(e, "\n", "\n  ") + "\n")
		}
	}
	for _, m := range msgs {
		if m.Severity != "" {
			fmt.Fprintf(b, "%s: %s\n", m.Severity, m.Text)
		} else {
			b.WriteString(m.Text + "\n")
		}
	}
}

// Truncate shortens s to at most max bytes on a rune boundary, saying how
// much was cut.
func Truncate(s string, max int) string {
	if len(s) <= max {
		return s
	}
	const reserve = 64 // room for the note
	kept := clip.Cut(s, max-reserve, "")
	return kept + fmt.Sprintf("\n[truncated by stigscan: %d more bytes]", len(s)-len(kept))
}

func joinNonEmpty(sep string, parts ...string) string {
	var out []string
	for _, p := range parts {
		if strings.TrimSpace(p) != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, sep)
}
