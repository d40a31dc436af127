package main

import (
	"bufio"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mauve-alert/mauve/wire"
)

// testAloneInEmptyRoot runs the binary in a root directory that holds
// nothing but it and a config: what a scratch or distroless image gives
// it, with no zoneinfo, no CA bundle, no /etc. A policy that names a time
// zone must still load (time/tzdata is embedded), and sending must work.
func testAloneInEmptyRoot(t *testing.T, bin string) {
	root := t.TempDir()
	data, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "mauve"), data, 0o755); err != nil {
		t.Fatal(err)
	}
	config := `station {
  timezone      = "Pacific/Chatham"
  working_hours = ["09:30-17:30"]
}
person "ops" {
  all = [log]
}
alert_group "default" {
  level = urgent
  notify "ops" {
    every  = "10m"
    during = working_hours()
  }
}
`
	if err := os.WriteFile(filepath.Join(root, "mauve.hcl"), []byte(config), 0o644); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) (string, error) {
		cmd := exec.Command("/mauve", args...)
		cmd.Path = "/mauve"
		cmd.Dir = "/"
		cmd.Env = []string{}
		cmd.SysProcAttr = &syscall.SysProcAttr{Chroot: root}
		if os.Geteuid() != 0 {
			// Without root, chroot inside a user namespace of our own.
			cmd.SysProcAttr.Cloneflags = syscall.CLONE_NEWUSER
			cmd.SysProcAttr.UidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Geteuid(), Size: 1}}
			cmd.SysProcAttr.GidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getegid(), Size: 1}}
		}
		out, err := cmd.CombinedOutput()
		return string(out), err
	}

	out, err := run("config", "check", "/mauve.hcl")
	if err != nil {
		t.Fatalf("config check in an empty root: %v\n%s", err, out)
	}
	if !strings.Contains(out, "OK") {
		t.Errorf("config check said %q, want OK", out)
	}

	pc, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	if out, err := run("send", pc.LocalAddr().String(), "-o", "scratch", "-i", "alone", "-r"); err != nil {
		t.Fatalf("send in an empty root: %v\n%s", err, out)
	}
	pc.SetReadDeadline(time.Now().Add(5 * time.Second))
	buf := make([]byte, 65536)
	n, _, err := pc.ReadFrom(buf)
	if err != nil {
		t.Fatalf("no datagram from the binary in an empty root: %v", err)
	}
	if u, err := wire.Decode(buf[:n]); err != nil || u.Source != "scratch" {
		t.Errorf("got %+v, %v; want an update from scratch", u, err)
	}
}

// The Dockerfile builds the static binary and ships it alone on a
// scratch or distroless base. (No image can be built here: there is no
// Docker engine and no registry; the empty-root test above runs the
// binary as the image would.)
func TestDockerfile(t *testing.T) {
	f, err := os.Open("Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var froms, copies []string
	var buildsStatic bool
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case strings.HasPrefix(line, "FROM "):
			froms = append(froms, line)
			copies = nil // only the last stage's COPYs ship
		case strings.HasPrefix(line, "COPY "):
			copies = append(copies, line)
		}
		if strings.Contains(line, "CGO_ENABLED=0") && strings.Contains(line, "go build") {
			buildsStatic = true
		}
	}
	if !buildsStatic {
		t.Errorf("no CGO_ENABLED=0 go build in the Dockerfile")
	}
	if len(froms) < 2 {
		t.Fatalf("got %d stages, want a build stage and a final one", len(froms))
	}
	last := froms[len(froms)-1]
	if !strings.Contains(last, "scratch") && !strings.Contains(last, "distroless/static") {
		t.Errorf("final stage %q: want scratch or distroless/static", last)
	}
	var binaries int
	for _, c := range copies {
		if !strings.Contains(c, "--from=") {
			t.Errorf("final stage copies from the build context: %q", c)
		}
		if strings.HasSuffix(c, " /mauve") {
			binaries++
		}
	}
	if binaries != 1 {
		t.Errorf("final stage copies the binary %d times, want once: %q", binaries, copies)
	}
}
