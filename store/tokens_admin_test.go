package store_test

import (
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/mauve-alert/mauve/store"
)

// TestTokens_ListRevoke: a person lists their own tokens (no secrets) and
// revokes one by ID; a revoked token no longer logs in; nobody revokes
// someone else's token.
func TestTokens_ListRevoke(t *testing.T) {
	st, err := store.Open(filepath.Join(t.TempDir(), "mauve.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	laptop, err := st.CreateToken("johnny", "laptop", t0)
	if err != nil {
		t.Fatal(err)
	}
	cron, err := st.CreateToken("johnny", "cron", t0.Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	archie, err := st.CreateToken("archie", "phone", t0)
	if err != nil {
		t.Fatal(err)
	}

	got, err := st.ListTokens("johnny")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Name != "laptop" || got[1].Name != "cron" {
		t.Fatalf("got %+v, want laptop then cron", got)
	}
	if got[0].ID != store.TokenID(laptop) || len(got[0].ID) != 12 || !got[0].Created.Equal(t0) || got[0].Person != "johnny" {
		t.Errorf("got %+v, want ID %s created %s", got[0], store.TokenID(laptop), t0)
	}

	for _, tc := range []struct {
		name, person, id string
	}{
		{"someone else's", "johnny", store.TokenID(archie)},
		{"not hex", "johnny", "zz"},
		{"too short", "johnny", store.TokenID(cron)[:6]},
		{"unknown", "johnny", "000000000000"},
	} {
		if _, err := st.RevokeToken(tc.person, tc.id); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("%s: got %v, want ErrNotFound", tc.name, err)
		}
	}
	if _, err := st.TokenPerson(archie, t0); err != nil {
		t.Errorf("archie's token after johnny tried to revoke it: %v", err)
	}

	if _, err := st.RevokeToken("johnny", store.TokenID(laptop)); err != nil {
		t.Fatal(err)
	}
	if _, err := st.TokenPerson(laptop, t0); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("revoked token: got %v, want ErrNotFound", err)
	}
	if _, err := st.TokenPerson(cron, t0); err != nil {
		t.Errorf("the other token: %v", err)
	}
	if got, _ := st.ListTokens("johnny"); len(got) != 1 || got[0].Name != "cron" {
		t.Errorf("after revoking got %+v, want cron alone", got)
	}
}
