package html_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	xhtml "golang.org/x/net/html"

	"github.com/stigscan/stigscan/collectors/secret"
	"github.com/stigscan/stigscan/engine"
	"github.com/stigscan/stigscan/internal/testutil"
	"github.com/stigscan/stigscan/report/carry"
	"github.com/stigscan/stigscan/report/html"
	"github.com/stigscan/stigscan/report/jsonres"
	"github.com/stigscan/stigscan/report/jsonres/jsonrestest"
	"github.com/stigscan/stigscan/xccdf"
)

var screenshot = flag.Bool("screenshot", false, "write docs/report-screenshot.png with headless Chromium")

func mongo(t *testing.T) *jsonres.Document {
	res := jsonrestest.Result(t, jsonrestest.DISA(t, "U_MDB_Enterprise_Advanced_4-x_STIG_V1R3_Manual-xccdf.xml"), "", jsonrestest.Assign)
	d := jsonres.FromResult(res, jsonres.Options{Version: "0.1.0"})
	// One carried manual review, as the CLI's --previous makes them.
	carry.Apply(d, &carry.Previous{Source: "db01-V1R2.ckl", Date: "2025-12-01", Reviews: []carry.Review{
		{VulnID: d.Rules[3].VulnID, RuleID: "SV-252137r813793_rule", Status: engine.NotApplicable, Details: "Audit logs go to syslog, handled by the SIEM STIG.", Comments: "J. Doe"},
	}})
	return d
}

func postgres(t *testing.T) *jsonres.Document {
	res := jsonrestest.Result(t, jsonrestest.DISA(t, "U_PGS_SQL_9-x_STIG_V2R5_Manual-xccdf.xml"), "", func(i int, r *xccdf.Rule) jsonrestest.Outcome {
		return jsonrestest.Assign(i+5, r)
	})
	res.Facts.Hostname, res.Target = "db02", secret.RedactTarget("ssh://db02.example.mil")
	return jsonres.FromResult(res, jsonres.Options{Version: "0.1.0"})
}

// shownStatus is the status a row shows: a carried review's, else stigscan's.
func shownStatus(r jsonres.Rule) string {
	if r.Review != nil {
		return r.Review.Status
	}
	return r.Status
}

func render(t *testing.T, docs ...*jsonres.Document) []byte {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, html.Writer{}.WriteDocument(&buf, docs...))
	return buf.Bytes()
}

type parsedRow struct{ status, severity, target, vuln string }

// parse reads the page with an HTML5 parser and returns the rule rows and
// every URL the page refers to.
func parse(t *testing.T, page []byte) (rows []parsedRow, urls []string, csp string) {
	t.Helper()
	doc, err := xhtml.Parse(bytes.NewReader(page))
	require.NoError(t, err)
	var walk func(n *xhtml.Node, inRules bool)
	walk = func(n *xhtml.Node, inRules bool) {
		if n.Type == xhtml.ElementNode {
			attrs := map[string]string{}
			for _, a := range n.Attr {
				attrs[a.Key] = a.Val
				if a.Key == "src" || a.Key == "href" || a.Key == "action" {
					urls = append(urls, a.Val)
				}
			}
			if n.Data == "meta" && attrs["http-equiv"] == "Content-Security-Policy" {
				csp = attrs["content"]
			}
			if n.Data == "table" && attrs["id"] == "rules" {
				inRules = true
			}
			if inRules && n.Data == "tr" && attrs["data-status"] != "" {
				r := parsedRow{status: attrs["data-status"], severity: attrs["data-severity"], target: attrs["data-target"]}
				for c := n.FirstChild; c != nil; c = c.NextSibling {
					if c.Type == xhtml.ElementNode && c.Data == "td" && hasClass(c, "ids") && c.FirstChild != nil {
						r.vuln = c.FirstChild.Data
						break
					}
				}
				rows = append(rows, r)
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, inRules)
		}
	}
	walk(doc, false)
	return rows, urls, csp
}

func hasClass(n *xhtml.Node, class string) bool {
	for _, a := range n.Attr {
		if a.Key == "class" && strings.Contains(" "+a.Val+" ", " "+class+" ") {
			return true
		}
	}
	return false
}

func TestWriteOneScan(t *testing.T) {
	d := mongo(t)
	page := render(t, d)
	rows, urls, csp := parse(t, page)
	assert.Empty(t, urls, "the page refers to nothing outside itself")
	assert.Contains(t, csp, "default-src 'none'")
	require.Len(t, rows, len(d.Rules))
	for i, r := range rows {
		assert.Equal(t, shownStatus(d.Rules[i]), r.status)
		assert.Equal(t, d.Rules[i].Severity, r.severity)
		assert.Equal(t, d.Rules[i].VulnID, r.vuln)
	}
	s := string(page)
	assert.Contains(t, s, "MongoDB Enterprise Advanced 4.x Security Technical Implementation Guide")
	assert.Contains(t, s, "found &lt;auditLog&gt; &amp; &#34;setParameter&#34; missing", "evidence is escaped")
	assert.NotContains(t, s, "<auditLog>")
	assert.Contains(t, s, `<span class="manual"`, "the carried review is marked manual")
	assert.Contains(t, s, "Audit logs go to syslog")
	assert.Contains(t, s, "CCI-000130")
	assert.Equal(t, page, render(t, d), "deterministic")
}

