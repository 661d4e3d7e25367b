package ckl_test

import (
	"bytes"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/engine"
	"github.com/stigscan/stigscan/internal/testutil"
	"github.com/stigscan/stigscan/report/ckl"
	"github.com/stigscan/stigscan/report/jsonres"
	"github.com/stigscan/stigscan/report/jsonres/jsonrestest"
	"github.com/stigscan/stigscan/xccdf"
)

var update = flag.Bool("update", false, "rewrite golden files")

const mongoV1R3 = "U_MDB_Enterprise_Advanced_4-x_STIG_V1R3_Manual-xccdf.xml"

// schemaValid validates a checklist against DISA's schema with xmllint.
func schemaValid(t *testing.T, path string) (bool, string) {
	t.Helper()
	xsd := filepath.Join(testutil.SharedContent(t, "checklists"), "U_Checklist_Schema_V2.xsd")
	if _, err := exec.LookPath("xmllint"); err != nil {
		t.Skip("xmllint is absent: install Debian's libxml2-utils to validate checklists against DISA's schema")
	}
	out, err := exec.Command("xmllint", "--noout", "--schema", xsd, path).CombinedOutput()
	return err == nil, string(out)
}

func writeFile(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(p, data, 0o600))
	return p
}

func mongoResult(t *testing.T) *engine.Result {
	c := jsonrestest.DISA(t, mongoV1R3)
	return jsonrestest.Result(t, c, "MAC-1_Classified", jsonrestest.Assign)
}

// wantOrder is the STIG_DATA order STIG Viewer writes.
var wantOrder = []string{"Vuln_Num", "Severity", "Group_Title", "Rule_ID", "Rule_Ver", "Rule_Title", "Vuln_Discuss",
	"IA_Controls", "Check_Content", "Fix_Text", "False_Positives", "False_Negatives", "Documentable", "Mitigations",
	"Potential_Impact", "Third_Party_Tools", "Mitigation_Control", "Responsibility", "Security_Override_Guidance",
	"Check_Content_Ref", "Weight", "Class", "STIGRef", "TargetKey", "STIG_UUID"}

