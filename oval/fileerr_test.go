package oval_test

import (
	"context"
	"io/fs"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/collectors/host"
	"github.com/stigscan/stigscan/oval"
)

// deniedHost is a host on which /etc/denied cannot be described and
// /etc/unreadable can be described but not read; every other path is
// missing.
type deniedHost struct{ host.Unavailable }

func (deniedHost) Stat(ctx context.Context, paths ...string) ([]host.FileInfo, error) {
	out := make([]host.FileInfo, len(paths))
	for i, p := range paths {
		switch p {
		case "/etc/denied":
			out[i] = host.FileInfo{Path: p, Err: &fs.PathError{Op: "lstat", Path: p, Err: fs.ErrPermission}}
		case "/etc/unreadable":
			t := time.Unix(1700000000, 0)
			out[i] = host.FileInfo{Path: p, Mode: 0o600, ATime: t, MTime: t, CTime: t}
		default:
			out[i] = host.FileInfo{Path: p, Err: fs.ErrNotExist}
		}
	}
	return out, nil
}

func (deniedHost) ReadFile(ctx context.Context, p string) ([]byte, error) {
	if p == "/etc/unreadable" {
		return nil, &fs.PathError{Op: "open", Path: p, Err: fs.ErrPermission}
	}
	return nil, &fs.PathError{Op: "open", Path: p, Err: fs.ErrNotExist}
}

// TestFileAccessErrors: a file the host may not look at, or may not read,
// is an error with the reason; a machine the scan cannot reach at all is
// not collected. Neither reads as a missing file, which a test expecting
// none would take for compliance.
func TestFileAccessErrors(t *testing.T) {
	doc := `<?xml version="1.0"?>
<oval_definitions xmlns="http://oval.mitre.org/XMLSchema/oval-definitions-5" xmlns:oval="http://oval.mitre.org/XMLSchema/oval-common-5" xmlns:ind="http://oval.mitre.org/XMLSchema/oval-definitions-5#independent" xmlns:unix="http://oval.mitre.org/XMLSchema/oval-definitions-5#unix">
<generator><oval:schema_version>5.11.2</oval:schema_version><oval:timestamp>2026-01-01T00:00:00</oval:timestamp></generator>
<definitions>
<definition id="oval:t:def:1" version="1" class="compliance"><metadata><title>a</title><description>a</description></metadata><criteria><criterion test_ref="oval:t:tst:1"/></criteria></definition>
<definition id="oval:t:def:2" version="1" class="compliance"><metadata><title>b</title><description>b</description></metadata><criteria><criterion test_ref="oval:t:tst:2"/></criteria></definition>
<definition id="oval:t:def:3" version="1" class="compliance"><metadata><title>c</title><description>c</description></metadata><criteria><criterion test_ref="oval:t:tst:3"/></criteria></definition>
</definitions>
<tests>
<unix:file_test id="oval:t:tst:1" version="1" check="all" check_existence="none_exist"><unix:object object_ref="oval:t:obj:1"/></unix:file_test>
<ind:textfilecontent54_test id="oval:t:tst:2" version="1" check="all" check_existence="none_exist"><ind:object object_ref="oval:t:obj:2"/></ind:textfilecontent54_test>
<unix:file_test id="oval:t:tst:3" version="1" check="all" check_existence="none_exist"><unix:object object_ref="oval:t:obj:3"/></unix:file_test>
</tests>
<objects>
<unix:file_object id="oval:t:obj:1" version="1"><unix:filepath>/etc/denied</unix:filepath></unix:file_object>
<ind:textfilecontent54_object id="oval:t:obj:2" version="1"><ind:filepath>/etc/unreadable</ind:filepath><ind:pattern operation="pattern match">^bad</ind:pattern><ind:instance datatype="int">1</ind:instance></ind:textfilecontent54_object>
<unix:file_object id="oval:t:obj:3" version="1"><unix:filepath>/etc/missing</unix:filepath></unix:file_object>
</objects>
</oval_definitions>`
	defs, err := oval.Parse(strings.NewReader(doc), "t.xml")
	require.NoError(t, err)
	p, err := oval.Prepare(defs, oval.Options{})
	require.NoError(t, err)

	tests := []struct {
		name string
		h    host.Host
		want map[string]oval.Result
	}{
		{"permission denied", deniedHost{host.Unavailable{Name: "h", Reason: "x"}}, map[string]oval.Result{
			"oval:t:def:1": oval.Error, "oval:t:def:2": oval.Error, "oval:t:def:3": oval.True}},
		{"no access to the machine", host.Unavailable{Name: "db1", Reason: "no SSH access configured"}, map[string]oval.Result{
			"oval:t:def:1": oval.Unknown, "oval:t:def:2": oval.Unknown, "oval:t:def:3": oval.Unknown}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := p.Evaluate(context.Background(), tc.h, nil)
			require.NoError(t, err)
			for id, w := range tc.want {
				assert.Equal(t, w, res.Definition(id).Result, id)
			}
			var msgs []string
			for _, o := range res.Objects {
				for _, m := range o.Messages {
					msgs = append(msgs, m.Text)
				}
			}
			joined := strings.Join(msgs, "\n")
			if tc.name == "permission denied" {
				assert.Contains(t, joined, "permission denied")
			} else {
				assert.Contains(t, joined, "no SSH access configured")
			}
		})
	}
}
