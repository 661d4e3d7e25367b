package oval

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"regexp"
	"strconv"
	"strings"
	"time"
)

type varResult struct {
	values []string
	err    error
	// rejected: an external variable whose supplied values all failed its
	// possible_value/possible_restriction checks.
	rejected bool
	// dne: the variable has no value because an object it reads does not
	// exist (or it is rejected); objects reading it then do not exist.
	dne bool
}

// variable evaluates a variable, memoized for the run. Errors name the id.
func (r *run) variable(id string) *varResult {
	if vr, ok := r.vars[id]; ok {
		return vr
	}
	v := r.p.varByID[id]
	if v == nil {
		return &varResult{err: fmt.Errorf("unknown variable %s", id)}
	}
	if r.varBusy[id] {
		return &varResult{err: fmt.Errorf("variable %s refers to itself", id)}
	}
	r.varBusy[id] = true
	defer delete(r.varBusy, id)
	outerDNE := r.sawDNE
	r.sawDNE = false
	vr := &varResult{}
	switch v.Kind {
	case "constant_variable":
		vr.values = v.Values
	case "external_variable":
		// An external variable nobody supplied has no values: objects
		// using it do not exist, states using it are errors.
		vr.values = r.allowed(v, r.ext[id])
		vr.rejected = len(r.ext[id]) > 0 && len(vr.values) == 0
	case "local_variable":
		if v.Component == nil {
			vr.err = fmt.Errorf("local variable %s has no component", id)
		} else {
			vr.values, vr.err = r.component(v.Component)
		}
	default:
		vr.err = fmt.Errorf("variable %s: unknown kind %s", id, v.Kind)
	}
	if vr.err == nil {
		vr.values, vr.err = convertValues(vr.values, v.Datatype)
	}
	if vr.err != nil {
		vr.err = fmt.Errorf("variable %s: %w", id, vr.err)
	}
	vr.dne = vr.rejected || (r.sawDNE && len(vr.values) == 0)
	r.sawDNE = outerDNE
	r.vars[id] = vr
	return vr
}

// allowed keeps the supplied values that satisfy an external variable's
// possible values or restrictions.
func (r *run) allowed(v *Variable, vals []string) []string {
	if len(v.PossibleValues) == 0 && len(v.PossibleRestrictions) == 0 {
		return vals
	}
	var out []string
	for _, val := range vals {
		ok := false
		for _, pv := range v.PossibleValues {
			if res, _ := compareValues(r.regex, opEquals, v.Datatype, val, pv, nil); res == True {
				ok = true
			}
		}
		for _, pr := range v.PossibleRestrictions {
			var rs []Result
			for _, c := range pr.Checks {
				var pat *pattern
				if c.Operation == opPattern {
					pat, _ = r.p.cache.get(c.Value, "")
				}
				res, _ := compareValues(r.regex, c.Operation, v.Datatype, val, c.Value, pat)
				rs = append(rs, res)
			}
			if combine(pr.Operator, rs) == True {
				ok = true
			}
		}
		if ok {
			out = append(out, val)
		}
	}
	return out
}

// convertValues normalizes values to the variable's datatype.
func convertValues(vals []string, datatype string) ([]string, error) {
	switch datatype {
	case "int":
		out := make([]string, len(vals))
		for i, v := range vals {
			n, err := parseInt(v)
			if err != nil {
				f, ferr := strconv.ParseFloat(strings.TrimSpace(v), 64)
				if ferr != nil || math.IsNaN(f) || math.IsInf(f, 0) {
					// NaN and infinities are floats with no integer
					// value (big.NewFloat panics on NaN).
					return nil, fmt.Errorf("value %s is not an int", quote(v))
				}
				n, _ = big.NewFloat(f).Int(nil)
			}
			out[i] = n.String()
		}
		return out, nil
	case "boolean":
		for _, v := range vals {
			if _, ok := parseBool(v); !ok {
				return nil, fmt.Errorf("value %s is not a boolean", quote(v))
			}
		}
	case "float":
		for _, v := range vals {
			f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err != nil {
				return nil, fmt.Errorf("value %s is not a float", quote(v))
			}
			if math.IsNaN(f) || math.IsInf(f, 0) {
				// Comparisons with NaN are all false but "not equal",
				// which would pass checks nobody meant to pass.
				return nil, fmt.Errorf("value %s is not a finite float", quote(v))
			}
		}
	}
	return vals, nil
}

func (r *run) children(c *Component) ([][]string, error) {
	out := make([][]string, 0, len(c.Children))
	for _, ch := range c.Children {
		vals, err := r.component(ch)
		if err != nil {
			return nil, err
		}
		out = append(out, vals)
	}
	return out, nil
}

