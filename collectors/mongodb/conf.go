package mongodb

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"go.mongodb.org/mongo-driver/v2/bson"
	yaml "go.yaml.in/yaml/v3"

	"github.com/stigscan/stigscan/collectors/host"
)

// SourceCmdLine is Conf.Source for settings read from the running server
// (getCmdLineOpts parsed) rather than a file.
const SourceCmdLine = "getCmdLineOpts"

// Setting is one option of a mongod configuration: a scalar, or a section
// (a mapping such as net.tls, kept so that checks can ask whether it is
// present at all).
type Setting struct {
	// Path is the dotted option name, e.g. "net.tls.mode". mongod treats
	// a dotted key ("net.port: 1") like the nested form, and so does this.
	Path string
	// Text is the value: scalars as written (booleans normalized to
	// "true"/"false"), sections as JSON of their content.
	Text string
	// Datatype is the OVAL datatype of Text: "string", "boolean", "int"
	// or "float".
	Datatype string
	Null     bool
	Section  bool
	// Line is the 1-based line in the file; 0 for the server's options.
	Line int
}

// Conf is a parsed mongod configuration: settings in document order.
type Conf struct {
	Source   string // the file's path, or SourceCmdLine
	Settings []Setting
}

// Get returns the settings at path: one for a scalar or section, one per
// element for a sequence.
func (c *Conf) Get(path string) []Setting {
	var out []Setting
	for _, s := range c.Settings {
		if s.Path == path {
			out = append(out, s)
		}
	}
	return out
}

// Has reports whether path is set.
func (c *Conf) Has(path string) bool { return len(c.Get(path)) > 0 }

// ReadConf reads and parses a mongod configuration file from h.
func ReadConf(ctx context.Context, h host.Host, path string) (*Conf, error) {
	data, err := h.ReadFile(ctx, path)
	if err != nil {
		return nil, fmt.Errorf("mongodb: configuration file: %w", err)
	}
	return ParseConf(data, path)
}

// ParseConf parses a mongod YAML configuration. mongod's expansion
// directives (__exec, __rest) are not run: such an option is a section
// holding the directive.
func ParseConf(data []byte, source string) (*Conf, error) {
	c := &Conf{Source: source}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("mongodb: %s: %w", source, err)
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return c, nil // an empty file configures nothing
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("mongodb: %s: line %d: the configuration is not a mapping of options", source, root.Line)
	}
	if err := c.walkYAML(root, "", 0); err != nil {
		return nil, fmt.Errorf("mongodb: %s: %w", source, err)
	}
	return c, nil
}

// maxDepth bounds nesting (and alias loops) in a configuration.
const maxDepth = 32

func (c *Conf) walkYAML(n *yaml.Node, path string, depth int) error {
	if depth > maxDepth {
		return fmt.Errorf("line %d: nested too deeply", n.Line)
	}
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		return c.walkYAML(n.Alias, path, depth+1)
	}
	switch n.Kind {
	case yaml.MappingNode:
		if path != "" {
			var v any
			if err := n.Decode(&v); err != nil {
				return fmt.Errorf("line %d: %w", n.Line, err)
			}
			js, _ := json.Marshal(jsonable(v))
			c.Settings = append(c.Settings, Setting{Path: path, Text: string(js), Datatype: "string", Section: true, Line: n.Line})
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if k.Kind != yaml.ScalarNode || k.Value == "" {
				return fmt.Errorf("line %d: an option name must be a plain string", k.Line)
			}
			if err := c.walkYAML(n.Content[i+1], join(path, k.Value), depth+1); err != nil {
				return err
			}
		}
	case yaml.SequenceNode:
		for _, e := range n.Content {
			if err := c.walkYAML(e, path, depth+1); err != nil {
				return err
			}
		}
	case yaml.ScalarNode:
		s := Setting{Path: path, Text: n.Value, Datatype: "string", Line: n.Line}
		switch n.ShortTag() {
		case "!!bool":
			var b bool
			if err := n.Decode(&b); err == nil {
				s.Text, s.Datatype = strconv.FormatBool(b), "boolean"
			}
		case "!!int":
			var i int64
			if err := n.Decode(&i); err == nil {
				s.Text, s.Datatype = strconv.FormatInt(i, 10), "int"
			}
		case "!!float":
			s.Datatype = "float"
		case "!!null":
			s.Text, s.Null = "", true
		}
		c.Settings = append(c.Settings, s)
	}
	return nil
}

// jsonable converts YAML-decoded maps (map[string]any) for encoding/json.
func jsonable(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = jsonable(e)
		}
		return x
	case map[any]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[fmt.Sprint(k)] = jsonable(e)
		}
		return m
	case []any:
		for i, e := range x {
			x[i] = jsonable(e)
		}
	}
	return v
}

// ConfFromCmdLine turns getCmdLineOpts' parsed document (the options the
// running server was started with: its configuration file merged with the
// command line) into the same settings a file gives.
func ConfFromCmdLine(parsed bson.D) *Conf {
	c := &Conf{Source: SourceCmdLine}
	c.walkBSON(parsed, "", 0)
	return c
}

func (c *Conf) walkBSON(v any, path string, depth int) {
	if depth > maxDepth {
		return
	}
	switch x := v.(type) {
	case bson.D:
		if path != "" {
			val := render(x, path)
			c.Settings = append(c.Settings, Setting{Path: path, Text: val.Text, Datatype: "string", Section: true})
		}
		for _, e := range x {
			c.walkBSON(e.Value, join(path, e.Key), depth+1)
		}
	case bson.A:
		for _, e := range x {
			c.walkBSON(e, path, depth+1)
		}
	default:
		val := render(x, path)
		c.Settings = append(c.Settings, Setting{Path: path, Text: val.Text, Datatype: val.Datatype, Null: val.Null})
	}
}

// ConfPath is the mongod configuration file of the target: Config.ConfFile,
// else the file the server was started with, else DefaultConfFile.
func (t *Target) ConfPath(ctx context.Context) string {
	if t.cfg.ConfFile != "" {
		return t.cfg.ConfFile
	}
	if opts, err := CmdLineOpts(ctx, t); err == nil {
		for _, s := range opts.Parsed.Get("config") {
			if s.Text != "" {
				return s.Text
			}
		}
	}
	return DefaultConfFile
}

// Conf reads the target's configuration file through its files host.
func (t *Target) Conf(ctx context.Context) (*Conf, error) {
	return ReadConf(ctx, t.Host, t.ConfPath(ctx))
}

// IsNotCollected reports whether err means the data cannot be had on this
// target at all (no file access, no privilege).
func IsNotCollected(err error) bool { return errors.Is(err, host.ErrNotCollected) }
