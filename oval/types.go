package oval

import "strings"

// objectTypes lists, for the families stigscan evaluates, every object type
// the OVAL 5.x schemas define (5.3 to 5.11.3, OpenSCAP's yamlfilecontent
// included). An object of one of these types without a probe is "not
// collected"; an object of any other type in these families is no OVAL at
// all, so it is a content error.
var objectTypes = map[string]string{
	"independent": "environmentvariable environmentvariable58 family filehash filehash58 filemd5 ldap ldap57 sql sql57 " +
		"textfilecontent textfilecontent54 variable xmlfilecontent yamlfilecontent",
	"unix": "dnscache file fileextendedattribute gconf inetd interface password process process58 routingtable runlevel " +
		"sccs shadow symlink sysctl uname xinetd",
	"linux": "apparmorstatus dpkginfo iflisteners inetlisteningservers partition rpminfo rpmverify rpmverifyfile " +
		"rpmverifypackage selinuxboolean selinuxsecuritycontext slackwarepkginfo systemdunitdependency systemdunitproperty",
}

// unknownObjectType reports whether an object type is defined by no OVAL
// schema of a family whose types stigscan knows.
func unknownObjectType(family, typ string) bool {
	list, ok := objectTypes[family]
	if !ok {
		return false
	}
	name, found := strings.CutSuffix(typ, "_object")
	if !found {
		return true
	}
	for _, t := range strings.Fields(list) {
		if t == name {
			return false
		}
	}
	return true
}
