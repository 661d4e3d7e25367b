package host

// Class says what a target is: a machine whose files and commands are
// read, or a database whose server is queried (its machine's files
// reached through another Host).
type Class string

// The classes of targets.
const (
	Machine  Class = "machine"
	Database Class = "database"
)

// Kind names the kind of target a Host is, as the target registry
// (package collectors/target) declares it. Results carry it, so writers
// mark a database checklist from it instead of guessing from the
// target's name.
type Kind struct {
	// Name is the kind's registry name: "local", "root", "ssh",
	// "postgres", "mongodb", "oracle".
	Name  string
	Class Class
	// Engine names a database's engine as its checks do (OVAL sql57's
	// "postgresql", "oracle"; "mongodb"); empty for machines.
	Engine string
}

// IsDatabase reports whether k is a database kind.
func (k Kind) IsDatabase() bool { return k.Class == Database }

// KindProvider is an optional ability: a Host that says which kind of
// target it is. Every Host the standard kinds open implements it.
type KindProvider interface {
	Kind() Kind
}

// KindOf is h's kind, or the local machine's (class Machine, name
// "local") when h does not say.
func KindOf(h Host) Kind {
	if kp, ok := h.(KindProvider); ok {
		return kp.Kind()
	}
	return Kind{Name: "local", Class: Machine}
}
