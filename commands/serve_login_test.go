package commands

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/mauve-alert/mauve/policy"
)

// On its embedded defaults the station prints a link that logs its one
// person in, once, at the address it really listens on.
func TestServe_OneTimeLoginLink(t *testing.T) {
	rs := startTestStation(t, &serveOptions{})
	defer rs.stop(t)
	m := regexp.MustCompile(`log in to the web interface once with (http://\S+)`).FindStringSubmatch(rs.log.String())
	if m == nil {
		t.Fatalf("no login link in the output:\n%s", rs.log)
	}
	link := m[1]
	if want := "http://" + rs.http + "/login/once?token="; len(link) <= len(want) || link[:len(want)] != want {
		t.Fatalf("got link %s, want it to start with %s", link, want)
	}
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func() *http.Response {
		resp, err := noRedirect.Get(link)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	first := get()
	if len(first.Cookies()) == 0 || first.StatusCode >= 400 {
		t.Fatalf("first use: got status %d and %d cookies, want a session cookie", first.StatusCode, len(first.Cookies()))
	}
	if second := get(); len(second.Cookies()) != 0 && second.StatusCode < 400 {
		t.Errorf("second use: got status %d with a cookie, want the link refused", second.StatusCode)
	}
}

// On the embedded defaults with --http elsewhere, the links in
// notifications lead to where the station really listens, not to the
// default address.
func TestServe_DefaultsLinkToTheHTTPFlag(t *testing.T) {
	rs := startTestStation(t, &serveOptions{})
	defer rs.stop(t)
	if got, want := rs.st.policy.Load().Station.URL, "http://"+rs.http; got != want {
		t.Errorf("got station.url %q, want %q", got, want)
	}
	if err := rs.st.reload(); err != nil {
		t.Fatal(err)
	}
	if got, want := rs.st.policy.Load().Station.URL, "http://"+rs.http; got != want {
		t.Errorf("after reload: got station.url %q, want %q", got, want)
	}
}

// A config that does not load stops mauve serve with its diagnostics one
// per line, as mauve config check prints them, then one count; a missing
// file is named once.
func TestServe_BadConfigMessages(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.hcl")
	if err := os.WriteFile(bad, []byte("alert_group \"default\" {\n  level = lowish\n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing.hcl")
	tests := []struct {
		config, want string
	}{
		{bad, bad + `:2:11: error: Invalid level: level "lowish" is not a level; write urgent, normal or low` + "\n" +
			"mauve: " + bad + ": 1 error, 0 warnings; the station did not start\n"},
		{missing, "mauve: config " + missing + ": no such file or directory\n"},
	}
	for _, tc := range tests {
		code, _, errOut := runMauve(t, "", nil, "serve", "--config", tc.config, "--db", filepath.Join(dir, "m.db"),
			"--udp", "127.0.0.1:0", "--http", "127.0.0.1:0")
		if code != 1 || errOut != tc.want {
			t.Errorf("serve --config %s: got %d, %q; want 1, %q", tc.config, code, errOut, tc.want)
		}
	}
}

// A bad file on SIGHUP is logged one diagnostic a line, then what was kept.
func TestServe_ReloadFailureLog(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey {
			return slog.Attr{}
		}
		return a
	}}))
	_, err := policy.ParseFiles([]byte("station {\n  name = 3\n  bogus = 1\n}\n"), "m.hcl", nil, nil)
	if err == nil {
		t.Fatal("want diagnostics")
	}
	logReloadFailure(log, "m.hcl", fmt.Errorf("reload: keeping the current config: %w", &policy.LoadError{Diagnostics: err}))
	want := `level=ERROR msg="config not reloaded" diagnostic="m.hcl:3:3: error: Unsupported argument: An argument named \"bogus\" is not expected here."` + "\n" +
		`level=ERROR msg="config not reloaded: keeping the config in force" config=m.hcl errors=1 warnings=0` + "\n"
	if got := buf.String(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

// An address that cannot be bound is named once, with why and where to
// change it.
func TestServe_ListenErrorMessages(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "m.hcl")
	if err := os.WriteFile(cfg, []byte("station {\n  name = \"t\"\n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	taken, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	takenTCP, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer takenTCP.Close()
	udp, http := taken.LocalAddr().String(), takenTCP.Addr().String()
	tests := []struct {
		udp, http, want string
	}{
		{udp, "127.0.0.1:0", "mauve: listen on UDP " + udp + ": address already in use: another program (another mauve serve?) has it; stop that, or change station.listen.udp or --udp\n"},
		{"127.0.0.1:0", http, "mauve: listen on HTTP " + http + ": address already in use: another program (another mauve serve?) has it; stop that, or change station.listen.http or --http\n"},
		{"127.0.0.1", "127.0.0.1:0", "mauve: listen on UDP 127.0.0.1: missing port in address (want host:port, such as 127.0.0.1:1288 or [::]:32741, in station.listen.udp or --udp)\n"},
	}
	for _, tc := range tests {
		code, _, errOut := runMauve(t, "", nil, "serve", "--config", cfg, "--db", filepath.Join(dir, "m.db"), "--udp", tc.udp, "--http", tc.http)
		if code != 1 || errOut != tc.want {
			t.Errorf("--udp %s --http %s: got %d, %q; want 1, %q", tc.udp, tc.http, code, errOut, tc.want)
		}
	}
}

// Logs name the embedded defaults as such, never as config="".
func TestServe_ConfigName(t *testing.T) {
	for _, tc := range []struct{ path, want string }{{"", "(embedded defaults)"}, {"/etc/mauve/mauve.hcl", "/etc/mauve/mauve.hcl"}} {
		if got := configName(tc.path); got != tc.want {
			t.Errorf("configName(%q): got %q, want %q", tc.path, got, tc.want)
		}
	}
}

// SIGTERM stops every part; none of them is then reported as having
// "returned without being asked to" (that was a race in wait).
func TestStation_WaitAfterStopIsClean(t *testing.T) {
	for range 200 {
		ctx, cancel := context.WithCancel(context.Background())
		st := &station{}
		for _, name := range []string{"scheduler", "ingest", "notify", "udp", "http"} {
			st.start(ctx, name, func(ctx context.Context) error { <-ctx.Done(); return nil })
		}
		done := make(chan error, 1)
		go func() { done <- st.wait(ctx) }()
		cancel()
		if err := <-done; err != nil {
			t.Fatalf("got %v, want nil after a requested stop", err)
		}
		for _, pt := range st.parts {
			<-pt.done
		}
	}
}

// Config warnings are logged as mauve config check prints them
// (file:line:col: warning: ...), not in hcl's "file:40,13-37: ..." form.
func TestServe_WarningsLikeConfigCheck(t *testing.T) {
	p, diags := policy.ParseFiles([]byte("sender_key \"r\" {\n  sources = [\"a\"]\n  secret  = env(\"MAUVE_NOPE\")\n}\n"), "m.hcl", func(string) string { return "" }, nil)
	if diags.HasErrors() {
		t.Fatal(policy.FormatDiagnostics(diags))
	}
	got := policyWarnings(p)
	want := `m.hcl:3:13: warning: Environment variable not set: MAUVE_NOPE is unset or empty, so secret is empty; set it in the environment mauve serve runs in`
	if len(got) != 1 || got[0] != want {
		t.Errorf("got %q, want [%q]", got, want)
	}
}
