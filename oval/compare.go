package oval

import (
	"errors"
	"fmt"
	"math/big"
	"net/netip"
	"strconv"
	"strings"
)

// Entity operations.
const (
	opEquals     = "equals"
	opNotEqual   = "not equal"
	opCIEquals   = "case insensitive equals"
	opCINotEqual = "case insensitive not equal"
	opGreater    = "greater than"
	opLess       = "less than"
	opGreaterEq  = "greater than or equal"
	opLessEq     = "less than or equal"
	opBitAnd     = "bitwise and"
	opBitOr      = "bitwise or"
	opPattern    = "pattern match"
	opSubsetOf   = "subset of"
	opSupersetOf = "superset of"
)

var errBadOperation = errors.New("operation not defined for datatype")

// compareValues compares a system value with a content value: "greater
// than" holds when sys > want. pat is the compiled pattern for pattern match.
func compareValues(b *regexBudget, op, datatype, sys, want string, pat *pattern) (Result, error) {
	if op == opPattern {
		if pat == nil {
			return Error, errors.New("pattern not compiled")
		}
		ok, err := pat.match(b, sys)
		if err != nil {
			return Error, err
		}
		return boolResult(ok), nil
	}
	switch datatype {
	case "", "string", "fileset_revision", "ios_version":
		switch op {
		case opEquals:
			return boolResult(sys == want), nil
		case opNotEqual:
			return boolResult(sys != want), nil
		case opCIEquals:
			return boolResult(strings.EqualFold(sys, want)), nil
		case opCINotEqual:
			return boolResult(!strings.EqualFold(sys, want)), nil
		}
		if datatype != "string" && datatype != "" {
			return ordered(op, compareVersion(sys, want))
		}
	case "int":
		a, err1 := parseInt(sys)
		b, err2 := parseInt(want)
		if err1 != nil || err2 != nil {
			return Error, fmt.Errorf("not an int: %s vs %s", quote(sys), quote(want))
		}
		switch op {
		case opBitAnd:
			return boolResult(new(big.Int).And(a, b).Cmp(b) == 0), nil
		case opBitOr:
			return boolResult(new(big.Int).Or(a, b).Cmp(b) == 0), nil
		}
		return ordered(op, a.Cmp(b))
	case "float":
		a, err1 := strconv.ParseFloat(strings.TrimSpace(sys), 64)
		b, err2 := strconv.ParseFloat(strings.TrimSpace(want), 64)
		if err1 != nil || err2 != nil {
			return Error, fmt.Errorf("not a float: %s vs %s", quote(sys), quote(want))
		}
		switch {
		case a < b:
			return ordered(op, -1)
		case a > b:
			return ordered(op, 1)
		case a == b:
			return ordered(op, 0)
		}
		// NaN is unordered: only "not equal" holds.
		return boolResult(op == opNotEqual), nil
	case "boolean":
		a, ok1 := parseBool(sys)
		b, ok2 := parseBool(want)
		if !ok1 || !ok2 {
			return Error, fmt.Errorf("not a boolean: %s vs %s", quote(sys), quote(want))
		}
		switch op {
		case opEquals:
			return boolResult(a == b), nil
		case opNotEqual:
			return boolResult(a != b), nil
		}
	case "version":
		return ordered(op, compareVersion(sys, want))
	case "evr_string":
		return ordered(op, compareEVR(sys, want))
	case "debian_evr_string":
		return ordered(op, compareDebianEVR(sys, want))
	case "binary":
		a, b := strings.ToLower(strings.TrimSpace(sys)), strings.ToLower(strings.TrimSpace(want))
		if !isHex(a) || !isHex(b) {
			return Error, fmt.Errorf("not binary: %s vs %s", quote(sys), quote(want))
		}
		switch op {
		case opEquals:
			return boolResult(a == b), nil
		case opNotEqual:
			return boolResult(a != b), nil
		}
	case "ipv4_address", "ipv6_address":
		return compareIP(op, datatype, sys, want)
	default:
		return Error, fmt.Errorf("datatype %s not supported", quote(datatype))
	}
	return Error, fmt.Errorf("%w: %s on %s", errBadOperation, quote(op), datatype)
}

func boolResult(b bool) Result {
	if b {
		return True
	}
	return False
}

