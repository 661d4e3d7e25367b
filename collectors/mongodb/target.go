package mongodb

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.mongodb.org/mongo-driver/v2/mongo/readpref"

	"github.com/stigscan/stigscan/collectors/host"
	"github.com/stigscan/stigscan/collectors/internal/dbtarget"
)

// appName is what the scan's connections show in currentOp and the logs.
const appName = "stigscan"

// Target is one MongoDB deployment reached with the target's credentials,
// and the host holding the server's files. It is safe for concurrent use;
// Close releases the connections.
type Target struct {
	ep Endpoint
	// Host is the server machine: file and command reads go to it.
	host.Host
	base   *dbtarget.Target
	cfg    Config
	log    *slog.Logger
	client *mongo.Client

	// Learned at Open; read-only after.
	version  string   // buildInfo.version
	modules  []string // buildInfo.modules ("enterprise")
	warnings []string // see Warnings
}

// kind names MongoDB to the shared target code.
var kind = dbtarget.Kind{Name: "mongodb"}

var (
	_ host.Host          = (*Target)(nil)
	_ host.Warner        = (*Target)(nil)
	_ host.MongoDatabase = (*Target)(nil)
	_ host.FactsProvider = (*Target)(nil)
	_ host.Live          = (*Target)(nil)
)

// Open connects to the deployment named by uri (mongodb:// or
// mongodb+srv://, without a password) and checks the login with ping and
// buildInfo. files is the server machine (nil means host.Unavailable: its
// files cannot be read). A single host without a replicaSet option is
// reached directly, so the commands describe that very server.
func Open(ctx context.Context, uri string, cfg Config, files host.Host) (*Target, error) {
	ep, err := ParseURI(uri)
	if err != nil {
		return nil, err
	}
	return OpenEndpoint(ctx, ep, cfg, files)
}

// OpenEndpoint is Open with a parsed URI.
func OpenEndpoint(ctx context.Context, ep Endpoint, cfg Config, files host.Host) (*Target, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	desc := ep.String()
	files = dbtarget.ServerFiles(files, desc)
	opts, err := clientOptions(ep, cfg)
	if err != nil {
		return nil, fmt.Errorf("mongodb: %s: %w", desc, err)
	}
	client, err := mongo.Connect(opts)
	if err != nil {
		return nil, fmt.Errorf("mongodb: %s: %w", desc, err)
	}
	base := dbtarget.New(kind, desc, cfg.Logger, func() error {
		if err := client.Disconnect(context.Background()); err != nil {
			return fmt.Errorf("mongodb: %s: close: %w", desc, err)
		}
		return nil
	})
	t := &Target{ep: ep, Host: files, base: base, cfg: cfg, log: base.Logger(), client: client}
	if err := t.learn(ctx); err != nil {
		_ = client.Disconnect(context.WithoutCancel(ctx))
		return nil, err
	}
	t.log.Info("mongodb: connected", "version", t.version, "modules", t.modules, "files", files.Describe())
	for _, w := range t.warnings {
		t.log.Warn(w)
	}
	return t, nil
}

// clientOptions builds the driver's options from the endpoint and Config:
// the URI carries no user information, credentials go through
// options.Credential.
func clientOptions(ep Endpoint, cfg Config) (*options.ClientOptions, error) {
	opts := options.Client().ApplyURI(ep.driverURI())
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	opts.SetAppName(appName).
		SetConnectTimeout(cfg.ConnectTimeout).
		SetServerSelectionTimeout(cfg.ConnectTimeout).
		SetRetryWrites(false).
		SetMaxPoolSize(4)
	_, hasRS := ep.Option("replicaSet")
	_, hasDirect := ep.Option("directConnection")
	if !ep.SRV && len(ep.Hosts) == 1 && !hasRS && !hasDirect {
		opts.SetDirect(true)
	}
	if opts.ReadPreference == nil {
		opts.SetReadPreference(readpref.PrimaryPreferred())
	}

	mech := cfg.AuthMechanism
	if mech == "" {
		if v, ok := ep.Option("authMechanism"); ok {
			mech = strings.ToUpper(v)
		}
	}
	source := cfg.AuthSource
	if source == "" {
		source, _ = ep.Option("authSource")
	}
	switch {
	case mech == MechanismX509:
		if cfg.TLSCertificateKeyFile == "" {
			if _, ok := ep.Option("tlsCertificateKeyFile"); !ok {
				return nil, errors.New("MONGODB-X509 needs a client certificate (Config.TLSCertificateKeyFile)")
			}
		}
		if !cfg.Password.IsZero() {
			return nil, errors.New("MONGODB-X509 takes no password")
		}
		opts.SetAuth(options.Credential{AuthMechanism: MechanismX509, AuthSource: "$external", Username: ep.User})
	case ep.User != "":
		if cfg.Password.IsZero() {
			return nil, fmt.Errorf("user %q needs a password (Config.Password) or MONGODB-X509 with a client certificate", ep.User)
		}
		if source == "" {
			source = ep.Database
		}
		if source == "" {
			source = "admin"
		}
		opts.SetAuth(options.Credential{
			AuthMechanism: mech,
			AuthSource:    source,
			Username:      ep.User,
			Password:      cfg.Password.Reveal(),
			PasswordSet:   true,
		})
	case !cfg.Password.IsZero():
		return nil, errors.New("a password was given but the target URI names no user")
	}

	if cfg.TLS || cfg.TLSCAFile != "" || cfg.TLSCertificateKeyFile != "" || cfg.TLSServerName != "" {
		tc, err := tlsConfig(cfg, opts.TLSConfig)
		if err != nil {
			return nil, err
		}
		opts.SetTLSConfig(tc)
	}
	return opts, nil
}

