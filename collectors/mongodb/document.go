package mongodb

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/stigscan/stigscan/collectors/host"
)

// Value is one value found in a document: where it sits and its text.
type Value struct {
	// Path is the dotted path without array indexes, e.g.
	// "users.roles.role".
	Path string
	// Location is the concrete dotted path, with array indexes, e.g.
	// "users.2.roles.0.role".
	Location string
	// Text is the value as OVAL compares it: strings as they are, booleans
	// "true"/"false", numbers in decimal, dates in RFC 3339 (UTC,
	// milliseconds), UUIDs in their canonical form, other binary data in
	// base64, documents and arrays as relaxed Extended JSON.
	Text string
	// Datatype is the OVAL datatype: "string", "boolean", "int" or
	// "float".
	Datatype string
	// Null is set for a BSON null (Text is empty).
	Null bool
}

// Command runs cmd on database through m: the command is marshalled to
// canonical Extended JSON and the reply decoded into a document.
func Command(ctx context.Context, m host.MongoDatabase, database string, cmd bson.D) (bson.D, error) {
	js, err := bson.MarshalExtJSON(cmd, true, false)
	if err != nil {
		return nil, fmt.Errorf("mongodb: encode %s: %w", cmd[0].Key, err)
	}
	reply, err := m.RunCommand(ctx, database, js)
	if err != nil {
		return nil, err
	}
	return DecodeReply(reply)
}

// DecodeReply reads a reply in Extended JSON (canonical or relaxed).
func DecodeReply(reply []byte) (bson.D, error) {
	var d bson.D
	if err := bson.UnmarshalExtJSON(reply, false, &d); err != nil {
		return nil, fmt.Errorf("mongodb: reply is not Extended JSON: %w", err)
	}
	return d, nil
}

// Lookup finds the values at a dotted path in doc. Arrays met on the way
// are expanded (each element continues the path) unless the next step is
// a number, which indexes the array; an array at the end of the path gives
// one value per element. An empty path gives the whole document. A path
// that leads nowhere gives no values.
func Lookup(doc bson.D, path string) []Value {
	var out []Value
	var steps []string
	if path != "" {
		steps = strings.Split(path, ".")
	}
	lookup(doc, steps, "", "", &out)
	return out
}

func lookup(v any, steps []string, path, loc string, out *[]Value) {
	if a, ok := v.(bson.A); ok {
		if len(steps) > 0 {
			if i, err := strconv.Atoi(steps[0]); err == nil {
				if i >= 0 && i < len(a) {
					lookup(a[i], steps[1:], path, join(loc, steps[0]), out)
				}
				return
			}
		}
		for i, x := range a {
			lookup(x, steps, path, join(loc, strconv.Itoa(i)), out)
		}
		return
	}
	if len(steps) == 0 {
		val := render(v, loc)
		val.Path = path
		*out = append(*out, val)
		return
	}
	d, ok := v.(bson.D)
	if !ok {
		return
	}
	for _, e := range d {
		if e.Key == steps[0] {
			lookup(e.Value, steps[1:], join(path, e.Key), join(loc, e.Key), out)
		}
	}
}

// Walk lists every value of doc: each sub-document (as a whole) and each
// scalar, arrays expanded, in document order. Path is what Lookup takes to
// find the value again.
func Walk(doc bson.D) []Value {
	var out []Value
	walk(doc, "", "", &out, 0)
	return out
}

func walk(v any, path, loc string, out *[]Value, depth int) {
	if depth > 100 {
		return
	}
	switch x := v.(type) {
	case bson.A:
		for i, e := range x {
			walk(e, path, join(loc, strconv.Itoa(i)), out, depth+1)
		}
		return
	case bson.D:
		if path != "" {
			val := render(x, loc)
			val.Path = path
			*out = append(*out, val)
		}
		for _, e := range x {
			walk(e.Value, join(path, e.Key), join(loc, e.Key), out, depth+1)
		}
		return
	}
	val := render(v, loc)
	val.Path = path
	*out = append(*out, val)
}

