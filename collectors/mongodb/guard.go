package mongodb

import (
	"errors"
	"fmt"
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/stigscan/stigscan/internal/clip"
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

// The guard is built of allow-lists: commands and, for each, the argument
// names it may carry; aggregation stages; query and expression operators.
// Unknown means refused, with the name in the reason. Names are matched
// exactly: MongoDB matches command, stage and operator names
// case-sensitively (the lower-case command aliases are listed). Every
// list is a switch, not a package map, so there is no package state to
// mutate.

// commandArg reports whether a command may carry the named argument
// besides its first field. freeForm commands (getParameter, serverStatus)
// take any parameter or section name with a scalar value.
func commandArg(cmd, arg string) (ok, freeForm bool) {
	switch cmd {
	case "ping", "hello", "isMaster", "ismaster", "buildInfo", "buildinfo", "hostInfo", "listCommands",
		"getCmdLineOpts", "atlasVersion", "getLog":
		return false, false
	case "getParameter", "serverStatus":
		return arg == "showDetails" || arg == "allParameters", true
	case "connectionStatus":
		return arg == "showPrivileges", false
	case "listDatabases":
		return arg == "filter" || arg == "nameOnly" || arg == "authorizedDatabases", false
	case "listCollections":
		return arg == "filter" || arg == "nameOnly" || arg == "authorizedCollections" || arg == "cursor", false
	case "listIndexes":
		return arg == "cursor", false
	case "usersInfo":
		return arg == "showCredentials" || arg == "showCustomData" || arg == "showPrivileges" ||
			arg == "showAuthenticationRestrictions" || arg == "filter", false
	case "rolesInfo":
		return arg == "showPrivileges" || arg == "showBuiltinRoles" || arg == "showAuthenticationRestrictions", false
	case "dbStats":
		return arg == "scale" || arg == "freeStorage", false
	case "replSetGetStatus":
		return arg == "initialSync", false
	case "aggregate":
		return arg == "pipeline" || arg == "cursor" || arg == "collation", false
	case "find":
		return arg == "filter" || arg == "projection" || arg == "sort" || arg == "limit" || arg == "skip" ||
			arg == "batchSize" || arg == "singleBatch", false
	}
	return false, false
}

// knownCommand: the commands a scan may send.
func knownCommand(name string) bool {
	switch name {
	case "ping", "hello", "isMaster", "ismaster", "buildInfo", "buildinfo", "hostInfo", "listCommands",
		"getCmdLineOpts", "atlasVersion", "getLog", "getParameter", "serverStatus", "connectionStatus",
		"listDatabases", "listCollections", "listIndexes", "usersInfo", "rolesInfo", "dbStats",
		"replSetGetStatus", "aggregate", "find":
		return true
	}
	return false
}

// genericArg: arguments the driver or the target sets (sessions,
// transactions, read and write concerns, time limits, the database) or
// that change where or how a command runs. Content may not set them, even
// under a free-form command.
func genericArg(name string) bool {
	switch name {
	case "lsid", "txnNumber", "autocommit", "startTransaction", "writeConcern", "readConcern", "maxTimeMS",
		"comment", "apiVersion", "apiStrict", "apiDeprecationErrors", "clientOperationKey",
		"mayBypassWriteBlocking", "databaseVersion", "shardVersion", "let", "bypassDocumentValidation",
		"allowDiskUse", "explain", "hint", "tailable", "awaitData", "noCursorTimeout", "readOnce",
		"exhaust", "oplogReplay", "allowPartialResults", "showRecordId", "returnKey", "min", "max":
		return true
	}
	return strings.HasPrefix(name, "$")
}

// firstStage: the stages an aggregate may start with. They list sessions
// and operations and read no collection.
func firstStage(name string) bool {
	return name == "$listSessions" || name == "$listLocalSessions" || name == "$currentOp"
}

// laterStage: the read-only stages that may follow. $lookup, $unionWith
// and $graphLookup read another collection (checked like find's) and
// $facet runs sub-pipelines (checked recursively); $out and $merge write,
// and every stage not listed ($changeStream, $collStats, $documents at the
// top, $indexStats, $planCacheStats...) is refused.
func laterStage(name string) bool {
	switch name {
	case "$match", "$project", "$addFields", "$set", "$unset", "$sort", "$limit", "$skip", "$count",
		"$group", "$unwind", "$replaceRoot", "$replaceWith", "$sortByCount", "$bucket", "$bucketAuto",
		"$sample", "$redact", "$facet", "$lookup", "$unionWith", "$graphLookup":
		return true
	}
	return false
}

// operator: query, projection, update-free expression and accumulator
// operators without side effects. $where, $function and $accumulator
// (server-side JavaScript) are not among them, nor $out and $merge.
func operator(name string) bool {
	switch name {
	// Query.
	case "$eq", "$ne", "$gt", "$gte", "$lt", "$lte", "$in", "$nin", "$and", "$or", "$not", "$nor",
		"$exists", "$type", "$regex", "$options", "$expr", "$mod", "$all", "$elemMatch", "$size",
		"$slice", "$comment":
		return true
	// Arithmetic, comparison, boolean.
	case "$abs", "$add", "$ceil", "$divide", "$exp", "$floor", "$ln", "$log", "$log10", "$multiply",
		"$pow", "$round", "$sqrt", "$subtract", "$trunc", "$cmp":
		return true
	// Arrays, objects, sets.
	case "$arrayElemAt", "$arrayToObject", "$concatArrays", "$filter", "$first", "$last", "$indexOfArray",
		"$isArray", "$map", "$objectToArray", "$range", "$reduce", "$reverseArray", "$zip", "$mergeObjects",
		"$setUnion", "$setIntersection", "$setDifference", "$setEquals", "$setIsSubset", "$anyElementTrue",
		"$allElementsTrue", "$getField":
		return true
	// Strings.
	case "$concat", "$indexOfBytes", "$indexOfCP", "$ltrim", "$rtrim", "$trim", "$regexFind",
		"$regexFindAll", "$regexMatch", "$replaceOne", "$replaceAll", "$split", "$strLenBytes", "$strLenCP",
		"$strcasecmp", "$substr", "$substrBytes", "$substrCP", "$toLower", "$toUpper":
		return true
	// Conditions, types, dates, literals, variables.
	case "$cond", "$ifNull", "$switch", "$convert", "$toBool", "$toDate", "$toDecimal", "$toDouble",
		"$toInt", "$toLong", "$toObjectId", "$toString", "$dateToString", "$dateFromString", "$year",
		"$month", "$dayOfMonth", "$dayOfWeek", "$dayOfYear", "$hour", "$minute", "$second",
		"$millisecond", "$week", "$literal", "$let":
		return true
	// Accumulators.
	case "$sum", "$avg", "$min", "$max", "$push", "$addToSet", "$count", "$stdDevPop", "$stdDevSamp":
		return true
	}
	return false
}

// findable are the only collections find, $lookup, $unionWith and
// $graphLookup may read: session records and the authentication schema
// version (DISA's checks read both). system.users, system.keys, every
// other system collection and every application collection are refused.
func findable(ns string) bool {
	return ns == "config.system.sessions" || ns == "admin.system.version"
}

// maxCommandDepth bounds the nesting the guard walks (BSON allows 100
// levels).
const maxCommandDepth = 64

// CheckCommand decides whether a command may be sent to database. It
// accepts only a command on the allow-list with the arguments listed for
// it; an aggregate whose pipeline starts with $listSessions,
// $listLocalSessions or $currentOp and goes on with read-only stages only
// (sub-pipelines checked the same way, other collections only those find
// may read); a find on config.system.sessions or admin.system.version;
// only listed operators anywhere; usersInfo without credentials. A key
// repeated anywhere in the document is refused: the server might read
// another copy than the guard did.
func CheckCommand(database string, cmd bson.D) error {
	if len(cmd) == 0 {
		return &RefusedError{Reason: "empty command document"}
	}
	name := cmd[0].Key
	if !knownCommand(name) {
		return &RefusedError{Command: clipKey(name), Reason: "not on the read-only allow-list"}
	}
	refuse := func(format string, args ...any) error {
		return &RefusedError{Command: name, Reason: fmt.Sprintf(format, args...)}
	}
	if err := walkDocument(name, cmd, 0); err != nil {
		return err
	}
	for _, e := range cmd[1:] {
		ok, free := commandArg(name, e.Key)
		switch {
		case ok:
		case genericArg(e.Key):
			return refuse("argument %s is not allowed (the target sets sessions, concerns and time limits itself)", clipKey(e.Key))
		case free && isScalar(e.Value):
		default:
			return refuse("argument %s is not allowed", clipKey(e.Key))
		}
	}
	switch name {
	case "usersInfo":
		for _, e := range cmd[1:] {
			if (e.Key == "showCredentials" || e.Key == "showCustomData") && !isFalse(e.Value) {
				return refuse("%s must be false: password hashes and custom data never reach results", e.Key)
			}
		}
	case "aggregate":
		return checkAggregate(database, cmd)
	case "find":
		coll, ok := cmd[0].Value.(string)
		if !ok || !findable(database+"."+coll) {
			return refuse("find may read only config.system.sessions and admin.system.version")
		}
	}
	return nil
}

// walkDocument refuses repeated keys, unlisted operators and documents
// nested deeper than maxCommandDepth, anywhere in v. Stage names are checked
// where stages stand (checkPipeline); elsewhere a stage name is refused
// unless it is also an operator.
func walkDocument(cmd string, v any, depth int) error {
	if depth > maxCommandDepth {
		return &RefusedError{Command: cmd, Reason: fmt.Sprintf("nested deeper than %d levels", maxCommandDepth)}
	}
	switch v := v.(type) {
	case bson.D:
		seen := make(map[string]bool, len(v))
		for _, e := range v {
			if seen[e.Key] {
				return &RefusedError{Command: cmd, Reason: "duplicate key " + clipKey(e.Key)}
			}
			seen[e.Key] = true
			if strings.HasPrefix(e.Key, "$") && !operator(e.Key) && !firstStage(e.Key) && !laterStage(e.Key) && !topLevelDollar(depth) {
				return &RefusedError{Command: cmd, Reason: "operator or stage " + clipKey(e.Key) + " " + whyOperator(e.Key)}
			}
			if err := walkDocument(cmd, e.Value, depth+1); err != nil {
				return err
			}
		}
	case bson.A:
		for _, x := range v {
			if err := walkDocument(cmd, x, depth+1); err != nil {
				return err
			}
		}
	case bson.M, map[string]any, bson.Raw:
		// Unordered or unparsed: the guard could not see what the server
		// would read first.
		return &RefusedError{Command: cmd, Reason: fmt.Sprintf("a %T cannot be checked; use bson.D", v)}
	}
	return nil
}

// topLevelDollar: a '$' key at the command's top level is an argument,
// which the argument allow-list judges.
func topLevelDollar(depth int) bool { return depth == 0 }

func whyOperator(k string) string {
	switch k {
	case "$out", "$merge":
		return "writes a collection"
	case "$where", "$function", "$accumulator":
		return "runs JavaScript on the server"
	}
	return whyStage(k)
}

func checkAggregate(database string, cmd bson.D) error {
	var pipeline bson.A
	found := false
	for _, e := range cmd[1:] {
		if e.Key == "pipeline" {
			p, ok := e.Value.(bson.A)
			if !ok {
				return &RefusedError{Command: "aggregate", Reason: "pipeline is not an array"}
			}
			pipeline, found = p, true
		}
	}
	if !found || len(pipeline) == 0 {
		return &RefusedError{Command: "aggregate", Reason: "an empty pipeline reads a collection's documents"}
	}
	first, ok := pipeline[0].(bson.D)
	if !ok || len(first) != 1 || !firstStage(first[0].Key) {
		return &RefusedError{Command: "aggregate", Reason: "the pipeline must start with $listSessions, $listLocalSessions or $currentOp"}
	}
	return checkPipeline(database, pipeline[1:], 0)
}

// checkPipeline checks stages after the first: each a document of one
// listed stage; sub-pipelines recursively; other collections only those
// find may read, in the aggregate's own database.
func checkPipeline(database string, stages bson.A, depth int) error {
	refuse := func(format string, args ...any) error {
		return &RefusedError{Command: "aggregate", Reason: fmt.Sprintf(format, args...)}
	}
	if depth > 8 {
		return refuse("sub-pipelines nested deeper than 8 levels")
	}
	for _, s := range stages {
		st, ok := s.(bson.D)
		if !ok || len(st) != 1 {
			return refuse("a stage must be a document with one field")
		}
		name, arg := st[0].Key, st[0].Value
		if !laterStage(name) {
			if firstStage(name) {
				return refuse("stage %s may only open the pipeline", name)
			}
			return refuse("stage %s %s", clipKey(name), whyStage(name))
		}
		switch name {
		case "$facet":
			d, ok := arg.(bson.D)
			if !ok {
				return refuse("$facet takes a document of pipelines")
			}
			for _, e := range d {
				p, ok := e.Value.(bson.A)
				if !ok {
					return refuse("$facet output %s is not a pipeline", clipKey(e.Key))
				}
				if err := checkPipeline(database, p, depth+1); err != nil {
					return err
				}
			}
		case "$unionWith":
			if coll, ok := arg.(string); ok {
				if err := checkForeign(database, name, coll); err != nil {
					return err
				}
				continue
			}
			if err := checkForeignStage(database, name, arg, "coll", depth); err != nil {
				return err
			}
		case "$lookup", "$graphLookup":
			if err := checkForeignStage(database, name, arg, "from", depth); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkForeignStage checks a stage that reads another collection: the
// collection field (from or coll) must be a plain name of a findable
// collection, and a pipeline field is checked as a sub-pipeline.
func checkForeignStage(database, stage string, arg any, collKey string, depth int) error {
	d, ok := arg.(bson.D)
	if !ok {
		return &RefusedError{Command: "aggregate", Reason: stage + " takes a document"}
	}
	hasColl := false
	for _, e := range d {
		switch e.Key {
		case collKey:
			coll, ok := e.Value.(string)
			if !ok {
				return &RefusedError{Command: "aggregate", Reason: stage + "." + collKey + " must name a collection of the same database"}
			}
			if err := checkForeign(database, stage, coll); err != nil {
				return err
			}
			hasColl = true
		case "pipeline":
			p, ok := e.Value.(bson.A)
			if !ok {
				return &RefusedError{Command: "aggregate", Reason: stage + ".pipeline is not an array"}
			}
			if err := checkPipeline(database, p, depth+1); err != nil {
				return err
			}
		}
	}
	if !hasColl {
		return &RefusedError{Command: "aggregate", Reason: stage + " must name its collection (" + collKey + ")"}
	}
	return nil
}

func checkForeign(database, stage, coll string) error {
	if !findable(database + "." + coll) {
		return &RefusedError{Command: "aggregate", Reason: stage + " may read only config.system.sessions and admin.system.version, not " + clipKey(database+"."+coll)}
	}
	return nil
}

func whyStage(k string) string {
	switch k {
	case "$out", "$merge":
		return "writes a collection"
	case "$changeStream":
		return "opens a change stream"
	}
	return "is not on the allow-list"
}

func isScalar(v any) bool {
	switch v.(type) {
	case bson.D, bson.A, bson.M, bson.Raw, map[string]any, []any:
		return false
	}
	return true
}

// isFalse: only an explicit false (or 0) is false; anything else a server
// might read as true.
func isFalse(v any) bool {
	switch v := v.(type) {
	case bool:
		return !v
	case int32:
		return v == 0
	case int64:
		return v == 0
	case float64:
		return v == 0
	}
	return false
}

// clipKey keeps names from content short in errors.
func clipKey(s string) string { return clip.Cut(s, 64, "...") }
