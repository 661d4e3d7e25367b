// Package ckl reads and writes STIG Viewer 2 checklists (.ckl), the XML
// form eMASS and STIG Manager import, valid against DISA's
// U_Checklist_Schema_V2.xsd.
//
// Mapping onto the format:
//
//	CHECKLIST                  Checklist
//	  ASSET                    Asset (the target: host names, addresses, role, web/database)
//	  STIGS/iSTIG              STIG, one per benchmark
//	    STIG_INFO/SI_DATA      STIG.Info (version, releaseinfo, stigid, uuid, …)
//	    VULN                   Vuln, one per rule
//	      STIG_DATA            Vuln.Data (Vuln_Num, Rule_ID, Rule_Ver, CCI_REF, …)
//	      STATUS               Vuln.Status: NotAFinding, Open, Not_Applicable, Not_Reviewed
//	      FINDING_DETAILS …    Vuln.FindingDetails, Comments, SeverityOverride, SeverityJustification
//
// Read and Encode round-trip any checklist (XML comments such as
// Evaluate-STIG's are kept); Writer builds a checklist from scan results.
package ckl

import "github.com/stigscan/stigscan/engine"

// Checklist statuses.
const (
	NotAFinding   = "NotAFinding"
	Open          = "Open"
	NotApplicable = "Not_Applicable"
	NotReviewed   = "Not_Reviewed"
)

// Checklist is a whole .ckl document.
type Checklist struct {
	// Comments are the XML comments before the root element (the tool
	// that wrote the file; Evaluate-STIG's metadata).
	Comments []string
	Asset    Asset
	STIGs    []STIG
}

// Asset is the checklist's target data. Fields are kept as written;
// WebOrDatabase is "true" or "false".
type Asset struct {
	Role          string
	AssetType     string
	Marking       string
	HostName      string
	HostIP        string
	HostMAC       string
	HostGUID      string
	HostFQDN      string
	TargetComment string
	TechArea      string
	TargetKey     string
	STIGGUID      string
	WebOrDatabase string
	WebDBSite     string
	WebDBInstance string
}

// STIG is one iSTIG: a benchmark's metadata and its rules.
type STIG struct {
	Comments []string // XML comments inside iSTIG
	Info     []SIData
	Vulns    []Vuln
}

// SIData is one STIG_INFO entry. A nil Data writes SID_NAME alone, as STIG
// Viewer does for empty fields.
type SIData struct {
	Name string
	Data *string
}

// Vuln is one rule of a checklist.
type Vuln struct {
	Comments              []string // XML comments inside VULN
	Data                  []StigData
	Status                string
	FindingDetails        string
	Comment               string // COMMENTS
	SeverityOverride      string
	SeverityJustification string
}

// StigData is one VULN_ATTRIBUTE / ATTRIBUTE_DATA pair.
type StigData struct {
	Attribute string
	Data      string
}

// InfoValue returns the SID_DATA of the named STIG_INFO entry.
func (s *STIG) InfoValue(name string) string {
	for _, d := range s.Info {
		if d.Name == name && d.Data != nil {
			return *d.Data
		}
	}
	return ""
}

// Attr returns the first value of a STIG_DATA attribute.
func (v *Vuln) Attr(name string) string {
	for _, d := range v.Data {
		if d.Attribute == name {
			return d.Data
		}
	}
	return ""
}

// Attrs returns every non-empty value of a repeated attribute (CCI_REF,
// LEGACY_ID).
func (v *Vuln) Attrs(name string) []string {
	var out []string
	for _, d := range v.Data {
		if d.Attribute == name && d.Data != "" {
			out = append(out, d.Data)
		}
	}
	return out
}

// StatusOf maps a checklist result (as XCCDF result words: pass, fail,
// notapplicable, anything else) onto a CKL status.
func StatusOf(s engine.Status) string {
	switch s {
	case engine.Pass:
		return NotAFinding
	case engine.Fail:
		return Open
	case engine.NotApplicable:
		return NotApplicable
	}
	return NotReviewed
}

// ResultOf maps a CKL status onto an XCCDF result word; unknown statuses
// are notchecked.
func ResultOf(status string) engine.Status {
	switch status {
	case NotAFinding:
		return engine.Pass
	case Open:
		return engine.Fail
	case NotApplicable:
		return engine.NotApplicable
	}
	return engine.NotChecked
}
