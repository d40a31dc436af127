package policy

import (
	"crypto/x509"
	"encoding/pem"
	"net/netip"
	"path/filepath"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// Attribute kinds shared by channel blocks: header maps, PEM files and
// loopback addresses.

// headers decodes the optional "headers" attribute: a map of HTTP header
// names to values. Names must be HTTP tokens and values single lines. It
// returns nil when the attribute is absent or wrong.
func (l *loader) headers(as hcl.Attributes) map[string]string {
	a, ok := as["headers"]
	if !ok {
		return nil
	}
	v, ok := l.value(a)
	if !ok {
		return nil
	}
	m, err := convert.Convert(v, cty.Map(cty.String))
	if err != nil || m.IsNull() {
		l.diags = append(l.diags, errorAt(a.Expr.Range(), "Wrong type", "headers must be a map of strings, like { \"X-Key\" = \"...\" }"))
		return nil
	}
	out := map[string]string{}
	vals := m.AsValueMap()
	for _, k := range sortedKeys(vals) {
		hv := vals[k]
		if hv.IsNull() {
			l.diags = append(l.diags, errorAt(a.Expr.Range(), "Missing value", "header %q must not be null", k))
			continue
		}
		if !headerToken(k) {
			l.diags = append(l.diags, errorAt(a.Expr.Range(), "Invalid header name",
				"%q is not an HTTP header name (letters, digits and !#$%%&'*+-.^_`|~ only), like \"Authorization\"", k))
			continue
		}
		val := hv.AsString()
		if strings.ContainsAny(val, "\r\n\x00") {
			// The value is a secret: say where, never what.
			l.diags = append(l.diags, errorAt(a.Expr.Range(), "Invalid header value",
				"the value of header %q holds a line break or NUL; header values must be one line", k))
			continue
		}
		out[k] = val
	}
	return out
}

// headerToken reports whether s is an HTTP token (RFC 9110 §5.6.2).
func headerToken(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range []byte(s) {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0:
		default:
			return false
		}
	}
	return true
}

// readPEM reads a PEM bundle of certificates named by attribute a. A
// relative name is taken from the config file's directory. Without a file
// reader (Parse, as opposed to Load or ParseFiles) it reads nothing and
// returns nil.
func (l *loader) readPEM(a *hcl.Attribute, name string) []byte {
	if l.readFile == nil {
		return nil
	}
	if name == "" {
		l.diags = append(l.diags, errorAt(a.Expr.Range(), "Missing value", "%s must name a PEM file of CA certificates", a.Name))
		return nil
	}
	path := name
	if !filepath.IsAbs(path) {
		path = filepath.Join(filepath.Dir(l.p.Filename), path)
	}
	data, err := l.readFile(path)
	if err != nil {
		l.diags = append(l.diags, errorAt(a.Expr.Range(), "Unreadable CA file",
			"%s: %v; want a readable PEM file of CA certificates", a.Name, err))
		return nil
	}
	n := 0
	for rest := data; ; {
		var blk *pem.Block
		blk, rest = pem.Decode(rest)
		if blk == nil {
			break
		}
		if blk.Type != "CERTIFICATE" {
			continue
		}
		if _, err := x509.ParseCertificate(blk.Bytes); err != nil {
			l.diags = append(l.diags, errorAt(a.Expr.Range(), "Invalid CA file",
				"%s: certificate %d of %s: %v", a.Name, n+1, path, err))
			return nil
		}
		n++
	}
	if n == 0 {
		l.diags = append(l.diags, errorAt(a.Expr.Range(), "Invalid CA file",
			"%s: %s holds no PEM certificate (want \"-----BEGIN CERTIFICATE-----\" blocks)", a.Name, path))
		return nil
	}
	return data
}

// loopbackHostPort reports whether hostport ("127.0.0.1:5222",
// "[::1]:5222", "localhost:5222") names the loopback interface.
func loopbackHostPort(hostport string) bool {
	if ap, err := netip.ParseAddrPort(hostport); err == nil {
		return ap.Addr().Unmap().IsLoopback()
	}
	host, _, ok := strings.Cut(hostport, ":")
	return ok && host == "localhost"
}
