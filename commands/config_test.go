package commands_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestConfigCheck(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.hcl")
	if err := os.WriteFile(bad, []byte(`person "johnny" {
  all = [log]
}

alert_group "default" {
  notify "jonny" {
    every = "15 minutes"
  }
}
`), 0o644); err != nil {
		t.Fatal(err)
	}
	binary := filepath.Join(dir, "mauve")
	if err := os.WriteFile(binary, []byte("\x7fELF\x02\x01\x01\x00\x00{{{\xff\xfe"), 0o755); err != nil {
		t.Fatal(err)
	}
	ref := "../policy/testdata/good/reference.hcl"
	tests := []struct {
		name       string
		args       []string
		vars       map[string]string
		code       int
		out, err   string
		outContain string
	}{
		{name: "reference loads with warnings for unset env()", args: []string{"config", "check", ref}, code: 0,
			outContain: ref + ":34:13: warning: Environment variable not set: MAUVE_ROUTERS_KEY is unset or empty, so secret is empty; set it in the environment mauve serve runs in\n"},
		{name: "reference with its environment", args: []string{"config", "check", ref}, code: 0,
			vars: map[string]string{"MAUVE_ROUTERS_KEY": "k", "MAUVE_SMTP_PASSWORD": "p", "MAUVE_TWILIO_TOKEN": "t", "MAUVE_XMPP_PASSWORD": "x"},
			out:  ref + ": OK, 0 warnings\n"},
		{name: "every error, file:line:col", args: []string{"config", "check", bad}, code: 1,
			out: bad + `:6:10: error: Unknown person or list: notify "jonny" names no person and no people list; define person "jonny" or people "jonny". Did you mean "johnny"?` + "\n" +
				bad + `:7:13: error: Invalid duration: every: "15 minutes" is not a duration: write "15m" (a number and one of the units s, m, h, d, w, with no space)` + "\n",
			err: "mauve: " + bad + ": 2 errors, 0 warnings\n"},
		{name: "missing file", args: []string{"config", "check", filepath.Join(dir, "none.hcl")}, code: 1,
			err: "mauve: config check: open " + filepath.Join(dir, "none.hcl") + ": no such file or directory\n"},
		{name: "a binary, one line not millions", args: []string{"config", "check", binary}, code: 1,
			out: binary + ":1:1: error: Not a config file: " + binary + " is binary, not UTF-8 text; name the HCL config file, such as /etc/mauve/mauve.hcl\n",
			err: "mauve: " + binary + ": 1 error, 0 warnings\n"},
		{name: "no file", args: []string{"config", "check"}, code: 1,
			err: "mauve: config check: name a config file, as in: mauve config check /etc/mauve/mauve.hcl\n"},
		{name: "two files", args: []string{"config", "check", "a.hcl", "b.hcl"}, code: 1,
			err: "mauve: config check: got 2 arguments (a.hcl b.hcl), want one, a config file, as in: mauve config check /etc/mauve/mauve.hcl\n"},
		{name: "show the defaults", args: []string{"config", "show"}, code: 0, outContain: "  name     = \"testhost\"\n"},
		{name: "show a file", args: []string{"config", "show", ref}, code: 0, outContain: "alert_group \"core-routers\" {\n  level = urgent\n"},
		{name: "show a bad file", args: []string{"config", "show", bad}, code: 1,
			err: bad + `:6:10: error: Unknown person or list: notify "jonny" names no person and no people list; define person "jonny" or people "jonny". Did you mean "johnny"?` + "\n" +
				bad + `:7:13: error: Invalid duration: every: "15 minutes" is not a duration: write "15m" (a number and one of the units s, m, h, d, w, with no space)` + "\n" +
				"mauve: " + bad + ": 2 errors, 0 warnings\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env, stdout, stderr := testEnv(t, tc.vars)
			if code := run(env, append([]string{"mauve"}, tc.args...)...); code != tc.code {
				t.Errorf("exit status: got %d, want %d (stderr %q)", code, tc.code, stderr.String())
			}
			if tc.outContain != "" {
				if !strings.Contains(stdout.String(), tc.outContain) {
					t.Errorf("stdout:\ngot  %q\nwant it to contain %q", stdout.String(), tc.outContain)
				}
			} else if got := stdout.String(); got != tc.out {
				t.Errorf("stdout:\ngot  %q\nwant %q", got, tc.out)
			}
			if got := stderr.String(); got != tc.err {
				t.Errorf("stderr:\ngot  %q\nwant %q", got, tc.err)
			}
		})
	}
}
