package target

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/stigscan/stigscan/collectors/host"
	"github.com/stigscan/stigscan/collectors/secret"
)

// ErrUsage matches every error about how a target or its settings were
// written (an unknown target, a setting its kind does not have, a
// malformed value), as opposed to a failure to connect.
var ErrUsage = errors.New("target: target or setting written wrongly")

// Registry holds target kinds by name. It is read-only once built: build
// it as a map literal (see collectors/list) and pass it where targets are
// read.
type Registry map[string]Kind

// kinds are the registry's kinds: machines first, then databases, each
// by name, so help text and messages come out the same every time.
func (r Registry) kinds() []Kind {
	ks := make([]Kind, 0, len(r))
	for _, k := range r {
		ks = append(ks, k)
	}
	sort.Slice(ks, func(i, j int) bool {
		if ks[i].Class != ks[j].Class {
			return ks[i].Class == Machine
		}
		return ks[i].Name < ks[j].Name
	})
	return ks
}

// Lookup finds the kind of a target string: the kind whose scheme or
// word matches the longest part of it.
func (r Registry) Lookup(spec string) (Kind, bool) {
	var best Kind
	n := 0
	for _, k := range r.kinds() {
		if m := k.Match(spec); m > n {
			best, n = k, m
		}
	}
	return best, n > 0
}

// Usages are the forms of the registry's targets of one class ("" for
// all), machines first: "local", "ssh://user@host[:port]", ...
func (r Registry) Usages(class Class) []string {
	var out []string
	for _, k := range r.kinds() {
		if class == "" || k.Class == class {
			out = append(out, k.Usage)
		}
	}
	return out
}

