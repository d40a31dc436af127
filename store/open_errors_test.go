package store

import (
	"os"
	"path/filepath"
	"testing"
)

// A database that does not open is named once, with what would be right.
func TestOpen_ErrorMessages(t *testing.T) {
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage.db")
	if err := os.WriteFile(garbage, []byte("not a database at all, but long enough to read a header from it..."), 0o600); err != nil {
		t.Fatal(err)
	}
	missingDir := filepath.Join(dir, "none", "mauve.db")
	tests := []struct {
		path, want string
	}{
		{missingDir, "database " + missingDir + ": no such file or directory (give --db or station.database a file in a writable directory)"},
		{garbage, "database " + garbage + ": invalid database: not a mauve database, or a damaged one (give --db another file)"},
	}
	for _, tc := range tests {
		s, err := Open(tc.path, Options{})
		if err == nil {
			s.Close()
			t.Errorf("%s: opened, want an error", tc.path)
			continue
		}
		if got := err.Error(); got != tc.want {
			t.Errorf("got %q, want %q", got, tc.want)
		}
	}
}
