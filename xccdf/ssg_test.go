package xccdf_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sync/errgroup"

	"github.com/stigscan/stigscan/internal/testutil"
	"github.com/stigscan/stigscan/xccdf"
)

var guideLeaf = regexp.MustCompile(`class="guide-tree-leaf guide-tree-leaf-id-([^"\s]+)"`)

// oscapSelected lists the rules oscap selects for a profile, read from the
// guide it renders (oscap has no command that prints the selection itself).
func oscapSelected(ctx context.Context, ds, profile string) (map[string]bool, error) {
	out, err := exec.CommandContext(ctx, "oscap", "xccdf", "generate", "guide", "--profile", profile, ds).Output()
	if err != nil {
		return nil, fmt.Errorf("oscap generate guide %s %s: %w", ds, profile, err)
	}
	got := map[string]bool{}
	for _, m := range guideLeaf.FindAllSubmatch(out, -1) {
		got[string(m[1])] = true
	}
	return got, nil
}

// For every profile of every SSG data stream, our selection equals oscap's.
func TestSSGProfilesMatchOscap(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: skipping the oscap comparison over every SSG profile")
	}
	dir := testutil.SSGContent(t)
	if _, err := exec.LookPath("oscap"); err != nil {
		t.Skip("oscap is not installed (Debian package openscap-scanner): cannot compare profile selections")
	}
	files, err := filepath.Glob(filepath.Join(dir, "ssg-*-ds.xml"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	type job struct {
		file, profile string
		ours          map[string]bool
	}
	var jobs []*job
	for _, f := range files {
		c, err := xccdf.Open(f, xccdf.Options{})
		require.NoError(t, err, f)
		for _, p := range c.Benchmark.Profiles {
			sel, err := xccdf.Resolve(c.Benchmark, nil, p.ID)
			require.NoError(t, err)
			ours := map[string]bool{}
			for _, r := range sel.Rules {
				ours[r.ID] = true
			}
			jobs = append(jobs, &job{file: f, profile: p.ID, ours: ours})
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	results := make([]map[string]bool, len(jobs))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(2)
	for i, j := range jobs {
		g.Go(func() error {
			var err error
			results[i], err = oscapSelected(gctx, j.file, j.profile)
			return err
		})
	}
	require.NoError(t, g.Wait())
	total := 0
	var summary strings.Builder
	for i, j := range jobs {
		theirs := results[i]
		total += len(theirs)
		fmt.Fprintf(&summary, "%s\t%s\t%d\t%d\n", filepath.Base(j.file), j.profile, len(j.ours), len(theirs))
		var onlyOurs, onlyTheirs []string
		for id := range j.ours {
			if !theirs[id] {
				onlyOurs = append(onlyOurs, id)
			}
		}
		for id := range theirs {
			if !j.ours[id] {
				onlyTheirs = append(onlyTheirs, id)
			}
		}
		assert.Empty(t, onlyOurs, "%s %s: selected by stigscan only", j.file, j.profile)
		assert.Empty(t, onlyTheirs, "%s %s: selected by oscap only", j.file, j.profile)
	}
	t.Logf("%d profiles in %d data streams, %d selected rules in all, identical to oscap:\n%s", len(jobs), len(files), total, summary.String())
	if out := os.Getenv("STIGSCAN_PROFILE_COUNTS"); out != "" {
		require.NoError(t, os.WriteFile(out, []byte(summary.String()), 0o644))
	}
}
