package engine_test

import (
	"context"
	"fmt"
	"log"
	"path/filepath"
	"time"

	"github.com/stigscan/stigscan/collectors/local"
	"github.com/stigscan/stigscan/engine"
	"github.com/stigscan/stigscan/oval/probes/list"
	"github.com/stigscan/stigscan/xccdf"
)

// prepareTiny prepares a two-rule DISA benchmark (manual checks only),
// bound to library content that automates both rules, at a fixed clock.
func prepareTiny() *engine.Benchmark {
	disa, err := xccdf.Open(filepath.Join("..", "fixtures", "content", "tiny-xccdf11.xml"), xccdf.Options{})
	if err != nil {
		log.Fatal(err)
	}
	lib, err := xccdf.Open(filepath.Join("testdata", "library-xccdf.xml"), xccdf.Options{})
	if err != nil {
		log.Fatal(err)
	}
	sel, err := xccdf.Resolve(disa.Benchmark, nil, "")
	if err != nil {
		log.Fatal(err)
	}
	fixed := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	b, err := engine.Prepare(context.Background(), disa, sel, engine.Options{
		Library: []*xccdf.Content{lib}, // stigscan's own: builtin.Library()
		Now:     func() time.Time { return fixed },
		Probes:  list.Standard(),
	})
	if err != nil {
		log.Fatal(err)
	}
	return b
}

// Read a result the way checklists and eMASS do: by DISA's Vuln-ID,
// Rule-ID and CCI. An offline root (a mounted image) is the target here;
// local.New(), an SSH host or a database target are scanned the same way.
func ExampleResult() {
	b := prepareTiny()
	host, err := local.NewRoot(filepath.Join("testdata", "roots", "web01"))
	if err != nil {
		log.Fatal(err)
	}
	res, err := b.Evaluate(context.Background(), host)
	if err != nil {
		log.Fatal(err)
	}
	byCCI := map[string][]string{}
	for _, rr := range res.Rules {
		id := rr.Identity
		fmt.Printf("%s %s %s %s\n", id.VulnID, id.RuleID, id.STIGID, rr.Status)
		if rr.BoundTo != nil {
			fmt.Println("  checked by", rr.BoundTo.ID)
		}
		for _, cci := range id.CCIs {
			byCCI[cci] = append(byCCI[cci], id.VulnID)
		}
	}
	fmt.Println("CCI-000054:", byCCI["CCI-000054"])
	fmt.Println(res.Counts()[engine.Pass], "pass at", res.StartTime.Format(time.RFC3339))
	// Output:
	// V-100001 SV-100001r900001_rule TINY-00-000100 pass
	//   checked by xccdf_io.stigscan_rule_SV-999999r1_rule
	// V-100002 SV-100002r900002_rule TINY-00-000200 fail
	//   checked by xccdf_io.stigscan_rule_SV-100002r1_rule
	// CCI-000054: [V-100001]
	// 1 pass at 2026-11-22T12:00:00Z
}
