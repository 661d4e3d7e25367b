package oval

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/antchfx/xmlquery"
	"github.com/antchfx/xpath"

	"github.com/stigscan/stigscan/collectors/host"
)

// fact runs a host fact gatherer once per run.
func fact[T any](q *Query, key string, f func() (T, error)) (T, error) {
	type res struct {
		v   T
		err error
	}
	if v, ok := q.run.facts[key]; ok {
		r := v.(res)
		return r.v, r.err
	}
	v, err := f()
	q.run.facts[key] = res{v, err}
	return v, err
}

func unameOf(r *run) (host.UnameInfo, error) {
	q := &Query{Host: r.h, run: r}
	return fact(q, "uname", func() (host.UnameInfo, error) { return host.Uname(r.ctx, r.h) })
}

func familyProbe(ctx context.Context, q *Query) ([]*Item, error) {
	return []*Item{NewItem("family_item", "independent", StringField("family", "unix"))}, nil
}

func variableProbe(ctx context.Context, q *Query) ([]*Item, error) {
	e := q.Entity("var_ref")
	if e == nil {
		return nil, errors.New("variable_object without var_ref")
	}
	var items []*Item
	for _, id := range e.Values {
		id = strings.TrimSpace(id)
		vr := q.run.variable(id)
		if vr.err != nil {
			return nil, vr.err
		}
		if vr.dne {
			// As the reference interpreter: an external variable whose
			// supplied values were all refused means no item; a variable
			// that has no value at all still gives an item without values.
			q.Note("info", fmt.Sprintf("Referenced variable has no values (%s).", id))
			continue
		}
		it := NewItem("variable_item", "independent", StringField("var_ref", id))
		for _, v := range vr.values {
			it.Fields = append(it.Fields, StringField("value", v))
		}
		items = append(items, it)
	}
	return items, nil
}

func environmentvariable58Probe(ctx context.Context, q *Query) ([]*Item, error) {
	var pids []int64
	pe := q.Entity("pid")
	if vals, ok := pe.Equals(); ok {
		for _, v := range vals {
			n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			if err != nil {
				return nil, fmt.Errorf("pid %s is not an integer", quote(v))
			}
			pids = append(pids, n)
		}
	} else if pe == nil || pe.Nil {
		pids = []int64{0}
	} else {
		procs, err := fact(q, "processes", func() ([]host.Process, error) { return host.Processes(ctx, q.Host) })
		if err != nil {
			return nil, err
		}
		for _, p := range procs {
			if ok, err := pe.Match(strconv.FormatInt(p.PID, 10)); err != nil {
				return nil, err
			} else if ok {
				pids = append(pids, p.PID)
			}
		}
	}
	var items []*Item
	for _, pid := range pids {
		env, err := host.Environ(ctx, q.Host, pid)
		if err != nil {
			if errors.Is(err, host.ErrNotCollected) {
				return nil, err
			}
			continue
		}
		shown := pid
		if pid == 0 && host.IsLive(q.Host) {
			shown = int64(os.Getpid())
		}
		names := make([]string, 0, len(env))
		for k := range env {
			names = append(names, k)
		}
		slices.Sort(names)
		for _, k := range names {
			if ok, err := q.Entity("name").Match(k); err != nil {
				return nil, err
			} else if ok {
				items = append(items, NewItem("environmentvariable58_item", "independent", IntField("pid", shown), StringField("name", k), StringField("value", env[k])))
			}
		}
	}
	return items, nil
}