// tlsConfig builds the client TLS settings from Config, on top of what the
// URI's options set up.
func tlsConfig(cfg Config, base *tls.Config) (*tls.Config, error) {
	tc := &tls.Config{MinVersion: tls.VersionTLS12}
	if base != nil {
		tc = base.Clone()
		if tc.MinVersion < tls.VersionTLS12 {
			tc.MinVersion = tls.VersionTLS12
		}
	}
	if cfg.TLSCAFile != "" {
		pem, err := os.ReadFile(cfg.TLSCAFile)
		if err != nil {
			return nil, fmt.Errorf("TLS CA file: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("TLS CA file %s holds no PEM certificate", cfg.TLSCAFile)
		}
		tc.RootCAs = pool
	}
	if cfg.TLSCertificateKeyFile != "" {
		pem, err := os.ReadFile(cfg.TLSCertificateKeyFile)
		if err != nil {
			return nil, fmt.Errorf("TLS certificate key file: %w", err)
		}
		// MongoDB's convention: certificate and key in one PEM file.
		cert, err := tls.X509KeyPair(pem, pem)
		if err != nil {
			return nil, fmt.Errorf("TLS certificate key file %s: %w", cfg.TLSCertificateKeyFile, err)
		}
		tc.Certificates = []tls.Certificate{cert}
	}
	if cfg.TLSServerName != "" {
		tc.ServerName = cfg.TLSServerName
	}
	return tc, nil
}

// learn checks the login and reads the server's version.
func (t *Target) learn(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, t.cfg.ConnectTimeout+t.cfg.CommandTimeout)
	defer cancel()
	if err := t.client.Database("admin").RunCommand(ctx, bson.D{{Key: "ping", Value: 1}}).Err(); err != nil {
		var ce mongo.CommandError
		if errors.As(err, &ce) && ce.Code == codeAuthenticationFailed || strings.Contains(err.Error(), "AuthenticationFailed") {
			return kind.Errorf(ErrAuth, "%s as %q", t.Describe(), t.ep.User)
		}
		return t.base.Errorf("%w", err)
	}
	var bi struct {
		Version string   `bson:"version"`
		Modules []string `bson:"modules"`
	}
	if err := t.client.Database("admin").RunCommand(ctx, bson.D{{Key: "buildInfo", Value: 1}}).Decode(&bi); err != nil {
		return t.base.Errorf("buildInfo: %w", commandErr("buildInfo", err))
	}
	t.version, t.modules = bi.Version, bi.Modules
	t.warnings = t.learnRoles(ctx)
	return nil
}

// Close releases the connections. Later calls fail with ErrClosed.
func (t *Target) Close() error { return t.base.Close() }

// Describe is the URI without options or password:
// mongodb://user@host:port/db.
func (t *Target) Describe() string { return t.base.Describe() }

// Endpoint returns the parsed target.
func (t *Target) Endpoint() Endpoint { return t.ep }

// Files returns the host holding the server's files.
func (t *Target) Files() host.Host { return t.Host }

// ServerVersion is buildInfo's version, e.g. "4.4.29" (a compatible server
// such as FerretDB reports the MongoDB version it imitates).
func (t *Target) ServerVersion() string { return t.version }

// Modules are buildInfo's modules; MongoDB Enterprise lists "enterprise".
func (t *Target) Modules() []string { return append([]string(nil), t.modules...) }

// IsLive reports whether the files host is a running system; the database
// itself always is.
func (t *Target) IsLive() bool { return host.IsLive(t.Host) }

