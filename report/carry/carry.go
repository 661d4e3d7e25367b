// Package carry brings people's reviews forward from a previous checklist
// (CKL or CKLB) into a new scan's results, across STIG releases.
//
// A rule the scan could not decide (a checklist would show it Not_Reviewed)
// takes the previous review's status, finding details and comments. A rule
// the scan decided keeps stigscan's result; when that differs from the
// previous review, the rule's comments say so, with the previous status,
// file and date. Rules are matched as xccdf.MatchRules does: by Vuln-ID,
// else a shared legacy id, else STIG-ID, each previous review used once —
// never by the full Rule-ID, whose revision DISA bumps every release.
//
// What stigscan itself wrote into a previous checklist is not a person's
// review and is not carried: finding details that start with stigscan's
// own result line, with no comments of a person.
package carry

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/stigscan/stigscan/engine"
	"github.com/stigscan/stigscan/report/ckl"
	"github.com/stigscan/stigscan/report/cklb"
	"github.com/stigscan/stigscan/report/jsonres"
)

// NotePrefix starts every line stigscan adds to a checklist's comments;
// such lines are dropped when comments are carried again.
const NotePrefix = "stigscan: "

// Review is one rule's review in a previous checklist.
type Review struct {
	Benchmark string // the STIG's id (stigid)
	VulnID    string
	RuleID    string
	STIGID    string
	LegacyIDs []string
	// Status is the checklist status as an XCCDF result: pass, fail,
	// notapplicable or notchecked.
	Status   engine.Status
	Details  string
	Comments string
	// Date is when the rule was last reviewed, if the checklist says.
	Date string
}

// Previous is what a previous checklist holds.
type Previous struct {
	// Source names the checklist (its file name).
	Source string
	// Date is used for reviews without their own date (the file's
	// modification date).
	Date    string
	Reviews []Review
}

// FromCKL lists the reviews of a STIG Viewer 2 checklist.
func FromCKL(c *ckl.Checklist, source, date string) *Previous {
	p := &Previous{Source: source, Date: date}
	for _, s := range c.STIGs {
		bench := s.InfoValue("stigid")
		for _, v := range s.Vulns {
			p.Reviews = append(p.Reviews, Review{
				Benchmark: bench,
				VulnID:    v.Attr("Vuln_Num"),
				RuleID:    v.Attr("Rule_ID"),
				STIGID:    v.Attr("Rule_Ver"),
				LegacyIDs: v.Attrs("LEGACY_ID"),
				Status:    ckl.ResultOf(v.Status),
				Details:   v.FindingDetails,
				Comments:  v.Comment,
			})
		}
	}
	return p
}

// FromCKLB lists the reviews of a STIG Viewer 3 checklist; each rule's
// updatedAt is its review date.
func FromCKLB(c *cklb.Checklist, source, date string) *Previous {
	p := &Previous{Source: source, Date: date}
	for _, s := range c.STIGs {
		for _, r := range s.Rules {
			ruleID := string(r.RuleIDSrc)
			if ruleID == "" && r.RuleID != "" {
				ruleID = string(r.RuleID) + "_rule"
			}
			p.Reviews = append(p.Reviews, Review{
				Benchmark: string(s.STIGID),
				VulnID:    string(r.GroupID),
				RuleID:    ruleID,
				STIGID:    string(r.RuleVersion),
				LegacyIDs: r.LegacyIDs,
				Status:    cklb.ResultOf(string(r.Status)),
				Details:   string(r.FindingDetails),
				Comments:  string(r.Comments),
				Date:      string(r.UpdatedAt),
			})
		}
	}
	return p
}

// Read reads a previous checklist, CKL or CKLB, telling them apart by
// content. name is recorded as its source.
func Read(r io.Reader, name, date string) (*Previous, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("carry: %w", err)
	}
	trimmed := bytes.TrimLeft(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")), " \t\r\n")
	if bytes.HasPrefix(trimmed, []byte("{")) {
		c, err := cklb.Read(bytes.NewReader(data))
		if err != nil {
			return nil, fmt.Errorf("carry: %s: %w", name, err)
		}
		return FromCKLB(c, name, date), nil
	}
	c, err := ckl.Read(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("carry: %s: %w", name, err)
	}
	return FromCKL(c, name, date), nil
}

// Load reads a previous checklist file; its modification date dates the
// reviews that carry no date of their own.
func Load(path string) (*Previous, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("carry: %w", err)
	}
	defer f.Close()
	date := ""
	if st, err := f.Stat(); err == nil {
		date = st.ModTime().UTC().Format("2006-01-02")
	}
	return Read(f, filepath.Base(path), date)
}

// Summary counts what Apply did.
type Summary struct {
	// Matched counts rules paired with a previous review, by how they
	// were matched (vuln-id, legacy-id, stig-id).
	Matched map[string]int
	// Carried counts reviews brought into undecided rules.
	Carried int
	// Differs counts decided rules whose result differs from the
	// previous review.
	Differs int
}

