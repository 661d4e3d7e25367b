// Package oracletest tests stigscan's built-in checks for the DISA Oracle
// Database 12c STIG (builtin/oracle-12c-*.xml) end to end through
// engine.Prepare and Evaluate.
//
// No Oracle server can run where stigscan is built, so no live Oracle
// instance is used here: the checks' SQL runs on PostgreSQL 15 tables
// shaped like the Oracle views it reads (fixtures/oracle12c, loaded by
// collectors/oracle/oracletest), through an *oracle.Target whose engine is
// "oracle" and whose guard and read-only transaction are the real ones. The
// server machine is an offline root folder posing as a running system.
// Only tests live here.
package oracletest