// Facts describes the server machine: the files host's facts when it has
// them, else what hostInfo says (host name, operating system).
func (t *Target) Facts(ctx context.Context) (host.Facts, error) {
	f, err := t.base.Facts(ctx, t.Host, "", "")
	if err != nil {
		return host.Facts{}, err
	}
	if f.Hostname != "" && f.OS != "" {
		return f, nil
	}
	hi, err := HostInfo(ctx, t)
	if err != nil {
		t.log.Debug("mongodb: hostInfo", "err", err)
		return f, nil
	}
	name := hi.Hostname
	if h, _, err := net.SplitHostPort(name); err == nil {
		name = h
	}
	dbtarget.CompleteFacts(&f, name, "")
	if f.OS == "" {
		f.OS = strings.TrimSpace(hi.OSName + " " + hi.OSVersion)
	}
	return f, nil
}

// RunCommand runs one allow-listed read-only command (see CheckCommand)
// on database. The command is MongoDB Extended JSON (canonical or relaxed);
// the reply is canonical Extended JSON. A reply with a cursor comes back
// whole: the target drains it with getMore and returns every document in
// cursor.firstBatch with cursor.id 0.
func (t *Target) RunCommand(ctx context.Context, database string, command []byte) ([]byte, error) {
	if t.base.Closed() {
		return nil, kind.Errorf(ErrClosed, "%s", t.Describe())
	}
	var cmd bson.D
	if err := bson.UnmarshalExtJSON(command, false, &cmd); err != nil {
		return nil, fmt.Errorf("mongodb: command is not Extended JSON: %w", err)
	}
	if err := CheckCommand(database, cmd); err != nil {
		return nil, err
	}
	what := commandLabel(cmd)
	ctx, cancel := context.WithTimeout(ctx, t.cfg.CommandTimeout)
	defer cancel()
	t.log.Debug("mongodb: command", "database", database, "command", what)
	db := t.client.Database(database)
	raw, err := db.RunCommand(ctx, pinCommand(cmd, t.cfg.CommandTimeout)).Raw()
	if err != nil {
		return nil, t.base.Errorf("%s on %s: %w", what, database, commandErr(what, err))
	}
	reply, err := t.drain(ctx, db, raw)
	if err != nil {
		return nil, t.base.Errorf("%s on %s: %w", what, database, err)
	}
	if cmd[0].Key == "usersInfo" {
		scrubUsers(reply)
	}
	out, err := bson.MarshalExtJSON(reply, true, false)
	if err != nil {
		return nil, t.base.Errorf("%s reply: %w", what, err)
	}
	return out, nil
}

// commandLabel names a command for messages: its name, and for aggregate
// the first stage.
func commandLabel(cmd bson.D) string {
	name := cmd[0].Key
	if name != "aggregate" {
		return name
	}
	for _, e := range cmd[1:] {
		if p, ok := e.Value.(bson.A); ok && e.Key == "pipeline" && len(p) > 0 {
			if st, ok := p[0].(bson.D); ok && len(st) > 0 {
				return "aggregate " + st[0].Key
			}
		}
	}
	return name
}

// drain follows a reply's cursor to its end with getMore and returns the
// reply with every document in cursor.firstBatch.
func (t *Target) drain(ctx context.Context, db *mongo.Database, raw bson.Raw) (bson.D, error) {
	var reply bson.D
	if err := bson.Unmarshal(raw, &reply); err != nil {
		return nil, err
	}
	ci := -1
	for i, e := range reply {
		if e.Key == "cursor" {
			ci = i
		}
	}
	if ci < 0 {
		return reply, nil
	}
	cur, ok := reply[ci].Value.(bson.D)
	if !ok {
		return reply, nil
	}
	var id int64
	var ns string
	var batch bson.A
	bi := -1
	for i, e := range cur {
		switch e.Key {
		case "id":
			id, _ = e.Value.(int64)
		case "ns":
			ns, _ = e.Value.(string)
		case "firstBatch":
			batch, _ = e.Value.(bson.A)
			bi = i
		}
	}
	if id == 0 || bi < 0 {
		return reply, nil
	}
	_, coll, _ := strings.Cut(ns, ".")
	for id != 0 {
		if len(batch) > MaxCursorDocuments {
			return nil, fmt.Errorf("%w: more than %d", ErrTooLarge, MaxCursorDocuments)
		}
		var more struct {
			Cursor struct {
				ID        int64  `bson:"id"`
				NextBatch bson.A `bson:"nextBatch"`
			} `bson:"cursor"`
		}
		err := db.RunCommand(ctx, bson.D{{Key: "getMore", Value: id}, {Key: "collection", Value: coll}}).Decode(&more)
		if err != nil {
			return nil, commandErr("getMore", err)
		}
		batch = append(batch, more.Cursor.NextBatch...)
		id = more.Cursor.ID
	}
	cur[bi].Value = batch
	for i := range cur {
		if cur[i].Key == "id" {
			cur[i].Value = int64(0)
		}
	}
	reply[ci].Value = cur
	return reply, nil
}
