package notify_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mauve-alert/mauve/notify"
	"github.com/mauve-alert/mauve/policy"
	"github.com/mauve-alert/mauve/store"
)

// writeScript writes an executable shell script into dir.
func writeScript(t *testing.T, dir, name, body string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte("#!/bin/sh\n"+body), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestExecEnvironmentAndStdin(t *testing.T) {
	dir := t.TempDir()
	// A secret in mauve's own environment must not reach the program.
	t.Setenv("MAUVE_TWILIO_TOKEN", "parent-secret-4242")
	script := writeScript(t, dir, "page.sh", `
env > "$OUT/env"
cat > "$OUT/stdin"
`)
	ch, err := notify.NewExec(&policy.Exec{Name: "pager", Command: []string{"/usr/bin/env", "OUT=" + dir, script}}, "https://alerts1.example.com", nil)
	if err != nil {
		t.Fatal(err)
	}
	m := chanMessage(t, "johnny", store.EventRaised, chanAlert(), "further alerts suppressed until things calm down")
	if err := ch.Send(context.Background(), m); err != nil {
		t.Fatalf("Send: %v", err)
	}

	envText, err := os.ReadFile(filepath.Join(dir, "env"))
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{}
	for _, line := range strings.Split(string(envText), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok {
			env[k] = v
		}
	}
	want := map[string]string{
		"MAUVE_EVENT":           "raised",
		"MAUVE_LEVEL":           "urgent",
		"MAUVE_PERSON":          "johnny",
		"MAUVE_PERSON_SMS":      "+447111222333",
		"MAUVE_PERSON_XMPP":     "johnny@localhost",
		"MAUVE_NOTIFICATION_ID": "7",
		"MAUVE_SOURCE":          "core-router",
		"MAUVE_ALERT_ID":        "link-eth0",
		"MAUVE_SUBJECT":         "core1.example.com",
		"MAUVE_SUMMARY":         "eth0 is down",
		"MAUVE_STATE":           "raised",
		"MAUVE_RAISED_AT":       "2026-11-25T13:55:00Z",
		"MAUVE_CLEARED_AT":      "",
		"MAUVE_NOTE":            "further alerts suppressed until things calm down",
		"MAUVE_URL":             "https://alerts1.example.com/alerts/core-router/link-eth0",
		"MAUVE_STATION":         "alerts1.example.com",
		"MAUVE_STATION_URL":     "https://alerts1.example.com",
		"MAUVE_PAYLOAD_VERSION": "1",
		"MAUVE_TEXT":            m.Short,
	}
	for k, v := range want {
		if got, ok := env[k]; !ok || got != v {
			t.Errorf("%s = %q (set: %v), want %q", k, got, ok, v)
		}
	}
	if _, ok := env["PATH"]; !ok {
		t.Error("PATH was not passed on")
	}
	checkNoSecret(t, "the program's environment", string(envText), "parent-secret-4242")

	stdin, err := os.ReadFile(filepath.Join(dir, "stdin"))
	if err != nil {
		t.Fatal(err)
	}
	var p notify.Payload
	if err := json.Unmarshal(stdin, &p); err != nil {
		t.Fatalf("stdin %q is not the JSON payload: %v", stdin, err)
	}
	if p.Version != 1 || p.Event != "raised" || p.Alert.ID != "link-eth0" || p.Note == "" || p.Station.URL != "https://alerts1.example.com" {
		t.Errorf("payload on stdin = %+v, want version 1 of the raised alert with its note", p)
	}
}

func TestExecFailures(t *testing.T) {
	tests := []struct {
		name      string
		script    string
		command   func(script string) []string
		permanent bool
		want      string
	}{
		{"non-zero exit", "echo 'pager gateway refused the number' >&2\nexit 3", nil, true, "exit status 3: pager gateway refused the number"},
		{"killed by a signal", "kill -TERM $$", nil, true, "signal: terminated"},
		{"missing program", "", func(string) []string { return []string{"/nonexistent/pager"} }, true, "no such file"},
		{"timeout", "sleep 60", nil, false, "killed after 300ms"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			script := writeScript(t, t.TempDir(), "page.sh", tt.script)
			cmd := []string{script}
			if tt.command != nil {
				cmd = tt.command(script)
			}
			ch, err := notify.NewExec(&policy.Exec{Name: "pager", Command: cmd, Timeout: 300 * time.Millisecond}, "", nil)
			if err != nil {
				t.Fatal(err)
			}
			err = ch.Send(context.Background(), chanMessage(t, "johnny", store.EventRaised, chanAlert(), ""))
			if err == nil {
				t.Fatal("Send succeeded, want an error")
			}
			if got := notify.IsPermanent(err); got != tt.permanent {
				t.Errorf("IsPermanent(%v) = %v, want %v", err, got, tt.permanent)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not say %q", err, tt.want)
			}
		})
	}
}

// TestExecTimeoutKillsTheProcessGroup shows that a program's children die
// with it at the timeout instead of running on unwatched.
func TestExecTimeoutKillsTheProcessGroup(t *testing.T) {
	dir := t.TempDir()
	pidFile := filepath.Join(dir, "child.pid")
	script := writeScript(t, dir, "page.sh", "sleep 60 &\necho $! > "+pidFile+".tmp\nmv "+pidFile+".tmp "+pidFile+"\nwait\n")
	ch, err := notify.NewExec(&policy.Exec{Name: "pager", Command: []string{script}, Timeout: 500 * time.Millisecond}, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	err = ch.Send(context.Background(), chanMessage(t, "johnny", store.EventRaised, chanAlert(), ""))
	if err == nil || notify.IsPermanent(err) {
		t.Fatalf("Send = %v, want a transient timeout", err)
	}
	b, err := os.ReadFile(pidFile)
	if err != nil {
		t.Fatalf("the script did not start its child: %v", err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	// The kill is sent before Send returns; wait (bounded) for the kernel to
	// finish it. A zombie no one reaps counts as dead.
	for deadline := time.Now().Add(5 * time.Second); ; {
		if !processAlive(pid) {
			break
		}
		if time.Now().After(deadline) {
			_ = syscall.Kill(pid, syscall.SIGKILL)
			t.Fatalf("the script's child %d still runs after the timeout", pid)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// processAlive reports whether pid exists and is not a zombie.
func processAlive(pid int) bool {
	if err := syscall.Kill(pid, 0); err != nil {
		return false
	}
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	// The state follows the command name in parentheses.
	s := string(stat)
	i := strings.LastIndexByte(s, ')')
	return i < 0 || i+2 >= len(s) || s[i+2] != 'Z'
}

func TestExecCancel(t *testing.T) {
	dir := t.TempDir()
	started := filepath.Join(dir, "started")
	script := writeScript(t, dir, "page.sh", "touch "+started+"\nsleep 60\n")
	ch, err := notify.NewExec(&policy.Exec{Name: "pager", Command: []string{script}, Timeout: time.Minute}, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- ch.Send(ctx, chanMessage(t, "johnny", store.EventRaised, chanAlert(), "")) }()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		if _, err := os.Stat(started); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the script did not start")
		}
	}
	cancel()
	err = <-done
	if !errors.Is(err, context.Canceled) || notify.IsPermanent(err) {
		t.Errorf("Send after cancel = %v, want a transient context.Canceled", err)
	}
}

func TestNewExecRejectsEmptyCommand(t *testing.T) {
	_, err := notify.NewExec(&policy.Exec{Name: "pager"}, "", nil)
	if err == nil || !strings.Contains(err.Error(), "command is empty") {
		t.Errorf("NewExec = %v, want an error saying the command is empty", err)
	}
}