// maxValues bounds how many values one variable may take, so a Cartesian
// product of many multi-valued components cannot exhaust memory or time.
const maxValues = 100000

// product returns every combination of one value from each list.
func product(lists [][]string, f func([]string) (string, error)) ([]string, error) {
	total := 1
	for _, l := range lists {
		if len(l) == 0 {
			return nil, nil
		}
		total *= len(l)
		if total > maxValues {
			return nil, fmt.Errorf("more than %d values", maxValues)
		}
	}
	var out []string
	idx := make([]int, len(lists))
	cur := make([]string, len(lists))
	for {
		for i, l := range lists {
			cur[i] = l[idx[i]]
		}
		v, err := f(cur)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
		i := len(lists) - 1
		for ; i >= 0; i-- {
			idx[i]++
			if idx[i] < len(lists[i]) {
				break
			}
			idx[i] = 0
		}
		if i < 0 {
			return out, nil
		}
	}
}

func (r *run) component(c *Component) ([]string, error) {
	if err := r.ctx.Err(); err != nil {
		return nil, err
	}
	switch c.Kind {
	case "literal_component":
		return []string{c.Value}, nil
	case "variable_component":
		vr := r.variable(c.VarRef)
		if vr.dne {
			r.sawDNE = true
		}
		return vr.values, vr.err
	case "object_component":
		return r.objectComponent(c)
	}
	args, err := r.children(c)
	if err != nil {
		return nil, err
	}
	one := func() []string {
		if len(args) == 0 {
			return nil
		}
		return args[0]
	}
	mapEach := func(f func(string) (string, error)) ([]string, error) {
		var out []string
		for _, v := range one() {
			s, err := f(v)
			if err != nil {
				return nil, err
			}
			out = append(out, s)
		}
		return out, nil
	}
	switch c.Kind {
	case "concat":
		return product(args, func(vs []string) (string, error) { return strings.Join(vs, ""), nil })
	case "arithmetic":
		op := c.Attrs["arithmetic_operation"]
		return product(args, func(vs []string) (string, error) { return arithmetic(op, vs) })
	case "begin":
		ch := c.Attrs["character"]
		return mapEach(func(v string) (string, error) {
			if strings.HasPrefix(v, ch) {
				return v, nil
			}
			return ch + v, nil
		})
	case "end":
		ch := c.Attrs["character"]
		return mapEach(func(v string) (string, error) {
			if strings.HasSuffix(v, ch) {
				return v, nil
			}
			return v + ch, nil
		})
	case "count":
		n := 0
		for _, a := range args {
			n += len(a)
		}
		return []string{strconv.Itoa(n)}, nil
	case "unique":
		seen := map[string]bool{}
		var out []string
		for _, a := range args {
			for _, v := range a {
				if !seen[v] {
					seen[v] = true
					out = append(out, v)
				}
			}
		}
		return out, nil
	case "escape_regex":
		return mapEach(func(v string) (string, error) { return escapeRegex(v), nil })
	case "glob_to_regex":
		noescape := c.Attrs["glob_noescape"] == "true" || c.Attrs["glob_noescape"] == "1"
		return mapEach(func(v string) (string, error) { return globToRegex(v, noescape) })
	case "regex_capture":
		pat, err := r.p.cache.get(c.Attrs["pattern"], "")
		if err != nil {
			return nil, err
		}
		var out []string
		for _, v := range one() {
			ms, err := pat.findAll(r.regex, v, 0)
			if err != nil {
				return nil, err
			}
			if len(ms) > 0 && len(ms[0]) > 1 {
				out = append(out, ms[0][1])
			} else {
				out = append(out, "")
			}
		}
		return out, nil
	case "split":
		delim := c.Attrs["delimiter"]
		var out []string
		for _, v := range one() {
			if delim == "" {
				out = append(out, v)
				continue
			}
			out = append(out, strings.Split(v, delim)...)
		}
		return out, nil
	case "substring":
		start, err1 := strconv.Atoi(strings.TrimSpace(c.Attrs["substring_start"]))
		length, err2 := strconv.Atoi(strings.TrimSpace(c.Attrs["substring_length"]))
		if err1 != nil || err2 != nil {
			return nil, errors.New("substring: bad substring_start or substring_length")
		}
		return mapEach(func(v string) (string, error) {
			rs := []rune(v)
			s := start - 1
			if s < 0 {
				s = 0
			}
			if s > len(rs) {
				return "", fmt.Errorf("substring: start %d beyond %s", start, quote(v))
			}
			e := len(rs)
			if length >= 0 && s+length < e {
				e = s + length
			}
			return string(rs[s:e]), nil
		})
	case "time_difference":
		return r.timeDifference(c, args)
	}
	return nil, fmt.Errorf("unsupported function %s", c.Kind)
}

