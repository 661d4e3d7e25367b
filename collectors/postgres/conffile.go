package postgres

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"

	"github.com/stigscan/stigscan/collectors/host"
)

// ConfigEntry is one "name = value" line of postgresql.conf or a file it
// includes, as pg_file_settings shows it.
type ConfigEntry struct {
	Name  string // as written; settings compare case-insensitively
	Value string // unquoted and unescaped
	File  string
	Line  int
}

// ConfigValue returns the entry that wins for name: the last one, as the
// server applies them in order.
func ConfigValue(entries []ConfigEntry, name string) (ConfigEntry, bool) {
	for i := len(entries) - 1; i >= 0; i-- {
		if strings.EqualFold(entries[i].Name, name) {
			return entries[i], true
		}
	}
	return ConfigEntry{}, false
}

// ConfigFile reads postgresql.conf through the files host (the path from
// Config.ConfigFile, else the config_file setting) with everything it
// includes, then postgresql.auto.conf of the data directory when the
// role may see data_directory: every entry in the order the server
// applies them.
func (t *Target) ConfigFile(ctx context.Context) ([]ConfigEntry, error) {
	file := t.cfg.ConfigFile
	p, err := t.privileges(ctx)
	if err != nil {
		return nil, err
	}
	if file == "" {
		if !p.allSettings {
			return nil, &PrivilegeError{Target: t.Describe(), What: "the server configuration file (postgresql.conf)",
				Need: "membership in pg_read_all_settings (or superuser) to locate config_file, or Config.ConfigFile"}
		}
		if file, err = t.setting(ctx, "config_file"); err != nil {
			return nil, err
		}
	}
	entries, err := ReadConfigFile(ctx, t.Host, file)
	if err != nil {
		return nil, t.base.Errorf("%w", err)
	}
	if p.allSettings {
		dir, err := t.setting(ctx, "data_directory")
		if err != nil {
			return nil, err
		}
		auto := path.Join(dir, "postgresql.auto.conf")
		more, err := ReadConfigFile(ctx, t.Host, auto)
		switch {
		case errors.Is(err, fs.ErrNotExist):
		case err != nil:
			return nil, t.base.Errorf("%w", err)
		default:
			entries = append(entries, more...)
		}
	}
	return entries, nil
}

// ReadConfigFile reads and parses a postgresql.conf from h with the files
// it names in include, include_if_exists and include_dir (relative to the
// including file's directory, at most 10 deep), in the server's order. A
// syntax error, a missing required include or an unreadable file is an
// error naming file and line.
func ReadConfigFile(ctx context.Context, h host.Host, file string) ([]ConfigEntry, error) {
	var out []ConfigEntry
	if err := readConf(ctx, h, file, 0, &out); err != nil {
		return nil, err
	}
	return out, nil
}

func readConf(ctx context.Context, h host.Host, file string, depth int, out *[]ConfigEntry) error {
	if depth > maxIncludeDepth {
		return fmt.Errorf("postgres: configuration file %s: includes nested more than %d deep", file, maxIncludeDepth)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("postgres: configuration file %s: %w", file, err)
	}
	data, err := h.ReadFile(ctx, file)
	if err != nil {
		return fmt.Errorf("postgres: configuration file: %w", err)
	}
	entries, err := ParseConfig(string(data))
	if err != nil {
		return fmt.Errorf("postgres: configuration file %s: %w", file, err)
	}
	for _, e := range entries {
		e.File = file
		switch strings.ToLower(e.Name) {
		case "include":
			if err := readConf(ctx, h, relativeTo(file, e.Value), depth+1, out); err != nil {
				return err
			}
		case "include_if_exists":
			target := relativeTo(file, e.Value)
			ok, err := exists(ctx, h, target)
			if err != nil {
				return fmt.Errorf("postgres: configuration file %s:%d: %w", file, e.Line, err)
			}
			if ok {
				if err := readConf(ctx, h, target, depth+1, out); err != nil {
					return err
				}
			}
		case "include_dir":
			dir := relativeTo(file, e.Value)
			list, err := h.ReadDir(ctx, dir)
			if err != nil {
				return fmt.Errorf("postgres: configuration file %s:%d: include_dir: %w", file, e.Line, err)
			}
			for _, n := range confFiles(list) {
				if err := readConf(ctx, h, path.Join(dir, n), depth+1, out); err != nil {
					return err
				}
			}
		default:
			*out = append(*out, e)
		}
	}
	return nil
}

