package oval

import (
	"context"
	"strconv"
	"time"

	"github.com/stigscan/stigscan/collectors/host"
)

// What is known about an object type lives with its probe. A probe that
// knows something beyond how to collect says so by implementing one of
// these optional one-method interfaces; Prepare and Evaluate find them by
// type assertion, so a custom probe (oval.Options.Probes) is treated
// exactly as a built-in one, and no table elsewhere has to be kept in step
// with the probe set.

// FilePlanner is an optional interface of a Probe whose objects name the
// files they will stat or read. Before evaluating, Evaluate hands what the
// objects reachable from the definitions name to a host that can fetch
// ahead (host.Prefetcher), so a remote host fetches them in a few round
// trips instead of one per object. Paths found by patterns, walks or
// variables cannot be known before collection and are not planned.
type FilePlanner interface {
	// PlanFiles returns the absolute, clean paths an object of the
	// probe's type will stat and those it will read (read ones need not
	// be repeated in stat). Others are dropped.
	PlanFiles(o *Object) (stat, read []string)
}

// PatternFlagger is an optional interface of a Probe that applies its
// objects' pattern-match entities to text with regexp flags other than
// the default (textfilecontent54_object's multiline and singleline
// behaviors). Prepare compiles literal patterns with the flags once;
// patterns from variables are compiled with them when evaluated.
type PatternFlagger interface {
	// PatternFlags returns the flags ("m", "s", "ms" or "") for o.
	PatternFlags(o *Object) string
}

// LiveOnly is an optional interface of a Probe whose object type describes
// only a running system (the kernel, processes, mounts). On an offline
// target (a root folder or image; host.IsLive false) the probe is not
// called: the object is answered as OfflineRoot says, the way the
// reference interpreter answers it under OSCAP_PROBE_ROOT. A live target
// is never affected.
type LiveOnly interface {
	OfflineRoot() OfflineAnswer
}

// OfflineAnswer is how an offline root answers a LiveOnly object type.
type OfflineAnswer struct {
	// NotApplicable: the object type has no offline reading at all
	// (uname_object, sysctl_object): flag "not applicable".
	NotApplicable bool
	// Lacks names what an offline root has none of ("running process"),
	// for the note of an object that has no item ("does not exist") when
	// NotApplicable is false.
	Lacks string
}

// Requirer is an optional interface of a Probe that needs an ability of
// the target beyond files and commands (a SQL or MongoDB connection). On a
// target without it the probe is not called; the object is "not
// collected" with the reason, never a silent skip.
type Requirer interface {
	// Requires returns nil when h can serve objects like o, else an error
	// wrapping host.ErrNotCollected that says why not.
	Requires(h host.Host, o *Object) error
}

// BuiltinProbes returns the probes package oval implements itself, keyed
// by "family:object_type": what Prepare uses when Options.Probes adds
// nothing. A fresh map each call: callers may change it.
func BuiltinProbes() map[string]Probe {
	return map[string]Probe{
		"independent:family_object":                ProbeFunc(familyProbe),
		"independent:variable_object":              ProbeFunc(variableProbe),
		"independent:textfilecontent54_object":     textfilecontent54{FileReader(textfilecontent54Probe)},
		"independent:textfilecontent_object":       FileReader(textfilecontentProbe),
		"independent:xmlfilecontent_object":        FileReader(xmlfilecontentProbe),
		"independent:environmentvariable58_object": liveProbe{ProbeFunc(environmentvariable58Probe), OfflineAnswer{Lacks: "running process"}},
		"unix:file_object":                         statProbe(fileProbe),
		"unix:password_object":                     fixedReadProbe{ProbeFunc(passwordProbe), "/etc/passwd"},
		"unix:shadow_object":                       fixedReadProbe{ProbeFunc(shadowProbe), "/etc/shadow"},
		"unix:uname_object":                        liveProbe{ProbeFunc(unameProbe), OfflineAnswer{NotApplicable: true}},
		"unix:sysctl_object":                       sysctl{},
		"unix:process58_object":                    liveProbe{ProbeFunc(process58Probe), OfflineAnswer{Lacks: "running process"}},
		"linux:dpkginfo_object":                    ProbeFunc(dpkginfoProbe),
		"linux:rpminfo_object":                     ProbeFunc(rpminfoProbe),
		"linux:partition_object":                   liveProbe{ProbeFunc(partitionProbe), OfflineAnswer{Lacks: "mounted file system"}},
		"linux:systemdunitproperty_object":         ProbeFunc(systemdunitpropertyProbe),
		"linux:systemdunitdependency_object":       ProbeFunc(systemdunitdependencyProbe),
	}
}

// statProbe is a file probe that stats the files its objects name.
type statProbe ProbeFunc

