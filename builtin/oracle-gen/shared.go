package main

// Tests several rules share. Each call builds the test afresh; the document
// writes identical tests once.

func (d *doc) resourceLimitOn() *test {
	return d.offenders("RESOURCE_LIMIT is TRUE, so profile resource limits are enforced",
		"p.name AS parameter, p.value AS value", paramNot("resource_limit", "TRUE"), nil)
}

// idleByProfiles: every open account's profile ends idle sessions within
// the limit.
func (d *doc) idleByProfiles(limit string) *test {
	return d.offenders("Every open account's profile has an IDLE_TIME within the limit",
		"x.username AS username, x.profile AS profile, x.lim AS idle_time",
		"FROM "+accountLimit("IDLE_TIME", openAccounts)+" WHERE "+overLimit("{"+limit+"}"), sqlVals)
}

// idleByResourceManager: the active Resource Manager plan ends idle
// sessions of every consumer group within the limit.
func (d *doc) idleByResourceManager(limit string) *test {
	return d.offenders("The active Resource Manager plan sets MAX_IDLE_TIME within the limit for every consumer group",
		"x.plan_name AS plan_name, x.consumer_group AS consumer_group, x.max_idle_seconds AS max_idle_seconds",
		"FROM (SELECT 'none' AS plan_name, 'no active Resource Manager plan' AS consumer_group, CAST(NULL AS INTEGER) AS max_idle_seconds FROM dual "+
			"WHERE NOT EXISTS (SELECT 1 FROM v$rsrc_plan rp WHERE rp.is_top_plan = 'TRUE') "+
			"UNION ALL SELECT pd.plan, pd.group_or_subplan, pd.max_idle_time FROM dba_rsrc_plan_directives pd "+
			"JOIN v$rsrc_plan rp ON rp.name = pd.plan AND rp.is_top_plan = 'TRUE' "+
			"WHERE pd.type = 'CONSUMER_GROUP' AND (pd.max_idle_time IS NULL OR pd.max_idle_time > {"+limit+"} * 60)) x", sqlVals)
}

func (d *doc) expireTime() *test {
	return sqlnet("SQLNET.EXPIRE_TIME in the active sqlnet.ora is greater than 0 (dead connection detection)",
		"active", "SQLNET.EXPIRE_TIME", "int:greater than", "0", "all", "at_least_one_exists")
}

func (d *doc) inboundTimeout() *test {
	return sqlnet("SQLNET.INBOUND_CONNECT_TIMEOUT in the active sqlnet.ora is set (greater than 0)",
		"active", "SQLNET.INBOUND_CONNECT_TIMEOUT", "int:greater than", "0", "all", "at_least_one_exists")
}

// auditingOn: standard auditing (AUDIT_TRAIL other than NONE) or unified
// auditing is enabled.
func (d *doc) auditingOn() *test {
	return d.offenders("Auditing is on: AUDIT_TRAIL is not NONE, or unified auditing is enabled",
		"p.name AS parameter, p.value AS value",
		"FROM v$parameter p WHERE p.name = 'audit_trail' AND "+auditTrailIsNone+" AND NOT EXISTS ("+unifiedOn+")", nil)
}

// auditRecords: the unified or the standard database audit trail holds a
// record whose columns are all filled.
func (d *doc) auditRecords(what string, unified, standard []string) node {
	cond := func(alias string, cols []string) string {
		s := ""
		for i, c := range cols {
			if i > 0 {
				s += " AND "
			}
			s += alias + "." + c + " IS NOT NULL"
		}
		return s
	}
	return or{
		d.offenders("The unified audit trail holds records with "+what,
			"'no such record' AS unified_audit_trail",
			"FROM dual WHERE NOT EXISTS (SELECT 1 FROM unified_audit_trail a WHERE "+cond("a", unified)+")", nil),
		d.offenders("The standard database audit trail holds records with "+what,
			"'no such record' AS dba_audit_trail",
			"FROM dual WHERE NOT EXISTS (SELECT 1 FROM dba_audit_trail a WHERE "+cond("a", standard)+")", nil),
	}
}

// fileAudit: standard auditing writes files (AUDIT_TRAIL OS or XML).
func (d *doc) notFileAudit() *test {
	return d.offenders("Standard auditing does not write audit files (AUDIT_TRAIL is not OS, XML or XML,EXTENDED)",
		"p.value AS audit_trail",
		"FROM v$parameter p WHERE p.name = 'audit_trail' AND UPPER(REPLACE(p.value, ' ', '')) IN ('OS', 'XML', 'XML,EXTENDED')", nil)
}

func (d *doc) paramDir(name string) string {
	return d.column("directory named by "+name, "SELECT p.value AS value FROM v$parameter p WHERE p.name = '"+name+"' AND p.value LIKE '/%'", "value")
}

func (d *doc) auditDirClosed() *test {
	return d.noWorldAccess("The AUDIT_FILE_DEST directory grants others no access", d.paramDir("audit_file_dest"), "", false, "any_exist")
}

// noPasswordAccounts: every account outside Oracle's own is
// authenticated by the OS, a directory or certificates, not by Oracle.
func (d *doc) noPasswordAccounts() *test {
	return d.offenders("No account outside Oracle's own is authenticated by an Oracle password",
		"u.username AS username, u.authentication_type AS authentication_type",
		"FROM dba_users u WHERE u.oracle_maintained = 'N' AND u.authentication_type = 'PASSWORD'", nil)
}

