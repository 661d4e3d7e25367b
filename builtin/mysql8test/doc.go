// Package mysql8test tests stigscan's built-in checks for DISA's Oracle
// MySQL 8.0 STIG (builtin/mysql-8-*.xml). No MySQL 8.0 server runs where
// they are tested, so they are tested two ways, and every automated rule
// by at least one:
//
//   - contract fixtures (testdata/mysql80-*.yaml): MySQL 8.0's replies to
//     the exact statements the checks run, as its reference manual
//     documents the tables and variables for a compliant and a
//     non-compliant server, answered by a fake sql57 target whose host
//     is an offline root of the server's files (files_test.go: data
//     directory, audit log, TLS files, error log, option files, with
//     DISA's modes and owners); every automated rule passes on the one
//     and fails on the other, and TestFiles fails the file rules one
//     changed file at a time;
//   - a real MariaDB 10.11 server (collectors/mysql/mysqltest) for the
//     rules whose statements and answers are the same on MariaDB
//     (mariaDBRules): accounts and grants in information_schema, the
//     @@global settings MariaDB shares, the processlist.
//
// TestLive runs the checks on a real MySQL 8.0 server when MYSQL_URL and
// MYSQL_PASSWORD are set. The package holds no code outside its tests.
package mysql8test
