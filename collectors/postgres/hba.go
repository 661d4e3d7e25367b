package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/netip"
	"path"
	"sort"
	"strings"

	"github.com/stigscan/stigscan/collectors/host"
)

// HBARule is one line of pg_hba.conf, in the form pg_hba_file_rules shows
// it, whether the server or ReadHBA read the file.
type HBARule struct {
	File      string   // file holding the rule ("" when the server does not say)
	Line      int      // line number in File (of the first line, for continued lines)
	Type      string   // local, host, hostssl, hostnossl, hostgssenc, hostnogssenc
	Databases []string // as listed, quotes removed, @files expanded
	Users     []string
	Address   string // IP address, hostname, or all / samehost / samenet; "" for local
	Netmask   string // for IP addresses, in address form (255.255.255.0, ffff::)
	Method    string // scram-sha-256, md5, peer, cert, reject, ...
	// Options are the "name=value" options, sorted; the values of
	// ldapbindpasswd and radiussecrets are "[redacted]", as the audited
	// server's secrets do not belong in results. A cert line carries the
	// clientcert=verify-full the server implies.
	Options []string
	Error   string // why the server cannot use the line ("" when it can)
}

// HBAResult is what HBARules read and where it came from.
type HBAResult struct {
	// Source is "pg_hba_file_rules" when the server reported the rules
	// it loaded, or the path of the file read through the files host.
	Source string
	Rules  []HBARule
}

// HBARules returns the client authentication rules. With EXECUTE on
// pg_hba_file_rules (superusers by default) the server reports them;
// otherwise pg_hba.conf is read through the files host (the path from
// Config.HBAFile, else the hba_file setting) and parsed with ReadHBA. When
// neither is possible the error says what is missing.
func (t *Target) HBARules(ctx context.Context) (HBAResult, error) {
	p, err := t.privileges(ctx)
	if err != nil {
		return HBAResult{}, err
	}
	if p.hbaRules {
		rules, err := t.hbaFromServer(ctx)
		if err != nil {
			return HBAResult{}, err
		}
		if p.allSettings && t.versionNum < 160000 {
			// Before 16 the view does not name the file.
			if f, err := t.setting(ctx, "hba_file"); err == nil {
				for i := range rules {
					rules[i].File = f
				}
			}
		}
		return HBAResult{Source: "pg_hba_file_rules", Rules: rules}, nil
	}
	file := t.cfg.HBAFile
	if file == "" {
		if !p.allSettings {
			return HBAResult{}, &PrivilegeError{Target: t.Describe(), What: "client authentication rules (pg_hba.conf)",
				Need: "EXECUTE on pg_hba_file_rules() (superuser by default), or membership in pg_read_all_settings to locate hba_file, or Config.HBAFile"}
		}
		if file, err = t.setting(ctx, "hba_file"); err != nil {
			return HBAResult{}, err
		}
	}
	rules, err := ReadHBA(ctx, t.Host, file)
	if err != nil {
		return HBAResult{}, t.base.Errorf("the role may not read pg_hba_file_rules, and %w", err)
	}
	return HBAResult{Source: file, Rules: rules}, nil
}

func (t *Target) hbaFromServer(ctx context.Context) ([]HBARule, error) {
	// to_jsonb keeps this independent of the columns a release adds.
	_, rows, err := t.query(ctx, "SELECT pg_catalog.to_jsonb(r) FROM pg_catalog.pg_hba_file_rules r", true)
	if err != nil {
		return nil, err
	}
	out := make([]HBARule, 0, len(rows))
	for _, r := range rows {
		var v struct {
			FileName   *string  `json:"file_name"`
			LineNumber int      `json:"line_number"`
			Type       *string  `json:"type"`
			Database   []string `json:"database"`
			UserName   []string `json:"user_name"`
			Address    *string  `json:"address"`
			Netmask    *string  `json:"netmask"`
			AuthMethod *string  `json:"auth_method"`
			Options    []string `json:"options"`
			Error      *string  `json:"error"`
		}
		if err := json.Unmarshal([]byte(str(r[0])), &v); err != nil {
			return nil, t.base.Errorf("pg_hba_file_rules: %w", err)
		}
		out = append(out, HBARule{File: str(v.FileName), Line: v.LineNumber, Type: str(v.Type),
			Databases: v.Database, Users: v.UserName, Address: str(v.Address), Netmask: str(v.Netmask),
			Method: str(v.AuthMethod), Options: hbaOptions(v.Options, ""), Error: str(v.Error)})
	}
	return out, nil
}

