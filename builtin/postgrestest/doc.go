// Package postgrestest tests stigscan's built-in checks for the DISA
// PostgreSQL 9.x STIG (builtin/postgres-9x-*.xml) against real PostgreSQL
// servers: a cluster configured to pass every automated rule and one
// configured to fail every one, each scanned through engine.Prepare and
// Evaluate with a postgres target and an offline root holding the
// server's files.
//
// The clusters are started by this package's tests rather than by
// internal/testpg because the fixtures differ in settings that need a
// server start (shared_preload_libraries, max_connections,
// logging_collector, ssl) and in pg_hba.conf. The package holds no code
// outside its tests.
package postgrestest
