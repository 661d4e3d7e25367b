package main

// kind says how much of a rule stigscan decides.
type kind int

const (
	manual    kind = iota // a person decides; DISA's check text is carried into results
	partial               // the technical part is judged; the rest is left to a reviewer (result unknown)
	automated             // decided from the database and the server's files
)

func (k kind) String() string {
	return [...]string{"manual", "partly automated", "automated"}[k]
}

// rule is stigscan's check for one DISA Vuln-ID.
type rule struct {
	vuln  string
	title string // our own short title
	kind  kind
	note  string // what is judged and what is left (or why it is manual)
	build func(d *doc) node
	vals  []*value // Values the check exports
}

func (d *doc) u(what string) *test { return unknown(what) }

var rules = []rule{
	{vuln: "V-219824", title: "Replication accounts are restricted to authorized DBAs", kind: partial,
		note: "Passes when Oracle Replication is not installed or not in use (no REPCAT tables, DBA_REPCATLOG empty); otherwise a reviewer confirms who may use the replication accounts.",
		build: func(d *doc) node {
			return or{d.replicationNotInstalled(),
				d.offenders("Oracle Replication is not in use (DBA_REPCATLOG is empty)", "COUNT(*) AS repcatlog_rows", "FROM dba_repcatlog HAVING COUNT(*) > 0", nil),
				d.u("the replication accounts are restricted to ISSO-authorized personnel")}
		}},
	{vuln: "V-219825", title: "The instance name does not carry the release number", kind: partial,
		note: "Passes when the instance name holds no digits of the running release; a name that does is left to the reviewer, since a coincidence is not a finding.",
		build: func(d *doc) node {
			return or{d.offenders("The instance name does not contain the release's major version",
				"i.instance_name AS instance_name, i.version AS version",
				"FROM v$instance i WHERE (i.version LIKE '12.%' AND i.instance_name LIKE '%12%') OR (i.version LIKE '11.%' AND i.instance_name LIKE '%11%') "+
					"OR (i.version LIKE '18.%' AND i.instance_name LIKE '%18%') OR (i.version LIKE '19.%' AND i.instance_name LIKE '%19%')", nil),
				d.u("digits in the instance name that match the release are a coincidence the DBA can explain")}
		}},
	{vuln: "V-219826", title: "Fixed-user and public database links are authorized", kind: partial,
		note: "Passes when there is no public or fixed-user database link; the links found are listed for the reviewer to match against the SSP.",
		build: func(d *doc) node {
			return or{d.offenders("No public or fixed-user database links", "l.owner AS owner, l.db_link AS db_link, l.username AS username",
				"FROM dba_db_links l WHERE l.owner = 'PUBLIC' OR l.username IS NOT NULL", nil),
				d.u("each link is documented and authorized in the SSP")}
		}},
	{vuln: "V-219827", title: "At least two control files in different directories", kind: partial,
		note: "Fails with fewer than two control files or all in one directory; a reviewer confirms the directories are on separate, archived disks.",
		build: func(d *doc) node {
			return and{
				d.offenders("At least two control files", "COUNT(*) AS control_files", "FROM v$controlfile HAVING COUNT(*) < 2", nil),
				d.offenders("The control files are in at least two directories", "COUNT(DISTINCT REGEXP_SUBSTR(c.name, '^.*/')) AS directories", "FROM v$controlfile c HAVING COUNT(DISTINCT REGEXP_SUBSTR(c.name, '^.*/')) < 2", nil),
				d.u("the directories are on separate archived disks or RAID")}
		}},
	{vuln: "V-219828", title: "At least two redo log groups, multiplexed", kind: partial,
		note: "Fails with fewer than two redo log groups; passes with at least two groups of two or more members; otherwise a reviewer confirms a RAID device stands in for multiplexing.",
		build: func(d *doc) node {
			return and{
				d.offenders("At least two redo log groups", "COUNT(*) AS redo_log_groups", "FROM v$log HAVING COUNT(*) < 2", nil),
				or{d.offenders("At least two redo log groups have more than one member", "COUNT(*) AS multiplexed_groups", "FROM v$log l WHERE l.members > 1 HAVING COUNT(*) < 2", nil),
					d.u("a RAID device protects the redo logs that are not multiplexed")}}
		}},
	{vuln: "V-219829", title: "No WITH GRANT OPTION outside DBAs and object owners", kind: automated,
		note: "Lists object privileges held WITH GRANT OPTION by accounts that own no objects and do not hold DBA (DISA's query).",
		build: func(d *doc) node {
			return d.offenders("No object privilege is grantable by an account that is neither a DBA nor an object owner",
				"g.grantee AS grantee, g.owner AS owner, g.table_name AS object_name, g.privilege AS privilege",
				"FROM dba_tab_privs g WHERE g.grantable = 'YES' AND g.grantee NOT IN (SELECT DISTINCT o.owner FROM dba_objects o) AND g.grantee NOT IN ("+dbaGrantees+") AND g.table_name NOT LIKE 'SYS_PLSQL_%'", nil)
		}},
	{vuln: "V-219830", title: "REMOTE_OS_AUTHENT is FALSE", kind: automated,
		note: "V$PARAMETER remote_os_authent must be FALSE (an absent parameter cannot enable it).",
		build: func(d *doc) node {
			return d.offenders("REMOTE_OS_AUTHENT is FALSE", "p.name AS parameter, p.value AS value", paramNot("remote_os_authent", "FALSE"), nil)
		}},
	{vuln: "V-219831", title: "REMOTE_OS_ROLES is FALSE or justified", kind: partial,
		note: "Passes when remote_os_roles is FALSE; TRUE is left to the reviewer to confirm it is justified and documented.",
		build: func(d *doc) node {
			return or{d.offenders("REMOTE_OS_ROLES is FALSE", "p.name AS parameter, p.value AS value", paramNot("remote_os_roles", "FALSE"), nil),
				d.u("REMOTE_OS_ROLES TRUE is justified and documented")}
		}},
	{vuln: "V-219832", title: "SQL92_SECURITY is not FALSE", kind: automated,
		note: "V$PARAMETER sql92_security must not be FALSE.",
		build: func(d *doc) node {
			return d.offenders("SQL92_SECURITY is not FALSE", "p.name AS parameter, p.value AS value", paramIs("sql92_security", "FALSE"), nil)
		}},
	{vuln: "V-219833", title: "Password file restricted; REMOTE_LOGIN_PASSWORDFILE EXCLUSIVE or NONE", kind: automated,
		note: "remote_login_passwordfile must be EXCLUSIVE or NONE, and $ORACLE_HOME/dbs/orapw<SID> must grant others nothing (UNIX; Windows is not handled).",
		build: func(d *doc) node {
			sid := d.column("instance name", "SELECT i.instance_name AS instance_name FROM v$instance i", "instance_name")
			dir := d.concat("ORACLE_HOME/dbs", d.home(), "/dbs")
			name := d.addVar(&variable{kind: "local_variable", dt: "string", cmt: "password file name pattern",
				body: "<concat><literal_component>^orapw</literal_component><escape_regex><variable_component var_ref=\"" + sid + "\"/></escape_regex><literal_component>$</literal_component></concat>"})
			file := &test{comment: "The password file $ORACLE_HOME/dbs/orapw<SID> grants others no access", typ: "unix:file_test", check: "all", existence: "any_exist",
				object: &object{typ: "unix:file_object", body: "      <unix:path var_ref=\"" + dir + "\"/>\n      <unix:filename operation=\"pattern match\" var_ref=\"" + name + "\"/>\n"},
				states: []*state{{typ: "unix:file_state", body: "      <unix:oread datatype=\"boolean\">false</unix:oread>\n      <unix:owrite datatype=\"boolean\">false</unix:owrite>\n      <unix:oexec datatype=\"boolean\">false</unix:oexec>\n"}}}
			return and{d.offenders("REMOTE_LOGIN_PASSWORDFILE is EXCLUSIVE or NONE", "p.name AS parameter, p.value AS value", paramNot("remote_login_passwordfile", "EXCLUSIVE", "NONE"), nil), file}
		}},
	{vuln: "V-219834", title: "System privileges WITH ADMIN OPTION only to authorized accounts", kind: partial,
		note: "Passes when no account or role outside Oracle's own and the DBAs holds a system privilege WITH ADMIN OPTION; those found are for the reviewer to check against the SSP.",
		build: func(d *doc) node {
			return or{d.offenders("No system privilege WITH ADMIN OPTION outside Oracle's accounts and roles and the DBAs",
				"s.grantee AS grantee, s.privilege AS privilege",
				"FROM dba_sys_privs s WHERE s.admin_option = 'YES' AND s.grantee NOT IN ("+oracleUsers+") AND s.grantee NOT IN ("+oracleRoles+") AND s.grantee NOT IN ("+dbaGrantees+")", nil),
				d.u("each grantee listed is authorized for the ADMIN OPTION")}
		}},
	{vuln: "V-219835", title: "No system privileges granted to PUBLIC", kind: automated,
		note: "DBA_SYS_PRIVS must hold no grant to PUBLIC.",
		build: func(d *doc) node {
			return d.offenders("No system privileges granted to PUBLIC", "s.privilege AS privilege", "FROM dba_sys_privs s WHERE s.grantee = 'PUBLIC'", nil)
		}},
	{vuln: "V-219836", title: "Roles WITH ADMIN OPTION only to authorized accounts", kind: partial,
		note: "Passes when no grantee outside Oracle's accounts, the DBAs and object owners holds a role WITH ADMIN OPTION; those found are for the reviewer.",
		build: func(d *doc) node {
			return or{d.offenders("No role WITH ADMIN OPTION outside Oracle's accounts, the DBAs and object owners",
				"r.grantee AS grantee, r.granted_role AS granted_role",
				"FROM dba_role_privs r WHERE r.admin_option = 'YES' AND r.grantee NOT IN ("+oracleUsers+") AND r.grantee NOT IN ("+oracleRoles+") AND r.grantee NOT IN (SELECT DISTINCT o.owner FROM dba_objects o) AND r.grantee NOT IN ("+dbaGrantees+")", nil),
				d.u("each grantee listed is an authorized DBA or application administration role")}
		}},
	{vuln: "V-219837", title: "Object privileges granted to PUBLIC are restricted", kind: partial,
		note: "Passes when PUBLIC holds no privilege on objects of non-Oracle schemas; grants found are for the reviewer.",
		build: func(d *doc) node {
			return or{d.offenders("PUBLIC holds no privilege on objects outside Oracle's schemas",
				"g.owner AS owner, g.table_name AS object_name, g.privilege AS privilege",
				"FROM dba_tab_privs g WHERE g.grantee = 'PUBLIC' AND g.owner NOT IN ("+oracleUsers+")", nil),
				d.u("each grant to PUBLIC is documented and authorized")}
		}},
	{vuln: "V-219838", title: "The listener requires local OS authentication for administration", kind: automated,
		note: "From listener.ora: no LOCAL_OS_AUTHENTICATION_<listener> = OFF and no PASSWORDS_<listener> (12c listeners otherwise use local OS authentication); no listener.ora means the defaults.",
		build: func(d *doc) node {
			return and{
				sqlnet("No LOCAL_OS_AUTHENTICATION_<listener> is OFF in listener.ora", "listener.ora", "~^LOCAL_OS_AUTHENTICATION_[^/]*$", "pattern match", "(?i)^(?!(off|false|no)$)", "all", "any_exist"),
				sqlnet("No listener password (PASSWORDS_<listener>) in listener.ora", "listener.ora", "~^PASSWORDS_[^/]*$", "", "", "all", "none_exist"),
			}
		}},
	{vuln: "V-219839", title: "No roles granted to PUBLIC", kind: automated,
		note: "DBA_ROLE_PRIVS must hold no grant to PUBLIC.",
		build: func(d *doc) node {
			return d.offenders("No roles granted to PUBLIC", "r.granted_role AS granted_role", "FROM dba_role_privs r WHERE r.grantee = 'PUBLIC'", nil)
		}},
	{vuln: "V-219840", title: "Application administration roles are not enabled by default", kind: partial,
		note: "Passes when no unlocked account outside Oracle's own and object owners has a default role with a user-management privilege (DISA's query); those found are for the reviewer.",
		build: func(d *doc) node {
			return or{d.offenders("No default role with a user-management privilege on an unlocked account outside Oracle's own and the table owners",
				"r.grantee AS grantee, r.granted_role AS granted_role",
				"FROM dba_role_privs r WHERE r.default_role = 'YES' AND r.granted_role IN (SELECT s.grantee FROM dba_sys_privs s WHERE UPPER(s.privilege) LIKE '%USER%') "+
					"AND r.grantee NOT IN ("+oracleUsers+") AND r.grantee NOT IN (SELECT DISTINCT t.owner FROM dba_tables t) "+
					"AND r.grantee NOT IN (SELECT lu.username FROM dba_users lu WHERE UPPER(lu.account_status) LIKE '%LOCKED%')", nil),
				d.u("each role listed is an authorized application administration role")}
		}},
	{vuln: "V-219841", title: "Connections from mid-tier systems are encrypted", kind: partial,
		note: "Passes when the active sqlnet.ora requires native encryption for every connection (SQLNET.ENCRYPTION_SERVER = REQUIRED); otherwise a reviewer checks each remote application in the SSP.",
		build: func(d *doc) node {
			return or{sqlnet("SQLNET.ENCRYPTION_SERVER is REQUIRED in the active sqlnet.ora", "active", "SQLNET.ENCRYPTION_SERVER", "pattern match", "(?i)^required$", "all", "at_least_one_exists"),
				d.u("each remote application's connection to the database is encrypted")}
		}},
	{vuln: "V-219842", title: "Job queues are reviewed for unauthorized jobs", kind: manual,
		note: "A procedure and evidence of its use; the jobs themselves can be listed but not judged."},
	{vuln: "V-219843", title: "Database links are authorized", kind: partial,
		note: "Passes when no database link is defined; the links found are for the reviewer to match against the interface documentation.",
		build: func(d *doc) node {
			return or{d.offenders("No database links", "l.owner AS owner, l.db_link AS db_link, l.host AS host", "FROM dba_db_links l", nil),
				d.u("each link is documented, authorized and not between production and development")}
		}},
	{vuln: "V-219844", title: "Production data is desensitized before import into development", kind: partial,
		note: "Passes for a database the organization declares production (Value 'production'); otherwise the import procedures are for the reviewer.",
		vals: []*value{vProduction},
		build: func(d *doc) node {
			return or{d.boolValue("The organization declares this a production database", vProduction),
				d.u("procedures remove or modify sensitive production data before it is imported into development")}
		}},
	{vuln: "V-219847", title: "Only Oracle's system accounts default to the SYSTEM tablespace", kind: automated,
		note: "DATABASE_PROPERTIES default permanent and temporary tablespaces are not SYSTEM, and no account outside Oracle's own (and DISA's list) uses SYSTEM by default.",
		build: func(d *doc) node {
			return and{
				d.offenders("The database's default tablespaces are not SYSTEM", "dp.property_name AS property, dp.property_value AS tablespace",
					"FROM database_properties dp WHERE dp.property_name IN ('DEFAULT_PERMANENT_TABLESPACE', 'DEFAULT_TEMP_TABLESPACE') AND dp.property_value = 'SYSTEM'", nil),
				d.offenders("No account outside Oracle's own uses the SYSTEM tablespace by default", "u.username AS username, u.default_tablespace AS default_tablespace, u.temporary_tablespace AS temporary_tablespace",
					"FROM dba_users u WHERE (u.default_tablespace = 'SYSTEM' OR u.temporary_tablespace = 'SYSTEM') AND u.oracle_maintained = 'N' AND u.username NOT IN ('LBACSYS', 'OUTLN', 'SYS', 'SYSTEM', 'SYSKM', 'SYSDG', 'SYSBACKUP')", nil),
			}
		}},
	{vuln: "V-219848", title: "Application owners have dedicated tablespaces", kind: partial,
		note: "Fails when a schema outside Oracle's own stores segments in SYSTEM or SYSAUX; a reviewer confirms no two applications share a tablespace.",
		build: func(d *doc) node {
			return and{d.offenders("No application schema stores segments in SYSTEM or SYSAUX", "s.owner AS owner, s.tablespace_name AS tablespace",
				"FROM dba_segments s WHERE s.tablespace_name IN ('SYSTEM', 'SYSAUX') AND s.owner IN (SELECT au.username FROM dba_users au WHERE au.oracle_maintained = 'N') GROUP BY s.owner, s.tablespace_name", nil),
				d.u("each application's tablespaces are its own")}
		}},
	{vuln: "V-219849", title: "Archive log destinations are protected", kind: automated,
		note: "In ARCHIVELOG mode a destination must be set (LOG_ARCHIVE_DEST, LOG_ARCHIVE_DEST_n or DB_RECOVERY_FILE_DEST) and the destination directories must grant others nothing (UNIX).",
		build: func(d *doc) node {
			dirs := d.addVar(&variable{kind: "local_variable", dt: "string", cmt: "archive log destination directories",
				body: "<regex_capture pattern=\"" + esc(`(?i)^(?:.*location=)?\s*(/[^\s,)]*)`) + "\"><object_component object_ref=\"" +
					d.addObject(d.sqlObject("archive log destinations", "SELECT p.name AS name, p.value AS value FROM v$parameter p WHERE (p.name IN ('log_archive_dest', 'log_archive_duplex_dest', 'db_recovery_file_dest') OR REGEXP_LIKE(p.name, '^log_archive_dest_[0-9]+$')) AND p.value LIKE '%/%'", nil)) +
					"\" item_field=\"result\" record_field=\"value\"/></regex_capture>"})
			return or{
				d.offenders("The database is in NOARCHIVELOG mode", "dbm.log_mode AS log_mode", "FROM v$database dbm WHERE dbm.log_mode <> 'NOARCHIVELOG'", nil),
				and{
					d.offenders("An archive log destination is set", "dbm.log_mode AS log_mode",
						"FROM v$database dbm WHERE NOT EXISTS (SELECT 1 FROM v$parameter p WHERE (p.name IN ('log_archive_dest', 'db_recovery_file_dest') OR REGEXP_LIKE(p.name, '^log_archive_dest_[0-9]+$')) AND LENGTH(TRIM(p.value)) > 0)", nil),
					d.noWorldAccess("The archive log destination directories grant others no access", dirs, "", false, "any_exist"),
				},
			}
		}},
	{vuln: "V-219850", title: "_TRACE_FILES_PUBLIC is not TRUE", kind: automated,
		note: "V$PARAMETER _trace_files_public, when present, must not be TRUE.",
		build: func(d *doc) node {
			return d.offenders("_TRACE_FILES_PUBLIC is not TRUE", "p.name AS parameter, p.value AS value", paramIs("_trace_files_public", "TRUE"), nil)
		}},
	{vuln: "V-219851", title: "Application object owners are locked outside maintenance", kind: partial,
		note: "Passes when every account outside Oracle's own and the DBAs that owns objects is locked; the unlocked owners are listed for the reviewer.",
		build: func(d *doc) node {
			return or{d.offenders("Every application object owner outside the DBAs is locked", "u.username AS owner, u.account_status AS account_status",
				"FROM dba_users u WHERE u.oracle_maintained = 'N' AND UPPER(u.account_status) NOT LIKE '%LOCKED%' AND u.username IN (SELECT o.owner FROM dba_objects o WHERE o.object_type <> 'SYNONYM') AND u.username NOT IN ("+dbaGrantees+")", nil),
				d.u("each unlocked owner listed is in an authorized maintenance window")}
		}},
	{vuln: "V-219852", title: "Production directories are protected from developers on shared hosts", kind: manual,
		note: "Depends on which accounts the SSP names as developers and whether the host is shared with development."},
	{vuln: "V-219853", title: "Use of the installation account is logged", kind: manual,
		note: "Monitoring procedures for the installation account are documentation."},
	{vuln: "V-219861", title: "Data files, redo logs and audit files are in separate directories", kind: partial,
		note: "Fails when a data file shares a directory with a redo log member or AUDIT_FILE_DEST; a reviewer confirms the separation from software and between applications.",
		build: func(d *doc) node {
			return and{
				d.offenders("No data file shares a directory with a redo log member", "f.name AS data_file, l.member AS redo_log",
					"FROM v$datafile f, v$logfile l WHERE REGEXP_SUBSTR(f.name, '^.*/') = REGEXP_SUBSTR(l.member, '^.*/')", nil),
				d.offenders("No data file is in the AUDIT_FILE_DEST directory", "f.name AS data_file, p.value AS audit_file_dest",
					"FROM v$datafile f, v$parameter p WHERE p.name = 'audit_file_dest' AND RTRIM(p.value, '/') || '/' = REGEXP_SUBSTR(f.name, '^.*/')", nil),
				d.u("the directories are separate from software and, with several applications, per application")}
		}},
	{vuln: "V-219862", title: "AUDIT_FILE_DEST is protected and outside ORACLE_HOME", kind: partial,
		note: "Passes when standard auditing writes no files; otherwise fails when the AUDIT_FILE_DEST directory grants others access or lies under ORACLE_HOME, and leaves the group's membership to the reviewer.",
		build: func(d *doc) node {
			homeRe := d.addVar(&variable{kind: "local_variable", dt: "string", cmt: "paths outside ORACLE_HOME",
				body: "<concat><literal_component>^(?!</literal_component><escape_regex><variable_component var_ref=\"" + d.home() + "\"/></escape_regex><literal_component>(/|$))</literal_component></concat>"})
			under := &test{comment: "AUDIT_FILE_DEST is not under ORACLE_HOME", typ: "unix:file_test", check: "all", existence: "any_exist",
				object: &object{typ: "unix:file_object", body: "      <unix:path var_ref=\"" + d.paramDir("audit_file_dest") + "\"/>\n      <unix:filename xsi:nil=\"true\"/>\n"},
				states: []*state{{typ: "unix:file_state", body: "      <unix:path operation=\"pattern match\" var_ref=\"" + homeRe + "\"/>\n"}}}
			return or{d.notFileAudit(), and{d.auditDirClosed(), under, d.u("the directory's group holds only Oracle, DBA, auditor and backup accounts")}}
		}},
	{vuln: "V-219865", title: "The Oracle software owner's umask is 022 or stricter", kind: automated,
		note: "Read from the running instance's processes (ora_pmon_*), which inherit the owner's umask: the umask must mask group and other write. Unknown when no instance process is visible on the files host.",
		build: func(d *doc) node {
			proc := &object{typ: "unix:process58_object", body: "      <unix:command_line operation=\"pattern match\">^ora_pmon_</unix:command_line>\n      <unix:pid datatype=\"int\" operation=\"greater than\">0</unix:pid>\n"}
			pid := d.addVar(&variable{kind: "local_variable", dt: "string", cmt: "status file of the instance's pmon process",
				body: "<concat><literal_component>/proc/</literal_component><object_component object_ref=\"" + d.addObject(proc) + "\" item_field=\"pid\"/><literal_component>/status</literal_component></concat>"})
			present := &test{comment: "An instance process (ora_pmon_*) runs on the files host", typ: "unix:process58_test", check: "all", existence: "at_least_one_exists", object: proc}
			umask := textfile("The instance's umask masks group and other write (022 or stricter)", nil, pid, `^Umask:\s*([0-7]+)\s*$`, "pattern match", `[2367][2367]$`, "all", "any_exist")
			return and{or{present, d.u("the instance's processes are not visible on the files host")}, umask}
		}},
	{vuln: "V-219866", title: "Replication accounts do not hold DBA", kind: partial,
		note: "Passes when replication is not installed; fails when REPADMIN holds DBA; otherwise custom replication accounts are for the reviewer.",
		build: func(d *doc) node {
			return or{d.replicationNotInstalled(), and{
				d.offenders("REPADMIN does not hold DBA", "r.grantee AS grantee, r.granted_role AS granted_role", "FROM dba_role_privs r WHERE r.grantee = 'REPADMIN' AND r.granted_role = 'DBA'", nil),
				d.u("no custom replication account holds DBA or DBA privileges")}}
		}},
	{vuln: "V-219867", title: "Network access is restricted to authorized addresses", kind: partial,
		note: "Passes when the active sqlnet.ora sets tcp.validnode_checking = YES with tcp.invited_nodes; otherwise a reviewer checks Connection Manager rules or network ACLs.",
		build: func(d *doc) node {
			return or{and{
				sqlnet("tcp.validnode_checking is YES in the active sqlnet.ora", "active", "TCP.VALIDNODE_CHECKING", "pattern match", "(?i)^(yes|on|true)$", "all", "at_least_one_exists"),
				sqlnet("tcp.invited_nodes lists the authorized addresses", "active", "TCP.INVITED_NODES", "pattern match", `\S`, "all", "at_least_one_exists")},
				d.u("address restriction by Connection Manager or a network device matches the SSP")}
		}},
	{vuln: "V-219868", title: "Changes to configuration are audited (SYS operations)", kind: automated,
		note: "An enabled unified audit policy for SYS; or, without pure unified auditing, AUDIT_SYS_OPERATIONS = TRUE.",
		build: func(d *doc) node {
			return or{
				d.offenders("An enabled unified audit policy covers SYS", "'no enabled policy for SYS' AS finding",
					"FROM dual WHERE NOT EXISTS (SELECT 1 FROM audit_unified_enabled_policies e WHERE e.user_name = 'SYS')", nil),
				and{d.offenders("Unified auditing is not in pure mode (standard auditing applies)", "uo.value AS unified_auditing", "FROM v$option uo WHERE uo.parameter = 'Unified Auditing' AND uo.value = 'TRUE'", nil),
					d.offenders("AUDIT_SYS_OPERATIONS is TRUE", "p.name AS parameter, p.value AS value", paramNot("audit_sys_operations", "TRUE"), nil)},
			}
		}},
	{vuln: "V-219871", title: "Changes to security labels are audited", kind: partial,
		note: "Passes when an enabled unified policy for all users audits every Label Security action; otherwise a reviewer decides whether labels are required.",
		build: func(d *doc) node {
			return or{d.offenders("An enabled policy for all users audits all Oracle Label Security actions", "'no OLS audit policy' AS finding",
				"FROM dual WHERE NOT EXISTS (SELECT 1 FROM audit_unified_policies ap WHERE ap.audit_option = 'ALL' AND ap.audit_option_type = 'OLS ACTION' AND ap.policy_name IN (SELECT ae.policy_name FROM audit_unified_enabled_policies ae WHERE ae.user_name = 'ALL USERS'))", nil),
				d.u("security labeling is not required by the SSP, or the labels audited match it")}
		}},
	{vuln: "V-219872", title: "GLOBAL_NAMES is TRUE", kind: automated,
		note: "V$PARAMETER global_names must be TRUE.",
		build: func(d *doc) node {
			return d.offenders("GLOBAL_NAMES is TRUE", "p.name AS parameter, p.value AS value", paramNot("global_names", "TRUE"), nil)
		}},
	{vuln: "V-219873", title: "The diag directory under DIAGNOSTIC_DEST is protected", kind: partial,
		note: "Fails when DIAGNOSTIC_DEST/diag grants others access (UNIX); the group's membership is left to the reviewer.",
		build: func(d *doc) node {
			return and{d.noWorldAccess("DIAGNOSTIC_DEST/diag grants others no access", d.concat("DIAGNOSTIC_DEST/diag", d.paramDir("diagnostic_dest"), "/diag"), "", false, "any_exist"),
				d.u("the directory's group holds only Oracle, DBA, auditor and backup accounts")}
		}},
	{vuln: "V-219874", title: "Connection Manager remote administration is disabled", kind: automated,
		note: "Passes when there is no cman.ora; otherwise REMOTE_ADMIN must be present and NO.",
		build: func(d *doc) node {
			return or{sqlnet("There is no cman.ora (Connection Manager is not used)", "cman.ora", "", "", "", "all", "none_exist"),
				sqlnet("REMOTE_ADMIN is NO in cman.ora", "cman.ora", "~(^|/)REMOTE_ADMIN$", "pattern match", "(?i)^(no|off|false)$", "all", "at_least_one_exists")}
		}},
	{vuln: "V-219875", title: "Only 12c-capable clients may connect", kind: automated,
		note: "SQLNET.ALLOWED_LOGON_VERSION_SERVER and _CLIENT in the active sqlnet.ora are 12 or 12a.",
		build: func(d *doc) node {
			return and{
				sqlnet("SQLNET.ALLOWED_LOGON_VERSION_SERVER is 12 or 12a", "active", "SQLNET.ALLOWED_LOGON_VERSION_SERVER", "pattern match", "(?i)^12a?$", "all", "at_least_one_exists"),
				sqlnet("SQLNET.ALLOWED_LOGON_VERSION_CLIENT is 12 or 12a", "active", "SQLNET.ALLOWED_LOGON_VERSION_CLIENT", "pattern match", "(?i)^12a?$", "all", "at_least_one_exists"),
			}
		}},
	{vuln: "V-220263", title: "The private key of PKI authentication is protected", kind: partial,
		note: "Passes when PKI authentication is not used (sqlnet.ora); fails when the wallet's key files grant group or others access; the rest of the key's protection is for the reviewer.",
		build: func(d *doc) node {
			walletDir := d.addVar(&variable{kind: "local_variable", dt: "string", cmt: "wallet directory",
				body: "<object_component object_ref=\"" + d.addObject(sqlnetObj("active", "WALLET_LOCATION/SOURCE/METHOD_DATA/DIRECTORY")) + "\" item_field=\"value\"/>"})
			return or{d.pkiUnused(), and{
				d.noWorldAccess("The wallet's key files grant group and others no access", walletDir, `^(ewallet\.p12|cwallet\.sso)$`, true, "any_exist"),
				d.u("only authorized accounts can use the wallet and its password")}}
		}},
	{vuln: "V-220264", title: "Concurrent sessions per account are limited", kind: automated,
		note: "RESOURCE_LIMIT is TRUE and every profile's SESSIONS_PER_USER (DEFAULT resolved) is set and within the organization's limit.",
		vals: []*value{vSessions},
		build: func(d *doc) node {
			return and{d.resourceLimitOn(), d.offenders("Every profile's SESSIONS_PER_USER is within the limit", "x.profile AS profile, x.lim AS sessions_per_user",
				"FROM "+profileLimit("SESSIONS_PER_USER")+" WHERE "+overLimit("{sessions}"), sqlVals)}
		}},
	{vuln: "V-220265", title: "Account management is automated", kind: partial,
		note: "Passes when at most the organization's number of accounts (default 12) are Oracle-password accounts outside Oracle's own; beyond that a reviewer looks for the automation.",
		vals: []*value{vManual},
		build: func(d *doc) node {
			return or{d.offenders("Few accounts are managed by hand in the database", "COUNT(*) AS password_accounts",
				"FROM dba_users u WHERE u.oracle_maintained = 'N' AND u.authentication_type = 'PASSWORD' HAVING COUNT(*) > {manual}", sqlVals),
				d.u("an automated mechanism manages the accounts")}
		}},
	{vuln: "V-220266", title: "Access is authorized by policy", kind: manual,
		note: "Whether roles, profiles or Database Vault grant the right access to each kind of user is a judgment on the SSP."},
	{vuln: "V-220267", title: "Audit records are generated", kind: partial,
		note: "Fails when neither standard (AUDIT_TRAIL) nor unified auditing is on; the events recorded are for the reviewer.",
		build: func(d *doc) node {
			return and{d.auditingOn(), d.u("the audit trail records the organization-defined events")}
		}},
	{vuln: "V-220268", title: "Designated personnel can select audited events", kind: partial,
		note: "Passes when an account outside Oracle's own holds AUDIT_ADMIN or AUDIT SYSTEM; otherwise a reviewer names who configures auditing.",
		build: func(d *doc) node {
			return or{d.offenders("A named account holds AUDIT_ADMIN or AUDIT SYSTEM", "COUNT(*) AS audit_administrators",
				"FROM dba_users u WHERE u.oracle_maintained = 'N' AND (u.username IN (SELECT r.grantee FROM dba_role_privs r WHERE r.granted_role = 'AUDIT_ADMIN') OR u.username IN (SELECT s.grantee FROM dba_sys_privs s WHERE s.privilege = 'AUDIT SYSTEM')) HAVING COUNT(*) = 0", nil),
				d.u("designated personnel can configure the audited events")}
		}},
	{vuln: "V-220269", title: "DoD-selected events are audited", kind: partial,
		note: "Fails unless enabled unified policies for all users audit, on success and failure, LOGON, LOGOFF, GRANT, REVOKE, CREATE/ALTER/DROP USER and EXECUTE (or, with standard auditing, the statement options CREATE SESSION, USER, ROLE, SYSTEM GRANT and PROCEDURE); object accesses are for the reviewer.",
		build: func(d *doc) node {
			return and{or{
				d.offenders("Enabled unified policies audit logon, logoff, grants, account changes and program execution", "x.item AS missing_action",
					"FROM "+literals("LOGON", "LOGOFF", "GRANT", "REVOKE", "CREATE USER", "ALTER USER", "DROP USER", "EXECUTE")+" WHERE "+policyMissing, nil),
				and{d.auditingOn(), d.offenders("Standard auditing covers sessions, users, roles, grants and procedures", "x.item AS missing_option",
					"FROM "+literals("CREATE SESSION", "USER", "ROLE", "SYSTEM GRANT", "PROCEDURE")+" WHERE NOT EXISTS (SELECT 1 FROM dba_stmt_audit_opts so WHERE so.audit_option = TRIM(x.item) AND so.user_name IS NULL)", nil)},
			}, d.u("accesses to the objects the organization selected are audited")}
		}},
	{vuln: "V-220270", title: "Audit records say what happened", kind: partial,
		note: "Fails when auditing is off; passes when the unified or database audit trail holds records with the action name; otherwise (file trails) the reviewer checks a record.",
		build: func(d *doc) node {
			return and{d.auditingOn(), or{d.auditRecords("the action name", []string{"action_name"}, []string{"action_name"}), d.u("audit files record the action of each event")}}
		}},
	{vuln: "V-220271", title: "Audit records say when it happened", kind: partial,
		note: "As for V-220270, with the event time.",
		build: func(d *doc) node {
			return and{d.auditingOn(), or{d.auditRecords("the event time", []string{"event_timestamp"}, []string{"extended_timestamp"}), d.u("audit files record the time of each event")}}
		}},
	{vuln: "V-220272", title: "Audit records say where it happened", kind: partial,
		note: "As for V-220270, with the database id and client host.",
		build: func(d *doc) node {
			return and{d.auditingOn(), or{d.auditRecords("the database id and client host", []string{"dbid", "userhost"}, []string{"dbid", "userhost"}), d.u("audit files record where each event happened")}}
		}},
	{vuln: "V-220273", title: "Audit records say where it came from", kind: partial,
		note: "As for V-220270, with user, client host and terminal.",
		build: func(d *doc) node {
			return and{d.auditingOn(), or{d.auditRecords("the user, client host and terminal", []string{"dbusername", "userhost", "terminal"}, []string{"username", "userhost", "terminal"}), d.u("audit files record the source of each event")}}
		}},
	{vuln: "V-220274", title: "Audit records give the outcome", kind: partial,
		note: "As for V-220270, with the return code.",
		build: func(d *doc) node {
			return and{d.auditingOn(), or{d.auditRecords("the return code", []string{"return_code"}, []string{"returncode"}), d.u("audit files record the outcome of each event")}}
		}},
	{vuln: "V-220275", title: "Audit records identify the user", kind: partial,
		note: "As for V-220270, with the database and OS user names.",
		build: func(d *doc) node {
			return and{d.auditingOn(), or{d.auditRecords("the database and OS user", []string{"dbusername", "os_username"}, []string{"username", "os_username"}), d.u("audit files identify the user of each event")}}
		}},
	{vuln: "V-220276", title: "Audit records carry organization-defined detail", kind: partial,
		note: "Fails when auditing is off; whether fine-grained auditing captures the extra detail is for the reviewer.",
		build: func(d *doc) node {
			return and{d.auditingOn(), d.u("fine-grained auditing captures the organization-defined detail")}
		}},
	{vuln: "V-220277", title: "Audit data is protected from unauthorized access", kind: partial,
		note:  "Fails when PUBLIC holds any privilege on the audit tables and views (AUD$, FGA_LOG$, AUDSYS, the audit trail views) or when the AUDIT_FILE_DEST directory of file auditing grants others access; the remaining grantees and OS controls are for the reviewer.",
		build: func(d *doc) node { return d.auditProtected("any privilege", "") }},
	{vuln: "V-220278", title: "Audit data is protected from unauthorized modification", kind: partial,
		note:  "As for V-220277, for INSERT, UPDATE and ALTER.",
		build: func(d *doc) node { return d.auditProtected("a privilege to modify", "'INSERT', 'UPDATE', 'ALTER'") }},
	{vuln: "V-220279", title: "Audit data is protected from unauthorized deletion", kind: partial,
		note:  "As for V-220277, for DELETE.",
		build: func(d *doc) node { return d.auditProtected("a privilege to delete", "'DELETE'") }},
	{vuln: "V-220280", title: "Audit tools are protected from unauthorized access", kind: partial,
		note: "Fails when PUBLIC may run the audit management packages or read the audit trails; other tools are for the reviewer.",
		build: func(d *doc) node {
			return and{d.offenders("PUBLIC cannot run audit management packages or read audit trails", "g.owner AS owner, g.table_name AS object_name, g.privilege AS privilege",
				"FROM dba_tab_privs g WHERE g.grantee = 'PUBLIC' AND g.table_name IN ('DBMS_AUDIT_MGMT', 'DBMS_FGA', 'DBMS_AUDIT_UTIL', 'UNIFIED_AUDIT_TRAIL', 'DBA_AUDIT_TRAIL', 'DBA_FGA_AUDIT_TRAIL', 'AUD$', 'FGA_LOG$')", nil),
				d.u("tools outside the database that read audit data are restricted")}
		}},
	{vuln: "V-220281", title: "Audit tools are protected from unauthorized modification", kind: partial,
		note: "Fails when $ORACLE_HOME/bin is writable by others; other tools are for the reviewer.",
		build: func(d *doc) node {
			return and{d.binNotWorldWritable(), d.u("tools outside the database that read audit data cannot be modified by unauthorized users")}
		}},
	{vuln: "V-220282", title: "Audit tools are protected from unauthorized deletion", kind: partial,
		note: "As for V-220281: a directory writable by others lets anyone delete its tools.",
		build: func(d *doc) node {
			return and{d.binNotWorldWritable(), d.u("tools outside the database that read audit data cannot be deleted by unauthorized users")}
		}},
	{vuln: "V-220283", title: "Objects are owned by authorized accounts", kind: partial,
		note: "Passes when only Oracle's own accounts own objects; the other owners are listed for the reviewer.",
		build: func(d *doc) node {
			return or{d.offenders("Only Oracle's own accounts own objects", "o.owner AS owner, COUNT(*) AS objects",
				"FROM dba_objects o WHERE o.owner <> 'PUBLIC' AND o.owner NOT IN ("+oracleUsers+") GROUP BY o.owner", nil),
				d.u("each owner listed is authorized to own objects")}
		}},
	{vuln: "V-220284", title: "Sample schemas are removed", kind: automated,
		note: "No account BI, HR, OE, PM, IX, SH or SCOTT (a host for demonstrations only is for the reviewer to mark not applicable).",
		build: func(d *doc) node {
			return d.offenders("No sample schema accounts", "u.username AS username", "FROM dba_users u WHERE u.username IN ('BI', 'HR', 'OE', 'PM', 'IX', 'SH', 'SCOTT')", nil)
		}},
	{vuln: "V-220285", title: "Unused components are removed", kind: partial,
		note: "Passes when DBA_REGISTRY holds no component beyond CATALOG, CATPROC and XDB; the others are listed for the reviewer.",
		build: func(d *doc) node {
			return or{d.offenders("No optional components are installed", "r.comp_id AS comp_id, r.comp_name AS comp_name, r.status AS status",
				"FROM dba_registry r WHERE r.comp_id NOT IN ('CATALOG', 'CATPROC', 'XDB') AND r.status <> 'OPTION OFF'", nil),
				d.u("each component listed is used, documented and authorized")}
		}},
	{vuln: "V-220286", title: "Unused integrated options are disabled", kind: partial,
		note: "Passes when none of Data Mining, .NET extensions, OLAP, Partitioning and Real Application Testing is enabled; enabled ones are for the reviewer.",
		build: func(d *doc) node {
			return or{d.offenders("The listed options are not enabled", "o.parameter AS parameter, o.value AS value",
				"FROM v$option o WHERE o.parameter IN ('Data Mining', 'Oracle Database Extensions for .NET', 'OLAP', 'Partitioning', 'Real Application Testing') AND o.value = 'TRUE'", nil),
				d.u("each enabled option is used and authorized")}
		}},
	{vuln: "V-220287", title: "External executables are authorized", kind: partial,
		note: "Passes when no schema outside Oracle's own defines a library of external procedures; those found are for the reviewer.",
		build: func(d *doc) node {
			return or{d.offenders("No external-procedure library outside Oracle's schemas", "l.owner AS owner, l.library_name AS library_name, l.file_spec AS file_spec",
				"FROM dba_libraries l WHERE l.file_spec IS NOT NULL AND l.owner NOT IN ("+oracleUsers+")", nil),
				d.u("each library listed and its grantees are authorized")}
		}},
	{vuln: "V-220288", title: "The external procedure agent is restricted", kind: partial,
		note: "Fails when listener.ora refers to extproc, EXTPROC_DLLS is ANY, or externaljob.ora runs jobs as another user than nobody; passes when extproc.ora restricts EXTPROC_DLLS with ONLY; otherwise (no extproc.ora) the reviewer checks the agent is absent or authorized.",
		build: func(d *doc) node {
			return and{
				sqlnet("listener.ora does not refer to extproc", "listener.ora", "~^[^/]+$", "pattern match", "(?i)^(?!.*extproc)", "all", "any_exist"),
				sqlnet("EXTPROC_DLLS is not ANY in extproc.ora", "$ORACLE_HOME/hs/admin/extproc.ora", "EXTPROC_DLLS", "pattern match", "(?i)^(?!any)", "all", "any_exist"),
				d.externalJobUser(),
				or{sqlnet("EXTPROC_DLLS restricts the agent to listed libraries (ONLY:)", "$ORACLE_HOME/hs/admin/extproc.ora", "EXTPROC_DLLS", "pattern match", "(?i)^only:", "all", "at_least_one_exists"),
					d.u("the external procedure agent is absent, or its use is authorized in the SSP")},
			}
		}},
	{vuln: "V-220289", title: "Only authorized protocols are in use", kind: partial,
		note: "Fails when a listener address uses a protocol outside the organization's list (Value 'listener_protocols'); ports and services against PPSM are for the reviewer.",
		vals: []*value{vProtocols},
		build: func(d *doc) node {
			return and{sqlnetVar("Every listener protocol is authorized", "listener.ora", "~/PROTOCOL$", "pattern match", d.ext(vProtocols), "all", "any_exist"),
				d.u("the listener ports and services are registered with PPSM")}
		}},
	{vuln: "V-220290", title: "Passwords are stored encrypted", kind: manual,
		note: "Oracle stores its password verifiers hashed; what remains are scripts and files outside the database, which need a person to find."},
	{vuln: "V-220291", title: "PKI certificates are validated to a trust anchor", kind: partial,
		note: "Passes when PKI authentication is not used; otherwise the wallet's trust anchors are for the reviewer.",
		build: func(d *doc) node {
			return or{d.pkiUnused(), d.u("certificates are validated to DoD trust anchors with revocation status")}
		}},
	{vuln: "V-220293", title: "Service accounts use DoD PKI certificates", kind: partial,
		note: "Passes when no open account outside Oracle's own authenticates with a password; those that do are listed for the reviewer.",
		build: func(d *doc) node {
			return or{d.offenders("No open account outside Oracle's own authenticates with a password", "u.username AS username, u.authentication_type AS authentication_type",
				"FROM dba_users u WHERE u.oracle_maintained = 'N' AND u.account_status = 'OPEN' AND u.authentication_type = 'PASSWORD'", nil),
				d.u("each password account listed is a person, not a process")}
		}},
	{vuln: "V-220294", title: "Authentication uses FIPS 140 cryptography", kind: automated,
		note:  "The release is 12.1.0.2 or later and $ORACLE_HOME/ldap/admin/fips.ora sets SSLFIPS_140 = TRUE (a FIPS_HOME elsewhere is not followed; Windows patch levels are not handled).",
		build: func(d *doc) node { return and{d.releaseAtLeast12102(), d.fipsOra()} }},
	{vuln: "V-220295", title: "Idle and long sessions end and dead connections are detected", kind: automated,
		note: "RESOURCE_LIMIT is TRUE; idle sessions end within the limit through the IDLE_TIME of every open account's profile (DEFAULT resolved through the DEFAULT profile) or the MAX_IDLE_TIME of every consumer group of the active Resource Manager plan; every open account's profile sets CONNECT_TIME and SESSIONS_PER_USER within the limits; the active sqlnet.ora sets SQLNET.EXPIRE_TIME > 0 and SQLNET.INBOUND_CONNECT_TIMEOUT.",
		vals: []*value{vIdle, vConnect, vSessions},
		build: func(d *doc) node {
			return and{
				d.resourceLimitOn(),
				or{d.idleByProfiles("idle"), d.idleByResourceManager("idle")},
				d.offenders("Every open account's profile has a CONNECT_TIME within the limit", "x.username AS username, x.profile AS profile, x.lim AS connect_time",
					"FROM "+accountLimit("CONNECT_TIME", openAccounts)+" WHERE "+overLimit("{connect}"), sqlVals),
				d.offenders("Every open account's profile has a SESSIONS_PER_USER within the limit", "x.username AS username, x.profile AS profile, x.lim AS sessions_per_user",
					"FROM "+accountLimit("SESSIONS_PER_USER", openAccounts)+" WHERE "+overLimit("{sessions}"), sqlVals),
				d.expireTime(),
				d.inboundTimeout(),
			}
		}},
	{vuln: "V-220296", title: "The database runs in ARCHIVELOG mode", kind: automated,
		note: "V$DATABASE.LOG_MODE is ARCHIVELOG (a documented exception is for the reviewer to record).",
		build: func(d *doc) node {
			return d.offenders("The database runs in ARCHIVELOG mode", "dbm.log_mode AS log_mode", "FROM v$database dbm WHERE dbm.log_mode <> 'ARCHIVELOG'", nil)
		}},
	{vuln: "V-220297", title: "Data at rest is protected", kind: partial,
		note: "Passes when every permanent tablespace outside SYSTEM and SYSAUX is encrypted; otherwise whether encryption is required is for the reviewer.",
		build: func(d *doc) node {
			return or{d.offenders("Every user tablespace is encrypted", "t.tablespace_name AS tablespace, t.encrypted AS encrypted",
				"FROM dba_tablespaces t WHERE t.contents = 'PERMANENT' AND t.tablespace_name NOT IN ('SYSTEM', 'SYSAUX') AND t.encrypted <> 'YES'", nil),
				d.u("the unencrypted data needs no encryption, as the AO determined")}
		}},
	{vuln: "V-220298", title: "Security functions are isolated", kind: manual,
		note: "Which site code implements security, and where it lives, needs a person."},
	{vuln: "V-220299", title: "No unintended transfer through shared resources", kind: manual,
		note: "Procedures for refreshing development data from production."},
	{vuln: "V-220300", title: "Data inputs are validated", kind: partial,
		note: "Fails when an application schema has disabled constraints; the rest of the input validation is for the reviewer.",
		build: func(d *doc) node {
			return and{d.offenders("No disabled constraints in schemas outside Oracle's own", "c.owner AS owner, c.table_name AS table_name, c.constraint_name AS constraint_name",
				"FROM dba_constraints c WHERE c.status = 'DISABLED' AND c.owner IN (SELECT au.username FROM dba_users au WHERE au.oracle_maintained = 'N')", nil),
				d.u("application code and field definitions validate input")}
		}},
	{vuln: "V-220301", title: "Error messages reveal nothing sensitive", kind: manual,
		note: "A review of custom code and application behaviour."},
	{vuln: "V-220302", title: "Error messages reach only authorized personnel", kind: manual,
		note: "A review of the tools and applications users have."},
	{vuln: "V-220303", title: "Applications obscure authentication feedback", kind: manual,
		note: "A review of the applications that connect."},
	{vuln: "V-220304", title: "Command-line tools are not given plain-text passwords", kind: manual,
		note: "Documentation, AO approval and training."},
	{vuln: "V-220305", title: "Audit storage is allocated to needs", kind: partial,
		note: "Fails when AUD$, FGA_LOG$ or AUDSYS tables are in the SYSTEM tablespace; whether the space suffices is for the reviewer.",
		build: func(d *doc) node {
			return and{d.offenders("Audit tables are not in the SYSTEM tablespace", "t.owner AS owner, t.table_name AS table_name, t.tablespace_name AS tablespace",
				"FROM dba_tables t WHERE ((t.owner = 'SYS' AND t.table_name IN ('AUD$', 'FGA_LOG$')) OR t.owner = 'AUDSYS') AND t.tablespace_name = 'SYSTEM'", nil),
				d.u("the audit tablespace or file system has room for the audit volume")}
		}},
	{vuln: "V-220306", title: "Software and configuration files are monitored for changes", kind: partial,
		note: "Passes when AIDE's configuration selects the Oracle home; otherwise the monitoring in use is for the reviewer.",
		build: func(d *doc) node {
			return or{d.aideCoversHome(), d.u("another monitor covers the software, application and configuration files")}
		}},
	{vuln: "V-220307", title: "Changes to PL/SQL units and triggers are monitored", kind: partial,
		note: "Passes when enabled unified policies for all users audit CREATE, ALTER and DROP of procedures, functions, packages, package bodies and triggers; otherwise the monitoring in use is for the reviewer.",
		build: func(d *doc) node {
			return or{d.offenders("Enabled policies audit changes to PL/SQL units and triggers", "x.item AS missing_action",
				"FROM "+literals("CREATE PROCEDURE", "ALTER PROCEDURE", "DROP PROCEDURE", "CREATE FUNCTION", "ALTER FUNCTION", "DROP FUNCTION",
					"CREATE PACKAGE", "ALTER PACKAGE", "DROP PACKAGE", "CREATE PACKAGE BODY", "ALTER PACKAGE BODY", "DROP PACKAGE BODY",
					"CREATE TRIGGER", "ALTER TRIGGER", "DROP TRIGGER")+" WHERE "+policyMissing, nil),
				d.u("another mechanism monitors changes to the database's logic modules")}
		}},
	{vuln: "V-220308", title: "The installation account is restricted", kind: manual,
		note: "Who may use the software owner account is a matter of procedure."},
	{vuln: "V-220309", title: "Software is in dedicated directories", kind: partial,
		note: "Fails when ORACLE_HOME lies in an operating-system directory (/usr, /bin, /sbin, /etc, /lib, /lib64, /boot, /var/lib); whether other applications share its disk is for the reviewer.",
		build: func(d *doc) node {
			t := &test{comment: "ORACLE_HOME is not inside an operating-system directory", typ: "ora:home_test", check: "all", existence: "at_least_one_exists",
				object: &object{typ: "ora:home_object", body: ""},
				states: []*state{{typ: "ora:home_state", body: "      <ora:oracle_home operation=\"pattern match\">" + esc(`^(?!/(usr|bin|sbin|etc|lib|lib64|boot|var/lib)(/|$))(?!/?$)`) + "</ora:oracle_home>\n"}}}
			return and{t, d.u("no other application uses the disk directories of the DBMS software")}
		}},
	{vuln: "V-220310", title: "Organizational users are uniquely identified", kind: manual,
		note: "Needs the list of people and the accounts they use."},
	{vuln: "V-220311", title: "Non-organizational users are uniquely identified", kind: manual,
		note: "Needs the list of people and the accounts they use."},
	{vuln: "V-220312", title: "Administration is separate from user functionality", kind: manual,
		note: "A design review of how administrators and users reach the database."},
	{vuln: "V-220313", title: "Actions of shared accounts are attributable", kind: partial,
		note: "Fails when auditing is off; shared accounts and application attribution are for the reviewer.",
		build: func(d *doc) node {
			return and{d.auditingOn(), d.u("applications using shared accounts record each individual's identity")}
		}},
	{vuln: "V-237696", title: "DBA OS accounts have only the host privileges they need", kind: partial,
		note: "Fails when root is a member of the dba group in /etc/group; the other memberships are for the reviewer.",
		build: func(d *doc) node {
			return and{textfile("root is not a member of the dba group", []string{"/etc/group"}, "", `^dba:[^:]*:[^:]*:(.*)$`, "pattern match", `^(?!(.*,)?\s*root\s*(,|$))`, "all", "any_exist"),
				d.u("DBA accounts belong to no group beyond their DBA duties")}
		}},
	{vuln: "V-237697", title: "Software is patched against new vulnerabilities", kind: partial,
		note: "Fails when no SQL patch was ever applied successfully (DBA_REGISTRY_SQLPATCH); the comparison with the latest CPU is for the reviewer.",
		build: func(d *doc) node {
			return and{d.offenders("At least one SQL patch was applied", "COUNT(*) AS applied_patches", "FROM dba_registry_sqlpatch s WHERE s.status = 'SUCCESS' HAVING COUNT(*) = 0", nil),
				d.u("the installed patch level is the latest Critical Patch Update")}
		}},
	{vuln: "V-237698", title: "No default account keeps its default password", kind: automated,
		note: "DBA_USERS_WITH_DEFPWD lists no account but XS$NULL.",
		build: func(d *doc) node {
			return d.offenders("No account keeps a default password", "dp.username AS username", "FROM dba_users_with_defpwd dp WHERE dp.username <> 'XS$NULL'", nil)
		}},
	{vuln: "V-237699", title: "Data in transit is encrypted", kind: partial,
		note: "Passes when the active sqlnet.ora requires native encryption and integrity, or every listener address uses TCPS or IPC; otherwise physical protection is for the reviewer.",
		build: func(d *doc) node {
			return or{and{
				sqlnet("SQLNET.ENCRYPTION_SERVER is REQUIRED", "active", "SQLNET.ENCRYPTION_SERVER", "pattern match", "(?i)^required$", "all", "at_least_one_exists"),
				sqlnet("SQLNET.CRYPTO_CHECKSUM_SERVER is REQUIRED", "active", "SQLNET.CRYPTO_CHECKSUM_SERVER", "pattern match", "(?i)^required$", "all", "at_least_one_exists")},
				d.listenerProtocolsEncrypted(),
				d.u("physical measures protect the unencrypted traffic")}
		}},
	{vuln: "V-237700", title: "Nonsecure network protocols are disabled", kind: partial,
		note: "Passes when every listener address uses TCPS or IPC; clear-text TCP is for the reviewer to find in the SSP.",
		build: func(d *doc) node {
			return or{d.listenerProtocolsEncrypted(), d.u("the clear-text protocols in use are identified in the SSP and required")}
		}},
	{vuln: "V-237701", title: "Temporary accounts can be identified", kind: partial,
		note: "Passes when every account outside Oracle's own is authenticated outside the database (DISA: not a finding); otherwise the temporary profile is for the reviewer.",
		build: func(d *doc) node {
			return or{d.noPasswordAccounts(), d.u("temporary accounts are forbidden, or identified by a dedicated profile")}
		}},
	{vuln: "V-237702", title: "Temporary accounts are removed after 72 hours", kind: partial,
		note: "As for V-237701.",
		build: func(d *doc) node {
			return or{d.noPasswordAccounts(), d.u("a mechanism removes or disables temporary accounts after 72 hours")}
		}},
	{vuln: "V-237703", title: "Owners can share their objects (DAC)", kind: manual,
		note: "Oracle's GRANT and REVOKE give this by design; there is nothing on a given database to measure."},
	{vuln: "V-237705", title: "Connection information is restricted per user", kind: manual,
		note: "Procedures for giving connection details to users."},
	{vuln: "V-237706", title: "Developers cannot change production", kind: manual,
		note: "Needs the list of developer accounts."},
	{vuln: "V-237707", title: "Developers have no elevated rights on shared hosts", kind: partial,
		note: "Passes when /etc/oratab lists a single database (the host does not hold both production and development); otherwise the reviewer checks developers' privileges.",
		build: func(d *doc) node {
			t := textfile("/etc/oratab lists a single database", []string{"/etc/oratab"}, "", `^([A-Za-z][^:#\s]*):`, "", "", "all", "only_one_exists")
			return or{t, d.u("developers have no elevated privileges on the production database or the OS")}
		}},
	{vuln: "V-237708", title: "Dictionary access is limited to DBAs", kind: partial,
		note: "Passes when only Oracle's accounts and roles and PUBLIC hold privileges on dictionary views; other grantees are listed for the reviewer.",
		build: func(d *doc) node {
			return or{d.offenders("Only Oracle's accounts and roles hold privileges on dictionary views", "g.grantee AS grantee, COUNT(*) AS grants",
				"FROM dba_tab_privs g WHERE g.table_name IN (SELECT dc.table_name FROM dictionary dc) AND g.grantee <> 'PUBLIC' AND g.grantee NOT IN ("+oracleUsers+") AND g.grantee NOT IN ("+oracleRoles+") GROUP BY g.grantee", nil),
				d.u("each grantee listed is a DBA or otherwise authorized")}
		}},
	{vuln: "V-237709", title: "Administrative privileges come through roles", kind: automated,
		note: "No system privilege other than UNLIMITED TABLESPACE, REFERENCES, INDEX, SYSDBA and SYSOPER is granted directly to an account outside Oracle's own and DISA's list.",
		build: func(d *doc) node {
			return d.offenders("No system privilege is granted directly to an account", "s.grantee AS grantee, s.privilege AS privilege",
				"FROM dba_sys_privs s WHERE s.grantee IN (SELECT u.username FROM dba_users u WHERE u.oracle_maintained = 'N' AND u.username NOT IN ("+
					"'XDB', 'SYSTEM', 'SYS', 'LBACSYS', 'DVSYS', 'DVF', 'SYSMAN_RO', 'SYSMAN_BIPLATFORM', 'SYSMAN_MDS', 'SYSMAN_OPSS', 'SYSMAN_STB', 'DBSNMP', 'SYSMAN', 'APEX_040200', 'WMSYS', "+
					"'SYSDG', 'SYSBACKUP', 'SPATIAL_WFS_ADMIN_USR', 'SPATIAL_CSW_ADMIN_US', 'GSMCATUSER', 'OLAPSYS', 'SI_INFORMTN_SCHEMA', 'OUTLN', 'ORDSYS', 'ORDDATA', 'OJVMSYS', "+
					"'ORACLE_OCM', 'MDSYS', 'ORDPLUGINS', 'GSMADMIN_INTERNAL', 'MDDATA', 'FLOWS_FILES', 'DIP', 'CTXSYS', 'AUDSYS', 'APPQOSSYS', 'APEX_PUBLIC_USER', 'ANONYMOUS', "+
					"'SPATIAL_CSW_ADMIN_USR', 'SYSKM', 'SYSMAN_TYPES', 'MGMT_VIEW', 'EUS_ENGINE_USER', 'EXFSYS', 'SYSMAN_APM')) "+
					"AND s.privilege NOT IN ('UNLIMITED TABLESPACE', 'REFERENCES', 'INDEX', 'SYSDBA', 'SYSOPER')", nil)
		}},
	{vuln: "V-237710", title: "DBAs use separate administrative accounts", kind: partial,
		note: "Fails when objects owned by DBA accounts are granted to accounts that are not DBAs; separate accounts for DBAs are for the reviewer.",
		build: func(d *doc) node {
			return and{d.offenders("Objects of DBA accounts are not granted to other accounts", "g.owner AS owner, g.table_name AS object_name, g.grantee AS grantee, g.privilege AS privilege",
				"FROM dba_tab_privs g WHERE g.owner IN ("+dbaGrantees+") AND g.owner IN (SELECT au.username FROM dba_users au WHERE au.oracle_maintained = 'N') AND g.grantee NOT IN ("+dbaGrantees+")", nil),
				d.u("DBAs have separate accounts for administration")}
		}},
	{vuln: "V-237712", title: "OS accounts for external procedures have limited privileges", kind: partial,
		note: "Fails when externaljob.ora runs external jobs as another user than nobody; the accounts' privileges are for the reviewer.",
		build: func(d *doc) node {
			return and{d.externalJobUser(), d.u("the OS accounts that run external procedures hold only the privileges they need")}
		}},
	{vuln: "V-237713", title: "Locked accounts stay locked until an administrator unlocks them", kind: automated,
		note: "PASSWORD_LOCK_TIME (DEFAULT resolved) of every open password account's profile is UNLIMITED.",
		build: func(d *doc) node {
			return d.offenders("Every open password account's profile has PASSWORD_LOCK_TIME UNLIMITED", "x.username AS username, x.profile AS profile, x.lim AS password_lock_time",
				"FROM "+accountLimit("PASSWORD_LOCK_TIME", openPwdAccounts)+" WHERE x.lim IS NULL OR x.lim <> 'UNLIMITED'", nil)
		}},
	{vuln: "V-237714", title: "Accounts lock after three failed logons", kind: automated,
		note: "FAILED_LOGIN_ATTEMPTS (DEFAULT resolved) of every profile is set and at most the organization's limit (3).",
		vals: []*value{vFailed},
		build: func(d *doc) node {
			return d.offenders("Every profile's FAILED_LOGIN_ATTEMPTS is within the limit", "x.profile AS profile, x.lim AS failed_login_attempts",
				"FROM "+profileLimit("FAILED_LOGIN_ATTEMPTS")+" WHERE "+overLimit("{failed}"), sqlVals)
		}},
	{vuln: "V-237715", title: "Propagation of access rights is limited by policy", kind: manual,
		note: "Oracle grants without GRANT OPTION by default; the organization's propagation policy is documentation."},
	{vuln: "V-237716", title: "Access can be granted to a single user (DAC)", kind: manual,
		note: "Oracle's default behaviour; there is nothing on a given database to measure."},
	{vuln: "V-237717", title: "A warning comes before audit storage fills", kind: partial,
		note: "Passes when a tablespace space-usage threshold for the audit tablespace (or the database default) warns at or below the organization's percentage; otherwise the warning mechanism in use is for the reviewer.",
		vals: []*value{vAuditPct},
		build: func(d *doc) node {
			return or{d.offenders("A tablespace space-usage warning covers the audit tablespace", "'no space warning at or below the limit' AS finding",
				"FROM dual WHERE NOT EXISTS (SELECT 1 FROM dba_thresholds th WHERE th.metrics_name = 'Tablespace Space Usage' AND th.warning_operator IN ('GE', 'GT') "+
					"AND CASE WHEN th.warning_value IS NULL THEN 101 ELSE CAST(th.warning_value AS INTEGER) END <= {auditpct} "+
					"AND (th.object_name IS NULL OR th.object_name IN (SELECT ad.default_tablespace FROM dba_users ad WHERE ad.username = 'AUDSYS')))", sqlVals),
				d.u("an OS or third-party tool warns before the audit storage fills")}
		}},
	{vuln: "V-237718", title: "Audit failures raise a real-time alert", kind: manual,
		note: "Alerting is configured outside the database (OEM, OS or third-party tools)."},
	{vuln: "V-237719", title: "Logical access restrictions on changes are supported", kind: manual,
		note: "A statement about the product's design."},
	{vuln: "V-237720", title: "Backup procedures are implemented", kind: manual,
		note: "Procedures and evidence of backups made by any means."},
	{vuln: "V-237721", title: "Recovery procedures are tested", kind: manual,
		note: "Procedures and evidence of recovery tests."},
	{vuln: "V-237722", title: "Backup files are protected", kind: partial,
		note: "Fails when the fast recovery area (DB_RECOVERY_FILE_DEST) grants others access; other backup locations are for the reviewer.",
		build: func(d *doc) node {
			return and{d.noWorldAccess("The fast recovery area grants others no access", d.paramDir("db_recovery_file_dest"), "", false, "any_exist"),
				d.u("other backup and restoration files are protected")}
		}},
	{vuln: "V-237723", title: "Accounts use multifactor authentication", kind: partial,
		note: "Fails when an open account outside Oracle's own authenticates with an Oracle password; the multifactor mechanism of the others is for the reviewer.",
		build: func(d *doc) node {
			return and{d.offenders("No open account outside Oracle's own authenticates with an Oracle password", "u.username AS username, u.authentication_type AS authentication_type",
				"FROM dba_users u WHERE u.oracle_maintained = 'N' AND u.account_status = 'OPEN' AND u.authentication_type = 'PASSWORD'", nil),
				d.u("the certificate or directory authentication in use is multifactor")}
		}},
	{vuln: "V-237724", title: "Shared accounts require individual authentication first", kind: manual,
		note: "Which accounts are shared is known to the organization, not the database."},
	{vuln: "V-237725", title: "Accounts are disabled after 35 days of inactivity", kind: automated,
		note: "INACTIVE_ACCOUNT_TIME (DEFAULT resolved) of every open password account's profile is set and at most the limit (35). 12.1 has no INACTIVE_ACCOUNT_TIME: then the result is unknown and the reviewer looks for a daily job.",
		vals: []*value{vInactive},
		build: func(d *doc) node {
			return and{
				or{d.offenders("The database supports INACTIVE_ACCOUNT_TIME (12.2 or later)", "'INACTIVE_ACCOUNT_TIME not supported' AS finding",
					"FROM dual WHERE NOT EXISTS (SELECT 1 FROM dba_profiles p WHERE p.resource_name = 'INACTIVE_ACCOUNT_TIME')", nil),
					d.u("a daily job locks accounts unused for 35 days")},
				d.offenders("Every open password account's profile has an INACTIVE_ACCOUNT_TIME within the limit", "x.username AS username, x.profile AS profile, x.lim AS inactive_account_time",
					"FROM "+accountLimit("INACTIVE_ACCOUNT_TIME", openPwdAccounts)+" WHERE "+overLimit("{inactive}"), sqlVals),
			}
		}},
	{vuln: "V-237726", title: "Passwords are at least 15 characters", kind: partial,
		note: "From the verification function in effect for each open password account's profile: none, or an Oracle-supplied function known not to require 15 characters, fails; ORA12C_STIG_VERIFY_FUNCTION passes; a site's own function is for the reviewer.",
		build: func(d *doc) node {
			return d.verifyFunction("a minimum length of 15", []string{"ORA12C_STIG_VERIFY_FUNCTION"},
				[]string{"ORA12C_VERIFY_FUNCTION", "ORA12C_STRONG_VERIFY_FUNCTION", "VERIFY_FUNCTION_11G", "VERIFY_FUNCTION"})
		}},
	{vuln: "V-237727", title: "Passwords are not reused within five changes", kind: automated,
		note: "For every open password account's profile (DEFAULT resolved): PASSWORD_REUSE_MAX and PASSWORD_REUSE_TIME are not both UNLIMITED, and when both are set PASSWORD_REUSE_MAX is at least the limit (5).",
		vals: []*value{vReuse},
		build: func(d *doc) node {
			eff := func(alias, res string) string {
				return `CASE WHEN ` + alias + `."LIMIT" IS NULL OR ` + alias + `."LIMIT" = 'DEFAULT' THEN ` + alias + `d."LIMIT" ELSE ` + alias + `."LIMIT" END`
			}
			from := "FROM (SELECT u.username, u.profile, " + eff("pm", "") + " AS reuse_max, " + eff("pt", "") + " AS reuse_time FROM dba_users u " +
				"LEFT JOIN dba_profiles pm ON pm.profile = u.profile AND pm.resource_name = 'PASSWORD_REUSE_MAX' " +
				"JOIN dba_profiles pmd ON pmd.profile = 'DEFAULT' AND pmd.resource_name = 'PASSWORD_REUSE_MAX' " +
				"LEFT JOIN dba_profiles pt ON pt.profile = u.profile AND pt.resource_name = 'PASSWORD_REUSE_TIME' " +
				"JOIN dba_profiles ptd ON ptd.profile = 'DEFAULT' AND ptd.resource_name = 'PASSWORD_REUSE_TIME' WHERE " + openPwdAccounts + ") x " +
				"WHERE CASE WHEN x.reuse_max = 'UNLIMITED' AND x.reuse_time = 'UNLIMITED' THEN 1 WHEN x.reuse_max = 'UNLIMITED' OR x.reuse_time = 'UNLIMITED' THEN 0 " +
				"WHEN CAST(x.reuse_max AS INTEGER) < {reuse} THEN 1 ELSE 0 END = 1"
			return d.offenders("Every open password account's profile limits password reuse", "x.username AS username, x.profile AS profile, x.reuse_max AS password_reuse_max, x.reuse_time AS password_reuse_time", from, sqlVals)
		}},
	{vuln: "V-237728", title: "Passwords contain an upper-case letter", kind: partial,
		note: "As for V-237726: ORA12C_STIG_VERIFY_FUNCTION and ORA12C_STRONG_VERIFY_FUNCTION pass; ORA12C_VERIFY_FUNCTION, VERIFY_FUNCTION_11G and VERIFY_FUNCTION fail.",
		build: func(d *doc) node {
			return d.verifyFunction("an upper-case character", []string{"ORA12C_STIG_VERIFY_FUNCTION", "ORA12C_STRONG_VERIFY_FUNCTION"},
				[]string{"ORA12C_VERIFY_FUNCTION", "VERIFY_FUNCTION_11G", "VERIFY_FUNCTION"})
		}},
	{vuln: "V-237729", title: "Passwords contain a lower-case letter", kind: partial,
		note: "As for V-237728.",
		build: func(d *doc) node {
			return d.verifyFunction("a lower-case character", []string{"ORA12C_STIG_VERIFY_FUNCTION", "ORA12C_STRONG_VERIFY_FUNCTION"},
				[]string{"ORA12C_VERIFY_FUNCTION", "VERIFY_FUNCTION_11G", "VERIFY_FUNCTION"})
		}},
	{vuln: "V-237730", title: "Passwords contain a digit", kind: partial,
		note: "As for V-237726: the Oracle-supplied functions named all require a digit and pass.",
		build: func(d *doc) node {
			return d.verifyFunction("a numeric character", []string{"ORA12C_STIG_VERIFY_FUNCTION", "ORA12C_STRONG_VERIFY_FUNCTION", "ORA12C_VERIFY_FUNCTION", "VERIFY_FUNCTION_11G", "VERIFY_FUNCTION"}, nil)
		}},
	{vuln: "V-237731", title: "Passwords contain a special character", kind: partial,
		note: "As for V-237726: ORA12C_STIG_VERIFY_FUNCTION, ORA12C_STRONG_VERIFY_FUNCTION and VERIFY_FUNCTION pass; ORA12C_VERIFY_FUNCTION and VERIFY_FUNCTION_11G fail.",
		build: func(d *doc) node {
			return d.verifyFunction("a special character", []string{"ORA12C_STIG_VERIFY_FUNCTION", "ORA12C_STRONG_VERIFY_FUNCTION", "VERIFY_FUNCTION"},
				[]string{"ORA12C_VERIFY_FUNCTION", "VERIFY_FUNCTION_11G"})
		}},
	{vuln: "V-237732", title: "New passwords differ in eight characters", kind: partial,
		note: "As for V-237726: ORA12C_STIG_VERIFY_FUNCTION passes; the other Oracle-supplied functions (3 or 4 characters) fail.",
		build: func(d *doc) node {
			return d.verifyFunction("a change of eight characters", []string{"ORA12C_STIG_VERIFY_FUNCTION"},
				[]string{"ORA12C_VERIFY_FUNCTION", "ORA12C_STRONG_VERIFY_FUNCTION", "VERIFY_FUNCTION_11G", "VERIFY_FUNCTION"})
		}},
	{vuln: "V-237733", title: "Temporary passwords follow defined procedures", kind: partial,
		note: "As for V-237701: passes when no account outside Oracle's own uses an Oracle password.",
		build: func(d *doc) node {
			return or{d.noPasswordAccounts(), d.u("procedures for temporary passwords exist and are followed")}
		}},
	{vuln: "V-237734", title: "No passwords in compiled code or batch jobs", kind: manual,
		note: "A review of application and batch source code."},
	{vuln: "V-237735", title: "Passwords expire within 60 days", kind: automated,
		note: "For every open password account's profile, PASSWORD_LIFE_TIME plus PASSWORD_GRACE_TIME (DEFAULT resolved) is set and at most the limit (60 days).",
		vals: []*value{vLife},
		build: func(d *doc) node {
			eff := func(alias string) string {
				return `CASE WHEN ` + alias + `."LIMIT" IS NULL OR ` + alias + `."LIMIT" = 'DEFAULT' THEN ` + alias + `d."LIMIT" ELSE ` + alias + `."LIMIT" END`
			}
			from := "FROM (SELECT u.username, u.profile, " + eff("pl") + " AS life, " + eff("pg") + " AS grace FROM dba_users u " +
				"LEFT JOIN dba_profiles pl ON pl.profile = u.profile AND pl.resource_name = 'PASSWORD_LIFE_TIME' " +
				"JOIN dba_profiles pld ON pld.profile = 'DEFAULT' AND pld.resource_name = 'PASSWORD_LIFE_TIME' " +
				"LEFT JOIN dba_profiles pg ON pg.profile = u.profile AND pg.resource_name = 'PASSWORD_GRACE_TIME' " +
				"JOIN dba_profiles pgd ON pgd.profile = 'DEFAULT' AND pgd.resource_name = 'PASSWORD_GRACE_TIME' WHERE " + openPwdAccounts + ") x " +
				"WHERE CASE WHEN x.life IS NULL OR x.grace IS NULL OR x.life = 'UNLIMITED' OR x.grace = 'UNLIMITED' THEN 1 " +
				"WHEN CAST(x.life AS FLOAT) + CAST(x.grace AS FLOAT) > {life} THEN 1 ELSE 0 END = 1"
			return d.offenders("Every open password account's password expires within the limit", "x.username AS username, x.profile AS profile, x.life AS password_life_time, x.grace AS password_grace_time", from, sqlVals)
		}},
	{vuln: "V-237738", title: "Inactive network connections end within 15 minutes", kind: automated,
		note: "RESOURCE_LIMIT is TRUE and idle sessions end within the limit (15) through profiles or Resource Manager, and SQLNET.EXPIRE_TIME > 0 ends dead connections.",
		vals: []*value{vNetIdle},
		build: func(d *doc) node {
			return and{d.resourceLimitOn(), or{d.idleByProfiles("netidle"), d.idleByResourceManager("netidle")}, d.expireTime()}
		}},
	{vuln: "V-237739", title: "Cryptography is FIPS 140 validated", kind: automated,
		note: "DBFIPS_140 is TRUE, the release is 12.1.0.2 or later, fips.ora sets SSLFIPS_140 = TRUE and the active sqlnet.ora sets SQLNET.FIPS_140 = TRUE (a database that needs no encryption is for the reviewer to mark not applicable).",
		build: func(d *doc) node {
			return and{d.dbfips(), d.releaseAtLeast12102(), d.fipsOra(),
				sqlnet("SQLNET.FIPS_140 is TRUE in the active sqlnet.ora", "active", "SQLNET.FIPS_140", "pattern match", "(?i)^true$", "all", "at_least_one_exists")}
		}},
	{vuln: "V-237740", title: "Data files with sensitive data are encrypted", kind: partial,
		note:  "Fails when DBFIPS_140 is not TRUE; which data is sensitive and whether it is encrypted is for the reviewer.",
		build: func(d *doc) node { return and{d.dbfips(), d.u("the sensitive data identified is encrypted")} }},
	{vuln: "V-237741", title: "Emergency accounts are terminated automatically", kind: partial,
		note: "Passes when the organization declares that policy forbids emergency accounts (Value 'no_emergency_accounts'); otherwise the termination mechanism is for the reviewer.",
		vals: []*value{vNoEmergency},
		build: func(d *doc) node {
			return or{d.boolValue("The organization declares that policy forbids emergency and temporary accounts", vNoEmergency),
				d.u("emergency accounts are terminated after the organization-defined period")}
		}},
	{vuln: "V-237742", title: "Denial of service is limited (listener rate limits)", kind: partial,
		note: "Passes when listener.ora sets a connection rate limit; otherwise other measures are for the reviewer.",
		build: func(d *doc) node {
			return or{sqlnet("listener.ora sets a connection rate limit", "listener.ora", "~(/RATE_LIMIT$|^CONNECTION_RATE_)", "pattern match", "(?i)^(yes|on|true|[1-9][0-9]*)$", "at least one", "at_least_one_exists"),
				d.u("other measures limit the organization-defined denial-of-service attacks")}
		}},
	{vuln: "V-237743", title: "Software integrity is verified", kind: partial,
		note: "Passes when AIDE's configuration selects the Oracle home; otherwise the integrity tool in use is for the reviewer.",
		build: func(d *doc) node {
			return or{d.aideCoversHome(), d.u("another tool verifies the integrity of the DBMS files")}
		}},
	{vuln: "V-237745", title: "The installation account is not used interactively", kind: partial,
		note: "Passes when the owner of $ORACLE_HOME/bin/oracle has no login shell in /etc/passwd; otherwise its use is for the reviewer.",
		build: func(d *doc) node {
			oracleBin := &object{typ: "unix:file_object", body: "      <unix:path var_ref=\"" + d.binDir() + "\"/>\n      <unix:filename>oracle</unix:filename>\n"}
			uid := d.addVar(&variable{kind: "local_variable", dt: "string", cmt: "owner of the oracle executable", body: "<object_component object_ref=\"" + d.addObject(oracleBin) + "\" item_field=\"user_id\"/>"})
			re := d.concat("passwd line of the software owner", "^[^:]*:[^:]*:", uid, ":[^:]*:[^:]*:[^:]*:(.*)$")
			t := &test{comment: "The software owner has no login shell", typ: "ind:textfilecontent54_test", check: "all", existence: "at_least_one_exists",
				object: &object{typ: "ind:textfilecontent54_object", body: "      <ind:filepath>/etc/passwd</ind:filepath>\n      <ind:pattern operation=\"pattern match\" var_ref=\"" + re + "\"/>\n      <ind:instance datatype=\"int\" operation=\"greater than or equal\">1</ind:instance>\n"},
				states: []*state{{typ: "ind:textfilecontent54_state", body: "      <ind:subexpression operation=\"pattern match\">" + esc(`(nologin|/false)\s*$`) + "</ind:subexpression>\n"}}}
			return or{t, d.u("the installation account is used only to install, upgrade and maintain the software")}
		}},
	{vuln: "V-237746", title: "Software libraries cannot be changed by others", kind: partial,
		note: "Fails when ORACLE_HOME, its bin or lib directory is writable by others; the accounts with access are for the reviewer.",
		build: func(d *doc) node {
			dirs := d.addVar(&variable{kind: "local_variable", dt: "string", cmt: "ORACLE_HOME and its bin and lib",
				body: "<concat><variable_component var_ref=\"" + d.home() + "\"/><variable_component var_ref=\"" + d.addVar(&variable{kind: "constant_variable", dt: "string", cmt: "software subdirectories", body: "<value></value><value>/bin</value><value>/lib</value>"}) + "\"/></concat>"})
			return and{d.notWorldWritable("ORACLE_HOME, bin and lib are not writable by others", dirs),
				d.u("only the software owner and administrators have access to the libraries")}
		}},
	{vuln: "V-237747", title: "Audit records are off-loaded in near real time", kind: partial,
		note: "Passes when standard auditing writes to syslog (AUDIT_TRAIL OS with AUDIT_SYSLOG_LEVEL) and rsyslog forwards to a remote host; otherwise the off-loading is for the reviewer.",
		build: func(d *doc) node {
			return or{and{
				d.offenders("Audit records go to syslog (AUDIT_TRAIL = OS and AUDIT_SYSLOG_LEVEL set)", "'audit records do not go to syslog' AS finding",
					"FROM dual WHERE NOT EXISTS (SELECT 1 FROM v$parameter p WHERE p.name = 'audit_trail' AND UPPER(p.value) = 'OS') OR NOT EXISTS (SELECT 1 FROM v$parameter p WHERE p.name = 'audit_syslog_level' AND LENGTH(TRIM(p.value)) > 0)", nil),
				textfile("rsyslog forwards to a remote host", []string{"/etc/rsyslog.conf"}, "", `^[^#]*(@@?[\w\[]|omfwd)`, "", "", "all", "at_least_one_exists")},
				d.u("audit records reach the central log management system in near real time")}
		}},
	{vuln: "V-251802", title: "The release is supported by the vendor", kind: partial,
		note: "Fails when V$INSTANCE.VERSION matches the organization's list of unsupported releases (Value 'unsupported_releases'; all of 12c is out of Premier and Extended Support); otherwise the components' support is for the reviewer.",
		vals: []*value{vUnsupported},
		build: func(d *doc) node {
			supported := d.concat("releases outside the unsupported list", "^(?!", d.ext(vUnsupported), ")")
			return and{d.sqlFieldVar("The release is not in the list of unsupported releases", "SELECT i.version AS version FROM v$instance i", "version", "pattern match", supported, "all"),
				d.u("every component of the installation is supported by its vendor")}
		}},
}

// auditProtected builds V-220277 to V-220279: PUBLIC holds no privilege of
// the kind on audit data, and file audit trails are closed to others.
func (d *doc) auditProtected(what, privs string) node {
	cond := ""
	if privs != "" {
		cond = " AND g.privilege IN (" + privs + ")"
	}
	return and{
		d.offenders("PUBLIC holds "+what+" on no audit table or view", "g.owner AS owner, g.table_name AS object_name, g.privilege AS privilege",
			"FROM dba_tab_privs g WHERE g.grantee = 'PUBLIC' AND (g.table_name IN ('AUD$', 'FGA_LOG$', 'UNIFIED_AUDIT_TRAIL', 'DBA_AUDIT_TRAIL', 'DBA_FGA_AUDIT_TRAIL') OR g.owner = 'AUDSYS')"+cond, nil),
		or{d.notFileAudit(), d.auditDirClosed()},
		d.u("the other grantees of audit data and the OS-level controls are authorized"),
	}
}
