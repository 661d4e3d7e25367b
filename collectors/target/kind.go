package target

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/stigscan/stigscan/collectors/host"
	"github.com/stigscan/stigscan/collectors/secret"
)

// Class says whether a kind is a machine or a database (host.Class:
// hosts report it too).
type Class = host.Class

// The classes of targets, as host declares them.
const (
	Machine  = host.Machine
	Database = host.Database
)

// ServerKey is the setting of every database kind that names the machine
// its server's files are read from (local, local:/root, ssh://...); its
// flag is --db-host.
const ServerKey = "db-host"

// Kind is one kind of target. Kinds are values: a registry holds copies,
// and nothing changes one after it is declared.
type Kind struct {
	// Name is the registry key: "ssh", "postgres".
	Name string
	// Title is what messages call the kind: "SSH", "PostgreSQL".
	Title string
	Class Class
	// Engine names a database's engine as its checks do ("postgresql");
	// empty for machines.
	Engine string

	// Schemes are prefixes a target of the kind starts with ("ssh://",
	// "local:"), compared without regard to case; Words are whole
	// targets ("local"). The longest match in a registry wins.
	Schemes []string
	Words   []string
	// Usage is the target's form for help text: "ssh://user@host[:port]".
	Usage string

	// Settings are the inventory keys of the kind, besides name=.
	Settings []Setting
	// LoginPrefix, for a machine kind, is what its Login settings are
	// prefixed with on a database line whose db-host= names such a
	// machine ("ssh-": ssh-key=, ssh-password-env=).
	LoginPrefix string

	// Open connects to a target of the kind. close may be nil.
	Open func(ctx context.Context, r Request) (h host.Host, close func() error, err error)
	// Redact is the target string as outputs may print it; nil means
	// secret.RedactTarget.
	Redact func(spec string) secret.Target
	// DefaultName is the file-safe name of a target that names none;
	// nil means NameFromURL: host, port and path of the redacted target.
	DefaultName func(spec string) string
}

// Host is the kind as a Host reports it (host.KindProvider).
func (k Kind) Host() host.Kind { return host.Kind{Name: k.Name, Class: k.Class, Engine: k.Engine} }

// Match reports whether spec is of the kind, and how long the matched
// scheme or word is (0: no match).
func (k Kind) Match(spec string) int {
	best := 0
	for _, w := range k.Words {
		if spec == w && len(w) > best {
			best = len(w)
		}
	}
	for _, s := range k.Schemes {
		if len(spec) >= len(s) && strings.EqualFold(spec[:len(s)], s) && len(s) > best {
			best = len(s)
		}
	}
	return best
}

// Setting returns the kind's setting with the key.
func (k Kind) Setting(key string) (Setting, bool) { return findSetting(k.Settings, key) }

func findSetting(settings []Setting, key string) (Setting, bool) {
	for _, s := range settings {
		if s.Key == key {
			return s, true
		}
	}
	return Setting{}, false
}

// ValueType is how a setting's value is read.
type ValueType int

// Value types.
const (
	String ValueType = iota
	Bool             // true or false
	Port             // 1 to 65535
)

// Setting is one inventory key of a kind.
type Setting struct {
	Key  string // as written on an inventory line: "password-env"
	Help string // what it sets, for usage text
	Type ValueType
	// Flag is the command-line flag whose value is the default ("ssh-key",
	// "db-password-env"); empty: the default is empty. Kinds may share a
	// flag: the database kinds share --db-password-env.
	Flag string
	// FlagHelp is the flag's help text; the first kind in name order that
	// gives one for a shared flag provides it.
	FlagHelp string
	// Replaces is the setting this one displaces: a line's
	// password-env= sets the password's source, so the command line's
	// --ssh-password-file is not read for it.
	Replaces string
	// Login marks a machine's login setting: on a database line it is
	// written with the machine kind's LoginPrefix. A setting that is not
	// a login (sudo=: how the machine is read) is written as it is.
	Login bool
}

// Env is what every target of a run shares: set by the caller once.
type Env struct {
	// Defaults are the command line's values of the settings' flags, by
	// flag name ("ssh-user" → "scan"); bool flags are "true" or "false".
	Defaults map[string]string
	// Logger receives connection events; nil discards them.
	Logger *slog.Logger
	// MaxFileBytes caps every file read from a machine (0: the default).
	MaxFileBytes int64
	// ConnectTimeout bounds connecting and logging in to a machine;
	// CommandTimeout each remote command; QueryTimeout each database
	// query. Zero: each kind's default.
	ConnectTimeout, CommandTimeout, QueryTimeout time.Duration
	// UseAgent offers an SSH agent's keys; AcceptUnknownHostKeys accepts
	// machines absent from known_hosts (a changed key is always refused).
	UseAgent, AcceptUnknownHostKeys bool
	// Password is a database password read once at a prompt, used when a
	// database target names no password source; nil: none.
	Password *secret.Secret
}

