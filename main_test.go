package main

// End to end: the real binary, built once, run as mauve and through the
// mauvesend, mauveserver and mauveclient links.

import (
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mauve-alert/mauve/wire"
)

func TestBinary(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "mauve")
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is needed to build mauve: %v", err)
	}
	build := exec.Command(gobin, "build", "-trimpath", "-ldflags", "-X main.version=9.9.9-test -X main.commit=c0ffee", "-o", bin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	for _, link := range []string{"mauvesend", "mauveserver", "mauveclient"} {
		if err := os.Symlink("mauve", filepath.Join(dir, link)); err != nil {
			t.Fatal(err)
		}
	}
	run := func(t *testing.T, name string, args ...string) (stdout, stderr string, code int) {
		t.Helper()
		cmd := exec.Command(filepath.Join(dir, name), args...)
		cmd.Env = []string{"PATH=/usr/bin:/bin", "HOME=" + dir}
		var out, errOut strings.Builder
		cmd.Stdout, cmd.Stderr = &out, &errOut
		err := cmd.Run()
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatalf("run %s: %v", name, err)
		}
		return out.String(), errOut.String(), code
	}

	t.Run("mauvesend link sends", func(t *testing.T) {
		pc, err := net.ListenPacket("udp4", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer pc.Close()
		_, stderr, code := run(t, "mauvesend", pc.LocalAddr().String(), "-o", "e2e", "-i", "heartbeat", "-c", "-r", "+10m")
		if code != 0 {
			t.Fatalf("exit status %d: %s", code, stderr)
		}
		pc.SetReadDeadline(time.Now().Add(5 * time.Second))
		buf := make([]byte, 70000)
		n, _, err := pc.ReadFrom(buf)
		if err != nil {
			t.Fatalf("no datagram: %v", err)
		}
		u, err := wire.Decode(buf[:n])
		if err != nil {
			t.Fatal(err)
		}
		a := u.Alerts[0]
		if u.Source != "e2e" || a.ID != "heartbeat" || a.RaiseTime.Sub(a.ClearTime) != 10*time.Minute {
			t.Errorf("received %+v", u)
		}
	})
	t.Run("mauvesend link errors on one line", func(t *testing.T) {
		_, stderr, code := run(t, "mauvesend", "127.0.0.1:9", "-i", "x", "-r", "+10x")
		want := "*** Error: -r: unrecognised time \"+10x\" (want now, +10m, -1h, or unix seconds)\n"
		if code != 1 || stderr != want {
			t.Errorf("got status %d, stderr %q; want 1, %q", code, stderr, want)
		}
	})
	for _, tc := range []struct{ link, usage string }{
		{"mauveserver", "mauve serve"},
		{"mauveclient", "mauve client"},
	} {
		t.Run(tc.link+" link", func(t *testing.T) {
			stdout, stderr, code := run(t, tc.link, "--help")
			if code != 0 || !strings.Contains(stdout, "Usage:\n  "+tc.usage) {
				t.Errorf("%s --help: status %d, stdout %q, stderr %q; want the usage of %s", tc.link, code, stdout, stderr, tc.usage)
			}
		})
	}
	t.Run("version", func(t *testing.T) {
		stdout, _, code := run(t, "mauve", "version")
		if code != 0 || !strings.HasPrefix(stdout, "mauve 9.9.9-test\ncommit: c0ffee\n") {
			t.Errorf("status %d, stdout %q", code, stdout)
		}
	})
	t.Run("completion and man pages", func(t *testing.T) {
		for shell, want := range map[string]string{"bash": "__start_mauve", "zsh": "#compdef mauve", "fish": "complete -c mauve"} {
			stdout, stderr, code := run(t, "mauve", "completion", shell)
			if code != 0 || !strings.Contains(stdout, want) {
				t.Errorf("completion %s: status %d, stderr %q, output lacks %q", shell, code, stderr, want)
			}
		}
		man := filepath.Join(dir, "man1")
		if _, stderr, code := run(t, "mauve", "man", man); code != 0 {
			t.Fatalf("man: status %d: %s", code, stderr)
		}
		for _, page := range []string{"mauve.1", "mauve-send.1", "mauve-version.1"} {
			b, err := os.ReadFile(filepath.Join(man, page))
			if err != nil || !strings.Contains(string(b), ".TH \"MAUVE\"") {
				t.Errorf("man page %s: %v", page, err)
			}
		}
	})
	t.Run("alone in an empty root", func(t *testing.T) {
		testAloneInEmptyRoot(t, bin)
	})

}
