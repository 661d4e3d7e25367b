package target_test

import (
	"fmt"

	"github.com/stigscan/stigscan/collectors/list"
)

// A registry finds the kind of a target string, says what it is, prints
// it without its password, names its files and lists the inventory
// settings it takes, each with the flag giving its default. A setting of
// another kind is refused, naming the key because the registry knows it.
func Example() {
	kinds := list.Standard()

	spec := "postgres://scan@db1.example.mil:5432/app?sslmode=verify-full"
	k, ok := kinds.Lookup(spec)
	fmt.Println(ok, k.Name, k.Class, k.Engine)
	fmt.Println(kinds.Name(spec))
	fmt.Println(kinds.Redact("ssh://root:hunter2@web1:2222"), kinds.Name("ssh://root@web1:2222"))
	for _, s := range k.Settings {
		fmt.Printf("%s= --%s\n", s.Key, s.Flag)
	}
	fmt.Println(kinds.Check(spec, map[string]string{"key": "/keys/db1"}))
	fmt.Println(kinds.Check(spec, map[string]string{"ssh-key": "/keys/db1", "db-host": "ssh://scan@db1"}))
	// Output:
	// true postgres database postgresql
	// db1.example.mil_5432_app
	// ssh://root:[redacted]@web1:2222 web1_2222
	// password-env= --db-password-env
	// password-file= --db-password-file
	// db-host= --db-host
	// sslmode= --db-sslmode
	// sslrootcert= --db-sslrootcert
	// key= is an SSH setting; on a database line the SSH login of db-host= is set with ssh-key=
	// <nil>
}