// ordered turns a three-way comparison into the result of op.
func ordered(op string, c int) (Result, error) {
	switch op {
	case opEquals:
		return boolResult(c == 0), nil
	case opNotEqual:
		return boolResult(c != 0), nil
	case opGreater:
		return boolResult(c > 0), nil
	case opLess:
		return boolResult(c < 0), nil
	case opGreaterEq:
		return boolResult(c >= 0), nil
	case opLessEq:
		return boolResult(c <= 0), nil
	}
	return Error, fmt.Errorf("%w: %s", errBadOperation, quote(op))
}

func parseInt(s string) (*big.Int, error) {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "+") {
		s = s[1:]
	}
	n, ok := new(big.Int).SetString(s, 10)
	if !ok {
		return nil, fmt.Errorf("not an int: %s", quote(s))
	}
	return n, nil
}

func parseBool(s string) (bool, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true", "1":
		return true, true
	case "false", "0":
		return false, true
	}
	return false, false
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// compareVersion compares versions component by component, numerically.
// Any run of non-digits is a delimiter, so "1a2s3d4" equals "1.2.3.4" (as
// the MITRE conformance content expects).
func compareVersion(a, b string) int {
	sep := func(r rune) bool { return !(r >= '0' && r <= '9') }
	as, bs := strings.FieldsFunc(a, sep), strings.FieldsFunc(b, sep)
	for i := 0; i < len(as) || i < len(bs); i++ {
		x, y := "0", "0"
		if i < len(as) {
			x = as[i]
		}
		if i < len(bs) {
			y = bs[i]
		}
		xi, e1 := strconv.ParseUint(x, 10, 64)
		yi, e2 := strconv.ParseUint(y, 10, 64)
		switch {
		case e1 == nil && e2 == nil:
			if xi != yi {
				if xi < yi {
					return -1
				}
				return 1
			}
		default:
			if c := strings.Compare(x, y); c != 0 {
				return c
			}
		}
	}
	return 0
}

func splitEVR(s string) (epoch, version, release string) {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, ':'); i >= 0 {
		epoch, s = s[:i], s[i+1:]
	}
	if i := strings.LastIndexByte(s, '-'); i >= 0 {
		return epoch, s[:i], s[i+1:]
	}
	return epoch, s, ""
}

func compareEpoch(a, b string) int {
	if a == "" || a == "(none)" {
		a = "0"
	}
	if b == "" || b == "(none)" {
		b = "0"
	}
	x, e1 := parseInt(a)
	y, e2 := parseInt(b)
	if e1 != nil || e2 != nil {
		return strings.Compare(a, b)
	}
	return x.Cmp(y)
}