// setting reads one setting with current_setting.
func (t *Target) setting(ctx context.Context, name string) (string, error) {
	_, rows, err := t.query(ctx, "SELECT pg_catalog.current_setting('"+strings.ReplaceAll(name, "'", "''")+"')", true)
	if err != nil {
		return "", err
	}
	if len(rows) != 1 || len(rows[0]) != 1 || rows[0][0] == nil {
		return "", t.base.Errorf("setting %s: no value", name)
	}
	return *rows[0][0], nil
}

// maxIncludeDepth is how deep includes nest, as the server allows.
const maxIncludeDepth = 10

// ReadHBA reads and parses a pg_hba.conf from h: comments, quoted names,
// comma lists, @file lists, continuation lines and the include,
// include_if_exists and include_dir directives of PostgreSQL 16. Lines the
// server would reject are rules with Error set; a file that cannot be read
// is an error.
func ReadHBA(ctx context.Context, h host.Host, file string) ([]HBARule, error) {
	r := &hbaReader{h: h}
	if err := r.file(ctx, file, 0); err != nil {
		return nil, err
	}
	return r.rules, nil
}

type hbaReader struct {
	h     host.Host
	rules []HBARule
}

func (r *hbaReader) file(ctx context.Context, file string, depth int) error {
	if depth > maxIncludeDepth {
		return fmt.Errorf("postgres: pg_hba.conf: %s: includes nested more than %d deep", file, maxIncludeDepth)
	}
	data, err := r.h.ReadFile(ctx, file)
	if err != nil {
		return fmt.Errorf("postgres: pg_hba.conf: %w", err)
	}
	for _, ln := range hbaLines(string(data)) {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("postgres: pg_hba.conf: %w", err)
		}
		if len(ln.fields) == 0 {
			continue
		}
		first := ln.fields[0]
		if len(first) == 1 && !first[0].quoted {
			switch kw := first[0].text; kw {
			case "include", "include_if_exists", "include_dir":
				if err := r.include(ctx, file, ln, kw, depth); err != nil {
					return err
				}
				continue
			}
		}
		rule := parseHBALine(ln)
		rule.File = file
		if rule.Error == "" {
			rule.Databases, rule.Error = r.expand(ctx, file, ln.fields[1], depth)
		}
		if rule.Error == "" && len(ln.fields) > 2 {
			rule.Users, rule.Error = r.expand(ctx, file, ln.fields[2], depth)
		}
		r.rules = append(r.rules, rule)
	}
	return nil
}

func (r *hbaReader) include(ctx context.Context, file string, ln hbaLine, kw string, depth int) error {
	if len(ln.fields) != 2 || len(ln.fields[1]) != 1 {
		r.rules = append(r.rules, HBARule{File: file, Line: ln.line, Error: "invalid " + kw + " directive"})
		return nil
	}
	target := relativeTo(file, ln.fields[1][0].text)
	switch kw {
	case "include":
		return r.file(ctx, target, depth+1)
	case "include_if_exists":
		ok, err := exists(ctx, r.h, target)
		if err != nil {
			return fmt.Errorf("postgres: pg_hba.conf: %s:%d: %w", file, ln.line, err)
		}
		if !ok {
			return nil
		}
		return r.file(ctx, target, depth+1)
	default:
		entries, err := r.h.ReadDir(ctx, target)
		if err != nil {
			return fmt.Errorf("postgres: pg_hba.conf: include_dir: %w", err)
		}
		for _, f := range confFiles(entries) {
			if err := r.file(ctx, path.Join(target, f), depth+1); err != nil {
				return err
			}
		}
		return nil
	}
}