func xmlfilecontentProbe(ctx context.Context, q *Query) ([]*Item, error) {
	refs, err := q.files(ctx, true)
	if err != nil {
		return nil, err
	}
	q.prefetchReads(ctx, refs)
	xe := q.Entity("xpath")
	if xe == nil {
		return nil, errors.New("xmlfilecontent_object without xpath")
	}
	var items []*Item
	for _, f := range refs {
		data, err := q.ReadFile(ctx, f.filepath)
		if err != nil {
			continue
		}
		doc, err := xmlquery.Parse(strings.NewReader(string(data)))
		if err != nil {
			items = append(items, &Item{Type: "xmlfilecontent_item", Family: "independent", Status: statusError, Fields: f.pathFields(true), Messages: []Message{msg("%s: %v", f.filepath, err)}})
			continue
		}
		for _, xp := range xe.Values {
			expr, err := xpath.Compile(xp)
			if err != nil {
				return nil, fmt.Errorf("invalid xpath %s: %w", quote(xp), err)
			}
			var vals []string
			switch v := expr.Evaluate(xmlquery.CreateXPathNavigator(doc)).(type) {
			case *xpath.NodeIterator:
				for v.MoveNext() {
					vals = append(vals, v.Current().Value())
				}
			case float64:
				vals = append(vals, strconv.FormatFloat(v, 'f', -1, 64))
			case string:
				vals = append(vals, v)
			case bool:
				vals = append(vals, strconv.FormatBool(v))
			}
			if len(vals) == 0 {
				continue
			}
			it := NewItem("xmlfilecontent_item", "independent", f.pathFields(true)...)
			it.Fields = append(it.Fields, StringField("xpath", xp))
			for _, v := range vals {
				it.Fields = append(it.Fields, StringField("value_of", v))
			}
			items = append(items, it)
		}
	}
	return items, nil
}

func passwordProbe(ctx context.Context, q *Query) ([]*Item, error) {
	ents, err := fact(q, "passwd", func() ([]host.PasswdEntry, error) { return host.Passwd(ctx, q.Host) })
	if err != nil {
		return nil, err
	}
	var cands []*Item
	for _, e := range ents {
		// A password field that is not "x" holds a hash: evaluated,
		// never written.
		pw := StringField("password", e.Password)
		pw.Mask = true
		cands = append(cands, NewItem("password_item", "unix", StringField("username", e.Username), pw,
			IntField("user_id", e.UID), IntField("group_id", e.GID), StringField("gcos", e.GCOS), StringField("home_dir", e.HomeDir), StringField("login_shell", e.Shell)))
	}
	return q.Filter(cands)
}

func optInt(name string, n int64) *Field {
	if n < 0 {
		return &Field{Name: name, Datatype: "int", Status: statusDoesNotExist}
	}
	return IntField(name, n)
}

func shadowProbe(ctx context.Context, q *Query) ([]*Item, error) {
	ents, err := fact(q, "shadow", func() ([]host.ShadowEntry, error) { return host.Shadow(ctx, q.Host) })
	if err != nil {
		return nil, err
	}
	var cands []*Item
	for _, e := range ents {
		// The password field holds the hash: evaluated, never written.
		pw := StringField("password", e.Password)
		pw.Mask = true
		it := NewItem("shadow_item", "unix", StringField("username", e.Username), pw,
			optInt("chg_lst", e.LastChange), optInt("chg_allow", e.Min), optInt("chg_req", e.Max), optInt("exp_warn", e.Warn),
			optInt("exp_inact", e.Inactive), optInt("exp_date", e.Expire), StringField("flag", e.Flag))
		if e.EncryptMethod != "" {
			it.Fields = append(it.Fields, StringField("encrypt_method", e.EncryptMethod))
		}
		cands = append(cands, it)
	}
	return q.Filter(cands)
}

func unameProbe(ctx context.Context, q *Query) ([]*Item, error) {
	u, err := unameOf(q.run)
	if err != nil {
		return nil, err
	}
	return []*Item{NewItem("uname_item", "unix", StringField("machine_class", u.MachineClass), StringField("node_name", u.NodeName), StringField("os_name", u.OSName),
		StringField("os_release", u.OSRelease), StringField("os_version", u.OSVersion), StringField("processor_type", u.ProcessorType))}, nil
}

func sysctlProbe(ctx context.Context, q *Query) ([]*Item, error) {
	params, direct := sysctlByName(ctx, q)
	if !direct {
		var err error
		params, err = fact(q, "sysctl", func() ([]host.SysctlParam, error) { return host.Sysctl(ctx, q.Host) })
		if err != nil {
			return nil, err
		}
	}
	var cands []*Item
	for _, p := range params {
		cands = append(cands, NewItem("sysctl_item", "unix", StringField("name", p.Name), StringField("value", p.Value)))
	}
	return q.Filter(cands)
}