func TestWriteFromDISABenchmark(t *testing.T) {
	res := mongoResult(t)
	tests := []struct {
		name  string
		opt   ckl.Options
		check func(t *testing.T, c *ckl.Checklist)
	}{
		{
			name: "computing asset",
			opt:  ckl.Options{Seed: "fixed"},
			check: func(t *testing.T, c *ckl.Checklist) {
				assert.Equal(t, "None", c.Asset.Role)
				assert.Equal(t, "Computing", c.Asset.AssetType)
				assert.Equal(t, "false", c.Asset.WebOrDatabase)
				assert.Equal(t, "", c.Asset.TechArea)
			},
		},
		{
			name: "database instance",
			opt:  ckl.Options{Seed: "fixed", Database: true, Site: "prod", Instance: "mongod:27017", Role: "Member Server", Marking: "CUI"},
			check: func(t *testing.T, c *ckl.Checklist) {
				assert.Equal(t, "true", c.Asset.WebOrDatabase)
				assert.Equal(t, "prod", c.Asset.WebDBSite)
				assert.Equal(t, "mongod:27017", c.Asset.WebDBInstance)
				assert.Equal(t, "Database Review", c.Asset.TechArea)
				assert.Equal(t, "Member Server", c.Asset.Role)
				assert.Equal(t, "CUI", c.Asset.Marking)
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			require.NoError(t, ckl.Writer{Options: tt.opt}.Write(&buf, res))
			ok, msg := schemaValid(t, writeFile(t, "out.ckl", buf.Bytes()))
			require.True(t, ok, "xmllint: %s", msg)

			c, err := ckl.Read(bytes.NewReader(buf.Bytes()))
			require.NoError(t, err)
			tt.check(t, c)
			assert.Equal(t, "db01", c.Asset.HostName)
			assert.Equal(t, "192.0.2.10, 192.0.2.11", c.Asset.HostIP)
			assert.Equal(t, "db01.example.mil", c.Asset.HostFQDN)
			assert.Equal(t, "5459", c.Asset.TargetKey, "DPMS target key of the MongoDB 4.x STIG")
			require.Len(t, c.STIGs, 1)
			s := c.STIGs[0]
			assert.Equal(t, "MongoDB_Enterprise_Advanced_4-x_STIG", s.InfoValue("stigid"))
			assert.Equal(t, "1", s.InfoValue("version"))
			assert.Equal(t, "Release: 3 Benchmark Date: 24 Jan 2024", s.InfoValue("releaseinfo"))
			assert.Equal(t, mongoV1R3, s.InfoValue("filename"))
			assert.Equal(t, "STIG.DOD.MIL", s.InfoValue("source"))
			var names []string
			for _, d := range s.Info {
				names = append(names, d.Name)
			}
			assert.Equal(t, []string{"version", "classification", "customname", "stigid", "description", "filename", "releaseinfo", "title", "uuid", "notice", "source"}, names)
			require.Len(t, s.Vulns, len(res.Rules))

			for i, v := range s.Vulns {
				rr := res.Rules[i]
				var attrs []string
				for _, d := range v.Data {
					attrs = append(attrs, d.Attribute)
				}
				want := append([]string(nil), wantOrder...)
				for range rr.Identity.LegacyIDs {
					want = append(want, "LEGACY_ID")
				}
				for range rr.Identity.CCIs {
					want = append(want, "CCI_REF")
				}
				require.Equal(t, want, attrs, "rule %s", rr.Rule.ID)
				assert.Equal(t, rr.Identity.VulnID, v.Attr("Vuln_Num"))
				assert.Equal(t, rr.Identity.RuleID, v.Attr("Rule_ID"))
				assert.Equal(t, rr.Identity.STIGID, v.Attr("Rule_Ver"))
				assert.Equal(t, rr.Identity.CCIs, v.Attrs("CCI_REF"))
				assert.Equal(t, rr.Rule.CheckText(), v.Attr("Check_Content"))
				assert.Equal(t, rr.Rule.FixText(), v.Attr("Fix_Text"))
				assert.Equal(t, rr.Rule.DISA.VulnDiscussion, v.Attr("Vuln_Discuss"))
				assert.Equal(t, rr.Rule.Parent.Title, v.Attr("Group_Title"))
				assert.Equal(t, "M", v.Attr("Check_Content_Ref"))
				assert.Equal(t, "10.0", v.Attr("Weight"))
				assert.Equal(t, "MongoDB Enterprise Advanced 4.x Security Technical Implementation Guide :: Version 1, Release: 3 Benchmark Date: 24 Jan 2024", v.Attr("STIGRef"))
				assert.Equal(t, s.InfoValue("uuid"), v.Attr("STIG_UUID"))

				wantStatus := map[engine.Status]string{
					engine.Pass: ckl.NotAFinding, engine.Fixed: ckl.NotAFinding, engine.Fail: ckl.Open,
					engine.NotApplicable: ckl.NotApplicable,
				}[rr.Status]
				if wantStatus == "" {
					wantStatus = ckl.NotReviewed
				}
				assert.Equal(t, wantStatus, v.Status, "rule %s status %s", rr.Rule.ID, rr.Status)
				for _, e := range rr.Evidence {
					assert.Contains(t, v.FindingDetails, strings.ReplaceAll(e, "\x01", "\uFFFD"), "evidence of %s", rr.Rule.ID)
				}
				for _, m := range rr.Messages {
					assert.Contains(t, v.FindingDetails, m.Text)
				}
				if wantStatus == ckl.NotReviewed {
					assert.Contains(t, v.FindingDetails, "could not decide this rule automatically (result: "+string(rr.Status)+")")
				}
			}
		})
	}
}

func TestWriteIsDeterministic(t *testing.T) {
	res := mongoResult(t)
	write := func(opt ckl.Options) []byte {
		var buf bytes.Buffer
		require.NoError(t, ckl.Writer{Options: opt}.Write(&buf, res))
		return buf.Bytes()
	}
	a, b := write(ckl.Options{}), write(ckl.Options{})
	assert.Equal(t, a, b, "same result, same bytes")
	c := write(ckl.Options{Seed: "other"})
	assert.NotEqual(t, a, c, "a seed changes the STIG uuid")

	other := *res
	other.StartTime = res.StartTime.Add(time.Hour)
	var buf bytes.Buffer
	require.NoError(t, ckl.Writer{}.Write(&buf, &other))
	ca, err := ckl.Read(bytes.NewReader(a))
	require.NoError(t, err)
	cb, err := ckl.Read(&buf)
	require.NoError(t, err)
	assert.NotEqual(t, ca.STIGs[0].InfoValue("uuid"), cb.STIGs[0].InfoValue("uuid"), "another scan of the target gets another uuid")
}

