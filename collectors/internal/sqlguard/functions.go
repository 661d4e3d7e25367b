package sqlguard

import "strings"

// Built-in functions that act on the server even inside a read-only
// transaction, or that run SQL text this guard never sees. Names are lower
// case; a prefix covers a family. Kept in switches, not package maps, so
// there is no package state to mutate.

// pgFunction says why a PostgreSQL function is refused, or "".
func pgFunction(name string) string {
	switch name {
	case "pg_terminate_backend":
		return "terminates sessions"
	case "pg_cancel_backend":
		return "cancels queries"
	case "pg_reload_conf":
		return "reloads the server configuration"
	case "pg_rotate_logfile":
		return "rotates the server log"
	case "pg_rotate_logfile_old":
		return "rotates the server log"
	case "pg_promote":
		return "promotes a standby"
	case "pg_import_system_collations":
		return "creates collations"
	case "pg_log_backend_memory_contexts":
		return "writes to the server log"
	case "set_config":
		return "changes a setting"
	case "pg_notify":
		return "sends notifications"
	case "nextval":
		return "advances a sequence"
	case "setval":
		return "changes a sequence"
	case "lowrite":
		return "writes a large object"
	case "pg_truncate_visibility_map":
		return "truncates a visibility map"
	case "txid_current":
		return "assigns a transaction id"
	case "connectby", "ts_stat", "ts_rewrite":
		return "runs SQL text this guard does not see"
	case "pg_current_xact_id":
		return "assigns a transaction id"
	}
	for _, p := range [...]struct{ prefix, why string }{
		{"pg_switch_", "switches the write-ahead log"},
		{"pg_create_", "creates server objects (restore points, replication slots)"},
		{"pg_drop_", "drops server objects"},
		{"pg_copy_", "copies replication slots"},
		{"pg_replication_slot_", "moves replication slots"},
		{"pg_replication_origin_", "changes replication origins"},
		{"pg_logical_", "consumes or emits logical decoding data"},
		{"pg_wal_replay_", "pauses or resumes recovery"},
		{"pg_xlog_replay_", "pauses or resumes recovery"},
		{"pg_backup_", "starts or stops a backup"},
		{"pg_start_backup", "starts a backup"},
		{"pg_stop_backup", "stops a backup"},
		{"pg_stat_reset", "resets statistics"},
		{"pg_stat_statements_reset", "resets statistics"},
		{"pg_advisory_", "takes advisory locks"},
		{"pg_try_advisory_", "takes advisory locks"},
		{"pg_file_", "writes server files"},
		{"pg_sleep", "sleeps"},
		{"lo_", "reads or writes large objects and server files"},
		{"dblink", "runs SQL on another connection"},
		{"query_to_xml", "runs SQL text this guard does not see"},
		{"cursor_to_xml", "reads a cursor"},
		{"crosstab", "runs SQL text this guard does not see"},
	} {
		if strings.HasPrefix(name, p.prefix) {
			return p.why
		}
	}
	return ""
}

// oracleName says why an Oracle package or function is refused, or "":
// packages that run dynamic SQL, reach the network or files, sleep, or
// change the session. Any name component matches (SYS.DBMS_LOCK.SLEEP).
func oracleName(name string) string {
	switch name {
	case "dbms_sql":
		return "runs dynamic SQL"
	case "dbms_sys_sql":
		return "runs dynamic SQL"
	case "dbms_xmlgen":
		return "runs SQL text this guard does not see"
	case "dbms_xmlquery":
		return "runs SQL text this guard does not see"
	case "dbms_lock":
		return "takes locks or sleeps"
	case "dbms_session":
		return "changes the session"
	case "dbms_system":
		return "changes sessions or writes trace files"
	case "dbms_pipe":
		return "sends messages"
	case "dbms_alert":
		return "sends alerts"
	case "dbms_aq":
		return "enqueues messages"
	case "dbms_job":
		return "schedules jobs"
	case "dbms_scheduler":
		return "schedules jobs"
	case "dbms_java":
		return "runs Java"
	case "dbms_ldap":
		return "reaches the network"
	case "dbms_backup_restore":
		return "touches backups and files"
	case "dbms_advisor":
		return "creates advisor tasks"
	case "utl_http":
		return "reaches the network"
	case "utl_tcp":
		return "reaches the network"
	case "utl_smtp":
		return "reaches the network"
	case "utl_mail":
		return "reaches the network"
	case "utl_inaddr":
		return "reaches the network"
	case "utl_file":
		return "reads or writes server files"
	case "httpuritype":
		return "reaches the network"
	}
	return ""
}

// deniedFunction reports whether a (lower-case) name component is a
// side-effecting function or package, with the reason.
func deniedFunction(d Dialect, name string) (string, bool) {
	switch d {
	case PostgreSQL:
		if why := pgFunction(name); why != "" {
			return "function " + name + " " + why, true
		}
	case Oracle:
		if why := oracleName(name); why != "" {
			return name + " " + why, true
		}
	}
	return "", false
}