// sysctlByName reads the parameters an object names by equality directly,
// unless the whole tree was already read in this run; false means walk it.
func sysctlByName(ctx context.Context, q *Query) ([]host.SysctlParam, bool) {
	if _, walked := q.run.facts["sysctl"]; walked {
		return nil, false
	}
	names, ok := q.Entity("name").Equals()
	if !ok || len(names) == 0 {
		return nil, false
	}
	var out []host.SysctlParam
	for _, n := range names {
		ps, ok := host.SysctlParamByName(ctx, q.Host, n)
		if !ok {
			return nil, false
		}
		out = append(out, ps...)
	}
	return out, true
}

func process58Probe(ctx context.Context, q *Query) ([]*Item, error) {
	procs, err := fact(q, "processes", func() ([]host.Process, error) { return host.Processes(ctx, q.Host) })
	if err != nil {
		return nil, err
	}
	var cands []*Item
	for _, p := range procs {
		cands = append(cands, NewItem("process58_item", "unix", StringField("command_line", p.CommandLine), StringField("exec_time", p.ExecTime),
			IntField("pid", p.PID), IntField("ppid", p.PPID), IntField("priority", p.Priority), IntField("ruid", p.UID),
			StringField("start_time", p.StartTime), StringField("tty", p.TTY), IntField("user_id", p.EUID), IntField("loginuid", p.LoginUID),
			IntField("session_id", p.SessionID)))
	}
	return q.Filter(cands)
}

func dpkginfoProbe(ctx context.Context, q *Query) ([]*Item, error) {
	pkgs, err := fact(q, "dpkg", func() ([]host.DebPackage, error) { return host.DebPackages(ctx, q.Host) })
	if err != nil {
		return nil, err
	}
	var cands []*Item
	name := q.Entity("name")
	for _, p := range pkgs {
		if p.Status != "" && !strings.HasSuffix(p.Status, " installed") {
			continue
		}
		// Most objects name one package: match the name before building
		// an item for each of the hundreds installed.
		if name != nil && !name.Nil {
			if ok, err := name.Match(p.Name); err != nil {
				return nil, err
			} else if !ok {
				continue
			}
		}
		evr := p.Epoch + ":" + p.Version
		if p.Release != "" {
			evr += "-" + p.Release
		}
		cands = append(cands, NewItem("dpkginfo_item", "linux", StringField("name", p.Name), StringField("arch", p.Arch), StringField("epoch", p.Epoch),
			StringField("release", p.Release), StringField("version", p.Version), &Field{Name: "evr", Value: evr, Datatype: "debian_evr_string"}))
	}
	return q.Filter(cands)
}