// Request is what a kind's Open receives.
type Request struct {
	Spec   string // the target as written
	Name   string // its name, for messages
	Values Values // its settings, over the command line's defaults
	Env    Env
	// Files is where a database's server files are read: the machine of
	// its db-host= setting, else a host.Unavailable saying why not. Nil
	// for machines.
	Files host.Host
}

// Values are one target's settings: its line's, over the command line's
// defaults (Env.Defaults). A machine opened for a database's server files
// reads its login settings from the database line, prefixed.
type Values struct {
	settings []Setting
	line     map[string]string // by key, the prefix removed
	defaults map[string]string // by flag name
	prefix   string            // of the line's login keys, for messages
}

func (v Values) setting(key string) Setting {
	if s, ok := findSetting(v.settings, key); ok {
		return s
	}
	return Setting{Key: key}
}

// String is the value of the setting key: the line's, else empty when the
// line set the setting it replaces, else its flag's.
func (v Values) String(key string) string {
	if val, ok := v.line[key]; ok {
		return val
	}
	s := v.setting(key)
	if s.Replaces != "" {
		if _, ok := v.line[s.Replaces]; ok {
			return ""
		}
	}
	if s.Flag == "" {
		return ""
	}
	return v.defaults[s.Flag]
}

// written is key as the line wrote it.
func (v Values) written(key string) string {
	if v.setting(key).Login {
		return v.prefix + key
	}
	return key
}

// Bool is a Bool setting; empty is false.
func (v Values) Bool(key string) (bool, error) {
	s := v.String(key)
	if s == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(s)
	if err != nil {
		return false, fmt.Errorf("%s=%q: want true or false", v.written(key), s)
	}
	return b, nil
}

// Port is a Port setting; empty is 0.
func (v Values) Port(key string) (int, error) {
	s := v.String(key)
	if s == "" {
		return 0, nil
	}
	p, err := strconv.Atoi(s)
	if err != nil || p < 1 || p > 65535 {
		return 0, fmt.Errorf("%s=%q: not a port number", v.written(key), s)
	}
	return p, nil
}

// check reads every typed setting, so a malformed value is refused
// before anything connects.
func (v Values) check() error {
	for _, s := range v.settings {
		var err error
		switch s.Type {
		case Bool:
			_, err = v.Bool(s.Key)
		case Port:
			_, err = v.Port(s.Key)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// DatabaseLogin are the settings every database kind has: the sources of
// the database's password and the machine of its server's files.
func DatabaseLogin() []Setting {
	return []Setting{
		{Key: "password-env", Help: "environment variable holding the database password", Flag: "db-password-env",
			FlagHelp: "environment variable holding the database password", Replaces: "password-file"},
		{Key: "password-file", Help: "file holding the database password", Flag: "db-password-file",
			FlagHelp: "file holding the database password", Replaces: "password-env"},
		{Key: ServerKey, Help: "the machine the server's files are read from", Flag: ServerKey},
	}
}

// usageError is an error in how a target or its settings were written.
type usageError struct{ msg string }

func (e *usageError) Error() string        { return e.msg }
func (e *usageError) Is(target error) bool { return target == ErrUsage }

func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// DatabasePassword is the database password of a database target: from
// its password-env= or password-file= (over --db-password-env and
// --db-password-file), else the one read at a prompt (Env.Password),
// else none.
func (r Request) DatabasePassword() (secret.Secret, error) {
	if r.Values.String("password-env") == "" && r.Values.String("password-file") == "" && r.Env.Password != nil {
		return *r.Env.Password, nil
	}
	return r.Values.Secret("password-env", "password-file")
}

// Secret reads the secret whose source the settings envKey (an
// environment variable's name) and fileKey (a file's path) give: the
// variable, else the file, else none.
func (v Values) Secret(envKey, fileKey string) (secret.Secret, error) {
	switch env, file := v.String(envKey), v.String(fileKey); {
	case env != "":
		return secret.FromEnv(env)
	case file != "":
		return secret.FromFile(file)
	}
	return secret.Secret{}, nil
}
