// Package target is the registry of stigscan's target kinds: what a target
// string may be, which settings it takes, how it is opened, how it is
// named and redacted, and whether it is a machine or a database. It links
// no driver; package collectors/list assembles the standard kinds into
// one Registry, and each kind's own package (collectors/local, ssh,
// postgres, mongodb, oracle) declares its Kind.
//
// # A kind is one value
//
// A Kind holds together everything that used to be spread over string
// tests in several files:
//
//   - Schemes ("ssh://", matched without regard to case) and Words
//     ("local") say which target strings are of the kind; Usage shows
//     its form ("ssh://user@host[:port]").
//   - Class (Machine or Database) and Engine say what it is; a Host the
//     kind opens reports the same through host.KindProvider, so results
//     carry it (engine.Result.Kind) and writers read it.
//   - Settings are its inventory keys (key=value on a --targets line),
//     each with the command-line flag giving its default. Database kinds
//     share the --db-* flags; a database's password-env= is the
//     database's, never its server machine's.
//   - Open connects, given the target's resolved Values, the shared Env
//     (logger, limits, timeouts, a prompted password) and, for a
//     database, the Host its server's files are read from.
//   - Redact and DefaultName derive what outputs may print and what files
//     are named, never holding a password.
//
// # The registry
//
// A Registry maps kind names to kinds. It finds the kind of a target
// (Lookup), writes the usage text (Usages, SettingsHelp), derives fleet
// names (Name), refuses settings a kind does not have (Check, whose
// errors never repeat an unknown key: it could be a secret), and opens
// targets (Open): for a database it first opens the machine named by its
// db-host= setting, through that machine's kind, with the machine's
// login settings written with the machine kind's LoginPrefix (ssh-key=,
// ssh-password-env=). So a database line's password-env= can reach the
// database driver only.
//
// Adding a kind is one package declaring its Kind and one entry in
// collectors/list; the CLI's flags, usage, opener, settings check and
// fleet naming read the registry.
package target