func (r *run) objectComponent(c *Component) ([]string, error) {
	oc := r.object(c.ObjectRef)
	switch oc.co.Flag {
	case FlagError:
		return nil, fmt.Errorf("object %s could not be collected: %v", c.ObjectRef, oc.co.Messages)
	case FlagNotCollected:
		return nil, fmt.Errorf("object %s was not collected", c.ObjectRef)
	case FlagDoesNotExist:
		r.sawDNE = true
	}
	var out []string
	for _, it := range oc.items {
		if it.Status != statusExists && it.Status != "" {
			continue
		}
		for _, f := range it.field(c.ItemField) {
			if f.Status != "" && f.Status != statusExists {
				continue
			}
			if c.RecordField != "" {
				for _, sub := range f.Fields {
					if sub.Name == c.RecordField && (sub.Status == "" || sub.Status == statusExists) {
						out = append(out, sub.Value)
					}
				}
				continue
			}
			out = append(out, f.Value)
		}
	}
	return out, nil
}

func arithmetic(op string, vs []string) (string, error) {
	isInt := true
	for _, v := range vs {
		if _, err := parseInt(v); err != nil {
			isInt = false
		}
	}
	if isInt {
		acc := big.NewInt(1)
		if op == "add" {
			acc = big.NewInt(0)
		}
		for _, v := range vs {
			n, _ := parseInt(v)
			if op == "add" {
				acc.Add(acc, n)
			} else {
				acc.Mul(acc, n)
			}
		}
		return acc.String(), nil
	}
	acc := 1.0
	if op == "add" {
		acc = 0
	}
	for _, v := range vs {
		f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil {
			return "", fmt.Errorf("arithmetic: %s is not a number", quote(v))
		}
		if op == "add" {
			acc += f
		} else {
			acc *= f
		}
	}
	// Round to 15 significant digits so 1.1*1.1 is 1.21, not 1.2100000000000002.
	rounded, _ := strconv.ParseFloat(strconv.FormatFloat(acc, 'g', 15, 64), 64)
	return strconv.FormatFloat(rounded, 'f', -1, 64), nil
}

