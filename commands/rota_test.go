package commands

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mauve-alert/mauve/policy"
	"github.com/mauve-alert/mauve/store"
	"github.com/mauve-alert/mauve/ui"
)

// mauve rota override and mauve rota show against a station on its unix
// socket: the override is recorded with who made it, show marks it, and
// bad input is refused naming the field.
func TestRota_OverrideAndShow(t *testing.T) {
	dir := t.TempDir()
	cfgPath, sock := filepath.Join(dir, "mauve.hcl"), filepath.Join(dir, "run", "mauve.sock")
	cfg := fmt.Sprintf(`station {
  listen {
    socket = %q
  }
}
person "johnny" {
  all       = [log]
  unix_user = %q
}
person "archie" { all = [log] }
rota "ops" {
  people    = ["johnny", "archie"]
  shift     = "1w"
  handoff   = "Mon 09:00"
  time_zone = "Europe/London"
}
`, sock, currentUser(t))
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	p, err := policy.Load(cfgPath, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(filepath.Join(dir, "mauve.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	var pol atomic.Pointer[policy.Policy]
	pol.Store(p)
	srv, err := ui.NewServer(ui.Options{Store: st, Policy: pol.Load, OverridesChanged: func() {
		ov, err := st.Overrides(false)
		if err != nil {
			t.Error(err)
			return
		}
		pol.Store(p.WithOverrides(policy.OverridesFrom(ov)))
	}})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := ui.ListenSocket(sock)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { _ = srv.ServeSocket(ctx, ln) })
	t.Cleanup(func() { cancel(); wg.Wait() })

	// Tomorrow to the day after, whoever holds the shift: within four weeks.
	from := time.Now().Add(24 * time.Hour).Truncate(time.Hour)
	to := from.Add(24 * time.Hour)
	code, out, errOut := runMauve(t, "", nil, "rota", "override", "--config", cfgPath, "--rota", "ops", "--person", "archie",
		"--from", from.Format(time.RFC3339), "--to", to.Format(time.RFC3339))
	if code != 0 || !strings.Contains(out, "override 1: archie covers whoever is on call on ops") {
		t.Fatalf("rota override: %d %q %q", code, out, errOut)
	}
	ov, err := st.Overrides(false)
	if err != nil || len(ov) != 1 || ov[0].CreatedBy != "johnny" {
		t.Fatalf("stored: %+v %v", ov, err)
	}
	code, out, errOut = runMauve(t, "", nil, "rota", "show", "--config", cfgPath)
	if code != 0 || !strings.Contains(out, "rota ops (Europe/London)") || !strings.Contains(out, "now:") ||
		!strings.Contains(out, "next:") || !strings.Contains(out, "archie *") {
		t.Fatalf("rota show: %d %q %q", code, out, errOut)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--rota", "opz", "--person", "archie"}, "rota: there is no rota"},
		{[]string{"--rota", "ops", "--person", "archy"}, "person: there is no person"},
	} {
		args := append([]string{"rota", "override", "--config", cfgPath, "--from", from.Format(time.RFC3339), "--to", to.Format(time.RFC3339)}, c.args...)
		if code, _, errOut := runMauve(t, "", nil, args...); code == 0 || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: %d %q", c.args, code, errOut)
		}
	}
	if code, _, errOut := runMauve(t, "", nil, "rota", "override", "--config", cfgPath, "--rota", "ops", "--person", "archie",
		"--from", to.Format(time.RFC3339), "--to", from.Format(time.RFC3339)); code == 0 || !strings.Contains(errOut, "to:") {
		t.Errorf("end before start: %d %q", code, errOut)
	}
}