func TestWriteSeveralBenchmarks(t *testing.T) {
	r1 := mongoResult(t)
	c2 := jsonrestest.DISA(t, "U_Oracle_MySQL_8-0_STIG_V2R1_Manual-xccdf.xml")
	r2 := jsonrestest.Result(t, c2, "", jsonrestest.Assign)
	var buf bytes.Buffer
	d1, d2 := jsonres.FromResult(r1, jsonres.Options{}), jsonres.FromResult(r2, jsonres.Options{})
	require.NoError(t, ckl.Writer{}.WriteDocument(&buf, d1, d2))
	ok, msg := schemaValid(t, writeFile(t, "two.ckl", buf.Bytes()))
	require.True(t, ok, "xmllint: %s", msg)
	c, err := ckl.Read(&buf)
	require.NoError(t, err)
	require.Len(t, c.STIGs, 2)
	assert.Len(t, c.STIGs[0].Vulns, len(r1.Rules))
	assert.Len(t, c.STIGs[1].Vulns, len(r2.Rules))
	assert.NotEqual(t, c.STIGs[0].InfoValue("uuid"), c.STIGs[1].InfoValue("uuid"))
}

// TestRoundTripSamples reads every real checklist, writes it back and reads
// that again: the models must be equal, and a sample valid against DISA's
// schema must stay valid.
func TestRoundTripSamples(t *testing.T) {
	dir := filepath.Join(testutil.SharedContent(t, "checklists"), "ckl")
	files, err := filepath.Glob(filepath.Join(dir, "*.ckl"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			require.NoError(t, err)
			c1, err := ckl.Read(bytes.NewReader(data))
			if err != nil {
				// Only a document that is not well-formed XML may be refused.
				out, lintErr := exec.Command("xmllint", "--noout", f).CombinedOutput()
				require.Error(t, lintErr, "we refused a well-formed checklist: %v", err)
				t.Logf("refused, as xmllint does: %v (%s)", err, firstLine(string(out)))
				return
			}
			var buf bytes.Buffer
			require.NoError(t, ckl.Encode(&buf, c1))
			c2, err := ckl.Read(bytes.NewReader(buf.Bytes()))
			require.NoError(t, err)
			assert.Equal(t, c1, c2)

			origValid, _ := schemaValid(t, f)
			ok, msg := schemaValid(t, writeFile(t, "rt.ckl", buf.Bytes()))
			if origValid {
				assert.True(t, ok, "the original is valid, ours is not: %s", msg)
			}
		})
	}
}

func TestReadSample(t *testing.T) {
	f := filepath.Join(testutil.SharedContent(t, "checklists"), "ckl", "CA1294WK16078_COMBINED_20231211-125650-trimmed.ckl")
	fh, err := os.Open(f)
	require.NoError(t, err)
	defer fh.Close()
	c, err := ckl.Read(fh)
	require.NoError(t, err, "a checklist with a byte order mark")
	assert.Equal(t, "CA1294WK16078", c.Asset.HostName)
	assert.Equal(t, []string{"<Evaluate-STIG><version>1.2310.1</version></Evaluate-STIG>"}, c.Comments)
	require.Len(t, c.STIGs, 2)
	assert.Equal(t, "Google_Chrome_Current_Windows", c.STIGs[0].InfoValue("stigid"))
	v := c.STIGs[0].Vulns[0]
	assert.Equal(t, "V-221558", v.Attr("Vuln_Num"))
	assert.Equal(t, []string{"V-44711", "SV-57545"}, v.Attrs("LEGACY_ID"))
	assert.Equal(t, ckl.NotAFinding, v.Status)
}

