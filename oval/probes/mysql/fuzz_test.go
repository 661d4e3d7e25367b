package mysql

import (
	"context"
	"io/fs"
	"strings"
	"testing"

	"github.com/stigscan/stigscan/collectors/host"
)

// memFiles is a file system of one directory level, for the fuzzer.
type memFiles map[string]string

func (m memFiles) ReadFile(_ context.Context, p string) ([]byte, error) {
	if d, ok := m[p]; ok {
		return []byte(d), nil
	}
	return nil, fs.ErrNotExist
}

func (m memFiles) Stat(_ context.Context, paths ...string) ([]host.FileInfo, error) {
	var out []host.FileInfo
	for _, p := range paths {
		fi := host.FileInfo{Path: p, Mode: 0o644}
		if _, ok := m[p]; !ok {
			fi.Mode = fs.ModeDir | 0o755
			if p != "/d" {
				fi.Err = fs.ErrNotExist
			}
		}
		out = append(out, fi)
	}
	return out, nil
}

func (m memFiles) ReadDir(_ context.Context, p string) ([]host.FileInfo, error) {
	if p != "/d" {
		return nil, fs.ErrNotExist
	}
	var out []host.FileInfo
	for name := range m {
		if strings.HasPrefix(name, "/d/") {
			out = append(out, host.FileInfo{Path: name, Mode: 0o644})
		}
	}
	return out, nil
}

// Read never panics, stays within its bounds, and gives every setting a
// file, a line and a group.
func FuzzRead(f *testing.F) {
	for _, s := range []string{
		"[mysqld]\nport = 3306\n",
		"[mysqld]\n!include /my.cnf\n!includedir /d\n",
		"[mariadb]\nloose-a=\"x # y\" # c\nb='q\\'s'\nc\n[x\n",
		"x\n", "!include\n", "[a]\nb=\\",
	} {
		f.Add(s, "[mysqld]\n!include /d/a.cnf\nz=1\n")
	}
	f.Fuzz(func(t *testing.T, top, inc string) {
		c, err := Read(context.Background(), memFiles{"/my.cnf": top, "/d/a.cnf": inc}, "/my.cnf")
		if err != nil {
			return
		}
		if len(c.Files) > MaxFiles {
			t.Fatalf("%d files opened", len(c.Files))
		}
		for _, s := range c.Settings {
			if s.File == "" || s.Line < 1 || s.Start != "/my.cnf" {
				t.Fatalf("setting without its place: %+v", s)
			}
		}
	})
}
