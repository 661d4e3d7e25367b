package engine

import (
	"strings"

	"github.com/stigscan/stigscan/xccdf"
)

func negateStatus(s Status, neg bool) Status {
	if !neg {
		return s
	}
	switch s {
	case Pass:
		return Fail
	case Fail:
		return Pass
	}
	return s
}

// combine applies an XCCDF complex-check operator. Results that carry no
// truth value (notapplicable, notchecked, informational, notselected) do
// not take part.
func combine(op string, parts []Status) Status {
	var pass, fail, errs, unknown, other int
	for _, s := range parts {
		switch s {
		case Pass, Fixed:
			pass++
		case Fail:
			fail++
		case Error:
			errs++
		case Unknown:
			unknown++
		default:
			other++
		}
	}
	if pass+fail+errs+unknown == 0 {
		if other > 0 {
			return parts[0]
		}
		return Unknown
	}
	if strings.EqualFold(op, "OR") {
		switch {
		case pass > 0:
			return Pass
		case errs > 0:
			return Error
		case unknown > 0:
			return Unknown
		}
		return Fail
	}
	switch {
	case fail > 0:
		return Fail
	case errs > 0:
		return Error
	case unknown > 0:
		return Unknown
	}
	return Pass
}

// score computes the XCCDF default scoring model over the benchmark tree.
func score(b *xccdf.Benchmark, rules []*RuleResult) (float64, float64) {
	// A multi-check rule scores once, as the AND of its instances.
	byRule := map[*xccdf.Rule]*RuleResult{}
	for _, rr := range rules {
		if prev, ok := byRule[rr.Rule]; ok {
			merged := *prev
			merged.Status = combine("AND", []Status{prev.Status, rr.Status})
			byRule[rr.Rule] = &merged
			continue
		}
		byRule[rr.Rule] = rr
	}
	var walk func(items []xccdf.Item) (float64, float64, int)
	walk = func(items []xccdf.Item) (sum, weights float64, count int) {
		for _, it := range items {
			switch v := it.(type) {
			case *xccdf.Rule:
				rr := byRule[v]
				if rr == nil {
					continue
				}
				switch rr.Status {
				case Pass, Fixed:
					sum += 100 * rr.Weight
				case Fail, Error, Unknown:
				default:
					continue
				}
				weights += rr.Weight
				count++
			case *xccdf.Group:
				s, w, c := walk(v.Items)
				if c == 0 || w == 0 {
					continue
				}
				sum += (s / w) * v.Weight
				weights += v.Weight
				count++
			}
		}
		return sum, weights, count
	}
	s, w, _ := walk(b.Items)
	if w == 0 {
		return 0, 100
	}
	return s / w, 100
}
