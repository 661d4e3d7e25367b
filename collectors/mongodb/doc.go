// Package mongodb is the MongoDB target: a deployment reached with the
// target's own credentials, paired with the host that holds the server's
// files.
//
// How the pieces map:
//
//   - ParseURI reads "mongodb://user@host:port/db?options" and
//     "mongodb+srv://user@name/?options"; a password in the URI (or in an
//     option that carries one) is refused with ErrPasswordInURI, whose
//     text never repeats the URI. Config carries the password (a Secret
//     from a file or an environment variable), the mechanism (SCRAM-SHA-256,
//     SCRAM-SHA-1, MONGODB-X509 with a client certificate), TLS files and
//     the connect and command timeouts.
//   - Open connects with the official driver and returns a *Target. It is a
//     host.Host (files and commands go to the files host given to Open:
//     the local machine, an SSH host or host.Unavailable), a
//     host.MongoDatabase and a host.FactsProvider. Describe is the URI
//     without options or password.
//   - RunCommand sends only what CheckCommand accepts, all of it
//     allow-lists: named read-only administrative commands with their
//     listed arguments; aggregate pipelines that start with $listSessions,
//     $listLocalSessions or $currentOp and go on with read-only stages
//     ($lookup, $unionWith and $graphLookup only on the collections find
//     may read, $facet and sub-pipelines checked recursively); find on
//     config.system.sessions or admin.system.version; listed operators
//     only (no $out, $merge, $where, $function, $accumulator); no key
//     repeated anywhere; usersInfo without credentials or custom data.
//     Everything else is refused before it is sent. What is sent carries
//     the target's maxTimeMS (and read concern "local" for find and
//     aggregate); usersInfo replies are scrubbed of credentials and
//     customData whatever the server returns. Cursors are drained, so a
//     reply is whole.
//   - Warnings says when the scanning user holds a role the scan does not
//     need (root, userAdminAnyDatabase, readWriteAnyDatabase...); the
//     built-in checks need only LeastPrivilege.
//   - Parameters, CmdLineOpts, Users, Roles, Grants, ConnectionStatus,
//     ServerStatus, BuildInfo, HostInfo, Sessions, Databases, Collections
//     and AuthSchemaVersion read what the built-in checks and their
//     evidence need, from any host.MongoDatabase.
//   - ParseConf and ReadConf read mongod.conf (YAML) into dotted settings;
//     ConfFromCmdLine gives the same shape for the options the running
//     server was started with (getCmdLineOpts parsed).
//
// Errors say why data is missing: UnsupportedError (the server does not
// know a command, as FerretDB lacks rolesInfo and $listSessions),
// PrivilegeError (the scan's user may not run it; it matches
// host.ErrNotCollected), RefusedError (not read-only).
//
// The password is given to the driver's credential and to nothing else: it
// never reaches an error, a log record, Describe or a result.
package mongodb