func join(loc, step string) string {
	if loc == "" {
		return step
	}
	return loc + "." + step
}

// render turns one BSON value into its Value.
func render(v any, loc string) Value {
	val := Value{Location: loc, Datatype: "string"}
	switch x := v.(type) {
	case nil:
		val.Null = true
	case string:
		val.Text = x
	case bool:
		val.Text, val.Datatype = strconv.FormatBool(x), "boolean"
	case int32:
		val.Text, val.Datatype = strconv.FormatInt(int64(x), 10), "int"
	case int64:
		val.Text, val.Datatype = strconv.FormatInt(x, 10), "int"
	case float64:
		val.Text, val.Datatype = strconv.FormatFloat(x, 'f', -1, 64), "float"
	case bson.DateTime:
		val.Text = x.Time().UTC().Format("2006-01-02T15:04:05.000Z07:00")
	case bson.Binary:
		val.Text = binaryText(x)
	case bson.ObjectID:
		val.Text = x.Hex()
	case bson.Decimal128:
		val.Text = x.String()
	case bson.Timestamp:
		val.Text = fmt.Sprintf("%d:%d", x.T, x.I)
	case bson.D, bson.A:
		js, err := bson.MarshalExtJSON(bson.D{{Key: "v", Value: x}}, false, false)
		if err == nil {
			// {"v":…} → …
			val.Text = strings.TrimSuffix(strings.TrimPrefix(string(js), `{"v":`), "}")
		}
	default:
		js, err := bson.MarshalExtJSON(bson.D{{Key: "v", Value: x}}, false, false)
		if err == nil {
			val.Text = strings.TrimSuffix(strings.TrimPrefix(string(js), `{"v":`), "}")
		}
	}
	return val
}

func binaryText(b bson.Binary) string {
	if (b.Subtype == 4 || b.Subtype == 3) && len(b.Data) == 16 {
		h := hex.EncodeToString(b.Data)
		return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
	}
	return base64.StdEncoding.EncodeToString(b.Data)
}

// str returns the string at key of d, or "".
func str(d bson.D, key string) string {
	for _, e := range d {
		if e.Key == key {
			s, _ := e.Value.(string)
			return s
		}
	}
	return ""
}

// get returns the value at key of d.
func get(d bson.D, key string) (any, bool) {
	for _, e := range d {
		if e.Key == key {
			return e.Value, true
		}
	}
	return nil, false
}

// docs returns the documents of the array at key of d.
func docs(d bson.D, key string) []bson.D {
	v, _ := get(d, key)
	a, _ := v.(bson.A)
	out := make([]bson.D, 0, len(a))
	for _, x := range a {
		if dd, ok := x.(bson.D); ok {
			out = append(out, dd)
		}
	}
	return out
}

// sub returns the document at key of d.
func sub(d bson.D, key string) bson.D {
	v, _ := get(d, key)
	dd, _ := v.(bson.D)
	return dd
}

// boolOf reads a BSON boolean or number as a boolean.
func boolOf(v any) bool {
	switch v := v.(type) {
	case bool:
		return v
	case int32:
		return v != 0
	case int64:
		return v != 0
	case float64:
		return v != 0
	}
	return false
}

// timeOf reads a BSON date.
func timeOf(v any) (time.Time, bool) {
	if dt, ok := v.(bson.DateTime); ok {
		return dt.Time().UTC(), true
	}
	return time.Time{}, false
}

// The reply readers below are strict: a field that MongoDB always sends
// with a type, missing or sent with another type, is an error naming it.
// Reading it leniently (as "" or as no elements) would let a reply that
// is not shaped like mongod's read as "nobody holds this power".

