package engine

import (
	"strings"

	"github.com/stigscan/stigscan/oval"
)

// why collects the messages of the tests under a definition that did not
// give a true or false answer, so an error result says what went wrong.
func (r *ovalRun) why(d *oval.DefinitionResult) []Message {
	if r.tests == nil {
		r.tests = make(map[string]*oval.TestResult, len(r.results.Tests))
		for _, t := range r.results.Tests {
			r.tests[t.ID] = t
		}
	}
	var out []Message
	seen := map[string]bool{}
	var walk func(c *oval.CriteriaResult, depth int)
	walk = func(c *oval.CriteriaResult, depth int) {
		if c == nil || depth > 64 || c.Result == oval.True || c.Result == oval.False {
			return
		}
		switch c.Kind {
		case "criterion":
			if t := r.tests[c.Ref]; t != nil {
				for _, m := range t.Messages {
					if !seen[m.Text] {
						seen[m.Text] = true
						out = append(out, Message{Severity: strings.ToLower(m.Level), Text: m.Text})
					}
				}
			}
		case "extend_definition":
			if sub := r.results.Definition(c.Ref); sub != nil {
				for _, m := range sub.Messages {
					if !seen[m.Text] {
						seen[m.Text] = true
						out = append(out, Message{Severity: strings.ToLower(m.Level), Text: m.Text})
					}
				}
				walk(sub.Criteria, depth+1)
			}
		}
		for _, ch := range c.Children {
			walk(ch, depth+1)
		}
	}
	walk(d.Criteria, 0)
	return out
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
