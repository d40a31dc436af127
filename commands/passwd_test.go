package commands

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// TestPasswdChild is the `mauve passwd` process that
// TestPasswd_Terminal runs inside tmux (this test binary, re-executed);
// run directly it does nothing.
func TestPasswdChild(t *testing.T) {
	out := os.Getenv("MAUVE_PASSWD_CHILD")
	if out == "" {
		return
	}
	f, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	env := &Env{Stdin: os.Stdin, Stdout: f, Stderr: os.Stderr, Getenv: os.Getenv, Now: time.Now}
	if code := Main(t.Context(), []string{"mauve", "passwd", "--cost", "4"}, env); code != 0 {
		t.Fatalf("exit %d", code)
	}
}

// TestPasswd_Terminal: on a real terminal (tmux), mauve passwd asks twice
// without echoing and prints a hash of what was typed.
func TestPasswd_Terminal(t *testing.T) {
	dir := t.TempDir()
	sock, out := filepath.Join(dir, "tmux.sock"), filepath.Join(dir, "hash")
	tmux := func(args ...string) string {
		t.Helper()
		b, err := exec.Command("tmux", append([]string{"-S", sock}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("tmux %v: %v: %s (apt-get install tmux)", args, err, b)
		}
		return string(b)
	}
	child := strings.Join([]string{"env", "MAUVE_PASSWD_CHILD=" + out, os.Args[0], "-test.run=^TestPasswdChild$", "; sleep 30"}, " ")
	tmux("new-session", "-d", "-s", "pw", "-x", "80", "-y", "10", child)
	t.Cleanup(func() { _ = exec.Command("tmux", "-S", sock, "kill-server").Run() })
	waitScreen := func(what string) string {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for {
			s := tmux("capture-pane", "-p", "-t", "pw")
			if strings.Contains(s, what) {
				return s
			}
			if time.Now().After(deadline) {
				t.Fatalf("the screen never showed %q; it shows:\n%s", what, s)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	waitScreen("Password:")
	tmux("send-keys", "-t", "pw", "-l", "typed in secret")
	tmux("send-keys", "-t", "pw", "Enter")
	waitScreen("Again:")
	tmux("send-keys", "-t", "pw", "-l", "typed in secret")
	tmux("send-keys", "-t", "pw", "Enter")
	screen := waitScreen("PASS")
	if strings.Contains(screen, "typed in secret") {
		t.Errorf("the password was echoed:\n%s", screen)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if err := bcrypt.CompareHashAndPassword([]byte(strings.TrimSpace(string(b))), []byte("typed in secret")); err != nil {
		t.Errorf("got %q, not a hash of the typed password: %v", b, err)
	}
}