func TestWriteFleet(t *testing.T) {
	d1, d2 := mongo(t), postgres(t)
	page := render(t, d1, d2)
	rows, urls, _ := parse(t, page)
	assert.Empty(t, urls)
	require.Len(t, rows, len(d1.Rules)+len(d2.Rules))
	assert.Equal(t, "db01", rows[0].target)
	assert.Equal(t, "db02", rows[len(rows)-1].target)
	s := string(page)
	assert.Contains(t, s, "stigscan report: 2 targets")
	assert.Contains(t, s, `<option value="db02">db02</option>`)
}

func TestWriteRefusesNothing(t *testing.T) {
	require.Error(t, html.Writer{}.WriteDocument(&bytes.Buffer{}))
}

func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("chromium is absent: install Debian's chromium package to test the report in a browser")
	return ""
}

// TestInChromium opens a fleet report in headless Chromium and uses it as a
// person would: clicking status and severity filters, searching, opening a
// URL with preset filters and a rule's details. The page must make no
// network request and raise no script error.
func TestInChromium(t *testing.T) {
	browser := chromium(t)
	jsonrestest.NodeHarness(t)
	d1, d2 := mongo(t), postgres(t)
	p := filepath.Join(t.TempDir(), "report.html")
	require.NoError(t, os.WriteFile(p, render(t, d1, d2), 0o600))

	count := map[string]int{}
	bySev := map[[2]string]int{}
	search := 0
	for _, d := range []*jsonres.Document{d1, d2} {
		for _, r := range d.Rules {
			st := shownStatus(r)
			count[st]++
			bySev[[2]string{st, r.Severity}]++
			if st != "notselected" {
				for _, c := range r.CCIs {
					if c == "CCI-000130" {
						search++
						break
					}
				}
			}
		}
	}
	total := len(d1.Rules) + len(d2.Rules)
	visible := total - count["notselected"]
	highVisible := 0
	for k, n := range bySev {
		if k[1] == "high" && k[0] != "notselected" && k[0] != "pass" {
			highVisible += n
		}
	}

	var got struct {
		Error             string   `json:"error"`
		Total             int      `json:"total"`
		Initial           int      `json:"initial"`
		ShownText         string   `json:"shownText"`
		AfterUncheckPass  int      `json:"afterUncheckPass"`
		HashAfterClick    string   `json:"hashAfterClick"`
		AfterUncheckHigh  int      `json:"afterUncheckHigh"`
		AfterRecheck      int      `json:"afterRecheck"`
		AfterSearch       int      `json:"afterSearch"`
		HashFail          int      `json:"hashFail"`
		HashFailErrorHigh int      `json:"hashFailErrorHigh"`
		DetailsOpenBefore bool     `json:"detailsOpenBefore"`
		DetailsOpenAfter  bool     `json:"detailsOpenAfter"`
		Requests          []string `json:"requests"`
		ConsoleErrors     []string `json:"consoleErrors"`
	}
	require.NoError(t, json.Unmarshal(jsonrestest.RunNode(t, "htmlcheck.mjs", browser, p), &got))
	require.Empty(t, got.Error)
	assert.Equal(t, total, got.Total)
	assert.Equal(t, visible, got.Initial, "not selected rules are hidden until chosen")
	assert.Contains(t, got.ShownText, "of")
	assert.Equal(t, visible-count["pass"], got.AfterUncheckPass, "clicking the pass filter hides passing rules")
	assert.Contains(t, got.HashAfterClick, "status=", "the filter is kept in the address")
	assert.Equal(t, visible-count["pass"]-highVisible, got.AfterUncheckHigh, "then the high severity filter")
	assert.Equal(t, visible, got.AfterRecheck)
	assert.Equal(t, search, got.AfterSearch, "searching a CCI")
	assert.Equal(t, count["fail"], got.HashFail, "#status=fail preset")
	assert.Equal(t, bySev[[2]string{"fail", "high"}]+bySev[[2]string{"error", "high"}], got.HashFailErrorHigh)
	assert.False(t, got.DetailsOpenBefore)
	assert.True(t, got.DetailsOpenAfter, "a rule's details open on click")
	assert.Empty(t, got.Requests, "no network request")
	assert.Empty(t, got.ConsoleErrors)
	t.Logf("chromium: %d rows, %d shown, %d after unchecking pass, %d after unchecking high, %d for #status=fail, %d for the search",
		got.Total, got.Initial, got.AfterUncheckPass, got.AfterUncheckHigh, got.HashFail, got.AfterSearch)

	if !*screenshot {
		return
	}
	out := filepath.Join(testutil.RepoRoot(t), "docs", "report-screenshot.png")
	single := filepath.Join(t.TempDir(), "single.html")
	require.NoError(t, os.WriteFile(single, render(t, d1, d2), 0o600))
	cmd := exec.Command(browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
		"--user-data-dir="+t.TempDir(), "--screenshot="+out, "--window-size=1400,1000", "file://"+single)
	b, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", b)
	t.Logf("wrote %s", out)
}

// TestWarningsShown: what a target said about how it was scanned (a
// database scan as a superuser) is in the page's header, escaped.
func TestWarningsShown(t *testing.T) {
	d := postgres(t)
	d.Target.Warnings = []string{"the scan's role <r> is a superuser"}
	s := string(render(t, d))
	assert.Contains(t, s, `<p class="warning" role="alert">warning: `)
	assert.Contains(t, s, "the scan&#39;s role &lt;r&gt; is a superuser")
	d.Target.Warnings = nil
	assert.NotContains(t, string(render(t, d)), `class="warning"`)
}