func TestReadRefuses(t *testing.T) {
	tests := []struct {
		name, doc, want string
	}{
		{"doctype", `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><CHECKLIST/>`, "document type"},
		{"other root", `<Benchmark/>`, "not a STIG Viewer checklist"},
		{"no asset", `<CHECKLIST><STIGS/></CHECKLIST>`, "no ASSET"},
		{"broken", `<CHECKLIST><ASSET>`, "line 1"},
		{"empty", ``, "not a STIG Viewer checklist"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ckl.Read(strings.NewReader(tt.doc))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

// TestGolden pins the exact bytes written for a small hand-made result.
func TestGolden(t *testing.T) {
	d := goldenDocument()
	var buf bytes.Buffer
	require.NoError(t, ckl.Writer{Options: ckl.Options{Seed: "golden", Database: true, Instance: "pg-main"}}.WriteDocument(&buf, d))
	golden := filepath.Join("testdata", "golden.ckl")
	if *update {
		require.NoError(t, os.WriteFile(golden, buf.Bytes(), 0o644))
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err, "run go test -update to create it")
	assert.Equal(t, string(want), buf.String())
	ok, msg := schemaValid(t, golden)
	assert.True(t, ok, "xmllint: %s", msg)
}

func goldenDocument() *jsonres.Document {
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	return &jsonres.Document{
		Schema:    jsonres.Schema,
		Generator: jsonres.Generator{Product: "stigscan", Version: "0.1.0"},
		Benchmark: jsonres.Benchmark{ID: "Example_DB_STIG", Title: "Example Database STIG", Version: "2", ReleaseInfo: "Release: 1 Benchmark Date: 01 Jan 2026", File: "example.xml", TargetKey: "1234"},
		Target:    jsonres.Target{Name: "pg.example.mil", Hostname: "pg", IPv4: []string{"192.0.2.7"}},
		StartTime: at,
		Rules: []jsonres.Rule{
			{ID: "SV-1r2_rule", VulnID: "V-1", RuleID: "SV-1r2_rule", STIGID: "EX-00-000100", CCIs: []string{"CCI-000001"}, LegacyIDs: []string{"V-100", "SV-200"},
				Title: "Passwords & <secrets> must be \"protected\"", GroupTitle: "SRG-APP-000001", Severity: "high", Weight: 10, Status: "fail",
				Evidence: []string{"role 'app' can read pg_authid"}, Text: &jsonres.RuleText{Discussion: "Why it matters.", Check: "SELECT 1;\nIf rows, this is a finding.", Fix: "REVOKE …", CheckRefName: "M"}},
			{ID: "SV-2r1_rule", VulnID: "V-2", RuleID: "SV-2r1_rule", STIGID: "EX-00-000200", Severity: "info", Weight: 10, Status: "notchecked",
				Messages: []jsonres.Message{{Severity: "info", Text: "manual check"}}},
			{ID: "SV-3r1_rule", VulnID: "V-3", RuleID: "SV-3r1_rule", STIGID: "EX-00-000300", Severity: "low", Weight: 10, Status: "notchecked",
				Review: &jsonres.Review{Status: "notapplicable", Details: "No replication.", Comments: "Reviewed by J. Doe", Source: "old.ckl", Date: "2025-12-01", MatchedBy: "vuln-id"}},
		},
	}
}

func FuzzRead(f *testing.F) {
	for _, p := range []string{filepath.Join("testdata", "golden.ckl")} {
		if data, err := os.ReadFile(p); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte(`<CHECKLIST><ASSET/><STIGS><iSTIG><VULN><STIG_DATA/></VULN></iSTIG></STIGS></CHECKLIST>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ckl.Read(bytes.NewReader(data))
		if err != nil {
			return
		}
		var buf bytes.Buffer
		if err := ckl.Encode(&buf, c); err != nil {
			t.Fatal(err)
		}
	})
}

// The engine maps DISA manual rules to notchecked; a real benchmark opened
// through xccdf keeps its ids, which the writer must carry.
func TestIdentityFromBenchmark(t *testing.T) {
	c := jsonrestest.DISA(t, mongoV1R3)
	var r *xccdf.Rule
	for _, x := range c.Benchmark.Rules {
		if x.Identity().VulnID == "V-252134" {
			r = x
		}
	}
	require.NotNil(t, r)
	res := jsonrestest.Result(t, c, "", func(int, *xccdf.Rule) jsonrestest.Outcome {
		return jsonrestest.Outcome{Status: engine.NotChecked}
	})
	var buf bytes.Buffer
	require.NoError(t, ckl.Writer{}.Write(&buf, res))
	cl, err := ckl.Read(&buf)
	require.NoError(t, err)
	v := cl.STIGs[0].Vulns[0]
	assert.Equal(t, "V-252134", v.Attr("Vuln_Num"))
	assert.Equal(t, r.Identity().RuleID, v.Attr("Rule_ID"))
	assert.Equal(t, ckl.NotReviewed, v.Status)
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
