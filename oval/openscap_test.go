package oval

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/collectors/host"
	"github.com/stigscan/stigscan/collectors/local"
)

// unittestCase is one of OpenSCAP's API/OVAL/unittests with the outcome its
// test script states.
type unittestCase struct {
	name    string
	oval    string
	syschar string            // replayed system characteristics; "" evaluates on a temporary root
	setup   func(root string) // files the case expects on the root
	vars    string            // oval_variables file in the same folder
	defs    map[string]Result // expected definition results
	allDefs *Result           // every definition has this result
	tests   map[string]Result
	flags   map[string]string // expected object flags
	skip    string
	// placeholder: the file names TEMP_DIR_PLACEHOLDER, which becomes
	// /tdir on the temporary root.
	placeholder bool
}

func res(r Result) *Result { return &r }

func writeFile(t *testing.T, root, path, content string, mode os.FileMode) {
	t.Helper()
	p := filepath.Join(root, path)
	require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
	require.NoError(t, os.WriteFile(p, []byte(content), mode))
	require.NoError(t, os.Chmod(p, mode))
}

func TestOpenSCAPUnittests(t *testing.T) {
	dir := sharedContent(t, "openscap-tests/API/OVAL/unittests")
	ids := func(prefix string, rs ...Result) map[string]Result {
		m := map[string]Result{}
		for i, r := range rs {
			m[prefix+itoa(i+1)] = r
		}
		return m
	}
	T, F, E, NE := True, False, Error, NotEvaluated
	cases := []unittestCase{
		{name: "debian_evr_string_comparison", oval: "test_debian_evr_string_comparison.oval.xml", syschar: "test_debian_evr_string_comparison.syschar.xml", allDefs: res(F)},
		{name: "debian_evr_string_missing_epoch", oval: "test_debian_evr_string_missing_epoch.oval.xml", syschar: "test_debian_evr_string_missing_epoch.syschar.xml", allDefs: res(F)},
		{name: "envvar_insensitive_equals", oval: "test_envvar_insensitive_equals.oval.xml", syschar: "test_envvar_insensitive_equals.syschar.xml", allDefs: res(F)},
		{name: "evr_string_comparison", oval: "test_evr_string_comparison.oval.xml", syschar: "test_evr_string_comparison.syschar.xml", allDefs: res(F)},
		{name: "evr_string_missing_epoch", oval: "test_evr_string_missing_epoch.oval.xml", syschar: "test_evr_string_missing_epoch.syschar.xml", allDefs: res(F)},
		{name: "filecontent_line", oval: "test_filecontent_line.oval.xml", syschar: "test_filecontent_line.syschar.xml", defs: ids("oval:x:def:", F, T)},
		{name: "float_comparison", oval: "test_float_comparison.oval.xml", syschar: "test_float_comparison.syschar.xml", defs: ids("oval:x:def:", T, T, T, T, T, T)},
		{name: "int_comparison", oval: "test_int_comparison.oval.xml", syschar: "test_int_comparison.syschar.xml", allDefs: res(T)},
		{name: "ipv4_comparison", oval: "test_ipv4_comparison.oval.xml", syschar: "test_ipv4_comparison.syschar.xml", defs: ids("oval:x:def:", T, T, E, E, E, E)},
		{name: "ipv4_subset_of", oval: "test_ipv4_subset_of.oval.xml", syschar: "test_ipv4_subset_of.syschar.xml", defs: ids("oval:x:def:", T, T, F, F, F, T)},
		{name: "ipv4_super_set_of", oval: "test_ipv4_super_set_of.oval.xml", syschar: "test_ipv4_super_set_of.syschar.xml", defs: ids("oval:x:def:", T, F, T, F, T, F)},
		{name: "ipv6_subset_of", oval: "test_ipv6_subset_of.oval.xml", syschar: "test_ipv6_subset_of.syschar.xml", defs: ids("oval:x:def:", T, T, F, F, F, T)},
		{name: "ipv6_super_set_of", oval: "test_ipv6_super_set_of.oval.xml", syschar: "test_ipv6_super_set_of.syschar.xml", defs: ids("oval:x:def:", T, F, T, F, T, F)},
		{name: "deprecated_def", oval: "deprecated_def.xml", setup: etcPasswd(t), defs: map[string]Result{"oval:org.mitre.oval.test:def:282": NE, "oval:org.mitre.oval.test:def:283": T}},
		{name: "glob_to_regex", oval: "test_glob_to_regex.xml", allDefs: res(T)},
		{name: "invalid_regex", oval: "test_invalid_regex.xml", setup: etcPasswd(t), allDefs: res(E)},
		{name: "variable_conversion", oval: "test_variable_conversion.oval.xml", allDefs: res(T), setup: func(root string) {
			writeFile(t, root, "tmp/test_variable_conversion.txt", "auth      required         pam_faillock.so preauth silent even_deny_root deny=3 fail_interval=900 unlock_time=never fail_interval=900 deny=3\n", 0o644)
		}},
		{name: "circular_extend_def", oval: "test_circular_extend_def.xml", defs: ids("oval:x:def:", NE, NE)},
		{name: "recursive_extend_def", oval: "test_recursive_extend_def.xml", defs: map[string]Result{"oval:x:def:1": NE}},
		{name: "cim_datetime", oval: "cim_datetime.xml", tests: ids("oval:x:tst:", T, T, T)},
		{name: "state_check_existence", oval: "state_check_existence.xml", tests: ids("oval:x:tst:", T, F, F, T),
			setup: func(root string) { writeFile(t, root, "tmp/foo.txt", strings.Repeat("Hello\n", 5), 0o644) }},
		{name: "statetype_operator", oval: "statetype_operator.xml", tests: ids("oval:x:tst:", T, F, F, T, F, T, T, F, F, T, F),
			setup: func(root string) { writeFile(t, root, "tmp/foo.txt", "Testing state operator.\n", 0o700) }},
		{name: "oval_empty_variable_evaluation", oval: "test_oval_empty_variable_evaluation.xml", tests: ids("oval:x:tst:", F, T, E, T),
			flags: map[string]string{"oval:x:obj:1": FlagDoesNotExist, "oval:x:obj:11": FlagDoesNotExist, "oval:x:obj:2": FlagComplete, "oval:x:obj:21": FlagComplete},
			setup: func(root string) { writeFile(t, root, "etc/issue", "Debian GNU/Linux 11 \\n \\l\n", 0o644) }},
		{name: "item_not_exist", oval: "item_not_exist.xml", flags: map[string]string{"oval:org.mitre.oval.test:obj:512": FlagDoesNotExist}},
		{name: "external_variable", oval: "test_external_variable.oval.xml", vars: "external_variables.xml",
			flags: map[string]string{"oval:x:obj:1": FlagDoesNotExist, "oval:x:obj:3": FlagDoesNotExist, "oval:x:obj:6": FlagDoesNotExist, "oval:x:obj:8": FlagDoesNotExist}},
		{name: "variable_in_filter", oval: "test_variable_in_filter.xml", allDefs: res(T), placeholder: true,
			setup: func(root string) { writeFile(t, root, "tdir/key_file", "secret_key\n", 0o600) }},
		{name: "pcre_nonutf_characters", oval: "test_pcre_nonutf_characters.xml", defs: map[string]Result{"oval:org.mitre.oval.test:def:1": T}, placeholder: true,
			setup: func(root string) {
				writeFile(t, root, "tdir/normal_filename", "", 0o644)
				writeFile(t, root, "tdir/evil_filename_\xdc_non_utf8_character", "", 0o644)
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.skip != "" {
				t.Skip(tc.skip)
			}
			data, err := os.ReadFile(filepath.Join(dir, tc.oval))
			require.NoError(t, err)
			if tc.placeholder {
				data = []byte(strings.ReplaceAll(string(data), "TEMP_DIR_PLACEHOLDER", "/tdir"))
			}
			defs, err := Parse(strings.NewReader(string(data)), tc.oval)
			require.NoError(t, err)
			opts := Options{Now: func() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) }}
			if tc.syschar != "" {
				sc, err := ReadSystemCharacteristicsFile(filepath.Join(dir, tc.syschar))
				require.NoError(t, err)
				opts.SystemCharacteristics = sc
			}
			var ext ExternalVars
			if tc.vars != "" {
				ext, err = ReadVariablesFile(filepath.Join(dir, tc.vars))
				require.NoError(t, err)
			}
			root := t.TempDir()
			if tc.setup != nil {
				tc.setup(root)
			}
			h, err := local.NewRoot(root)
			require.NoError(t, err)
			p, err := Prepare(defs, opts)
			require.NoError(t, err)
			r, err := p.Evaluate(context.Background(), h, ext)
			require.NoError(t, err)
			checkResults(t, r, tc)
		})
	}
}

