// Package oval reads OVAL 5.x definitions documents, evaluates them against a
// host and writes OVAL results.
//
// The SCAP elements map onto the code as follows:
//
//   - oval_definitions            → Definitions (Parse, ParseFile)
//   - definition / criteria       → Definition, Criteria, Criterion, ExtendDefinition
//   - *_test, *_object, *_state   → Test, Object, State (generic: one type for every
//     family; the element's local name and family say which kind it is)
//   - constant/external/local_variable → Variable, Component
//   - collected item              → Item, Field
//   - oval_system_characteristics → SystemCharacteristics (ReadSystemCharacteristics)
//   - oval_results                → Results, written by WriteResults
//
// Work is split the way OPA splits policy evaluation: Prepare validates
// references and compiles every regular expression and XPath once; the
// returned Prepared is immutable and safe for concurrent Evaluate calls, one
// per host. Each Evaluate collects every object at most once and memoizes
// tests and definitions for that run.
//
// Options.SystemCharacteristics replays a collected
// oval_system_characteristics document instead of probing (OpenSCAP's
// "oval analyse"); Options.Probes adds or replaces probes by
// "family:object_type" (BuiltinProbes are oval's own; package
// oval/probes/list assembles stigscan's standard set). What is known about
// an object type beyond collecting it lives with its probe, in optional
// one-method interfaces: the files it will read (FilePlanner, for hosts
// that prefetch), its regexp flags (PatternFlagger), its answer on an
// offline root (LiveOnly) and what it needs of a target (Requirer).
//
// Where the OVAL specification leaves room, evaluation follows the
// reference interpreter (OpenSCAP), so results agree with it: an empty
// result set combines to "unknown", a state entity's check_existence counts
// every entity of the item, a variable with no value makes objects that
// read it "does not exist" and states that compare with it "error".
//
// On an offline target (a root folder; host.IsLive false) the object types
// that describe only a running system answer as the reference interpreter
// does under OSCAP_PROBE_ROOT: uname and sysctl objects are "not
// applicable", process58, environmentvariable58 and partition objects have
// no item (their probes are LiveOnly; see offline.go). A live target is
// unaffected.
//
// Problems in content never abort an evaluation, and each result they touch
// names the offending id: a dangling reference, an invalid regular
// expression or an object type no OVAL schema defines gives "error"; a
// circular extend_definition gives "not evaluated" as in the reference
// interpreter, marked DefinitionResult.Circular so XCCDF can call it an
// error; an OVAL object type without a probe is "not collected". The rest
// of the document evaluates normally.
package oval