func rpminfoProbe(ctx context.Context, q *Query) ([]*Item, error) {
	rpms, err := fact(q, "rpm", func() ([]host.RPMPackage, error) { return host.RPMPackages(ctx, q.Host) })
	if errors.Is(err, host.ErrNotCollected) && !q.hasRPMDatabase(ctx) {
		// No RPM database: no RPM package is installed.
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	pkgs := rpms
	var cands []*Item
	for _, p := range pkgs {
		evr := p.Epoch + ":" + p.Version + "-" + p.Release
		it := NewItem("rpminfo_item", "linux", StringField("name", p.Name), StringField("arch", p.Arch), StringField("epoch", p.Epoch),
			StringField("release", p.Release), StringField("version", p.Version), &Field{Name: "evr", Value: evr, Datatype: "evr_string"})
		if p.SignatureKeyID != "" {
			it.Fields = append(it.Fields, StringField("signature_keyid", p.SignatureKeyID))
		}
		it.Fields = append(it.Fields, StringField("extended_name", p.Name+"-"+evr+"."+p.Arch))
		cands = append(cands, it)
	}
	return q.Filter(cands)
}

func (q *Query) hasRPMDatabase(ctx context.Context) bool {
	for _, p := range []string{"/var/lib/rpm", "/usr/lib/sysimage/rpm"} {
		if fi, ok := q.stat(ctx, p); ok && fi.Mode.IsDir() {
			return true
		}
	}
	return false
}

// systemdErr turns "systemd is not running" on a live host into a
// collection error, as the reference interpreter reports it; an offline
// root keeps "not collected".
func systemdErr(q *Query, err error) error {
	if err != nil && errors.Is(err, host.ErrNotCollected) && host.IsLive(q.Host) {
		return fmt.Errorf("cannot ask systemd for units: %s", err.Error())
	}
	return err
}

func partitionProbe(ctx context.Context, q *Query) ([]*Item, error) {
	mounts, err := fact(q, "mounts", func() ([]host.Mount, error) { return host.Mounts(ctx, q.Host) })
	if err != nil {
		return nil, err
	}
	var cands []*Item
	for _, m := range mounts {
		it := NewItem("partition_item", "linux", StringField("mount_point", m.MountPoint), StringField("device", m.Device))
		if m.UUID != "" {
			it.Fields = append(it.Fields, StringField("uuid", m.UUID))
		}
		it.Fields = append(it.Fields, StringField("fs_type", m.FSType))
		for _, o := range m.Options {
			it.Fields = append(it.Fields, StringField("mount_options", o))
		}
		it.Fields = append(it.Fields, IntField("total_space", m.TotalBlocks), IntField("space_used", m.SpaceUsed),
			IntField("space_left", m.SpaceLeft), IntField("block_size", m.BlockSize))
		cands = append(cands, it)
	}
	return q.Filter(cands)
}

func systemdUnits(ctx context.Context, q *Query) ([]string, error) {
	units, err := fact(q, "systemd-units", func() ([]string, error) { return host.SystemdUnits(ctx, q.Host) })
	if err != nil {
		return nil, systemdErr(q, err)
	}
	var out []string
	ue := q.Entity("unit")
	for _, u := range units {
		if ok, err := ue.Match(u); err != nil {
			return nil, err
		} else if ok {
			out = append(out, u)
		}
	}
	if vals, ok := ue.Equals(); ok {
		// A unit that is not loaded can still be asked for by name.
		for _, v := range vals {
			if !slices.Contains(out, v) {
				out = append(out, v)
			}
		}
	}
	return out, nil
}

// eachUnit calls fn with what get finds for every unit of q's object. A
// unit get cannot describe is left out; a host that cannot be asked at all
// fails the object.
func eachUnit[T any](ctx context.Context, q *Query, get func(context.Context, host.Host, string) (T, error), fn func(unit string, v T) error) error {
	units, err := systemdUnits(ctx, q)
	if err != nil {
		return err
	}
	for _, u := range units {
		v, err := get(ctx, q.Host, u)
		if err != nil {
			if errors.Is(err, host.ErrNotCollected) {
				return err
			}
			continue
		}
		if err := fn(u, v); err != nil {
			return err
		}
	}
	return nil
}

func systemdunitpropertyProbe(ctx context.Context, q *Query) ([]*Item, error) {
	var items []*Item
	err := eachUnit(ctx, q, host.SystemdUnitProperties, func(u string, props map[string][]string) error {
		names := make([]string, 0, len(props))
		for k := range props {
			names = append(names, k)
		}
		slices.Sort(names)
		for _, k := range names {
			if ok, err := q.Entity("property").Match(k); err != nil {
				return err
			} else if !ok {
				continue
			}
			it := NewItem("systemdunitproperty_item", "linux", StringField("unit", u), StringField("property", k))
			for _, v := range props[k] {
				it.Fields = append(it.Fields, StringField("value", v))
			}
			items = append(items, it)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return items, nil
}

func systemdunitdependencyProbe(ctx context.Context, q *Query) ([]*Item, error) {
	var items []*Item
	err := eachUnit(ctx, q, host.SystemdUnitDependencies, func(u string, deps []string) error {
		it := NewItem("systemdunitdependency_item", "linux", StringField("unit", u))
		for _, d := range deps {
			it.Fields = append(it.Fields, StringField("dependency", d))
		}
		items = append(items, it)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return items, nil
}
