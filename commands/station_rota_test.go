package commands

import (
	"bytes"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mauve-alert/mauve/policy"
	"github.com/mauve-alert/mauve/store"
)

// The station hands the store's overrides to the policy, and a reload
// that removes a rota keeps its overrides in the history and logs which
// were dropped.
func TestWithOverrides_ReloadDropsRemovedRota(t *testing.T) {
	st, err := store.Open(filepath.Join(t.TempDir(), "mauve.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	now := time.Date(2026, 10, 21, 12, 0, 0, 0, time.UTC)
	from, to := now.Add(time.Hour), now.Add(49*time.Hour)
	for _, o := range []store.Override{
		{Rota: "ops", Person: "archie", From: from, To: to, CreatedBy: "bob"},
		{Rota: "night", Person: "bob", From: from, To: to, CreatedBy: "archie"},
	} {
		if _, err := st.AddOverride(o, now); err != nil {
			t.Fatal(err)
		}
	}
	people := `
person "johnny" { all = [log] }
person "archie" { all = [log] }
person "bob" { all = [log] }
rota "ops" {
  people = ["johnny", "bob"]
  shift  = "1w"
}
`
	both, diags := policy.Parse([]byte(people+`rota "night" {
  people = ["bob", "johnny"]
  shift  = "1d"
}`), "a.hcl", func(string) string { return "" })
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	p, err := withOverrides(both, st, log, now)
	if err != nil {
		t.Fatal(err)
	}
	if s, _ := p.OnCall("ops", from.Add(time.Minute)); s.Person != "archie" || !s.Override {
		t.Errorf("ops during override: %+v", s)
	}
	if s, _ := p.OnCall("night", from.Add(time.Minute)); s.Person != "bob" || !s.Override {
		t.Errorf("night during override: %+v", s)
	}
	if logs.Len() != 0 {
		t.Errorf("nothing to drop, but logged: %s", logs.String())
	}
	onlyOps, diags := policy.Parse([]byte(people), "a.hcl", func(string) string { return "" })
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	if _, err := withOverrides(onlyOps, st, log, now.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if got := logs.String(); !strings.Contains(got, "rota override dropped") || !strings.Contains(got, "rota=night") || strings.Contains(got, "rota=ops") {
		t.Errorf("log: %s", got)
	}
	all, err := st.Overrides(true)
	if err != nil || len(all) != 2 || !all[0].Removed.IsZero() || all[1].Removed.IsZero() || all[1].Reason == "" {
		t.Errorf("history: %+v %v", all, err)
	}
}