// pkiUnused: sqlnet.ora neither asks clients for certificates nor lists
// TCPS among the authentication services.
func (d *doc) pkiUnused() node {
	return and{
		sqlnet("SSL_CLIENT_AUTHENTICATION is not TRUE in the active sqlnet.ora", "active", "SSL_CLIENT_AUTHENTICATION", "pattern match", "(?i)^(?!true$)", "all", "any_exist"),
		sqlnet("SQLNET.AUTHENTICATION_SERVICES does not list TCPS", "active", "SQLNET.AUTHENTICATION_SERVICES", "pattern match", `(?i)^(?!.*\btcps\b)`, "all", "any_exist"),
	}
}

func (d *doc) binDir() string { return d.concat("ORACLE_HOME/bin", d.home(), "/bin") }

func (d *doc) binNotWorldWritable() *test {
	return d.notWorldWritable("$ORACLE_HOME/bin is not writable by others", d.binDir())
}

func (d *doc) externalJobUser() *test {
	return sqlnet("externaljob.ora runs external jobs as nobody (run_user and run_group)", "$ORACLE_HOME/rdbms/admin/externaljob.ora",
		"~^RUN_(USER|GROUP)$", "equals", "nobody", "all", "any_exist")
}

func (d *doc) listenerProtocolsEncrypted() *test {
	return sqlnet("Every listener address uses TCPS or IPC (no clear-text TCP)", "listener.ora", "~/PROTOCOL$", "pattern match", "(?i)^(TCPS|IPC)$", "all", "at_least_one_exists")
}

func (d *doc) dbfips() *test {
	return d.offenders("DBFIPS_140 is TRUE",
		"'DBFIPS_140 is not TRUE' AS finding",
		"FROM dual WHERE NOT EXISTS (SELECT 1 FROM v$parameter p WHERE p.name = 'dbfips_140' AND UPPER(p.value) = 'TRUE')", nil)
}

func (d *doc) releaseAtLeast12102() *test {
	return d.sqlField("The release is 12.1.0.2 or later", "SELECT i.version AS version FROM v$instance i", "version", "version", "greater than or equal", "12.1.0.2", "all")
}

func (d *doc) fipsOra() *test {
	return sqlnet("SSLFIPS_140 is TRUE in $ORACLE_HOME/ldap/admin/fips.ora", "$ORACLE_HOME/ldap/admin/fips.ora", "SSLFIPS_140", "pattern match", "(?i)^true$", "all", "at_least_one_exists")
}

func (d *doc) replicationNotInstalled() *test {
	return d.offenders("Oracle Replication is not installed (no REPCAT tables)",
		"t.owner AS owner, t.table_name AS table_name", "FROM all_tables t WHERE t.table_name LIKE 'REPCAT%'", nil)
}

// aideCoversHome: a selection line of AIDE's configuration starts with
// the Oracle home (a line starting with '!' excludes, so it does not count).
func (d *doc) aideCoversHome() *test {
	files := d.addVar(&variable{kind: "constant_variable", dt: "string", cmt: "AIDE configuration files",
		body: "<value>/etc/aide/aide.conf</value><value>/etc/aide.conf</value>"})
	re := d.addVar(&variable{kind: "local_variable", dt: "string", cmt: "AIDE selection line for ORACLE_HOME",
		body: "<concat><literal_component>" + esc(`^\s*`) + "</literal_component><escape_regex><variable_component var_ref=\"" + d.home() + "\"/></escape_regex><literal_component>" + esc(`(/|\s|$)`) + "</literal_component></concat>"})
	body := "      <ind:filepath var_ref=\"" + files + "\"/>\n      <ind:pattern operation=\"pattern match\" var_ref=\"" + re + "\"/>\n      <ind:instance datatype=\"int\" operation=\"greater than or equal\">1</ind:instance>\n"
	return &test{comment: "AIDE's configuration selects the Oracle home for integrity checking", typ: "ind:textfilecontent54_test", check: "all", existence: "at_least_one_exists",
		object: &object{typ: "ind:textfilecontent54_object", body: body}}
}

// verifyFunction builds the password verification checks: a NULL function
// or an Oracle-supplied one known not to enforce the property fails; an
// Oracle-supplied one known to enforce it passes; a site's own function is
// left to the reviewer.
func (d *doc) verifyFunction(property string, good, bad []string) node {
	quote := func(fs []string) string {
		s := ""
		for i, f := range fs {
			if i > 0 {
				s += ", "
			}
			s += "'" + f + "'"
		}
		if s == "" {
			s = "'-'"
		}
		return s
	}
	base := "FROM " + accountLimit("PASSWORD_VERIFY_FUNCTION", openPwdAccounts) + " WHERE "
	return and{
		d.offenders("Every password account's profile has a verification function that does not fail to enforce "+property,
			"x.username AS username, x.profile AS profile, x.lim AS password_verify_function",
			base+"(x.lim IS NULL OR x.lim = 'NULL' OR x.lim IN ("+quote(bad)+"))", nil),
		or{
			d.offenders("Every password account's verification function is an Oracle-supplied one known to enforce "+property,
				"x.username AS username, x.profile AS profile, x.lim AS password_verify_function",
				base+"(x.lim IS NULL OR x.lim NOT IN ("+quote(good)+"))", nil),
			unknown("the source of the site's own verification function enforces " + property),
		},
	}
}
