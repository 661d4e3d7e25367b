package mongodb

import (
	"context"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"time"

	"github.com/stigscan/stigscan/oval"
)

// certificateProbe implements certificate_object: every X.509 certificate
// in the PEM files named by filepath, read through the target's files
// host. A file that does not exist gives no item; one that cannot be read
// at all (no access to the machine) makes the object "not collected".
func certificateProbe(ctx context.Context, q *oval.Query) ([]*oval.Item, error) {
	fe := q.Entity("filepath")
	files, ok := fe.Equals()
	if !ok {
		return nil, errors.New("certificate_object: the filepath entity must be given with operation equals")
	}
	var items []*oval.Item
	for _, file := range files {
		data, err := q.ReadFile(ctx, file)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		idx := 0
		for {
			var b *pem.Block
			b, data = pem.Decode(data)
			if b == nil {
				break
			}
			if b.Type != "CERTIFICATE" {
				continue
			}
			idx++
			c, err := x509.ParseCertificate(b.Bytes)
			if err != nil {
				q.Note("warning", fmt.Sprintf("%s: certificate %d: %v", file, idx, err))
				continue
			}
			items = append(items, newItem("certificate_item",
				oval.StringField("filepath", file),
				oval.IntField("index", int64(idx)),
				oval.StringField("subject", distinguishedName(c.RawSubject, c.Subject)),
				oval.StringField("issuer", distinguishedName(c.RawIssuer, c.Issuer)),
				oval.StringField("not_before", c.NotBefore.UTC().Format(time.RFC3339)),
				oval.StringField("not_after", c.NotAfter.UTC().Format(time.RFC3339)),
				oval.BoolField("is_ca", c.IsCA),
				oval.BoolField("self_signed", c.Subject.String() == c.Issuer.String() && c.CheckSignatureFrom(c) == nil),
			))
		}
	}
	return items, nil
}

// distinguishedName renders a name in RFC 2253 form from its encoding, so
// that repeated attributes (two OUs) stay separate RDNs in their order,
// which pkix.Name.String folds together.
func distinguishedName(raw []byte, parsed pkix.Name) string {
	var seq pkix.RDNSequence
	if rest, err := asn1.Unmarshal(raw, &seq); err == nil && len(rest) == 0 {
		return seq.String()
	}
	return parsed.String()
}
