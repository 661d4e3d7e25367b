// Package oracletest tests stigscan's built-in checks for DISA's Oracle
// Database 12c and 19c STIGs (builtin/oracle-12c-*.xml,
// builtin/oracle-19c-*.xml) end to end through engine.Prepare and Evaluate.
//
// No Oracle server can run where stigscan is built, so no live Oracle
// instance is used here: the checks' SQL runs on PostgreSQL 15 tables
// shaped like the Oracle views it reads (fixtures/oracle12c, and for 19c
// fixtures/oracle19c over it with the multitenant CDB_* views by CON_ID
// and V$CONTAINERS, loaded by collectors/oracle/oracletest), through an
// *oracle.Target whose engine is "oracle" and whose guard and read-only
// transaction are the real ones. The server machine is an offline root
// folder posing as a running system. TestLiveOracleBuiltin scans a real
// Oracle with both releases' checks when ORACLE_URL is set.
// Only tests live here.
package oracletest
