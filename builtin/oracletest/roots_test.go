package oracletest

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/stigscan/stigscan/collectors/local"
)

// entry is one file or directory of a fixture's server machine.
type entry struct {
	path string
	data string
	dir  bool
	mode fs.FileMode
	uid  int // owner; 0 leaves the test's own
}

func file(p string, mode fs.FileMode, data string) entry {
	return entry{path: p, data: data, mode: mode}
}
func dir(p string, mode fs.FileMode) entry { return entry{path: p, dir: true, mode: mode} }

// buildRoot writes the entries under a temporary folder, modes last and
// deepest first so closed directories do not stop the writes.
func buildRoot(t *testing.T, es []entry) string {
	t.Helper()
	root := t.TempDir()
	for _, e := range es {
		p := filepath.Join(root, e.path)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		if e.dir {
			require.NoError(t, os.MkdirAll(p, 0o755))
		} else {
			require.NoError(t, os.WriteFile(p, []byte(e.data), 0o600))
		}
	}
	for i := len(es) - 1; i >= 0; i-- {
		p := filepath.Join(root, es[i].path)
		if es[i].uid != 0 {
			if err := os.Lchown(p, es[i].uid, es[i].uid); err != nil {
				t.Skipf("cannot give %s to uid %d (%v): the fixture's file owners need the tests to run as root", es[i].path, es[i].uid, err)
			}
		}
		require.NoError(t, os.Chmod(p, es[i].mode))
	}
	return root
}

// liveRoot is an offline root folder posing as a running system, so that
// the probes of running state (the instance's processes) read its /proc.
type liveRoot struct{ *local.Host }

func (liveRoot) IsLive() bool { return true }

func newLiveRoot(t *testing.T, es []entry) liveRoot {
	t.Helper()
	h, err := local.NewRoot(buildRoot(t, es))
	require.NoError(t, err)
	return liveRoot{h}
}

// pmon is the instance's background process with its umask and
// environment, as /proc shows it.
func pmon(home, umask string) []entry {
	return []entry{
		file("/proc/stat", 0o444, "cpu  1 2 3 4\nbtime 1700000000\n"),
		file("/proc/4242/stat", 0o444, "4242 (ora_pmon_orcl) S 1 4242 4242 0 -1 4194560 100 0 0 0 10 5 0 0 20 0 1 0 500 1000000 100"),
		file("/proc/4242/cmdline", 0o444, "ora_pmon_ORCL\x00"),
		file("/proc/4242/status", 0o444, "Name:\tora_pmon_orcl\nUmask:\t"+umask+"\nState:\tS (sleeping)\nUid:\t54321\t54321\t54321\t54321\nGid:\t54321\t54321\t54321\t54321\n"),
		file("/proc/4242/environ", 0o400, "ORACLE_SID=ORCL\x00ORACLE_HOME="+home+"\x00PATH=/usr/bin\x00"),
	}
}

const passHome = "/u01/app/oracle/product/12.1.0/dbhome_1"

// passRoot is the server machine of the passing fixture.
func passRoot() []entry {
	h := passHome
	es := []entry{
		file("/etc/oratab", 0o644, "# single instance\nORCL:"+h+":Y\n"),
		file("/etc/passwd", 0o644, "root:x:0:0:root:/root:/bin/bash\noracle:x:54321:54321:Oracle software owner:/home/oracle:/sbin/nologin\n"),
		file("/etc/group", 0o644, "root:x:0:\noinstall:x:54321:\ndba:x:54322:oracle\n"),
		file("/etc/aide/aide.conf", 0o600, "# AIDE rules\n"+h+" NORMAL\n!/u01/app/oracle/diag\n"),
		file("/etc/rsyslog.conf", 0o644, "local1.* @@loghost.example.com:514\n"),
		dir(h, 0o755),
		dir(h+"/bin", 0o755),
		{path: h + "/bin/oracle", mode: 0o6751, data: "ELF", uid: 54321},
		dir(h+"/lib", 0o755),
		file(h+"/dbs/orapwORCL", 0o640, "password file"),
		file(h+"/network/admin/sqlnet.ora", 0o644, `# passing sqlnet.ora
SQLNET.EXPIRE_TIME = 10
SQLNET.INBOUND_CONNECT_TIMEOUT = 60
SQLNET.ALLOWED_LOGON_VERSION_SERVER = 12a
SQLNET.ALLOWED_LOGON_VERSION_CLIENT = 12a
SQLNET.ENCRYPTION_SERVER = required
SQLNET.ENCRYPTION_TYPES_SERVER = (AES256)
SQLNET.CRYPTO_CHECKSUM_SERVER = required
SQLNET.CRYPTO_CHECKSUM_TYPES_SERVER = (SHA384)
SQLNET.FIPS_140 = TRUE
SQLNET.AUTHENTICATION_SERVICES = (BEQ)
SSL_CLIENT_AUTHENTICATION = FALSE
tcp.validnode_checking = yes
tcp.invited_nodes = (10.0.0.5, 10.0.0.6)
WALLET_LOCATION =
  (SOURCE = (METHOD = FILE)
    (METHOD_DATA = (DIRECTORY = /u01/app/oracle/wallet)))
`),
		file(h+"/network/admin/listener.ora", 0o644, `LISTENER =
  (DESCRIPTION_LIST =
    (DESCRIPTION =
      (ADDRESS = (PROTOCOL = TCPS)(HOST = db1.example.com)(PORT = 2484)(RATE_LIMIT = yes))
      (ADDRESS = (PROTOCOL = IPC)(KEY = ORCL))))
ADMIN_RESTRICTIONS_LISTENER = ON
CONNECTION_RATE_LISTENER = 10
`),
		file(h+"/ldap/admin/fips.ora", 0o644, "SSLFIPS_140=TRUE\n"),
		file(h+"/hs/admin/extproc.ora", 0o644, "SET EXTPROC_DLLS=ONLY:/u01/app/oracle/lib/approved.so\nEXTPROC_DLLS=ONLY:/u01/app/oracle/lib/approved.so\n"),
		file(h+"/rdbms/admin/externaljob.ora", 0o640, "run_user = nobody\nrun_group = nobody\n"),
		dir("/u01/app/oracle/admin/ORCL/adump", 0o750),
		dir("/u01/app/oracle/diag", 0o750),
		dir("/u01/app/oracle/arch", 0o750),
		dir("/u01/app/oracle/fra", 0o750),
		file("/u01/app/oracle/wallet/ewallet.p12", 0o600, "wallet"),
		file("/u01/app/oracle/wallet/cwallet.sso", 0o600, "wallet"),
	}
	return append(es, pmon(h, "0022")...)
}

