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

// lockedDirHost has a directory /srv/locked that can be described but not
// listed, as a root-only directory is to an unprivileged login, beside
// /srv/open holding one file.
type lockedDirHost struct{ host.Unavailable }

var lockedTime = time.Unix(1700000000, 0)

func (lockedDirHost) Stat(ctx context.Context, paths ...string) ([]host.FileInfo, error) {
	out := make([]host.FileInfo, len(paths))
	for i, p := range paths {
		switch p {
		case "/srv", "/srv/open":
			out[i] = host.FileInfo{Path: p, Mode: fs.ModeDir | 0o755, ATime: lockedTime, MTime: lockedTime, CTime: lockedTime}
		case "/srv/locked":
			out[i] = host.FileInfo{Path: p, Mode: fs.ModeDir | 0o700, ATime: lockedTime, MTime: lockedTime, CTime: lockedTime}
		case "/srv/open/a.conf":
			out[i] = host.FileInfo{Path: p, Mode: 0o644, ATime: lockedTime, MTime: lockedTime, CTime: lockedTime}
		default:
			out[i] = host.FileInfo{Path: p, Err: &fs.PathError{Op: "lstat", Path: p, Err: fs.ErrNotExist}}
		}
	}
	return out, nil
}

func (h lockedDirHost) ReadDir(ctx context.Context, dir string) ([]host.FileInfo, error) {
	var names []string
	switch dir {
	case "/srv":
		names = []string{"/srv/locked", "/srv/open"}
	case "/srv/open":
		names = []string{"/srv/open/a.conf"}
	case "/srv/locked":
		return nil, &fs.PathError{Op: "readdir", Path: dir, Err: fs.ErrPermission}
	default:
		return nil, &fs.PathError{Op: "readdir", Path: dir, Err: fs.ErrNotExist}
	}
	return h.Stat(ctx, names...)
}

// TestUnlistableDirectory: a search for files that meets a directory it may
// not list cannot say that no file matches. Whether the directory is named
// (path and a filename pattern) or met on the way (a filepath pattern, a
// recursive path), the test is an error with the reason, not true; a
// search that never meets it is decided as before.
func TestUnlistableDirectory(t *testing.T) {
	objects := []string{
		`<unix:file_object id="oval:t:obj:1" version="1"><unix:path>/srv/locked</unix:path><unix:filename operation="pattern match">\.conf$</unix:filename></unix:file_object>`,
		`<unix:file_object id="oval:t:obj:2" version="1"><unix:filepath operation="pattern match">^/srv/.*\.key$</unix:filepath></unix:file_object>`,
		`<unix:file_object id="oval:t:obj:3" version="1"><unix:behaviors recurse_direction="down"/><unix:path>/srv</unix:path><unix:filename operation="pattern match">\.key$</unix:filename></unix:file_object>`,
		`<ind:textfilecontent54_object id="oval:t:obj:4" version="1"><ind:path>/srv/locked</ind:path><ind:filename operation="pattern match">\.conf$</ind:filename><ind:pattern operation="pattern match">^x</ind:pattern><ind:instance datatype="int">1</ind:instance></ind:textfilecontent54_object>`,
		`<unix:file_object id="oval:t:obj:5" version="1"><unix:filepath operation="pattern match">^/srv/open/.*\.key$</unix:filepath></unix:file_object>`,
	}
	var defs, tests strings.Builder
	for i, o := range objects {
		n := string(rune('1' + i))
		defs.WriteString(`<definition id="oval:t:def:` + n + `" version="1" class="compliance"><metadata><title>t</title><description>t</description></metadata><criteria><criterion test_ref="oval:t:tst:` + n + `"/></criteria></definition>`)
		kind := "unix:file_test"
		if strings.HasPrefix(o, "<ind:") {
			kind = "ind:textfilecontent54_test"
		}
		prefix := kind[:strings.IndexByte(kind, ':')]
		tests.WriteString(`<` + kind + ` id="oval:t:tst:` + n + `" version="1" check="all" check_existence="none_exist"><` + prefix + `:object object_ref="oval:t:obj:` + n + `"/></` + kind + `>`)
	}
	doc := `<?xml version="1.0"?>
<oval_definitions xmlns="http://oval.mitre.org/XMLSchema/oval-definitions-5" xmlns:oval="http://oval.mitre.org/XMLSchema/oval-common-5" xmlns:ind="http://oval.mitre.org/XMLSchema/oval-definitions-5#independent" xmlns:unix="http://oval.mitre.org/XMLSchema/oval-definitions-5#unix">
<generator><oval:schema_version>5.11.2</oval:schema_version><oval:timestamp>2026-01-01T00:00:00</oval:timestamp></generator>
<definitions>` + defs.String() + `</definitions><tests>` + tests.String() + `</tests><objects>` + strings.Join(objects, "") + `</objects></oval_definitions>`
	defsDoc, err := oval.Parse(strings.NewReader(doc), "t.xml")
	require.NoError(t, err)
	p, err := oval.Prepare(defsDoc, oval.Options{})
	require.NoError(t, err)
	res, err := p.Evaluate(context.Background(), lockedDirHost{host.Unavailable{Name: "h", Reason: "x"}}, nil)
	require.NoError(t, err)

	want := map[string]oval.Result{
		"oval:t:def:1": oval.Error, // the named directory
		"oval:t:def:2": oval.Error, // met by a filepath pattern's walk
		"oval:t:def:3": oval.Error, // met recursing down from /srv
		"oval:t:def:4": oval.Error, // content of files in it
		"oval:t:def:5": oval.True,  // a walk that does not go there
	}
	for id, w := range want {
		assert.Equal(t, w, res.Definition(id).Result, id)
	}
	for _, o := range res.Objects {
		if o.ID == "oval:t:obj:5" {
			continue
		}
		var texts []string
		for _, m := range o.Messages {
			texts = append(texts, m.Text)
		}
		assert.Contains(t, strings.Join(texts, "\n"), "readdir /srv/locked: permission denied", o.ID)
	}
}
