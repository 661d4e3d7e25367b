// Package mariadbtest proves the built-in checks for DISA's MariaDB
// Enterprise 10.x STIG on a real MariaDB 10.11 server (Debian's
// mariadb-server, started by collectors/mysql/mysqltest): a tailored
// passing server passes and a failing one fails every automated rule,
// rule by rule, with the server's files judged through an offline root.
// It has tests only.
package mariadbtest