// Redact is spec as outputs may print it: its kind's redaction, or
// secret.RedactTarget's for a string of no kind.
func (r Registry) Redact(spec string) secret.Target {
	if k, ok := r.Lookup(spec); ok && k.Redact != nil {
		return k.Redact(spec)
	}
	return secret.RedactTarget(spec)
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// Name derives a file-safe name for a target that names none: its
// kind's DefaultName, else NameFromURL. It never holds the target's user
// part or query, either of which may hold a secret.
func (r Registry) Name(spec string) string {
	k, ok := r.Lookup(spec)
	if !ok {
		return NameFromURL(r.Redact(spec).String(), "")
	}
	if k.DefaultName != nil {
		return k.DefaultName(spec)
	}
	return NameFromURL(r.Redact(spec).String(), matchedPrefix(k, spec))
}

// matchedPrefix is the scheme or word of k that spec starts with (Match
// only counts what spec holds).
func matchedPrefix(k Kind, spec string) string { return spec[:k.Match(spec)] }

// NameFromURL is the file-safe name of a redacted URL-like target: what
// follows the scheme (prefix) and the user part, before any query or
// fragment, with every run of other characters than letters, digits,
// '.', '_' and '-' made one '_' ("ssh://root@web1:2222" → "web1_2222").
// An empty result is "local".
func NameFromURL(redacted, prefix string) string {
	s := redacted
	if len(prefix) <= len(s) && strings.EqualFold(s[:len(prefix)], prefix) {
		s = s[len(prefix):]
	}
	if i := strings.IndexAny(s, "?#"); i >= 0 {
		s = s[:i]
	}
	if i := strings.LastIndexByte(s, '@'); i >= 0 {
		s = s[i+1:]
	}
	return SafeName(s)
}

// NameFromPath is the file-safe name of a target that is a path after its
// prefix ("local:/srv/img" → "srv_img"); "local" when nothing is left.
func NameFromPath(redacted, prefix string) string {
	s := redacted
	if len(prefix) <= len(s) && strings.EqualFold(s[:len(prefix)], prefix) {
		s = s[len(prefix):]
	}
	if i := strings.LastIndexByte(s, '@'); i >= 0 {
		s = s[i+1:]
	}
	return SafeName(s)
}

// SafeName makes s file-safe: runs of characters other than letters,
// digits, '.', '_' and '-' become '_', and leading or trailing '_' and
// '.' go. An empty result is "local".
func SafeName(s string) string {
	s = strings.Trim(unsafeName.ReplaceAllString(s, "_"), "_.")
	if s == "" {
		s = "local"
	}
	return s
}

// loginKeys are the keys a database line may write for its server
// machine: each machine kind's Login settings with its LoginPrefix, and
// its other settings as they are.
func (r Registry) loginKeys() map[string]bool {
	keys := map[string]bool{}
	for _, k := range r.kinds() {
		if k.Class != Machine {
			continue
		}
		for _, s := range k.Settings {
			if s.Login && k.LoginPrefix != "" {
				keys[k.LoginPrefix+s.Key] = true
			} else if !s.Login {
				keys[s.Key] = true
			}
		}
	}
	return keys
}

// known reports whether key is a setting of some kind of the registry.
func (r Registry) known(key string) bool {
	if key == "name" || r.loginKeys()[key] {
		return true
	}
	for _, k := range r.kinds() {
		if _, ok := k.Setting(key); ok {
			return true
		}
	}
	return false
}

// Check refuses settings a target's kind does not have, so that a
// setting meant for one system (a database's password source) is never
// silently read as another's. Its error names the key only when the key
// is one the registry knows: an unknown word might be a secret. A target
// of no kind may set name= only.
func (r Registry) Check(spec string, settings map[string]string) error {
	k, ok := r.Lookup(spec)
	class := Machine
	allowed := map[string]bool{"name": true}
	if ok {
		class = k.Class
		for _, s := range k.Settings {
			allowed[s.Key] = true
		}
		if k.Class == Database {
			for key := range r.loginKeys() {
				allowed[key] = true
			}
		}
	}
	keys := make([]string, 0, len(settings))
	for key := range settings {
		keys = append(keys, key)
	}
	sort.Strings(keys)
	for _, key := range keys {
		if allowed[key] {
			continue
		}
		if class == Database {
			for _, m := range r.kinds() {
				if s, ok := m.Setting(key); ok && m.Class == Machine && s.Login && m.LoginPrefix != "" {
					return usagef("%s= is an %s setting; on a database line the %s login of %s= is set with %s%s=",
						key, m.Title, m.Title, ServerKey, m.LoginPrefix, key)
				}
			}
		}
		if r.known(key) {
			return usagef("a %s target has no %s= setting", class, key)
		}
		return usagef("a setting is not one a %s target has (the key is not repeated: it could be a secret)", class)
	}
	return nil
}

// unknown is the error for a target string of no kind, listing the
// forms the registry knows; the target is redacted.
func (r Registry) unknown(spec string) error {
	forms := make([]string, 0, len(r))
	for _, k := range r.kinds() {
		if k.Class == Database && len(k.Schemes) > 0 {
			forms = append(forms, k.Schemes[0])
			continue
		}
		forms = append(forms, k.Usage)
	}
	return usagef("unknown target %q (use %s)", r.Redact(spec), strings.Join(forms, ", "))
}

// Open connects to the target spec, named name, with its line's settings
// (nil for a target given on the command line) over env's defaults.
//
// For a database, the machine its server's files are read from (its
// db-host= setting, else --db-host) is opened first, through that
// machine's kind: the machine reads its login settings from the line
// with its kind's LoginPrefix only (ssh-password-env=), so the
// database's own password-env= is never offered to it. Without a
// db-host the database gets a host.Unavailable saying why its files
// cannot be read. close releases both.
func (r Registry) Open(ctx context.Context, spec, name string, settings map[string]string, env Env) (host.Host, func() error, error) {
	k, ok := r.Lookup(spec)
	if !ok || k.Open == nil {
		return nil, nil, r.unknown(spec)
	}
	vals := Values{settings: k.Settings, line: settings, defaults: env.Defaults}
	if err := vals.check(); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", name, err)
	}
	req := Request{Spec: spec, Name: name, Values: vals, Env: env}
	if k.Class != Database {
		return k.Open(ctx, req)
	}
	var closeFiles func() error
	req.Files = host.Unavailable{Name: "database server of " + name, Reason: "no access to the server machine was configured (--" + ServerKey + ")"}
	if files := vals.String(ServerKey); files != "" {
		m, ok := r.Lookup(files)
		if ok && m.Class != Machine {
			return nil, nil, usagef("%s: %s names the server's machine (%s), not a database", name, ServerKey, strings.Join(r.Usages(Machine), ", "))
		}
		if !ok || m.Open == nil {
			return nil, nil, fmt.Errorf("%s: server files: %w", name, r.unknown(files))
		}
		mv := Values{settings: m.Settings, line: machineLine(m, settings), defaults: env.Defaults, prefix: m.LoginPrefix}
		if err := mv.check(); err != nil {
			return nil, nil, fmt.Errorf("%s: server files: %w", name, err)
		}
		h, c, err := m.Open(ctx, Request{Spec: files, Name: name, Values: mv, Env: env})
		if err != nil {
			return nil, nil, fmt.Errorf("%s: server files: %w", name, err)
		}
		req.Files, closeFiles = h, c
	}
	h, c, err := k.Open(ctx, req)
	if err != nil {
		if closeFiles != nil {
			_ = closeFiles()
		}
		return nil, nil, err
	}
	return h, joinClose(c, closeFiles), nil
}

