package commands

import (
	"strings"
	"testing"

	"github.com/mauve-alert/mauve/store"
)

// TestToken_ListRevoke: mauve token list shows your tokens by ID and
// label (no secrets); mauve token revoke ID revokes one, on the socket or
// remotely with another token.
func TestToken_ListRevoke(t *testing.T) {
	st := startAckStation(t, currentUser(t))
	var secrets []string
	for _, name := range []string{"laptop", "cron"} {
		code, out, errOut := runMauve(t, "", nil, "token", "create", "--config", st.config, "--name", name)
		if code != 0 {
			t.Fatalf("token create %s: got %d, %q", name, code, errOut)
		}
		secrets = append(secrets, strings.TrimSpace(out))
	}
	laptop, cron := store.TokenID(secrets[0]), store.TokenID(secrets[1])

	code, out, errOut := runMauve(t, "", nil, "token", "list", "--config", st.config)
	if code != 0 || !strings.Contains(out, laptop) || !strings.Contains(out, "laptop") || !strings.Contains(out, cron) {
		t.Fatalf("token list: got %d, %q, %q; want both tokens by ID", code, out, errOut)
	}
	if strings.Contains(out, secrets[0]) || strings.Contains(out, secrets[1]) {
		t.Errorf("token list shows a secret: %q", out)
	}

	remote := map[string]string{"MAUVE_TOKEN": secrets[1]}
	if code, out, errOut = runMauve(t, "", remote, "token", "revoke", laptop, "--server", st.url); code != 0 || !strings.Contains(out, "revoked "+laptop) {
		t.Fatalf("remote revoke: got %d, %q, %q", code, out, errOut)
	}
	if code, out, _ = runMauve(t, "", remote, "token", "list", "--server", st.url); code != 0 || strings.Contains(out, laptop) || !strings.Contains(out, cron) {
		t.Errorf("list after revoke: got %d, %q; want cron alone", code, out)
	}
	if code, _, errOut = runMauve(t, "", map[string]string{"MAUVE_TOKEN": secrets[0]}, "token", "list", "--server", st.url); code != 1 {
		t.Errorf("revoked token still works: got %d, %q", code, errOut)
	}
	if code, _, errOut = runMauve(t, "", nil, "token", "revoke", laptop, "--config", st.config); code != 1 || errOut != "mauve: token revoke "+laptop+": no such token (mauve token list shows the IDs)\n" {
		t.Errorf("revoke twice: got %d, %q; want exit 1 naming the token", code, errOut)
	}
	if code, _, errOut = runMauve(t, "", nil, "token", "revoke", "--config", st.config); code != 1 || errOut != "mauve: token revoke: name a token ID (mauve token list shows them)\n" {
		t.Errorf("revoke with no ID: got %d, %q; want an error", code, errOut)
	}
}

// Root or the station's user, who is no person, is told to name --person
// (not the API's "person: missing").
func TestToken_CreateNotAPerson(t *testing.T) {
	st := startAckStation(t, "not-"+currentUser(t))
	code, out, errOut := runMauve(t, "", nil, "token", "create", "--config", st.config)
	if want := "mauve: token create: you are not a person of this station: give --person NAME for whom the token acts\n"; code != 1 || errOut != want {
		t.Errorf("got %d, %q, %q; want 1, %q", code, out, errOut, want)
	}
	code, out, errOut = runMauve(t, "", nil, "token", "create", "--config", st.config, "--person", "nobody")
	if want := "mauve: token create: person: no person \"nobody\" in the configuration\n"; code != 1 || errOut != want {
		t.Errorf("got %d, %q, %q; want 1, %q", code, out, errOut, want)
	}
}