const failHome = "/usr/lib/oracle/product/12.1.0/dbhome_1"

// failRoot is the server machine of the failing fixture.
func failRoot() []entry {
	h := failHome
	es := []entry{
		file("/etc/oratab", 0o644, "ORCL12:"+h+":Y\nDEVDB:"+h+":N\n"),
		file("/etc/passwd", 0o644, "root:x:0:0:root:/root:/bin/bash\noracle:x:54321:54321::/home/oracle:/bin/bash\n"),
		file("/etc/group", 0o644, "root:x:0:\ndba:x:54322:oracle,root\n"),
		dir(h, 0o755),
		dir(h+"/bin", 0o777),
		{path: h + "/bin/oracle", mode: 0o6751, data: "ELF", uid: 54321},
		dir(h+"/lib", 0o755),
		file(h+"/dbs/orapwORCL12", 0o644, "password file"),
		file(h+"/network/admin/sqlnet.ora", 0o644, `# failing sqlnet.ora
SQLNET.EXPIRE_TIME = 0
SQLNET.ALLOWED_LOGON_VERSION_SERVER = 11
SQLNET.ENCRYPTION_SERVER = accepted
SSL_CLIENT_AUTHENTICATION = TRUE
tcp.validnode_checking = no
WALLET_LOCATION = (SOURCE = (METHOD = FILE)(METHOD_DATA = (DIRECTORY = /u01/app/oracle/wallet)))
`),
		file(h+"/network/admin/listener.ora", 0o644, `LISTENER =
  (DESCRIPTION_LIST =
    (DESCRIPTION =
      (ADDRESS = (PROTOCOL = TCP)(HOST = db2.example.com)(PORT = 1521))
      (ADDRESS = (PROTOCOL = NMP)(SERVER = db2)(PIPE = orapipe))
      (ADDRESS = (PROTOCOL = IPC)(KEY = EXTPROC1521))))
SID_LIST_LISTENER =
  (SID_LIST = (SID_DESC = (SID_NAME = PLSExtProc)(ORACLE_HOME = `+h+`)(PROGRAM = extproc)))
LOCAL_OS_AUTHENTICATION_LISTENER = OFF
`),
		file(h+"/network/admin/cman.ora", 0o644, `cman_db2 =
  (CONFIGURATION =
    (ADDRESS = (PROTOCOL = TCP)(HOST = db2)(PORT = 1630))
    (PARAMETER_LIST = (REMOTE_ADMIN = YES)(MAX_CONNECTIONS = 256)))
`),
		file(h+"/hs/admin/extproc.ora", 0o644, "EXTPROC_DLLS=ANY\n"),
		file(h+"/rdbms/admin/externaljob.ora", 0o644, "run_user = oracle\nrun_group = dba\n"),
		dir(h+"/rdbms/audit", 0o757),
		dir("/u01/app/oracle/diag", 0o777),
		dir("/u01/app/oracle/arch", 0o777),
		dir("/u01/app/oracle/fra", 0o777),
		file("/u01/app/oracle/wallet/ewallet.p12", 0o644, "wallet"),
	}
	return append(es, pmon(h, "0002")...)
}
