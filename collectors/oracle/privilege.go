package oracle

import (
	"context"
	"sort"
	"strings"

	"github.com/stigscan/stigscan/internal/clip"
)

// LeastPrivilege is what the built-in checks need of the scanning
// account, for warnings and documentation. SELECT_CATALOG_ROLE reads the
// DBA_ and V$ views; AUDIT_VIEWER reads UNIFIED_AUDIT_TRAIL. SELECT ANY
// DICTIONARY serves instead of SELECT_CATALOG_ROLE (since 12c it no longer
// reaches USER$, LINK$ and the other password tables).
const LeastPrivilege = "CREATE SESSION, SELECT_CATALOG_ROLE (or SELECT ANY DICTIONARY) and AUDIT_VIEWER"

// Roles and system privileges a scan does not need and that would let a
// mistake (or a query the guard failed to stop) change the database or
// read application data.
const (
	privilegedRoles = "'DBA', 'PDB_DBA', 'IMP_FULL_DATABASE', 'EXP_FULL_DATABASE', 'DATAPUMP_IMP_FULL_DATABASE', 'DATAPUMP_EXP_FULL_DATABASE', 'AUDIT_ADMIN', 'RECOVERY_CATALOG_OWNER'"
	privilegedPrivs = "'SYSDBA', 'SYSOPER', 'SYSBACKUP', 'SYSDG', 'SYSKM', 'ALTER SYSTEM', 'ALTER DATABASE', 'CREATE USER', 'ALTER USER', 'DROP USER', 'BECOME USER', " +
		"'GRANT ANY PRIVILEGE', 'GRANT ANY ROLE', 'GRANT ANY OBJECT PRIVILEGE', 'SELECT ANY TABLE', 'EXECUTE ANY PROCEDURE', 'CREATE ANY PROCEDURE', " +
		"'CREATE ANY TABLE', 'ALTER ANY TABLE', 'DROP ANY TABLE', 'INSERT ANY TABLE', 'UPDATE ANY TABLE', 'DELETE ANY TABLE', 'CREATE PUBLIC SYNONYM', " +
		"'CREATE ANY SYNONYM', 'EXEMPT ACCESS POLICY', 'AUDIT SYSTEM', 'CREATE ANY DIRECTORY'"
)

// Warnings says when the scan runs with more privilege than it needs: as
// SYS or SYSTEM, AS SYSDBA, or with a role or system privilege of
// privilegedRoles and privilegedPrivs. It is learned once at Open, from
// SYS_CONTEXT, SESSION_ROLES and SESSION_PRIVS; what the account may not
// read is simply not warned about. Sorted; nil when there is nothing to
// say.
func (t *Target) Warnings() []string { return append([]string(nil), t.warnings...) }

func (t *Target) learnPrivileges(ctx context.Context) []string {
	var w []string
	add := func(what string) {
		w = append(w, "oracle: "+t.Describe()+": the scanning account "+what+"; a scan needs only "+LeastPrivilege)
	}
	if _, rows, err := t.QueryRows(ctx, "SELECT SYS_CONTEXT('USERENV', 'ISDBA'), SYS_CONTEXT('USERENV', 'SESSION_USER') FROM dual"); err == nil && len(rows) == 1 && len(rows[0]) == 2 {
		if strings.EqualFold(str(rows[0][0]), "TRUE") {
			add("is connected AS SYSDBA")
		}
		if u := strings.ToUpper(str(rows[0][1])); u == "SYS" || u == "SYSTEM" {
			add("is " + u)
		}
	}
	if _, rows, err := t.QueryRows(ctx, "SELECT role FROM session_roles WHERE role IN ("+privilegedRoles+")"); err == nil {
		for _, r := range rows {
			add("has role " + clipName(str(r[0])))
		}
	}
	if _, rows, err := t.QueryRows(ctx, "SELECT privilege FROM session_privs WHERE privilege IN ("+privilegedPrivs+")"); err == nil {
		for _, r := range rows {
			add("has system privilege " + clipName(str(r[0])))
		}
	}
	sort.Strings(w)
	return w
}

func clipName(s string) string { return clip.Cut(s, 64, "...") }