func etcPasswd(t *testing.T) func(string) {
	return func(root string) {
		writeFile(t, root, "etc/passwd", "root:x:0:0:root:/root:/bin/bash\n", 0o644)
		writeFile(t, root, "etc/group", "root:x:0:\n", 0o644)
	}
}

func checkResults(t *testing.T, r *Results, tc unittestCase) {
	t.Helper()
	if tc.allDefs != nil {
		require.NotEmpty(t, r.Definitions)
		for _, d := range r.Definitions {
			assert.Equal(t, tc.allDefs.String(), d.Result.String(), "definition %s %v", d.ID, d.Messages)
		}
	}
	for id, want := range tc.defs {
		d := r.Definition(id)
		if assert.NotNil(t, d, "definition %s", id) {
			assert.Equal(t, want.String(), d.Result.String(), "definition %s %v", id, d.Messages)
		}
	}
	tests := map[string]*TestResult{}
	for _, tr := range r.Tests {
		tests[tr.ID] = tr
	}
	for id, want := range tc.tests {
		tr := tests[id]
		if assert.NotNil(t, tr, "test %s", id) {
			assert.Equal(t, want.String(), tr.Result.String(), "test %s %v", id, tr.Messages)
		}
	}
	objs := map[string]*CollectedObject{}
	for _, o := range r.Objects {
		objs[o.ID] = o
	}
	for id, want := range tc.flags {
		o := objs[id]
		if assert.NotNil(t, o, "object %s", id) {
			assert.Equal(t, want, o.Flag, "object %s %v", id, o.Messages)
		}
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

var _ host.Host = (*local.Host)(nil)
