package oval

import "fmt"

// Result is an OVAL result value.
type Result uint8

// Result values, as in the OVAL results schema.
const (
	NotEvaluated Result = iota
	True
	False
	Error
	Unknown
	NotApplicable
)

func (r Result) String() string {
	switch r {
	case True:
		return "true"
	case False:
		return "false"
	case Error:
		return "error"
	case Unknown:
		return "unknown"
	case NotApplicable:
		return "not applicable"
	default:
		return "not evaluated"
	}
}

// ParseResult turns an OVAL result name into a Result.
func ParseResult(s string) (Result, error) {
	for r := NotEvaluated; r <= NotApplicable; r++ {
		if r.String() == s {
			return r, nil
		}
	}
	return NotEvaluated, fmt.Errorf("oval: unknown result %q", s)
}

func negate(r Result, neg bool) Result {
	if !neg {
		return r
	}
	switch r {
	case True:
		return False
	case False:
		return True
	}
	return r
}

// tally counts results by value.
type tally struct{ t, f, e, u, ne, na int }

func (c *tally) add(r Result) {
	switch r {
	case True:
		c.t++
	case False:
		c.f++
	case Error:
		c.e++
	case Unknown:
		c.u++
	case NotApplicable:
		c.na++
	default:
		c.ne++
	}
}

func (c tally) uncertain() (Result, bool) {
	switch {
	case c.e > 0:
		return Error, true
	case c.u > 0:
		return Unknown, true
	case c.ne > 0:
		return NotEvaluated, true
	}
	return 0, false
}

// combine applies an operator (AND, OR, ONE, XOR) or a check (all, at least
// one, only one, none satisfy, none exist) to results, following the OVAL
// 5.11 truth tables as the reference interpreter applies them: no result at
// all gives "unknown"; only not-applicable results give "not applicable";
// otherwise not-applicable results are ignored.
func combine(op string, rs []Result) Result {
	var c tally
	for _, r := range rs {
		c.add(r)
	}
	if c.t+c.f+c.e+c.u+c.ne+c.na == 0 {
		return Unknown
	}
	if c.t+c.f+c.e+c.u+c.ne == 0 {
		return NotApplicable
	}
	switch op {
	case "AND", "all":
		if c.f > 0 {
			return False
		}
		if r, ok := c.uncertain(); ok {
			return r
		}
		return True
	case "OR", "at least one":
		if c.t > 0 {
			return True
		}
		if r, ok := c.uncertain(); ok {
			return r
		}
		return False
	case "ONE", "only one":
		if c.t > 1 {
			return False
		}
		if r, ok := c.uncertain(); ok {
			return r
		}
		if c.t == 1 {
			return True
		}
		return False
	case "XOR":
		if r, ok := c.uncertain(); ok {
			return r
		}
		if c.t%2 == 1 {
			return True
		}
		return False
	case "none satisfy", "none exist":
		if c.t > 0 {
			return False
		}
		if r, ok := c.uncertain(); ok {
			return r
		}
		return True
	}
	return Error
}

// Item statuses and object flags.
const (
	statusExists       = "exists"
	statusDoesNotExist = "does not exist"
	statusError        = "error"
	statusNotCollected = "not collected"

	FlagError         = "error"
	FlagComplete      = "complete"
	FlagIncomplete    = "incomplete"
	FlagDoesNotExist  = "does not exist"
	FlagNotCollected  = "not collected"
	FlagNotApplicable = "not applicable"
)

// existence applies check_existence to counts of existing and erroneous
// items (or entities). Items that do not exist or were not collected do not
// count, as in the reference interpreter.
func existence(check string, exists, errs int) Result {
	switch check {
	case "all_exist":
		switch {
		case errs > 0:
			return Error
		case exists > 0:
			return True
		}
		return False
	case "any_exist":
		if exists == 0 && errs > 0 {
			return Error
		}
		return True
	case "at_least_one_exists":
		switch {
		case exists > 0:
			return True
		case errs > 0:
			return Error
		}
		return False
	case "none_exist":
		switch {
		case errs > 0 && exists == 0:
			return Error
		case exists > 0 && errs == 0:
			return False
		case exists == 0:
			return True
		}
		return Error
	case "only_one_exists":
		switch {
		case exists >= 2:
			return False
		case errs > 0:
			return Error
		case exists == 1:
			return True
		}
		return False
	}
	return Error
}

// countStatuses counts existing and erroneous statuses.
func countStatuses(statuses []string) (exists, errs int) {
	for _, s := range statuses {
		switch s {
		case statusExists, "":
			exists++
		case statusError:
			errs++
		}
	}
	return exists, errs
}
