// Package mongodb implements stigscan's own OVAL test types for MongoDB,
// in the namespace urn:stigscan:oval-definitions-5#mongodb (family
// "mongodb"), on top of host.MongoDatabase. docs/oval-mongodb.md describes
// the types and docs/schemas/stigscan-mongodb-definitions.xsd defines them.
//
// How the types map onto the code:
//
//   - command_object → commandProbe: any allow-listed read-only command
//     (Extended JSON), one command_item per value at a dotted path of the
//     reply, arrays expanded.
//   - parameter_object → parameterProbe: server parameters (getParameter)
//     with where their value comes from (getCmdLineOpts setParameter).
//   - mongodconf_object → confProbe: mongod.conf settings read through the
//     target's files host, or the running server's parsed options.
//   - session_object → sessionProbe: logical sessions ($listSessions) with
//     their idle time at the probe's clock.
//   - privilege_object → privilegeProbe: each user's effective actions
//     (usersInfo, then rolesInfo with privileges in each role's database).
//   - user_object → userProbe: users with their roles and mechanisms.
//   - collection_object → collectionProbe: collections and whether they
//     have a validator (listCollections).
//   - certificate_object → certificateProbe: X.509 certificates of a PEM
//     file on the server machine.
//
// Probes registers them for oval.Options.Probes (and engine.Options.Probes)
// under "mongodb:<type>_object"; package oval/probes/list adds them to the
// standard set. Every type but certificate_object requires a MongoDB target
// (oval.Requirer): on any other it is "not collected" with the reason. A
// command the server does not know (FerretDB has no rolesInfo or
// $listSessions) gives an error that says the server does not support it.
package mongodb
