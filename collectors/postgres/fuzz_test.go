package postgres

import (
	"context"
	"strings"
	"testing"

	"github.com/stigscan/stigscan/internal/testpg"
)

// The parsers read files and targets that others control: they must never
// panic and must keep their invariants on any input.

func FuzzParseConfig(f *testing.F) {
	f.Add("a = 1\nb 'x''y' # c\n")
	f.Add(`log_line_prefix = '%m \'q\' \101\\'` + "\ninclude_dir 'conf.d'\n")
	f.Add("x.y = -1.5e3\n\r\n = \n'")
	f.Fuzz(func(t *testing.T, text string) {
		entries, err := ParseConfig(text)
		if err != nil {
			return
		}
		lines := strings.Count(text, "\n") + 1
		prev := 0
		for _, e := range entries {
			if e.Name == "" || e.Line <= prev || e.Line > lines {
				t.Fatalf("bad entry %+v", e)
			}
			prev = e.Line
		}
	})
}

func FuzzReadHBA(f *testing.F) {
	f.Add(testpg.HBA)
	f.Add("host \"a,b\",c +d,@e 10.0.0.1 255.0.0.0 md5 x=y\\\n z=w\n")
	f.Add("local all all ident\nhost all all ::1/200 trust\n\"\"\",,,\n")
	f.Fuzz(func(t *testing.T, text string) {
		h := memHost{"/d/pg_hba.conf": text, "/d/e": "u1 u2\n"}
		rules, err := ReadHBA(context.Background(), h, "/d/pg_hba.conf")
		if err != nil {
			return // only an unreadable include is an error
		}
		for _, r := range rules {
			if r.Line < 1 {
				t.Fatalf("bad line in %+v", r)
			}
			if r.Error == "" && (r.Type == "" || r.Method == "" || len(r.Databases) == 0 || len(r.Users) == 0) {
				t.Fatalf("rule without error is incomplete: %+v", r)
			}
			if r.Error == "" && r.Type != "local" && r.Address == "" {
				t.Fatalf("host rule without address: %+v", r)
			}
		}
	})
}

func FuzzParseTarget(f *testing.F) {
	f.Add("postgres://u@h:5432/db?sslmode=require")
	f.Add("postgresql://u@[::1]/d")
	f.Add("postgres://u:secret@h/d")
	f.Fuzz(func(t *testing.T, s string) {
		e, err := ParseTarget(s)
		if err != nil {
			return
		}
		again, err := ParseTarget(e.String())
		if err != nil {
			t.Fatalf("%q: String %q does not parse back: %v", s, e.String(), err)
		}
		again.SSLMode = e.SSLMode
		if again.String() != e.String() {
			t.Fatalf("%q: round trip %q != %q", s, again.String(), e.String())
		}
	})
}
