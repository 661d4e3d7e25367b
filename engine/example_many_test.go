package engine_test

import (
	"context"
	"fmt"
	"log"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/sync/errgroup"

	"github.com/stigscan/stigscan/collectors/local"
	"github.com/stigscan/stigscan/engine"
	"github.com/stigscan/stigscan/oval/probes/list"
	"github.com/stigscan/stigscan/xccdf"
)

// Prepare a benchmark once (profile resolved, OVAL parsed and its patterns
// compiled), then evaluate it on several hosts at the same time: a
// *engine.Benchmark is immutable and safe for concurrent Evaluate calls.
// The hosts here are offline roots (folders holding a system's files);
// local.New, ssh.Dial or a database target's Open give live ones the same
// way. The probe set is the caller's choice: list.Standard is the one the
// stigscan command scans with.
func Example_prepareOnceEvaluateMany() {
	ctx := context.Background()
	content, err := xccdf.Open("testdata/example/example-xccdf.xml", xccdf.Options{})
	if err != nil {
		log.Fatal(err)
	}
	sel, err := xccdf.Resolve(content.Benchmark, nil, "xccdf_io.stigscan_profile_example")
	if err != nil {
		log.Fatal(err)
	}
	b, err := engine.Prepare(ctx, content, sel, engine.Options{Probes: list.Standard()})
	if err != nil {
		log.Fatal(err)
	}

	hosts := []string{"web1", "web2", "db1"}
	results := make([]*engine.Result, len(hosts)) // by index: order stays stable
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(2)
	for i, name := range hosts {
		g.Go(func() error {
			h, err := local.NewRoot(filepath.Join("testdata/example/hosts", name))
			if err != nil {
				return err
			}
			results[i], err = b.Evaluate(ctx, h)
			return err
		})
	}
	if err := g.Wait(); err != nil {
		log.Fatal(err)
	}

	for _, name := range slices.Sorted(slices.Values(hosts)) {
		res := results[slices.Index(hosts, name)]
		var counts []string
		for status, n := range res.Counts() {
			counts = append(counts, fmt.Sprintf("%s=%d", status, n))
		}
		slices.Sort(counts)
		fmt.Printf("%s: %s\n", name, strings.Join(counts, " "))
	}
	// Output:
	// db1: fail=2 notapplicable=1
	// web1: notapplicable=1 pass=2
	// web2: fail=1 notapplicable=1 pass=1
}
