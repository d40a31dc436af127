package policy_test

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mauve-alert/mauve/policy"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// testEnv is the environment the test files see: MAUVE_SET is set.
func testEnv(name string) string {
	if name == "MAUVE_SET" {
		return "s3cret"
	}
	return ""
}

// checkGolden compares got with the golden file beside path, writing
// path.actual on a mismatch (or the golden itself with -update).
func checkGolden(t *testing.T, path, got string) {
	t.Helper()
	golden := strings.TrimSuffix(path, ".hcl") + ".golden"
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("read golden (run go test -update): %v", err)
	}
	if got != string(want) {
		_ = os.WriteFile(golden+".actual", []byte(got), 0o644)
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

func TestParse_Bad(t *testing.T) {
	files, _ := filepath.Glob("testdata/bad/*.hcl")
	if len(files) == 0 {
		t.Fatal("no testdata/bad files")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			p, diags := policy.ParseFiles(src, f, testEnv, os.ReadFile)
			if !diags.HasErrors() {
				t.Fatalf("got no errors, want some")
			}
			if p != nil {
				t.Errorf("got a policy with errors, want nil")
			}
			checkGolden(t, f, policy.FormatDiagnostics(diags)+"\n")
		})
	}
}

func TestParse_Good(t *testing.T) {
	files, _ := filepath.Glob("testdata/good/*.hcl")
	if len(files) == 0 {
		t.Fatal("no testdata/good files")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			p, diags := policy.ParseFiles(src, f, testEnv, os.ReadFile)
			if diags.HasErrors() {
				t.Fatalf("got errors:\n%s", policy.FormatDiagnostics(diags))
			}
			var b strings.Builder
			if len(diags) > 0 {
				b.WriteString(policy.FormatDiagnostics(diags) + "\n\n")
			}
			if err := p.Show(&b); err != nil {
				t.Fatal(err)
			}
			checkGolden(t, f, b.String())
		})
	}
}

// The project's reference configuration loads unchanged, with warnings
// (not errors) for its unset env() variables.
func TestLoad_ReferenceExample(t *testing.T) {
	path := "testdata/good/reference.hcl"
	for _, p := range []string{"../examples/mauve.hcl", "../../shared/examples/mauve.hcl"} {
		if _, err := os.Stat(p); err == nil {
			path = p
			break
		}
	}
	p, err := policy.Load(path, func(string) string { return "" })
	if err != nil {
		t.Fatalf("load %s: %v", path, err)
	}
	if got := len(p.Warnings); got != 4 {
		t.Errorf("got %d warnings, want 4 (one per unset env variable):\n%s", got, policy.FormatDiagnostics(p.Warnings))
	}
	if got, want := p.Station.Name, "alerts1.example.com"; got != want {
		t.Errorf("station name: got %q, want %q", got, want)
	}
	if got := len(p.Groups); got != 3 {
		t.Errorf("got %d groups, want 3", got)
	}
	if got, want := strings.Join(p.People["johnny"].Channels[policy.Urgent], ","), "sms.twilio,email"; got != want {
		t.Errorf("johnny urgent channels: got %s, want %s", got, want)
	}
	if got, want := strings.Join(p.Lists["sysadmins"].People, ","), "johnny,archie"; got != want {
		t.Errorf("sysadmins: got %s, want %s", got, want)
	}
	// The testdata copy is the same file, so the golden tests cover it.
	if path != "testdata/good/reference.hcl" {
		a, _ := os.ReadFile(path)
		b, _ := os.ReadFile("testdata/good/reference.hcl")
		if string(a) != string(b) {
			t.Errorf("testdata/good/reference.hcl differs from %s: copy it again", path)
		}
	}
}