// escapeRegex escapes the characters that are special in Perl patterns.
func escapeRegex(s string) string {
	var b strings.Builder
	for _, c := range s {
		if strings.ContainsRune(`\^$.|?*+()[]{}`, c) {
			b.WriteByte('\\')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// globToRegex converts a shell glob to an anchored regular expression.
func globToRegex(g string, noescape bool) (string, error) {
	var b strings.Builder
	b.WriteByte('^')
	rs := []rune(g)
	for i := 0; i < len(rs); i++ {
		c := rs[i]
		switch c {
		case '*':
			if i == 0 || rs[i-1] == '/' {
				b.WriteString(`(?=[^.])[^/]*`)
			} else {
				b.WriteString(`[^/]*`)
			}
		case '?':
			if i == 0 || rs[i-1] == '/' {
				b.WriteString(`[^./]`)
			} else {
				b.WriteString(`[^/]`)
			}
		case '[':
			j := i + 1
			if j < len(rs) && (rs[j] == '!' || rs[j] == '^') {
				j++
			}
			if j < len(rs) && rs[j] == ']' {
				j++
			}
			for j < len(rs) && rs[j] != ']' {
				if rs[j] == '[' && j+1 < len(rs) && rs[j+1] == ':' {
					if k := strings.Index(string(rs[j+2:]), ":]"); k >= 0 {
						j += 2 + len([]rune(string(rs[j+2:])[:k])) + 2
						continue
					}
				}
				j++
			}
			if j >= len(rs) {
				b.WriteString(`\[`)
				continue
			}
			class := string(rs[i+1 : j])
			if strings.HasPrefix(class, "!") {
				class = "^" + class[1:]
			}
			b.WriteString("[" + class + "]")
			i = j
		case '\\':
			if !noescape && i+1 < len(rs) {
				i++
				b.WriteString(regexp.QuoteMeta(string(rs[i])))
			} else {
				b.WriteString(`\\`)
			}
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	b.WriteByte('$')
	return b.String(), nil
}

var monthNames = map[string]int{"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12}

// parseOVALTime reads a date-time in one of the OVAL DateTimeFormat forms.
func parseOVALTime(v, format string) (time.Time, error) {
	v = strings.TrimSpace(v)
	bad := fmt.Errorf("time %s is not in %s format", quote(v), format)
	switch format {
	case "seconds_since_epoch":
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return time.Time{}, bad
		}
		return time.Unix(n, 0).UTC(), nil
	case "win_filetime":
		n, err := strconv.ParseUint(v, 16, 64)
		if err != nil {
			return time.Time{}, bad
		}
		const epochDiff = 11644473600
		secs := int64(n/10000000) - epochDiff
		return time.Unix(secs, int64(n%10000000)*100).UTC(), nil
	case "cim_datetime":
		if len(v) >= 14 {
			if t, err := time.Parse("20060102150405", v[:14]); err == nil {
				return t, nil
			}
		}
		// Also accepted: the date forms with a millisecond suffix.
		if i := strings.IndexAny(v, "-/"); i == 4 {
			format = "year_month_day"
		} else {
			format = "month_day_year"
		}
		if i := strings.LastIndexByte(v, ':'); i > 0 && strings.Count(v, ":") == 3 {
			v = v[:i]
		}
	}
	var words []string
	var nums []int
	var numStr []string
	for _, tok := range strings.FieldsFunc(v, func(r rune) bool { return r == ' ' || r == ',' || r == '/' || r == '-' || r == ':' || r == 'T' }) {
		if n, err := strconv.Atoi(tok); err == nil {
			nums = append(nums, n)
			numStr = append(numStr, tok)
		} else {
			words = append(words, strings.ToLower(tok))
		}
	}
	// Compact forms: yyyymmdd, yyyymmddThhmmss, mmddyyyy, ddmmyyyy.
	if len(numStr) >= 1 && len(numStr[0]) == 8 && len(words) == 0 {
		s := numStr[0]
		a, _ := strconv.Atoi(s[:2])
		b, _ := strconv.Atoi(s[2:4])
		c, _ := strconv.Atoi(s[4:])
		y, _ := strconv.Atoi(s[:4])
		m, _ := strconv.Atoi(s[4:6])
		d, _ := strconv.Atoi(s[6:])
		rest := []int{}
		if len(numStr) > 1 && len(numStr[1]) == 6 {
			h, _ := strconv.Atoi(numStr[1][:2])
			mi, _ := strconv.Atoi(numStr[1][2:4])
			se, _ := strconv.Atoi(numStr[1][4:])
			rest = []int{h, mi, se}
		}
		switch format {
		case "year_month_day":
			nums = append([]int{y, m, d}, rest...)
		case "month_day_year":
			nums = append([]int{a, b, c}, rest...)
		case "day_month_year":
			nums = append([]int{b, a, c}, rest...)
			nums[0], nums[1] = a, b
		}
	}
	var y, mo, d int
	var hms []int
	switch format {
	case "year_month_day":
		if len(nums) < 3 {
			return time.Time{}, bad
		}
		y, mo, d, hms = nums[0], nums[1], nums[2], nums[3:]
	case "month_day_year":
		if len(words) > 0 {
			m, ok := monthNames[words[0][:min(3, len(words[0]))]]
			if !ok || len(nums) < 2 {
				return time.Time{}, bad
			}
			mo, d, y, hms = m, nums[0], nums[1], nums[2:]
		} else {
			if len(nums) < 3 {
				return time.Time{}, bad
			}
			mo, d, y, hms = nums[0], nums[1], nums[2], nums[3:]
		}
	case "day_month_year":
		if len(nums) < 3 {
			return time.Time{}, bad
		}
		d, mo, y, hms = nums[0], nums[1], nums[2], nums[3:]
	default:
		return time.Time{}, fmt.Errorf("unknown date-time format %s", quote(format))
	}
	var h, mi, s int
	if len(hms) > 0 {
		h = hms[0]
	}
	if len(hms) > 1 {
		mi = hms[1]
	}
	if len(hms) > 2 {
		s = hms[2]
	}
	if mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60 {
		return time.Time{}, bad
	}
	return time.Date(y, time.Month(mo), d, h, mi, s, 0, time.UTC), nil
}

func (r *run) timeDifference(c *Component, args [][]string) ([]string, error) {
	f1 := orDefault(c.Attrs["format_1"], "year_month_day")
	f2 := orDefault(c.Attrs["format_2"], "year_month_day")
	switch len(args) {
	case 1:
		now := r.p.now().UTC()
		var out []string
		for _, v := range args[0] {
			t, err := parseOVALTime(v, f2)
			if err != nil {
				return nil, err
			}
			out = append(out, strconv.FormatInt(int64(now.Sub(t)/time.Second), 10))
		}
		return out, nil
	case 2:
		return product(args, func(vs []string) (string, error) {
			t1, err := parseOVALTime(vs[0], f1)
			if err != nil {
				return "", err
			}
			t2, err := parseOVALTime(vs[1], f2)
			if err != nil {
				return "", err
			}
			return strconv.FormatInt(int64(t1.Sub(t2)/time.Second), 10), nil
		})
	}
	return nil, errors.New("time_difference takes one or two components")
}
