package mongodb

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/stigscan/stigscan/collectors/host"
	mdb "github.com/stigscan/stigscan/collectors/mongodb"
	"github.com/stigscan/stigscan/oval"
)

// Sources of a parameter's value.
const (
	SourceStartup = "startup"            // the configuration file or command line, still in force
	SourceRuntime = "runtime"            // changed with setParameter since the server started
	SourceDefault = "default or runtime" // not given at startup
	SourceUnknown = "unknown"            // getCmdLineOpts could not be read
)

// parameterProbe implements parameter_object: server parameters from
// getParameter, each with where its value comes from.
func parameterProbe(ctx context.Context, q *oval.Query, m host.MongoDatabase) ([]*oval.Item, error) {
	params, err := mdb.Parameters(ctx, m)
	if err != nil {
		return nil, collectErr(err)
	}
	startup := map[string]string{}
	known := true
	if cl, err := mdb.CmdLineOpts(ctx, m); err != nil {
		known = false
		q.Note("warning", fmt.Sprintf("startup options unknown, so the source of each value is too: %v", err))
	} else {
		for _, s := range cl.Parsed.Settings {
			if name, ok := strings.CutPrefix(s.Path, "setParameter."); ok && name != "" && !s.Section {
				startup[name] = s.Text
			}
		}
	}
	var items []*oval.Item
	for _, p := range params {
		if ok, err := q.Keeps("name", p.Name); err != nil {
			return nil, err
		} else if !ok {
			continue
		}
		src := SourceUnknown
		if known {
			switch at, ok := startup[p.Name]; {
			case !ok:
				src = SourceDefault
			case sameValue(at, p.Value):
				src = SourceStartup
			default:
				src = SourceRuntime
			}
		}
		items = append(items, newItem("parameter_item", oval.StringField("name", p.Name), valueField("value", p.Value), oval.StringField("source", src)))
	}
	return items, nil
}

// sameValue compares a startup option's text with the value in force: a
// list parameter (authenticationMechanisms) is written comma-separated at
// startup and reported as an array.
func sameValue(startup string, v mdb.Value) bool {
	if startup == v.Text {
		return true
	}
	var list []string
	if strings.HasPrefix(v.Text, "[") && json.Unmarshal([]byte(v.Text), &list) == nil {
		parts := strings.Split(startup, ",")
		for i := range parts {
			parts[i] = strings.TrimSpace(parts[i])
		}
		return strings.Join(parts, ",") == strings.Join(list, ",")
	}
	return false
}
