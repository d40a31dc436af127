package policy_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mauve-alert/mauve/policy"
)

// Load reads an xmpp block's ca_file, relative to the config's directory,
// and reports one it cannot read at the attribute, as file:line:col.
func TestLoad_XMPPCAFile(t *testing.T) {
	dir := t.TempDir()
	ca, err := os.ReadFile("testdata/good/ca.pem")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "xmpp-ca.pem"), ca, 0o644); err != nil {
		t.Fatal(err)
	}
	write := func(caFile string) string {
		t.Helper()
		path := filepath.Join(dir, "mauve.hcl")
		src := "xmpp {\n  jid      = \"mauve@example.org\"\n  password = \"pw\"\n  ca_file  = \"" + caFile + "\"\n}\n"
		if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}

	p, err := policy.Load(write("xmpp-ca.pem"), nil)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if got := string(p.XMPP.CA); got != string(ca) {
		t.Errorf("CA = %q, want the content of xmpp-ca.pem", got)
	}
	if got, want := p.XMPP.CAFile, "xmpp-ca.pem"; got != want {
		t.Errorf("CAFile = %q, want %q (as written)", got, want)
	}
	if got, want := p.XMPP.TLS, "starttls"; got != want {
		t.Errorf("TLS = %q, want the default %q", got, want)
	}

	path := write("missing-ca.pem")
	_, err = policy.Load(path, nil)
	var le *policy.LoadError
	if !errors.As(err, &le) {
		t.Fatalf("Load with a missing ca_file = %v, want a *LoadError", err)
	}
	if want := path + ":4:14: error: Unreadable CA file: ca_file: open " + filepath.Join(dir, "missing-ca.pem"); !strings.HasPrefix(err.Error(), want) {
		t.Errorf("got %q, want it to start %q", err.Error(), want)
	}
}