// machineLine are the settings a database line gives the machine kind m
// of its server: m's Login settings written with m's prefix, its other
// settings as they are. Nothing else of the line reaches m.
func machineLine(m Kind, line map[string]string) map[string]string {
	out := map[string]string{}
	for _, s := range m.Settings {
		key := s.Key
		if s.Login {
			if m.LoginPrefix == "" {
				continue
			}
			key = m.LoginPrefix + s.Key
		}
		if v, ok := line[key]; ok {
			out[s.Key] = v
		}
	}
	return out
}

func joinClose(fs ...func() error) func() error {
	fs = slices.DeleteFunc(fs, func(f func() error) bool { return f == nil })
	if len(fs) == 0 {
		return nil
	}
	return func() error {
		var err error
		for _, f := range fs {
			if e := f(); err == nil {
				err = e
			}
		}
		return err
	}
}

// Flag is one command-line flag the registry's settings take defaults
// from.
type Flag struct {
	Name string
	Help string
	Type ValueType
}

// Flags are the flags the settings of the registry name, each once, by
// name. The help of --db-host lists the machine forms.
func (r Registry) Flags() []Flag {
	byName := map[string]Flag{}
	for _, k := range r.kinds() {
		for _, s := range k.Settings {
			if s.Flag == "" {
				continue
			}
			f, seen := byName[s.Flag]
			if !seen {
				f = Flag{Name: s.Flag, Type: s.Type}
			}
			if f.Help == "" {
				f.Help = s.FlagHelp
			}
			byName[s.Flag] = f
		}
	}
	if f, ok := byName[ServerKey]; ok && f.Help == "" {
		f.Help = "where the database server's files are read (config files, data directory modes):\n" +
			strings.Join(r.Usages(Machine), ", ") + "; empty: not read, those checks report why"
		byName[ServerKey] = f
	}
	out := make([]Flag, 0, len(byName))
	for _, f := range byName {
		out = append(out, f)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// SettingsHelp describes the inventory settings of every kind, one line
// per kind, for the help of an inventory flag:
//
//	ssh://user@host[:port]: user=, port=, ..., name=
func (r Registry) SettingsHelp() string {
	kinds := r.kinds()
	// What every database line adds: each machine kind's prefixed login
	// settings, for the machine of its db-host=.
	var serverLogins string
	for _, m := range kinds {
		if m.Class != Machine || m.LoginPrefix == "" {
			continue
		}
		var logins []string
		for _, s := range m.Settings {
			if s.Login {
				logins = append(logins, m.LoginPrefix+s.Key+"=")
			}
		}
		if len(logins) > 0 {
			serverLogins += "; " + strings.Join(logins, ", ") + " for the " + m.Title + " login of " + ServerKey + "="
		}
	}
	var lines []string
	for _, k := range kinds {
		var keys []string
		for _, s := range k.Settings {
			keys = append(keys, s.Key+"=")
		}
		keys = append(keys, "name=")
		line := k.Usage + ": " + strings.Join(keys, ", ")
		if k.Class == Database {
			line += serverLogins
		}
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n")
}

// Only is the registry's kinds of one class.
func (r Registry) Only(class Class) Registry {
	out := Registry{}
	for name, k := range r {
		if k.Class == class {
			out[name] = k
		}
	}
	return out
}
