package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/stigscan/stigscan/engine"
	"github.com/stigscan/stigscan/internal/clip"
)

// ruleRow is one row of `stigscan rules`; the JSON keys are part of the CLI's
// contract.
type ruleRow struct {
	VulnID    string   `json:"vuln_id"`
	RuleID    string   `json:"rule_id"`
	RuleStem  string   `json:"rule_stem"`
	Revision  string   `json:"revision"`
	STIGID    string   `json:"stig_id"`
	CCIs      []string `json:"ccis"`
	LegacyIDs []string `json:"legacy_ids"`
	Severity  string   `json:"severity"`
	Title     string   `json:"title"`
}

func runRules(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("rules", flag.ContinueOnError)
	var cf contentFlags
	cf.register(fs)
	asJSON := fs.Bool("json", false, "write a JSON array of objects")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return helpOrErr(e, fs, "rules [FILE] [--profile ID] [--tailoring-file F] [--json]", err)
	}
	if len(pos) > 1 {
		return usageErr("rules: one FILE at most, got %d", len(pos))
	}
	file := ""
	if len(pos) == 1 {
		file = pos[0]
	}
	c, err := cf.open(file)
	if err != nil {
		return err
	}
	sel, err := cf.selection(c)
	if err != nil {
		return err
	}
	// As scan does: a tailoring's values for the built-in checks are no
	// problem. Only a tailoring sets such values, so without one the
	// built-in library is not parsed just to list rules.
	problems := sel.Problems
	if cf.tailoring != nil {
		lib, err := cf.library(c)
		if err != nil {
			return err
		}
		_, problems = engine.LibraryBinding(lib, cf.tailoring, sel)
	}
	rows := make([]ruleRow, 0, len(sel.Rules))
	for _, r := range sel.Rules {
		id := r.Identity()
		rows = append(rows, ruleRow{
			VulnID: id.VulnID, RuleID: id.RuleID, RuleStem: id.RuleStem, Revision: id.Revision,
			STIGID: id.STIGID, CCIs: nonNil(id.CCIs), LegacyIDs: nonNil(id.LegacyIDs),
			Severity: r.Severity, Title: r.Title,
		})
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rows)
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "VULN_ID\tRULE_ID\tRULE_STEM\tREVISION\tSTIG_ID\tCCI\tLEGACY\tSEVERITY\tTITLE")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", dash(r.VulnID), r.RuleID, dash(r.RuleStem), dash(r.Revision),
			dash(r.STIGID), dash(firstOf(r.CCIs, maxCCIsShown)), dash(firstOf(r.LegacyIDs, maxCCIsShown)), r.Severity, oneLine(r.Title, 90))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, p := range problems {
		fmt.Fprintln(e.stderr, "warning:", p)
	}
	return nil
}

// maxCCIsShown bounds the CCIs (and legacy ids) a row of the text table
// lists, so that one rule with many (DISA gives some sixteen) does not
// widen the column for every row; --json lists them all.
const maxCCIsShown = 3

// firstOf joins the first n of ss and says how many more there are:
// "CCI-000001,CCI-000002,CCI-000003 +13 more".
func firstOf(ss []string, n int) string {
	if len(ss) <= n {
		return strings.Join(ss, ",")
	}
	return fmt.Sprintf("%s +%d more", strings.Join(ss[:n], ","), len(ss)-n)
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func oneLine(s string, max int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > max {
		return clip.Cut(s, max-1, "…")
	}
	return s
}
