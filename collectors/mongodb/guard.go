package mongodb

import (
	"errors"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// ErrRefused matches every command RunCommand refuses before sending it.
var ErrRefused = errors.New("mongodb: command refused")

// RefusedError says why a command was refused. It matches ErrRefused.
type RefusedError struct {
	Command string // the command name, "" when there is none
	Reason  string
}

func (e *RefusedError) Error() string {
	if e.Command == "" {
		return "mongodb: command refused: " + e.Reason
	}
	return fmt.Sprintf("mongodb: command %q refused: %s", e.Command, e.Reason)
}

// Is matches ErrRefused.
func (e *RefusedError) Is(target error) bool { return target == ErrRefused }

// readOnlyCommands are the administrative commands a scan may send with
// any arguments: none of them changes the server, its data, its settings
// or anyone's session. Names are matched exactly (MongoDB matches command
// names case-sensitively, apart from the lower-case aliases listed).
var readOnlyCommands = map[string]bool{
	"ping":             true,
	"hello":            true,
	"isMaster":         true,
	"ismaster":         true,
	"buildInfo":        true,
	"buildinfo":        true,
	"getParameter":     true,
	"getCmdLineOpts":   true,
	"connectionStatus": true,
	"serverStatus":     true,
	"hostInfo":         true,
	"listDatabases":    true,
	"listCollections":  true,
	"listIndexes":      true,
	"listCommands":     true,
	"usersInfo":        true,
	"rolesInfo":        true,
	"getLog":           true,
	"dbStats":          true,
	"replSetGetStatus": true,
	"atlasVersion":     true,
}

// sessionStages may open an allowed aggregate pipeline: they list sessions
// and operations and change nothing.
var sessionStages = map[string]bool{
	"$listSessions":      true,
	"$listLocalSessions": true,
	"$currentOp":         true,
}

// findable are the only collections find may read: session records and
// the authentication schema version (DISA's checks read both).
var findable = map[string]bool{
	"config.system.sessions": true,
	"admin.system.version":   true,
}

// forbiddenOperators write (the first two) or run JavaScript on the server
// (the rest), anywhere in a command.
var forbiddenOperators = map[string]string{
	"$out":         "writes a collection",
	"$merge":       "writes a collection",
	"$where":       "runs JavaScript on the server",
	"$function":    "runs JavaScript on the server",
	"$accumulator": "runs JavaScript on the server",
}

// CheckCommand decides whether a command may be sent to database: one of
// the named read-only administrative commands; an aggregate whose pipeline
// starts with $listSessions, $listLocalSessions or $currentOp; or a find on
// config.system.sessions or admin.system.version. No part of an allowed
// command may hold $out, $merge or a JavaScript operator, and usersInfo may
// not ask for credentials. Everything else is refused.
func CheckCommand(database string, cmd bson.D) error {
	if len(cmd) == 0 {
		return &RefusedError{Reason: "empty command document"}
	}
	name := cmd[0].Key
	if err := walkForbidden(name, cmd); err != nil {
		return err
	}
	switch {
	case readOnlyCommands[name]:
		if name == "usersInfo" {
			for _, e := range cmd[1:] {
				if e.Key == "showCredentials" && truthy(e.Value) {
					return &RefusedError{Command: name, Reason: "showCredentials would return password hashes"}
				}
			}
		}
		return nil
	case name == "aggregate":
		return checkAggregate(cmd)
	case name == "find":
		coll, ok := cmd[0].Value.(string)
		if !ok || !findable[database+"."+coll] {
			return &RefusedError{Command: name, Reason: "find may read only config.system.sessions and admin.system.version"}
		}
		return nil
	}
	return &RefusedError{Command: name, Reason: "not on the read-only allow-list"}
}

func checkAggregate(cmd bson.D) error {
	var pipeline bson.A
	for _, e := range cmd[1:] {
		if e.Key == "pipeline" {
			p, ok := e.Value.(bson.A)
			if !ok {
				return &RefusedError{Command: "aggregate", Reason: "pipeline is not an array"}
			}
			pipeline = p
		}
	}
	if len(pipeline) == 0 {
		return &RefusedError{Command: "aggregate", Reason: "an empty pipeline reads a collection's documents"}
	}
	first, ok := pipeline[0].(bson.D)
	if !ok || len(first) != 1 || !sessionStages[first[0].Key] {
		return &RefusedError{Command: "aggregate", Reason: "the pipeline must start with $listSessions, $listLocalSessions or $currentOp"}
	}
	return nil
}

// walkForbidden looks for a forbidden operator at any depth.
func walkForbidden(name string, v any) error {
	switch v := v.(type) {
	case bson.D:
		for _, e := range v {
			if why, bad := forbiddenOperators[e.Key]; bad {
				return &RefusedError{Command: name, Reason: e.Key + " " + why}
			}
			if err := walkForbidden(name, e.Value); err != nil {
				return err
			}
		}
	case bson.M:
		for k, x := range v {
			if why, bad := forbiddenOperators[k]; bad {
				return &RefusedError{Command: name, Reason: k + " " + why}
			}
			if err := walkForbidden(name, x); err != nil {
				return err
			}
		}
	case bson.A:
		for _, x := range v {
			if err := walkForbidden(name, x); err != nil {
				return err
			}
		}
	}
	return nil
}

func truthy(v any) bool {
	switch v := v.(type) {
	case bool:
		return v
	case int32:
		return v != 0
	case int64:
		return v != 0
	case float64:
		return v != 0
	}
	return v != nil
}
