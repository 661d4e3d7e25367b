package mongodb

import (
	"context"
	"errors"
	"fmt"
	"io/fs"

	"github.com/stigscan/stigscan/collectors/host"
	mdb "github.com/stigscan/stigscan/collectors/mongodb"
	"github.com/stigscan/stigscan/oval"
)

// Behaviors of mongodconf_object's source.
const (
	ConfFromFile          = "file"            // the file, through the target's files host
	ConfFromRunning       = "running"         // getCmdLineOpts parsed: the running server's options
	ConfFromFileOrRunning = "file_or_running" // the file when it can be read, else the running options
)

// confPather is the optional ability of a target to name its mongod.conf.
type confPather interface {
	ConfPath(ctx context.Context) string
}

// confPath is the target's configuration file: what the target says, else
// the file the server was started with, else the default.
func confPath(ctx context.Context, q *oval.Query, m host.MongoDatabase) string {
	if cp, ok := q.Host.(confPather); ok {
		return cp.ConfPath(ctx)
	}
	if cl, err := mdb.CmdLineOpts(ctx, m); err == nil {
		for _, s := range cl.Parsed.Get("config") {
			if s.Text != "" {
				return s.Text
			}
		}
	}
	return mdb.DefaultConfFile
}

// confObjects is mongodconf_object's probe: a MongoDB target whose
// configuration file, when the object names it, is read. It collects and
// requires as probe does, and plans the file besides.
type confObjects struct{ probe }

// PlanFiles reads the file the object names, unless its source is the
// running server.
func (confObjects) PlanFiles(o *oval.Object) (stat, read []string) {
	if o.Behaviors["source"] == ConfFromRunning {
		return nil, nil
	}
	return nil, oval.LiteralPaths(o)
}

// confProbe implements mongodconf_object.
func confProbe(ctx context.Context, q *oval.Query, m host.MongoDatabase) ([]*oval.Item, error) {
	source := q.Behavior("source", ConfFromFile)
	switch source {
	case ConfFromFile, ConfFromRunning, ConfFromFileOrRunning:
	default:
		return nil, fmt.Errorf("mongodconf_object: unknown source behavior %q", source)
	}
	var files []string
	if fe := q.Entity("filepath"); fe != nil && !fe.Nil {
		vals, ok := fe.Equals()
		if !ok {
			return nil, errors.New("mongodconf_object: the filepath entity must be given with operation equals")
		}
		files = vals
	} else {
		files = []string{confPath(ctx, q, m)}
	}
	var items []*oval.Item
	for _, file := range files {
		conf, origin, err := readConf(ctx, q, m, file, source)
		if err != nil {
			return nil, err
		}
		if conf == nil {
			continue // the file does not exist
		}
		pe := q.Entity("path")
		if pe == nil || pe.Nil {
			items = append(items, newItem("mongodconf_item", oval.StringField("filepath", file), oval.StringField("source", origin)))
			continue
		}
		add := func(s mdb.Setting) {
			v := &oval.Field{Name: "value", Value: s.Text, Datatype: s.Datatype, Nil: s.Null}
			if v.Datatype == "string" {
				v.Datatype = ""
			}
			items = append(items, newItem("mongodconf_item", oval.StringField("filepath", file), oval.StringField("source", origin), oval.StringField("path", s.Path), v))
		}
		if paths, ok := pe.Equals(); ok {
			for _, p := range paths {
				for _, s := range conf.Get(p) {
					add(s)
				}
			}
			continue
		}
		for _, s := range conf.Settings {
			if ok, err := pe.Match(s.Path); err != nil {
				return nil, fmt.Errorf("mongodconf_object: %w", err)
			} else if ok {
				add(s)
			}
		}
	}
	return items, nil
}

// readConf reads the configuration from where source says. A missing file
// gives nil, nil.
func readConf(ctx context.Context, q *oval.Query, m host.MongoDatabase, file, source string) (*mdb.Conf, string, error) {
	running := func() (*mdb.Conf, string, error) {
		cl, err := mdb.CmdLineOpts(ctx, m)
		if err != nil {
			return nil, "", collectErr(err)
		}
		return cl.Parsed, mdb.SourceCmdLine, nil
	}
	if source == ConfFromRunning {
		return running()
	}
	data, err := q.ReadFile(ctx, file)
	switch {
	case err == nil:
		conf, err := mdb.ParseConf(data, file)
		if err != nil {
			return nil, "", err
		}
		return conf, ConfFromFile, nil
	case errors.Is(err, host.ErrNotCollected) && source == ConfFromFileOrRunning:
		q.Note("info", fmt.Sprintf("%s cannot be read (%v); the running server's options (getCmdLineOpts) are used instead", file, err))
		return running()
	case errors.Is(err, fs.ErrNotExist):
		return nil, "", nil
	}
	return nil, "", err
}
