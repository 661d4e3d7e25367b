package main

import "strings"

// SQL fragments shared by the checks. Every statement is written in the
// subset Oracle and PostgreSQL 15 both read (ANSI joins, CASE, COALESCE,
// CAST, REGEXP_LIKE/REGEXP_SUBSTR, FETCH FIRST, no DECODE/NVL/MINUS), so
// the tests run it against PostgreSQL views shaped like Oracle's.

const (
	// oracleUsers are the accounts Oracle created (12c ORACLE_MAINTAINED).
	oracleUsers = "SELECT ou.username FROM dba_users ou WHERE ou.oracle_maintained = 'Y'"
	// oracleRoles are the roles Oracle created.
	oracleRoles = "SELECT orl.role FROM dba_roles orl WHERE orl.oracle_maintained = 'Y'"
	// dbaGrantees hold the DBA role.
	dbaGrantees = "SELECT dg.grantee FROM dba_role_privs dg WHERE dg.granted_role = 'DBA'"

	// Account filters for profile checks.
	openAccounts     = "u.account_status = 'OPEN'"
	openPwdAccounts  = "u.account_status = 'OPEN' AND u.authentication_type = 'PASSWORD'"
	unifiedOn        = "SELECT 1 FROM v$option uo WHERE uo.parameter = 'Unified Auditing' AND uo.value = 'TRUE'"
	auditTrailIsNone = "UPPER(COALESCE(p.value, 'NONE')) = 'NONE'"
)

// accountLimit is a derived table x(username, profile, lim) of the
// accounts matching filter with the limit of resource in effect: a DEFAULT
// (or missing) limit resolves through the DEFAULT profile.
func accountLimit(resource, filter string) string {
	return `(SELECT u.username, u.profile, CASE WHEN p."LIMIT" IS NULL OR p."LIMIT" = 'DEFAULT' THEN d."LIMIT" ELSE p."LIMIT" END AS lim ` +
		`FROM dba_users u LEFT JOIN dba_profiles p ON p.profile = u.profile AND p.resource_name = '` + resource + `' ` +
		`JOIN dba_profiles d ON d.profile = 'DEFAULT' AND d.resource_name = '` + resource + `' WHERE ` + filter + `) x`
}

// profileLimit is a derived table x(profile, lim) of every profile with the
// limit of resource in effect.
func profileLimit(resource string) string {
	return `(SELECT p.profile, CASE WHEN p."LIMIT" = 'DEFAULT' THEN d."LIMIT" ELSE p."LIMIT" END AS lim ` +
		`FROM dba_profiles p JOIN dba_profiles d ON d.profile = 'DEFAULT' AND d.resource_name = p.resource_name ` +
		`WHERE p.resource_name = '` + resource + `') x`
}

// overLimit is true for x.lim UNLIMITED, missing, or a number above max
// (a SQL expression or {placeholder}). CASE keeps CAST from seeing text.
func overLimit(max string) string {
	return "CASE WHEN x.lim IS NULL OR x.lim = 'UNLIMITED' THEN 1 WHEN CAST(x.lim AS INTEGER) > " + max + " THEN 1 ELSE 0 END = 1"
}

// param selects V$PARAMETER rows named name whose value is not one of ok
// (compared in upper case; NULL counts as "NULL").
func paramNot(name string, ok ...string) string {
	return "FROM v$parameter p WHERE p.name = '" + name + "' AND UPPER(COALESCE(p.value, 'NULL')) NOT IN ('" + strings.Join(ok, "', '") + "')"
}

// paramIs selects V$PARAMETER rows named name whose value is bad.
func paramIs(name string, bad ...string) string {
	return "FROM v$parameter p WHERE p.name = '" + name + "' AND UPPER(COALESCE(p.value, 'NULL')) IN ('" + strings.Join(bad, "', '") + "')"
}

// literals is a derived table x(item) of literal strings.
func literals(items ...string) string {
	var parts []string
	for i, it := range items {
		if i == 0 {
			parts = append(parts, "SELECT '"+it+"' AS item FROM dual")
		} else {
			parts = append(parts, "SELECT '"+it+"' FROM dual")
		}
	}
	return "(" + strings.Join(parts, " UNION ALL ") + ") x"
}

// policyMissing is true when no enabled unified audit policy for all users
// audits the action x.item, successful and failed.
const policyMissing = "(NOT EXISTS (SELECT 1 FROM audit_unified_policies ap JOIN audit_unified_enabled_policies ae ON ae.policy_name = ap.policy_name " +
	"WHERE ap.audit_option = TRIM(x.item) AND ae.user_name = 'ALL USERS' AND ae.success = 'YES') " +
	"OR NOT EXISTS (SELECT 1 FROM audit_unified_policies ap JOIN audit_unified_enabled_policies ae ON ae.policy_name = ap.policy_name " +
	"WHERE ap.audit_option = TRIM(x.item) AND ae.user_name = 'ALL USERS' AND ae.failure = 'YES'))"
