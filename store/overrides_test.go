package store_test

import (
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/mauve-alert/mauve/store"
)

// Overrides are recorded with who made them, survive a restart, are kept
// in the history when removed, and a reload's dropped rota marks its
// overrides removed with the reason.
func TestOverrides_RecordRemoveSurviveRestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "mauve.db")
	st, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 10, 21, 12, 0, 0, 0, time.UTC)
	from, to := time.Date(2026, 10, 23, 17, 0, 0, 0, time.UTC), time.Date(2026, 10, 25, 18, 0, 0, 0, time.UTC)
	if _, err := st.AddOverride(store.Override{Rota: "ops", Person: "archie", Covers: "johnny", From: to, To: from, CreatedBy: "bob"}, now); !errors.Is(err, store.ErrBadOverride) {
		t.Errorf("end before start: got %v, want ErrBadOverride", err)
	}
	a, err := st.AddOverride(store.Override{Rota: "ops", Person: "archie", Covers: "johnny", From: from, To: to, CreatedBy: "bob"}, now)
	if err != nil {
		t.Fatal(err)
	}
	b, err := st.AddOverride(store.Override{Rota: "night", Person: "bob", From: from, To: to, CreatedBy: "archie"}, now)
	if err != nil {
		t.Fatal(err)
	}
	c, err := st.AddOverride(store.Override{Rota: "ops", Person: "bob", From: from, To: to, CreatedBy: "archie"}, now)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.RemoveOverride(c.ID, "archie", "mistake", now.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if _, err := st.RemoveOverride(c.ID, "archie", "again", now.Add(time.Minute)); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("second remove: got %v, want ErrNotFound", err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	st, err = store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	got, err := st.Overrides(false)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0] != a || got[1] != b || got[0].CreatedBy != "bob" || !got[0].Created.Equal(now) {
		t.Fatalf("after restart: got %+v", got)
	}
	dropped, err := st.DropOverrides(func(r string) bool { return r == "ops" }, `rota "night" removed from the configuration`, now.Add(time.Hour))
	if err != nil || len(dropped) != 1 || dropped[0].ID != b.ID {
		t.Fatalf("drop: got %+v, %v", dropped, err)
	}
	all, err := st.Overrides(true)
	if err != nil || len(all) != 3 {
		t.Fatalf("history: got %+v, %v", all, err)
	}
	if all[1].Removed.IsZero() || all[1].Reason != `rota "night" removed from the configuration` || all[2].RemovedBy != "archie" {
		t.Errorf("history marks: %+v", all)
	}
	if standing, _ := st.Overrides(false); len(standing) != 1 || standing[0].ID != a.ID {
		t.Errorf("standing: got %+v", standing)
	}
}
