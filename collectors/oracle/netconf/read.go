package netconf

import (
	"context"
	"fmt"
	"path"
	"strings"

	"github.com/stigscan/stigscan/collectors/host"
)

// maxFiles bounds how many files one Read follows through IFILE.
const maxFiles = 64

// Config is a file read with its includes: the parameters of every file in
// the order Oracle Net reads them.
type Config struct {
	Path     string   // the file Read started from
	Files    []string // every file read, in order
	Params   []*Param // top-level parameters, includes expanded where their IFILE stands
	Problems []Problem
}

// Lookup returns the parameter named key (case-insensitive) in effect: the
// last one read.
func (c *Config) Lookup(key string) (*Param, bool) { return lookup(c.Params, key) }

// Read reads file p from h and every file it includes with IFILE. A
// relative include is taken relative to the directory of the file that
// names it. A file included a second time (a cycle, or the same file named
// twice) is not read again; a missing include is a Problem. Only a missing
// or unreadable p itself fails Read, with an error matching the host's
// (fs.ErrNotExist, host.ErrNotCollected).
func Read(ctx context.Context, h host.Host, p string) (*Config, error) {
	c := &Config{Path: p}
	seen := map[string]bool{}
	if err := c.read(ctx, h, path.Clean(p), seen); err != nil {
		return nil, fmt.Errorf("netconf: %w", err)
	}
	return c, nil
}

func (c *Config) read(ctx context.Context, h host.Host, p string, seen map[string]bool) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	data, err := h.ReadFile(ctx, p)
	if err != nil {
		return err
	}
	seen[p] = true
	c.Files = append(c.Files, p)
	f := Parse(p, data)
	c.Problems = append(c.Problems, f.Problems...)
	for _, prm := range f.Params {
		c.Params = append(c.Params, prm)
		if prm.Key() != "IFILE" {
			continue
		}
		inc := strings.TrimSpace(prm.Value.Text)
		if inc == "" {
			c.Problems = append(c.Problems, Problem{File: p, Line: prm.Line, Msg: "IFILE without a file name", Include: true})
			continue
		}
		if !path.IsAbs(inc) {
			inc = path.Join(path.Dir(p), inc)
		}
		inc = path.Clean(inc)
		switch {
		case seen[inc]:
			c.Problems = append(c.Problems, Problem{File: p, Line: prm.Line, Msg: "IFILE " + inc + " was already read (not read again)", Include: true})
			continue
		case len(c.Files) >= maxFiles:
			c.Problems = append(c.Problems, Problem{File: p, Line: prm.Line, Msg: fmt.Sprintf("more than %d included files", maxFiles), Include: true})
			continue
		}
		if err := c.read(ctx, h, inc, seen); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			c.Problems = append(c.Problems, Problem{File: p, Line: prm.Line, Msg: "IFILE " + inc + ": " + err.Error(), Include: true})
		}
	}
	return nil
}