// expand returns a field's names, reading @file entries.
func (r *hbaReader) expand(ctx context.Context, file string, field []hbaToken, depth int) ([]string, string) {
	var out []string
	for _, tok := range field {
		if tok.quoted || !strings.HasPrefix(tok.text, "@") {
			out = append(out, tok.text)
			continue
		}
		if depth >= maxIncludeDepth {
			return nil, "@ files nested too deep"
		}
		data, err := r.h.ReadFile(ctx, relativeTo(file, tok.text[1:]))
		if err != nil {
			return nil, fmt.Sprintf("could not open secondary authentication file %q", tok.text)
		}
		for _, l := range hbaLines(string(data)) {
			for _, f := range l.fields {
				for _, t := range f {
					out = append(out, t.text)
				}
			}
		}
	}
	return out, ""
}

type hbaToken struct {
	text   string
	quoted bool
}

type hbaLine struct {
	line   int
	fields [][]hbaToken // each field is a comma list
	err    string       // a tokenizing error, such as an unterminated quote
}

// hbaLines tokenizes a pg_hba.conf-style file: whitespace separates
// fields, commas separate list elements within one, '#' starts a comment,
// double quotes protect everything (a doubled quote inside stands for one)
// and a backslash at the end of a line continues it.
func hbaLines(data string) []hbaLine {
	var out []hbaLine
	raw := strings.Split(strings.ReplaceAll(data, "\r\n", "\n"), "\n")
	for i := 0; i < len(raw); i++ {
		start := i + 1
		text := raw[i]
		for strings.HasSuffix(text, `\`) && i+1 < len(raw) {
			i++
			text = text[:len(text)-1] + " " + raw[i]
		}
		fields, err := hbaFields(text)
		out = append(out, hbaLine{line: start, fields: fields, err: err})
	}
	return out
}

func hbaFields(s string) (fields [][]hbaToken, err string) {
	i := 0
	blank := func(c byte) bool { return c == ' ' || c == '\t' || c == '\r' }
	for {
		var field []hbaToken
		for {
			for i < len(s) && blank(s[i]) {
				i++
			}
			if i >= len(s) || s[i] == '#' {
				if len(field) > 0 {
					fields = append(fields, field)
				}
				return fields, ""
			}
			tok, next := hbaToken{}, i
			var b strings.Builder
			inQuote, have := false, false
		token:
			for ; next < len(s); next++ {
				c := s[next]
				switch {
				case inQuote && c == '"' && next+1 < len(s) && s[next+1] == '"':
					b.WriteByte('"')
					next++
				case c == '"':
					inQuote = !inQuote
					tok.quoted, have = true, true
				case inQuote:
					b.WriteByte(c)
				case blank(c) || c == ',' || c == '#':
					break token
				default:
					b.WriteByte(c)
					have = true
				}
			}
			i = next
			if inQuote {
				return fields, "unterminated quoted string"
			}
			if have {
				tok.text = b.String()
				field = append(field, tok)
			}
			if i < len(s) && s[i] == ',' {
				i++
				continue // the list goes on, whitespace or not
			}
			break
		}
		if len(field) > 0 {
			fields = append(fields, field)
		}
	}
}

// parseHBALine turns one tokenized line into a rule, in the server's
// normal form; what the server would refuse sets Error.
func parseHBALine(ln hbaLine) HBARule {
	f := ln.fields
	one := func(i int) (string, bool) {
		if i >= len(f) || len(f[i]) != 1 {
			return "", false
		}
		return f[i][0].text, true
	}
	typ, _ := one(0)
	fail := func(msg string) HBARule { return HBARule{Line: ln.line, Type: typ, Error: msg} }
	if ln.err != "" {
		return fail(ln.err)
	}
	switch typ {
	case "local", "host", "hostssl", "hostnossl", "hostgssenc", "hostnogssenc":
	default:
		return fail(fmt.Sprintf("invalid connection type %q", typ))
	}
	if len(f) < 4 {
		return fail("end-of-line before authentication method")
	}
	r := HBARule{Line: ln.line, Type: typ}
	next := 3
	if typ != "local" {
		addr, ok := one(3)
		if !ok {
			return fail("multiple values specified for host address")
		}
		next = 4
		a, m, err := hbaAddress(addr)
		if err != nil {
			return fail(err.Error())
		}
		r.Address, r.Netmask = a, m
		if ip, isIP := parseIP(addr); isIP {
			// A bare address takes its mask from the next field.
			mask, okm := one(4)
			mip, okp := parseIP(mask)
			if !okm || !okp || ip.Is4() != mip.Is4() {
				return fail("IP address and mask do not match")
			}
			r.Netmask = mip.String()
			next = 5
		}
	}
	method, ok := one(next)
	if !ok {
		return fail("end-of-line before authentication method")
	}
	switch method {
	case "trust", "reject", "md5", "password", "scram-sha-256", "gss", "sspi", "ident", "peer",
		"pam", "ldap", "radius", "cert", "bsd":
	default:
		return fail(fmt.Sprintf("invalid authentication method %q", method))
	}
	if method == "ident" && typ == "local" {
		method = "peer" // as the server does
	}
	r.Method = method
	var opts []string
	for _, fl := range f[next+1:] {
		for _, t := range fl {
			opts = append(opts, t.text)
		}
	}
	r.Options = hbaOptions(opts, method)
	return r
}

// hbaOptions sorts options and redacts secrets; for a rule read from the
// file, method adds what the server implies.
func hbaOptions(opts []string, method string) []string {
	var out []string
	implied := method == "cert"
	for _, o := range opts {
		name, _, _ := strings.Cut(o, "=")
		switch strings.ToLower(name) {
		case "ldapbindpasswd", "radiussecrets":
			o = name + "=[redacted]"
		case "clientcert":
			implied = false
		}
		out = append(out, o)
	}
	if implied {
		out = append(out, "clientcert=verify-full")
	}
	sort.Strings(out)
	return out
}

// hbaAddress normalizes an address field: CIDR gives address and mask;
// keywords and host names stay as written.
func hbaAddress(s string) (addr, mask string, err error) {
	switch s {
	case "":
		return "", "", fmt.Errorf("empty host address")
	case "all", "samehost", "samenet":
		return s, "", nil
	}
	if a, bits, ok := strings.Cut(s, "/"); ok {
		ip, okIP := parseIP(a)
		if !okIP {
			return "", "", fmt.Errorf("invalid IP address %q", a)
		}
		p, err := netip.ParsePrefix(ip.String() + "/" + bits)
		if err != nil {
			return "", "", fmt.Errorf("invalid CIDR mask in address %q", s)
		}
		m := net.CIDRMask(p.Bits(), ip.BitLen())
		mip, _ := netip.AddrFromSlice(m)
		return ip.String(), mip.String(), nil
	}
	if ip, ok := parseIP(s); ok {
		return ip.String(), "", nil
	}
	return s, "", nil // a host name (".example.com" matches a suffix)
}

func parseIP(s string) (netip.Addr, bool) {
	ip, err := netip.ParseAddr(s)
	if err != nil || ip.Zone() != "" {
		return netip.Addr{}, false
	}
	return ip.Unmap(), true
}

// relativeTo resolves a name given in file against the file's directory.
func relativeTo(file, name string) string {
	if path.IsAbs(name) {
		return path.Clean(name)
	}
	return path.Join(path.Dir(file), name)
}

// confFiles lists what include_dir reads: regular files ending in
// ".conf" not starting with '.', in byte order.
func confFiles(entries []host.FileInfo) []string {
	var out []string
	for _, e := range entries {
		n := e.Name()
		if e.Mode.IsRegular() && strings.HasSuffix(n, ".conf") && !strings.HasPrefix(n, ".") {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}