func (f statProbe) Collect(ctx context.Context, q *Query) ([]*Item, error) { return f(ctx, q) }

// PlanFiles stats the literal path.
func (statProbe) PlanFiles(o *Object) (stat, read []string) { return LiteralPaths(o), nil }

// FileReader is a probe function whose objects read the file they name
// with literal values (LiteralPaths): it plans that file (FilePlanner),
// so a host that fetches ahead has it before the probe asks. Probe
// families outside oval use it for their own file objects.
type FileReader ProbeFunc

// Collect calls f.
func (f FileReader) Collect(ctx context.Context, q *Query) ([]*Item, error) { return f(ctx, q) }

// PlanFiles reads the literal path.
func (FileReader) PlanFiles(o *Object) (stat, read []string) { return nil, LiteralPaths(o) }

// textfilecontent54 is textfilecontent54_object's probe: a FileReader
// whose patterns take the object's multiline and singleline behaviors.
type textfilecontent54 struct{ FileReader }

// PatternFlags gives multiline unless the object turns it off, and
// singleline when it turns it on.
func (textfilecontent54) PatternFlags(o *Object) string {
	flags := ""
	if v := o.Behaviors["multiline"]; v == "" || v == "true" || v == "1" {
		flags += "m"
	}
	if v := o.Behaviors["singleline"]; v == "true" || v == "1" {
		flags += "s"
	}
	return flags
}

// fixedReadProbe is a probe that reads one file whole, whatever its
// objects' entities say (/etc/passwd, /etc/shadow).
type fixedReadProbe struct {
	Probe
	file string
}

// PlanFiles reads the file.
func (p fixedReadProbe) PlanFiles(o *Object) (stat, read []string) { return nil, []string{p.file} }

// liveProbe is a probe of running state only.
type liveProbe struct {
	Probe
	offline OfflineAnswer
}

// OfflineRoot says how an offline root answers.
func (p liveProbe) OfflineRoot() OfflineAnswer { return p.offline }

// sysctl is sysctl_object's probe: the running kernel's parameters, read
// from /proc/sys.
type sysctl struct{}

func (sysctl) Collect(ctx context.Context, q *Query) ([]*Item, error) { return sysctlProbe(ctx, q) }

// OfflineRoot: the running kernel has no offline reading.
func (sysctl) OfflineRoot() OfflineAnswer { return OfflineAnswer{NotApplicable: true} }

// PlanFiles reads the parameter file a name given by equality maps to.
func (sysctl) PlanFiles(o *Object) (stat, read []string) { return nil, sysctlPaths(o) }

var (
	_ FilePlanner    = statProbe(nil)
	_ FilePlanner    = FileReader(nil)
	_ FilePlanner    = textfilecontent54{}
	_ PatternFlagger = textfilecontent54{}
	_ FilePlanner    = fixedReadProbe{}
	_ LiveOnly       = liveProbe{}
	_ LiveOnly       = sysctl{}
	_ FilePlanner    = sysctl{}
)

// patternFlags gives the regexp flags of o's pattern entities: its probe's,
// when the probe is a PatternFlagger.
func (p *Prepared) patternFlags(o *Object) string {
	if pf, ok := p.probeFor(o).(PatternFlagger); ok {
		return pf.PatternFlags(o)
	}
	return ""
}

// Now returns the evaluation's clock (Options.Now), for probes that measure
// time on the target (idle sessions), so that results reproduce.
func (q *Query) Now() time.Time { return q.run.p.now() }

// Filter keeps the items whose fields match every object entity not named
// in skip (MatchItem on each).
func (q *Query) Filter(items []*Item, skip ...string) ([]*Item, error) {
	var out []*Item
	for _, it := range items {
		ok, err := q.MatchItem(it, skip...)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, it)
		}
	}
	return out, nil
}

// Keeps reports whether v satisfies the object entity named name, for a
// probe that selects before building items; an absent or nil entity keeps
// everything, as in MatchItem.
func (q *Query) Keeps(name, v string) (bool, error) {
	e := q.Entity(name)
	if e == nil || e.Nil {
		return true, nil
	}
	return e.Match(v)
}

// NewItem returns an item of the given type and family with status
// "exists" and the fields.
func NewItem(typ, family string, fields ...*Field) *Item {
	return &Item{Type: typ, Family: family, Status: statusExists, Fields: fields}
}

// StringField returns a field of datatype string.
func StringField(name, v string) *Field { return &Field{Name: name, Value: v} }

// BoolField returns a field of datatype boolean.
func BoolField(name string, b bool) *Field {
	return &Field{Name: name, Value: strconv.FormatBool(b), Datatype: "boolean"}
}

// IntField returns a field of datatype int.
func IntField(name string, n int64) *Field {
	return &Field{Name: name, Value: strconv.FormatInt(n, 10), Datatype: "int"}
}
