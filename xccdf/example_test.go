package xccdf_test

import (
	"fmt"
	"log"
	"path/filepath"

	"github.com/stigscan/stigscan/xccdf"
)

// Open a SCAP source data stream, layer a tailoring file over it and
// resolve the tailored profile: which rules are selected, and the value
// each Value takes.
func Example() {
	content, err := xccdf.Open(filepath.Join("..", "fixtures", "content", "linux-ds.xml"), xccdf.Options{})
	if err != nil {
		log.Fatal(err)
	}
	tailoring, err := xccdf.OpenTailoring(filepath.Join("..", "fixtures", "content", "tailoring.xml"))
	if err != nil {
		log.Fatal(err)
	}
	// The profile id may also be an unambiguous suffix ("tailored").
	sel, err := xccdf.Resolve(content.Benchmark, tailoring, "xccdf_io.stigscan_profile_tailored")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(content.Kind, content.Benchmark.ID)
	fmt.Println("profile:", sel.Profile.ID, "extends", sel.Profile.Extends)
	fmt.Printf("%d of %d rules selected\n", len(sel.Rules), len(content.Benchmark.Rules))
	for _, r := range sel.Rules[:3] {
		fmt.Println(" ", r.Severity, r.ID)
	}
	fmt.Println("pass_max_days =", sel.Values["xccdf_io.stigscan_value_pass_max_days"])
	// Output:
	// Source Data Stream xccdf_io.stigscan_benchmark_linux_baseline
	// profile: xccdf_io.stigscan_profile_tailored extends xccdf_io.stigscan_profile_baseline
	// 7 of 8 rules selected
	//   high xccdf_io.stigscan_rule_accounts_no_uid_except_zero
	//   high xccdf_io.stigscan_rule_no_empty_passwords
	//   medium xccdf_io.stigscan_rule_pass_max_days
	// pass_max_days = 99999
}

// Open a DISA benchmark (XCCDF 1.1, as DISA publishes Manual STIGs) and
// read the DISA ids of its rules: the Vuln-ID, Rule-ID, STIG-ID, CCIs and
// legacy ids that results are keyed by.
func ExampleRule_Identity() {
	content, err := xccdf.Open(filepath.Join("..", "fixtures", "content", "tiny-xccdf11.xml"), xccdf.Options{})
	if err != nil {
		log.Fatal(err)
	}
	sel, err := xccdf.Resolve(content.Benchmark, nil, "MAC-1_Classified")
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range sel.Rules {
		id := r.Identity()
		fmt.Println(id.VulnID, id.RuleID, id.RuleStem, id.Revision, id.STIGID, id.CCIs, id.LegacyIDs)
	}
	// Output:
	// V-100001 SV-100001r900001_rule SV-100001 900001 TINY-00-000100 [CCI-000054] [V-500001 SV-600001]
}