// compareEVR compares RPM epoch:version-release strings as rpm does.
func compareEVR(a, b string) int {
	ea, va, ra := splitEVR(a)
	eb, vb, rb := splitEVR(b)
	if c := compareEpoch(ea, eb); c != 0 {
		return c
	}
	if c := rpmvercmp(va, vb); c != 0 {
		return c
	}
	return rpmvercmp(ra, rb)
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
func isAlpha(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// rpmvercmp is RPM's segment-wise version comparison, tilde and caret
// included.
func rpmvercmp(a, b string) int {
	if a == b {
		return 0
	}
	for len(a) > 0 || len(b) > 0 {
		for len(a) > 0 && !isDigit(a[0]) && !isAlpha(a[0]) && a[0] != '~' && a[0] != '^' {
			a = a[1:]
		}
		for len(b) > 0 && !isDigit(b[0]) && !isAlpha(b[0]) && b[0] != '~' && b[0] != '^' {
			b = b[1:]
		}
		if (len(a) > 0 && a[0] == '~') || (len(b) > 0 && b[0] == '~') {
			if len(a) == 0 || a[0] != '~' {
				return 1
			}
			if len(b) == 0 || b[0] != '~' {
				return -1
			}
			a, b = a[1:], b[1:]
			continue
		}
		if (len(a) > 0 && a[0] == '^') || (len(b) > 0 && b[0] == '^') {
			if len(a) == 0 {
				return -1
			}
			if len(b) == 0 {
				return 1
			}
			if a[0] != '^' {
				return 1
			}
			if b[0] != '^' {
				return -1
			}
			a, b = a[1:], b[1:]
			continue
		}
		if len(a) == 0 || len(b) == 0 {
			break
		}
		isnum := isDigit(a[0])
		take := func(s string) (string, string) {
			i := 0
			for i < len(s) && ((isnum && isDigit(s[i])) || (!isnum && isAlpha(s[i]))) {
				i++
			}
			return s[:i], s[i:]
		}
		var sa, sb string
		sa, a = take(a)
		sb, b = take(b)
		if sb == "" {
			if isnum {
				return 1
			}
			return -1
		}
		if isnum {
			sa = strings.TrimLeft(sa, "0")
			sb = strings.TrimLeft(sb, "0")
			if len(sa) != len(sb) {
				if len(sa) > len(sb) {
					return 1
				}
				return -1
			}
		}
		if c := strings.Compare(sa, sb); c != 0 {
			return c
		}
	}
	switch {
	case len(a) == 0 && len(b) == 0:
		return 0
	case len(a) == 0:
		return -1
	}
	return 1
}

// compareDebianEVR compares Debian versions with dpkg's algorithm.
func compareDebianEVR(a, b string) int {
	ea, va, ra := splitEVR(a)
	eb, vb, rb := splitEVR(b)
	if c := compareEpoch(ea, eb); c != 0 {
		return c
	}
	if c := dpkgVerRevCmp(va, vb); c != 0 {
		return c
	}
	return dpkgVerRevCmp(ra, rb)
}

func dpkgOrder(s string, i int) int {
	if i >= len(s) {
		return 0
	}
	c := s[i]
	switch {
	case isDigit(c):
		return 0
	case isAlpha(c):
		return int(c)
	case c == '~':
		return -1
	}
	return int(c) + 256
}

func dpkgVerRevCmp(a, b string) int {
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		firstDiff := 0
		for (i < len(a) && !isDigit(a[i])) || (j < len(b) && !isDigit(b[j])) {
			ac, bc := dpkgOrder(a, i), dpkgOrder(b, j)
			if ac != bc {
				return sign(ac - bc)
			}
			i++
			j++
		}
		for i < len(a) && a[i] == '0' {
			i++
		}
		for j < len(b) && b[j] == '0' {
			j++
		}
		for i < len(a) && isDigit(a[i]) && j < len(b) && isDigit(b[j]) {
			if firstDiff == 0 {
				firstDiff = int(a[i]) - int(b[j])
			}
			i++
			j++
		}
		if i < len(a) && isDigit(a[i]) {
			return 1
		}
		if j < len(b) && isDigit(b[j]) {
			return -1
		}
		if firstDiff != 0 {
			return sign(firstDiff)
		}
	}
	return 0
}

func sign(x int) int {
	switch {
	case x < 0:
		return -1
	case x > 0:
		return 1
	}
	return 0
}

// parsePrefix reads an address with an optional /bits or /netmask.
func parsePrefix(s, datatype string) (netip.Prefix, error) {
	s = strings.TrimSpace(s)
	addr, mask, hasMask := strings.Cut(s, "/")
	a, err := netip.ParseAddr(addr)
	if err != nil {
		return netip.Prefix{}, err
	}
	if (datatype == "ipv4_address") != a.Is4() {
		return netip.Prefix{}, fmt.Errorf("%s is not an %s", quote(s), datatype)
	}
	bits := a.BitLen()
	if hasMask {
		if n, err := strconv.Atoi(mask); err == nil {
			bits = n
		} else if m, err := netip.ParseAddr(mask); err == nil && m.Is4() {
			b := m.As4()
			v := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
			bits = 0
			for v&(1<<31) != 0 {
				bits++
				v <<= 1
			}
		} else {
			return netip.Prefix{}, fmt.Errorf("bad netmask in %s", quote(s))
		}
	}
	return a.Prefix(bits)
}

func compareIP(op, datatype, sys, want string) (Result, error) {
	a, err1 := parsePrefix(sys, datatype)
	b, err2 := parsePrefix(want, datatype)
	if err1 != nil || err2 != nil {
		return Error, fmt.Errorf("not an %s: %s vs %s", datatype, quote(sys), quote(want))
	}
	switch op {
	case opSubsetOf:
		return boolResult(a.Bits() >= b.Bits() && b.Contains(a.Addr())), nil
	case opSupersetOf:
		return boolResult(b.Bits() >= a.Bits() && a.Contains(b.Addr())), nil
	case opEquals:
		return boolResult(a == b), nil
	case opNotEqual:
		return boolResult(a != b), nil
	}
	if a.Bits() != b.Bits() {
		return Error, fmt.Errorf("%s with different prefixes: %s vs %s", op, quote(sys), quote(want))
	}
	return ordered(op, a.Addr().Compare(b.Addr()))
}
