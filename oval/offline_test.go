package oval

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRunningStateOfflineAndLive evaluates the object types that describe a
// running system on the same files, once as an offline root and once posing
// as a live machine: offline they answer as the reference interpreter does
// under OSCAP_PROBE_ROOT; live they read /proc as before.
func TestRunningStateOfflineAndLive(t *testing.T) {
	files := map[string]string{
		"/proc/sys/kernel/randomize_va_space": "2\n",
		"/proc/self/mounts":                   "/dev/sda1 / ext4 rw,relatime 0 0\ntmpfs /dev/shm tmpfs rw,nosuid,nodev 0 0\n",
		"/proc/self/environ":                  "PATH=/usr/sbin:/usr/bin\x00HOME=/root\x00",
		"/proc/stat":                          "cpu  1 0 0 0 0 0 0 0 0 0\nbtime 1700000000\n",
		"/proc/1/stat":                        "1 (init) S 0 1 1 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 5 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n",
		"/proc/1/cmdline":                     "/sbin/init\x00",
		"/proc/1/status":                      "Name:\tinit\nUid:\t0\t0\t0\t0\n",
	}
	tests := `
<unix:sysctl_test id="oval:t:tst:sysctl" version="1" check="all"><unix:object object_ref="oval:t:obj:sysctl"/><unix:state state_ref="oval:t:ste:sysctl"/></unix:sysctl_test>
<unix:uname_test id="oval:t:tst:uname" version="1" check="all" check_existence="any_exist"><unix:object object_ref="oval:t:obj:uname"/></unix:uname_test>
<lin:partition_test id="oval:t:tst:shm" version="1" check="all"><lin:object object_ref="oval:t:obj:shm"/><lin:state state_ref="oval:t:ste:shm"/></lin:partition_test>
<lin:partition_test id="oval:t:tst:noshm" version="1" check="all" check_existence="none_exist"><lin:object object_ref="oval:t:obj:shm"/></lin:partition_test>
<ind:environmentvariable58_test id="oval:t:tst:env" version="1" check="all"><ind:object object_ref="oval:t:obj:env"/><ind:state state_ref="oval:t:ste:env"/></ind:environmentvariable58_test>
<unix:process58_test id="oval:t:tst:proc" version="1" check="all" check_existence="none_exist"><unix:object object_ref="oval:t:obj:proc"/></unix:process58_test>`
	objects := `
<unix:sysctl_object id="oval:t:obj:sysctl" version="1"><unix:name>kernel.randomize_va_space</unix:name></unix:sysctl_object>
<unix:uname_object id="oval:t:obj:uname" version="1"/>
<lin:partition_object id="oval:t:obj:shm" version="1"><lin:mount_point>/dev/shm</lin:mount_point></lin:partition_object>
<ind:environmentvariable58_object id="oval:t:obj:env" version="1"><ind:pid xsi:nil="true" datatype="int"/><ind:name>PATH</ind:name></ind:environmentvariable58_object>
<unix:process58_object id="oval:t:obj:proc" version="1"><unix:command_line operation="pattern match">^/sbin/init</unix:command_line><unix:pid datatype="int" operation="greater than">0</unix:pid></unix:process58_object>`
	states := `
<unix:sysctl_state id="oval:t:ste:sysctl" version="1"><unix:value datatype="int">2</unix:value></unix:sysctl_state>
<lin:partition_state id="oval:t:ste:shm" version="1"><lin:mount_options entity_check="at least one">nodev</lin:mount_options></lin:partition_state>
<ind:environmentvariable58_state id="oval:t:ste:env" version="1"><ind:value operation="pattern match">^/usr/sbin</ind:value></ind:environmentvariable58_state>`
	ids := []string{"oval:t:tst:sysctl", "oval:t:tst:uname", "oval:t:tst:shm", "oval:t:tst:noshm", "oval:t:tst:env", "oval:t:tst:proc"}
	d := doc(tests, objects, states, "", ids...)

	cases := []struct {
		name  string
		live  bool
		tests map[string]Result
		flags map[string]string
	}{
		{
			name: "offline root",
			tests: map[string]Result{
				"oval:t:tst:sysctl": NotApplicable,
				// any_exist does not turn "not applicable" into true.
				"oval:t:tst:uname": NotApplicable,
				"oval:t:tst:shm":   False,
				"oval:t:tst:noshm": True,
				"oval:t:tst:env":   False,
				"oval:t:tst:proc":  True,
			},
			flags: map[string]string{
				"oval:t:obj:sysctl": FlagNotApplicable,
				"oval:t:obj:uname":  FlagNotApplicable,
				"oval:t:obj:shm":    FlagDoesNotExist,
				"oval:t:obj:env":    FlagDoesNotExist,
				"oval:t:obj:proc":   FlagDoesNotExist,
			},
		},
		{
			name: "live machine",
			live: true,
			tests: map[string]Result{
				"oval:t:tst:sysctl": True,
				// This host runs no command, so uname(1) is not collected.
				"oval:t:tst:uname": Unknown,
				"oval:t:tst:shm":   True,
				"oval:t:tst:noshm": False,
				"oval:t:tst:env":   True,
				"oval:t:tst:proc":  False,
			},
			flags: map[string]string{
				"oval:t:obj:sysctl": FlagComplete,
				"oval:t:obj:uname":  FlagNotCollected,
				"oval:t:obj:shm":    FlagComplete,
				"oval:t:obj:env":    FlagComplete,
				"oval:t:obj:proc":   FlagComplete,
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := newMemHost(files)
			h.live = tc.live
			_, trs, objs := evalDoc(t, h, d)
			for id, want := range tc.tests {
				require.NotNil(t, trs[id], id)
				assert.Equal(t, want.String(), trs[id].Result.String(), "%s %v", id, trs[id].Messages)
			}
			for id, want := range tc.flags {
				require.NotNil(t, objs[id], id)
				assert.Equal(t, want, objs[id].Flag, "%s %v", id, objs[id].Messages)
			}
		})
	}
}