// ParseConfig parses the text of one postgresql.conf-style file: "name =
// value" or "name value" per line, '#' comments, values bare or in single
// quotes (a doubled quote and backslash escapes). Include directives are returned
// as entries named include, include_if_exists or include_dir; File is
// left empty.
func ParseConfig(text string) ([]ConfigEntry, error) {
	var out []ConfigEntry
	for n, line := range strings.Split(text, "\n") {
		e, ok, err := parseConfLine(strings.TrimSuffix(line, "\r"))
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", n+1, err)
		}
		if ok {
			e.Line = n + 1
			out = append(out, e)
		}
	}
	return out, nil
}

func parseConfLine(s string) (ConfigEntry, bool, error) {
	i := skipConfSpace(s, 0)
	if i >= len(s) || s[i] == '#' {
		return ConfigEntry{}, false, nil
	}
	j := i
	for j < len(s) && (isConfLetter(s[j]) || s[j] >= '0' && s[j] <= '9' || s[j] == '.') {
		j++
	}
	name := s[i:j]
	if name == "" || !isConfLetter(name[0]) || strings.HasSuffix(name, ".") || strings.Contains(name, "..") {
		return ConfigEntry{}, false, fmt.Errorf("syntax error: expected a setting name")
	}
	i = skipConfSpace(s, j)
	if i < len(s) && s[i] == '=' {
		i = skipConfSpace(s, i+1)
	}
	if i >= len(s) || s[i] == '#' {
		return ConfigEntry{}, false, fmt.Errorf("syntax error: %s has no value", name)
	}
	var value string
	if s[i] == '\'' {
		v, end, err := confString(s, i)
		if err != nil {
			return ConfigEntry{}, false, err
		}
		value, i = v, end
	} else {
		j := i
		for j < len(s) && !isConfSpace(s[j]) && s[j] != '#' && s[j] != '\'' && s[j] != '=' {
			j++
		}
		value, i = s[i:j], j
	}
	i = skipConfSpace(s, i)
	if i < len(s) && s[i] != '#' {
		return ConfigEntry{}, false, fmt.Errorf("syntax error after the value of %s", name)
	}
	return ConfigEntry{Name: name, Value: value}, true, nil
}

// confString reads a quoted value starting at the quote s[i] and unescapes
// it as the server does: a doubled quote is one; \b \f \n \r \t, octal \ooo, and
// a backslash before any other character stands for that character.
func confString(s string, i int) (string, int, error) {
	var b strings.Builder
	j := i + 1
	for j < len(s) {
		c := s[j]
		switch {
		case c == '\'' && j+1 < len(s) && s[j+1] == '\'':
			b.WriteByte('\'')
			j += 2
		case c == '\'':
			return b.String(), j + 1, nil
		case c == '\\' && j+1 < len(s):
			j++
			switch e := s[j]; e {
			case 'b':
				b.WriteByte('\b')
			case 'f':
				b.WriteByte('\f')
			case 'n':
				b.WriteByte('\n')
			case 'r':
				b.WriteByte('\r')
			case 't':
				b.WriteByte('\t')
			case '0', '1', '2', '3', '4', '5', '6', '7':
				v, k := 0, 0
				for k < 3 && j < len(s) && s[j] >= '0' && s[j] <= '7' {
					v = v*8 + int(s[j]-'0')
					j++
					k++
				}
				b.WriteByte(byte(v))
				continue
			default:
				b.WriteByte(e)
			}
			j++
		default:
			b.WriteByte(c)
			j++
		}
	}
	return "", 0, fmt.Errorf("unterminated quoted string")
}

func isConfLetter(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c >= 0x80
}

func isConfSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v' }

func skipConfSpace(s string, i int) int {
	for i < len(s) && isConfSpace(s[i]) {
		i++
	}
	return i
}

// exists reports whether path exists on h.
func exists(ctx context.Context, h host.Host, p string) (bool, error) {
	fi, err := h.Stat(ctx, p)
	if err != nil {
		return false, err
	}
	if len(fi) != 1 {
		return false, fmt.Errorf("stat %s: no answer", p)
	}
	if errors.Is(fi[0].Err, fs.ErrNotExist) {
		return false, nil
	}
	return fi[0].Err == nil, fi[0].Err
}
