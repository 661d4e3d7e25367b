package mongodb

import (
	"context"
	"sort"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// pinCommand returns what RunCommand sends for a command CheckCommand
// accepted (which refuses these fields from content): the target's own
// time limit, maxTimeMS from Config.CommandTimeout (not on aggregate, see
// below), so the server stops the command even if the client's context
// is lost; read concern "local"
// where the command reads documents, so what is read never waits on
// replication; and usersInfo asked explicitly for neither credentials nor
// custom data. The read preference is the client's (the URI's, else
// primaryPreferred, and a single host is reached directly). No comment
// field is added: servers before 4.4 refuse it on some commands, and the
// connection's appName already names the scan.
func pinCommand(cmd bson.D, timeout time.Duration) bson.D {
	out := append(bson.D(nil), cmd...)
	ms := timeout.Milliseconds()
	if ms < 1 {
		ms = 1
	}
	if cmd[0].Key != "aggregate" {
		// FerretDB 1.24 drops the connection on an aggregate with
		// maxTimeMS whose first stage it lacks ($listSessions); the
		// session stages read no collection, and Config.CommandTimeout's
		// context deadline still bounds the call.
		out = append(out, bson.E{Key: "maxTimeMS", Value: ms})
	}
	switch cmd[0].Key {
	case "find", "aggregate":
		out = append(out, bson.E{Key: "readConcern", Value: bson.D{{Key: "level", Value: "local"}}})
	case "usersInfo":
		for _, k := range []string{"showCredentials", "showCustomData"} {
			if !hasKey(out, k) {
				out = append(out, bson.E{Key: k, Value: false})
			}
		}
	}
	return out
}

func hasKey(d bson.D, k string) bool {
	for _, e := range d {
		if e.Key == k {
			return true
		}
	}
	return false
}

// scrubUsers removes what usersInfo must never return from its reply,
// whatever the server sent: credentials (password hashes, SCRAM salts
// and keys) and customData (anything a site stored with the user).
func scrubUsers(reply bson.D) {
	for _, e := range reply {
		users, ok := e.Value.(bson.A)
		if e.Key != "users" || !ok {
			continue
		}
		for i, u := range users {
			d, ok := u.(bson.D)
			if !ok {
				continue
			}
			kept := d[:0:0]
			for _, f := range d {
				if f.Key != "credentials" && f.Key != "customData" {
					kept = append(kept, f)
				}
			}
			users[i] = kept
		}
	}
}

// LeastPrivilege is what the built-in checks need of the scanning user:
// clusterMonitor (serverStatus, getCmdLineOpts, getParameter, hostInfo,
// $currentOp, $listSessions, replSetGetStatus) and read on admin and
// config (system.version, system.sessions), plus viewUser and viewRole on
// admin for usersInfo and rolesInfo across databases.
const LeastPrivilege = "clusterMonitor, read on admin and config, and viewUser/viewRole on admin (a custom role)"

// privilegedRole: built-in roles a scan does not need and with which a
// mistake could change the deployment, read every application's data or
// read password hashes.
func privilegedRole(role string) bool {
	switch role {
	case "root", "__system", "userAdminAnyDatabase", "userAdmin", "dbAdminAnyDatabase", "dbOwner",
		"readWriteAnyDatabase", "readWrite", "clusterAdmin", "clusterManager", "hostManager",
		"restore", "backup", "readAnyDatabase", "dbAdmin", "enableSharding", "directShardOperations":
		return true
	}
	return false
}

// Warnings says when the scan runs with more privilege than it needs: a
// role of privilegedRole among connectionStatus's authenticated roles. It
// is learned once at Open; a server that does not say is not warned
// about. Sorted; nil when there is nothing to say.
func (t *Target) Warnings() []string { return append([]string(nil), t.warnings...) }

func (t *Target) learnRoles(ctx context.Context) []string {
	var st struct {
		AuthInfo struct {
			Roles []struct {
				Role string `bson:"role"`
				DB   string `bson:"db"`
			} `bson:"authenticatedUserRoles"`
		} `bson:"authInfo"`
	}
	if err := t.client.Database("admin").RunCommand(ctx, pinCommand(bson.D{{Key: "connectionStatus", Value: 1}}, t.cfg.CommandTimeout)).Decode(&st); err != nil {
		t.log.Debug("mongodb: connectionStatus", "err", err)
		return nil
	}
	var w []string
	for _, r := range st.AuthInfo.Roles {
		if privilegedRole(r.Role) {
			w = append(w, "mongodb: "+t.Describe()+": the scanning user has role "+clipKey(r.Role)+"@"+clipKey(r.DB)+"; a scan needs only "+LeastPrivilege)
		}
	}
	sort.Strings(w)
	return w
}
