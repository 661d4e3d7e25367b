package main

// value is an organization-defined setting: an XCCDF Value exported to
// OVAL with check-export, with a default a tailoring file may override.
type value struct {
	key   string // id suffix: xccdf_io.stigscan_value_oracle_<key>
	typ   string // number, boolean, string
	op    string // XCCDF operator for the Value
	title string
	desc  string
	def   string
}

func (v *value) id() string { return "xccdf_io.stigscan_value_oracle_" + v.key }

var (
	vIdle = &value{key: "idle_time", typ: "number", op: "less than or equal", def: "15",
		title: "Idle time limit (minutes)",
		desc:  "The longest a session may stay idle before the database ends it, through the IDLE_TIME of the profiles of open accounts or the MAX_IDLE_TIME of the active Resource Manager plan."}
	vConnect = &value{key: "connect_time", typ: "number", op: "less than or equal", def: "480",
		title: "Connect time limit (minutes)",
		desc:  "The longest a session may last (profile CONNECT_TIME). Organization-defined; the default is one working shift."}
	vSessions = &value{key: "sessions_per_user", typ: "number", op: "less than or equal", def: "10",
		title: "Concurrent sessions per account",
		desc:  "The most sessions one account may hold at once (profile SESSIONS_PER_USER). Organization-defined."}
	vNetIdle = &value{key: "network_idle_time", typ: "number", op: "less than or equal", def: "15",
		title: "Network connection inactivity limit (minutes)",
		desc:  "The longest an inactive connection may stay open; the STIG sets 15 minutes unless a mission requirement is documented."}
	vFailed = &value{key: "failed_login_attempts", typ: "number", op: "less than or equal", def: "3",
		title: "Consecutive failed logons before lockout",
		desc:  "FAILED_LOGIN_ATTEMPTS of every profile must not exceed this."}
	vLife = &value{key: "password_life_time", typ: "number", op: "less than or equal", def: "60",
		title: "Password lifetime (days, grace period included)",
		desc:  "PASSWORD_LIFE_TIME plus PASSWORD_GRACE_TIME of the profiles of password accounts."}
	vReuse = &value{key: "password_reuse_max", typ: "number", op: "greater than or equal", def: "5",
		title: "Password changes before a password may be reused",
		desc:  "PASSWORD_REUSE_MAX of the profiles of password accounts."}
	vInactive = &value{key: "inactive_account_time", typ: "number", op: "less than or equal", def: "35",
		title: "Days of inactivity before an account is locked",
		desc:  "INACTIVE_ACCOUNT_TIME of the profiles of open password accounts."}
	vManual = &value{key: "manual_accounts", typ: "number", op: "less than or equal", def: "12",
		title: "Accounts an organization manages by hand",
		desc:  "The rule of thumb of the STIG: at most 12 accounts managed in the database without automation."}
	vAuditPct = &value{key: "audit_space_warning", typ: "number", op: "less than or equal", def: "75",
		title: "Audit storage warning threshold (percent)",
		desc:  "The space usage at which the database must warn about the tablespace holding audit records."}
	vProtocols = &value{key: "listener_protocols", typ: "string", op: "pattern match", def: "(?i)^(TCP|TCPS|IPC)$",
		title: "Authorized listener protocols",
		desc:  "A pattern the PROTOCOL of every listener address must match, as registered with PPSM."}
	vUnsupported = &value{key: "unsupported_releases", typ: "string", op: "pattern match", def: `^(7|8|9|10|11|12|18)\.`,
		title: "Releases the vendor no longer supports",
		desc:  "A pattern of V$INSTANCE.VERSION values out of vendor support; review it when Oracle's support dates change."}
	vProduction = &value{key: "production", typ: "boolean", def: "false",
		title: "This is a production database",
		desc:  "Set to true for a production database: the rule about importing production data into development then does not apply to it."}
	vNoEmergency = &value{key: "no_emergency_accounts", typ: "boolean", def: "false",
		title: "Policy forbids emergency and temporary accounts",
		desc:  "Set to true when a consistently enforced policy forbids emergency and temporary accounts."}
)

// allValues lists the Values in the order the benchmark declares them.
var allValues = []*value{vIdle, vConnect, vSessions, vNetIdle, vFailed, vLife, vReuse, vInactive, vManual, vAuditPct, vProtocols, vUnsupported, vProduction, vNoEmergency}

// sqlVals are the placeholders SQL may use.
var sqlVals = map[string]*value{
	"idle": vIdle, "connect": vConnect, "sessions": vSessions, "netidle": vNetIdle, "failed": vFailed,
	"life": vLife, "reuse": vReuse, "inactive": vInactive, "manual": vManual, "auditpct": vAuditPct,
}