// needDocs returns the documents of the array at key of d; the array must
// be there and hold only documents.
func needDocs(d bson.D, key, where string) ([]bson.D, error) {
	v, ok := get(d, key)
	if !ok {
		return nil, fmt.Errorf("mongodb: %s has no %s", where, key)
	}
	return asDocs(v, key, where)
}

// optDocs is needDocs for an array that may be absent.
func optDocs(d bson.D, key, where string) ([]bson.D, error) {
	v, ok := get(d, key)
	if !ok {
		return nil, nil
	}
	return asDocs(v, key, where)
}

func asDocs(v any, key, where string) ([]bson.D, error) {
	a, ok := v.(bson.A)
	if !ok {
		return nil, fmt.Errorf("mongodb: %s: %s is a %s, not an array", where, key, typeName(v))
	}
	out := make([]bson.D, 0, len(a))
	for i, x := range a {
		dd, ok := x.(bson.D)
		if !ok {
			return nil, fmt.Errorf("mongodb: %s: %s[%d] is a %s, not a document", where, key, i, typeName(x))
		}
		out = append(out, dd)
	}
	return out, nil
}

// needStrings returns the strings of the array at key of d (required
// when need is set).
func needStrings(d bson.D, key, where string, need bool) ([]string, error) {
	v, ok := get(d, key)
	if !ok {
		if need {
			return nil, fmt.Errorf("mongodb: %s has no %s", where, key)
		}
		return nil, nil
	}
	a, ok := v.(bson.A)
	if !ok {
		return nil, fmt.Errorf("mongodb: %s: %s is a %s, not an array", where, key, typeName(v))
	}
	out := make([]string, 0, len(a))
	for i, x := range a {
		s, ok := x.(string)
		if !ok {
			return nil, fmt.Errorf("mongodb: %s: %s[%d] is a %s, not a string", where, key, i, typeName(x))
		}
		out = append(out, s)
	}
	return out, nil
}

// needStr returns the string at key of d, which must be there.
func needStr(d bson.D, key, where string) (string, error) {
	v, ok := get(d, key)
	if !ok {
		return "", fmt.Errorf("mongodb: %s has no %s", where, key)
	}
	s, ok := v.(string)
	if !ok {
		return "", fmt.Errorf("mongodb: %s: %s is a %s, not a string", where, key, typeName(v))
	}
	return s, nil
}

// optStr is needStr for a string that may be absent ("").
func optStr(d bson.D, key, where string) (string, error) {
	if _, ok := get(d, key); !ok {
		return "", nil
	}
	return needStr(d, key, where)
}

// optBool returns the boolean at key of d (false when absent); any
// other type is an error.
func optBool(d bson.D, key, where string) (bool, error) {
	v, ok := get(d, key)
	if !ok {
		return false, nil
	}
	b, ok := v.(bool)
	if !ok {
		return false, fmt.Errorf("mongodb: %s: %s is a %s, not a boolean", where, key, typeName(v))
	}
	return b, nil
}

// roleRefs reads an array of {role, db} documents.
func roleRefs(d bson.D, key, where string, need bool) ([]RoleRef, error) {
	read := optDocs
	if need {
		read = needDocs
	}
	ds, err := read(d, key, where)
	if err != nil {
		return nil, err
	}
	out := make([]RoleRef, 0, len(ds))
	for i, x := range ds {
		at := fmt.Sprintf("%s %s[%d]", where, key, i)
		role, err := needStr(x, "role", at)
		if err != nil {
			return nil, err
		}
		db, err := needStr(x, "db", at)
		if err != nil {
			return nil, err
		}
		out = append(out, RoleRef{Role: role, DB: db})
	}
	return out, nil
}

// typeName names a decoded BSON value's type for an error.
func typeName(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "string"
	case bool:
		return "boolean"
	case bson.D:
		return "document"
	case bson.A:
		return "array"
	case int32, int64, float64, bson.Decimal128:
		return "number"
	}
	return fmt.Sprintf("%T", v)
}
