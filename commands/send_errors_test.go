package commands_test

import (
	"regexp"
	"strings"
	"testing"
)

// TestSend_BadCommandLines checks that every mistake exits non-zero with
// one line naming the option and what was expected, and sends nothing.
func TestSend_BadCommandLines(t *testing.T) {
	v4 := newStation(t, "udp4", "127.0.0.1:0")
	v6 := newStation(t, "udp6", "[::1]:0")
	tests := []struct {
		name string
		argv []string
		want string // the whole stderr line after "*** Error: "; "~re": matches re (the random id's size varies)
	}{
		{"bad time", []string{"{DEST}", "-i", "x", "-r", "+10x"},
			`-r: unrecognised time "+10x" (want now, +10m, -1h, or unix seconds)`},
		{"bad attached time", []string{"{DEST}", "-i", "x", "--clear=soon"},
			`--clear: unrecognised time "soon" (want now, +10m, -1h, or unix seconds)`},
		{"bare word after -c is its time", []string{"-i", "x", "-c", "{DEST}"},
			`-c: unrecognised time "{DEST}" (want now, +10m, -1h, or unix seconds); to clear now and send to "{DEST}", write -c now {DEST}`},
		{"bare host after -r", []string{"-i", "x", "-r", "station"},
			`-r: unrecognised time "station" (want now, +10m, -1h, or unix seconds); to raise now and send to "station", write -r now station`},
		{"-e needs a time", []string{"{DEST}", "-i", "x", "-e"}, `-e: needs a time`},
		{"-e empty", []string{"{DEST}", "-i", "x", "-e", ""}, `-e: empty value (want a time)`},
		{"alert option before -i", []string{"{DEST}", "-s", "oops", "-i", "x"}, `-s: no alert to apply it to (start one with -i ID before it)`},
		{"-r before -i", []string{"{DEST}", "-r", "-i", "x"}, `-r: no alert to apply it to (start one with -i ID before it)`},
		{"same id twice", []string{"{DEST}", "-i", "x", "-r", "-i", "x", "-c"}, `-i: alert "x" given twice; each id once per update`},
		{"no alerts", []string{"{DEST}"}, `No alerts specified (start one with -i ID, or give -p alone to clear every alert of this source)`},
		{"no alerts, only a source", []string{"{DEST}", "-o", "web"}, `No alerts specified (start one with -i ID, or give -p alone to clear every alert of this source)`},
		{"source twice", []string{"{DEST}", "-o", "a", "-o", "b", "-p"}, `-o: source given twice ("a", then "b"); give it once`},
		{"empty id", []string{"{DEST}", "-i", ""}, `-i: empty value (want an alert id)`},
		{"empty summary", []string{"{DEST}", "-i", "x", "--summary="}, `--summary: empty value (want a summary)`},
		{"id without value", []string{"{DEST}", "-i"}, `-i: needs an alert id`},
		{"unknown short option", []string{"{DEST}", "-x"}, `-x: unknown option (see mauve send -h)`},
		{"unknown long option", []string{"{DEST}", "--colour"}, `--colour: unknown option (see mauve send -h)`},
		{"ambiguous abbreviation", []string{"{DEST}", "--su", "x"}, `--su: ambiguous, could be --summary, --subject, --suppress`},
		{"value on a flag", []string{"{DEST}", "--replace=yes"}, `--replace: takes no value, got "yes"`},
		{"time before 1970", []string{"{DEST}", "-i", "x", "-r", "-21000d"}, `-r: time "-21000d" is not after 1970 (want now, +10m, -1h, or unix seconds)`},
		{"bad port", []string{"127.0.0.1:99999", "-i", "x"}, `destination "127.0.0.1:99999": port "99999" is not a number from 1 to 65535 (want host, host:port, address or [IPv6]:port)`},
		{"too large", []string{"{DEST}", "-i", "x", "-d", strings.Repeat("d", 70000)}, `~^update is 700[34][0-9] bytes, 45[34][0-9] over the 65507-byte datagram limit \(send fewer alerts or shorter details\)$`},
		{"missing key file", []string{"{DEST}", "--key-file", "/nonexistent/key", "-i", "x"}, `--key-file: open /nonexistent/key: no such file or directory`},
		{"no destination anywhere", []string{"-i", "x"}, `no destination given, $MAUVE_DESTINATION is unset and {FILE} does not exist (name a station: host, host:port or [IPv6]:port)`},
		{"unresolvable", []string{"nowhere.test", "-i", "x"}, `send to nowhere.test: no such host (looked up SRV _mauvealert._udp.nowhere.test, then its address)`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env, stdout, stderr := testEnv(t, nil)
			env.Resolver = fakeResolver{}
			argv := append([]string{"mauvesend"}, expand(tc.argv, v4, v6)...)
			if code := run(env, argv...); code != 1 {
				t.Errorf("exit status %d, want 1", code)
			}
			want := strings.ReplaceAll(expand([]string{tc.want}, v4, v6)[0], "{FILE}", env.DestinationFile)
			got, ok := strings.CutPrefix(stderr.String(), "*** Error: ")
			got, ok2 := strings.CutSuffix(got, "\n")
			if re, isRE := strings.CutPrefix(want, "~"); isRE {
				ok = ok && ok2 && regexp.MustCompile(re).MatchString(got)
			} else {
				ok = ok && ok2 && got == want
			}
			if !ok {
				t.Errorf("stderr:\ngot  %q\nwant %q", stderr, "*** Error: "+want+"\n")
			}
			if stdout.Len() > 0 {
				t.Errorf("stdout %q, want nothing", stdout)
			}
			v4.nothing()
			v6.nothing()
		})
	}
}