// Apply carries prev's reviews into d, in place. Reviews of the same STIG
// (by benchmark id) are used when the previous checklist has any, else all
// of them.
func Apply(d *jsonres.Document, prev *Previous) Summary {
	sum := Summary{Matched: map[string]int{}}
	reviews := prev.Reviews
	var same []Review
	for _, r := range reviews {
		if r.Benchmark == d.Benchmark.ID {
			same = append(same, r)
		}
	}
	if len(same) > 0 {
		reviews = same
	}
	m := newMatcher(reviews)
	for i := range d.Rules {
		r := &d.Rules[i]
		pr, by := m.match(r)
		if pr == nil {
			continue
		}
		sum.Matched[by]++
		if !personal(pr) {
			continue
		}
		date := pr.Date
		if date == "" {
			date = prev.Date
		}
		if r.Decided() {
			now := jsonres.ChecklistStatus(engine.Status(r.Status))
			if pr.Status != now {
				sum.Differs++
				r.Comments = addNote(r.Comments, fmt.Sprintf("%sautomated result %s differs from the previous review %s (%s)",
					NotePrefix, ckl.StatusOf(now), ckl.StatusOf(pr.Status), where(prev.Source, date, pr.RuleID)))
			}
			continue
		}
		sum.Carried++
		r.Review = &jsonres.Review{
			Status:         string(pr.Status),
			Details:        pr.Details,
			Comments:       stripNotes(pr.Comments),
			Source:         prev.Source,
			Date:           date,
			MatchedBy:      by,
			PreviousRuleID: pr.RuleID,
		}
		r.Comments = addNote(r.Comments, fmt.Sprintf("%sreview %s carried from the previous checklist (%s), matched by %s; stigscan's own result: %s",
			NotePrefix, ckl.StatusOf(pr.Status), where(prev.Source, date, pr.RuleID), by, r.Status))
	}
	return sum
}

func where(source, date, ruleID string) string {
	parts := []string{}
	for _, p := range []string{source, date, ruleID} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, ", ")
}

func addNote(comments, note string) string {
	if comments == "" {
		return note
	}
	return comments + "\n" + note
}

// stripNotes drops the lines stigscan added to comments.
func stripNotes(s string) string {
	var keep []string
	for _, l := range strings.Split(s, "\n") {
		if !strings.HasPrefix(l, NotePrefix) {
			keep = append(keep, l)
		}
	}
	return strings.TrimSpace(strings.Join(keep, "\n"))
}

// personal reports whether a previous review holds something a person
// decided or wrote, rather than stigscan's own output or nothing.
func personal(r *Review) bool {
	comments := stripNotes(r.Comments)
	ours := strings.HasPrefix(r.Details, "stigscan result: ") || strings.HasPrefix(r.Details, "stigscan could not decide")
	if ours && comments == "" {
		return false
	}
	if r.Status == engine.NotChecked && strings.TrimSpace(r.Details) == "" && comments == "" {
		return false
	}
	return true
}

var reStem = regexp.MustCompile(`^SV-\d+`)

// matcher pairs new rules with previous reviews, each review once.
type matcher struct {
	byVuln, byLegacy, bySTIG map[string]*Review
	used                     map[*Review]bool
}

func newMatcher(reviews []Review) *matcher {
	m := &matcher{byVuln: map[string]*Review{}, byLegacy: map[string]*Review{}, bySTIG: map[string]*Review{}, used: map[*Review]bool{}}
	for i := range reviews {
		r := &reviews[i]
		if r.VulnID != "" {
			m.byVuln[r.VulnID] = r
			m.byLegacy[r.VulnID] = r
		}
		if stem := reStem.FindString(r.RuleID); stem != "" {
			m.byLegacy[stem] = r
		}
		for _, l := range r.LegacyIDs {
			if _, taken := m.byLegacy[l]; !taken {
				m.byLegacy[l] = r
			}
		}
		if r.STIGID != "" {
			m.bySTIG[r.STIGID] = r
		}
	}
	return m
}

func (m *matcher) take(r *Review, by string) (*Review, string) {
	m.used[r] = true
	return r, by
}

func (m *matcher) match(r *jsonres.Rule) (*Review, string) {
	if p := m.byVuln[r.VulnID]; r.VulnID != "" && p != nil && !m.used[p] {
		return m.take(p, "vuln-id")
	}
	for _, l := range r.LegacyIDs {
		if p := m.byLegacy[l]; p != nil && !m.used[p] {
			return m.take(p, "legacy-id")
		}
	}
	if p := m.bySTIG[r.STIGID]; r.STIGID != "" && p != nil && !m.used[p] {
		return m.take(p, "stig-id")
	}
	return nil, ""
}
