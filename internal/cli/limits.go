package cli

import (
	"flag"
	"time"

	"github.com/stigscan/stigscan/collectors/host"
	"github.com/stigscan/stigscan/oval"
)

// limitFlags are the budgets of a scan: what one target's files, items and
// patterns may cost before the object is an error naming the cap.
type limitFlags struct {
	maxFileBytes int64
	maxItems     int
	regexObject  time.Duration
	regexScan    time.Duration
}

func (l *limitFlags) register(fs *flag.FlagSet) {
	fs.Int64Var(&l.maxFileBytes, "max-file-bytes", host.DefaultMaxFileBytes, "largest file read from a target; a larger one makes its check an error")
	fs.IntVar(&l.maxItems, "max-items", oval.DefaultMaxItems, "most items one OVAL object may collect; more makes its check an error")
	fs.DurationVar(&l.regexObject, "regex-budget-object", oval.DefaultRegexPerObject, "regular expression time allowed per OVAL object")
	fs.DurationVar(&l.regexScan, "regex-budget-target", oval.DefaultRegexPerRun, "regular expression time allowed per OVAL document and target")
}

func (l *limitFlags) oval() oval.Limits {
	return oval.Limits{MaxFileBytes: l.maxFileBytes, MaxItems: l.maxItems, RegexPerObject: l.regexObject, RegexPerRun: l.regexScan}
}