func TestLoad_Errors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.hcl")
	if err := os.WriteFile(bad, []byte("alert_group \"x\" {\n  level = loud\n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := policy.Load(bad, nil)
	var le *policy.LoadError
	if !errors.As(err, &le) {
		t.Fatalf("got %v, want a *LoadError", err)
	}
	if want := bad + ":2:11: error: Invalid level: level \"loud\" is not a level; write urgent, normal or low"; err.Error() != want {
		t.Errorf("got %q, want %q", err.Error(), want)
	}
	if _, err := policy.Load(filepath.Join(dir, "missing.hcl"), nil); err == nil || !strings.Contains(err.Error(), "missing.hcl") {
		t.Errorf("got %v, want an error naming the missing file", err)
	}
}

func TestDefault(t *testing.T) {
	p := policy.Default()
	s := p.Station
	for _, c := range []struct{ name, got, want string }{
		{"name", s.Name, "localhost"},
		{"udp", strings.Join(s.ListenUDP, ","), "[::]:32741"},
		{"http", s.ListenHTTP, "127.0.0.1:1288"},
		{"database", s.Database, "./mauve.db"},
		{"duplicate_window", policy.FormatDuration(s.DuplicateWindow), "5m"},
		{"max_acknowledgement", policy.FormatDuration(s.MaxAcknowledgement), "7d20h"},
		{"initial_sleep", policy.FormatDuration(s.InitialSleep), "5m"},
		{"expire_cleared", policy.FormatDuration(s.ExpireCleared), "30d"},
		{"working", s.WorkingHours[0].String(), "09:30-17:30"},
		{"daytime", s.DaytimeHours[0].String(), "08:00-22:00"},
		{"dead zone", s.DeadZone[0].String(), "03:00-07:00"},
		{"local channels", strings.Join(p.People["local"].Channels[policy.Urgent], ","), "log"},
		{"group", p.Groups[0].Notify[0].Target, "local"},
		{"every", policy.FormatDuration(p.Groups[0].Notify[0].Every), "1h"},
		{"named", policy.DefaultFor("alerts9").Station.Name, "alerts9"},
	} {
		if c.got != c.want {
			t.Errorf("%s: got %q, want %q", c.name, c.got, c.want)
		}
	}
}

func TestParseDuration(t *testing.T) {
	for _, c := range []struct{ in, want, err string }{
		{"15m", "15m", ""},
		{"2d", "2d", ""},
		{"1h30m", "1h30m", ""},
		{"1w", "7d", ""},
		{"0", "0", ""},
		{"1.5h", "1h30m", ""},
		{"1.5d", "1d12h", ""},
		{".5m", "30s", ""},
		{"90s", "1m30s", ""},
		{"90000ms", "1m30s", ""},
		{"1.5s", "1s500ms", ""},
		{"2.000003s", "2s3us", ""},
		{"0.3s", "300ms", ""},
		{"1.15h", "1h9m", ""},
		{" 2h ", "2h", ""},
		{"1h30", "", `like "15m"`},
		{"1.5.5h", "", `like "15m"`},
		{"1e3h", "", `like "15m"`},
		{"15 minutes", "", `write "15m"`},
		{"2 Hours", "", `write "2h"`},
		{"15", "", `like "15m"`},
		{"m", "", `like "15m"`},
		{"-5m", "", `like "15m"`},
		{"", "", "empty duration"},
		{"99999999999999999999d", "", "too long"},
	} {
		d, err := policy.ParseDuration(c.in)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("ParseDuration(%q): got %v, want an error containing %q", c.in, err, c.err)
			}
			continue
		}
		if err != nil || policy.FormatDuration(d) != c.want {
			t.Errorf("ParseDuration(%q): got %v, %v, want %s", c.in, policy.FormatDuration(d), err, c.want)
		}
	}
}

func TestParse_DefaultURL(t *testing.T) {
	for _, c := range []struct{ station, want string }{
		{`name = "a1"`, "http://127.0.0.1:1288"},
		{"name = \"a1\"\n listen {\n http = \"[::]:8080\"\n }", "http://a1:8080"},
		{"name = \"a1\"\n listen {\n http = \"0.0.0.0:80\"\n }", "http://a1:80"},
		{"name = \"a1\"\n listen {\n http = \"[::1]:1288\"\n }", "http://[::1]:1288"},
		{"url = \"https://alerts.example.com/\"", "https://alerts.example.com"},
	} {
		p := mustParse(t, "station {\n"+c.station+"\n}\n")
		if p.Station.URL != c.want {
			t.Errorf("%s: got %q, want %q", c.station, p.Station.URL, c.want)
		}
	}
}
