package commands

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

var testNow = time.Unix(1764000000, 0).UTC()

func TestParseTimeSpec(t *testing.T) {
	tests := []struct {
		in   string
		want time.Time
		err  string
	}{
		{"now", testNow, ""},
		{"+10m", testNow.Add(10 * time.Minute), ""},
		{"-1h", testNow.Add(-time.Hour), ""},
		{"+2d", testNow.Add(48 * time.Hour), ""},
		{"+30s", testNow.Add(30 * time.Second), ""},
		{"+90", testNow.Add(90 * time.Second), ""},
		{"-0", testNow, ""},
		{"5m", testNow.Add(5 * time.Minute), ""},
		{"1764003600", time.Unix(1764003600, 0), ""},
		{"+10x", time.Time{}, `unrecognised time "+10x" (want now, +10m, -1h, or unix seconds)`},
		{"", time.Time{}, `unrecognised time ""`},
		{"NOW", time.Time{}, `unrecognised time "NOW"`},
		{"1.5h", time.Time{}, `unrecognised time "1.5h"`},
		{"+99999999999999999999", time.Time{}, `unrecognised time`},
		{"+40000d", time.Time{}, `more than a century away`},
		{"0", time.Time{}, `not after 1970`},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := parseTimeSpec(tc.in, testNow)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("got %v, %v; want error containing %q", got, err, tc.err)
				}
				return
			}
			if err != nil || !got.Equal(tc.want) {
				t.Errorf("got %v, %v; want %v", got, err, tc.want)
			}
		})
	}
}

func TestParseSendArgs_Actions(t *testing.T) {
	tests := []struct {
		args    []string
		action  sendAction
		verbose int
		dests   []string
	}{
		{[]string{"-h", "--bogus"}, actionHelp, 0, nil}, // help wins over what follows, as getopt's did
		{[]string{"-vvm"}, actionManual, 2, nil},
		{[]string{"--vers"}, actionVersion, 0, nil},
		{[]string{"a", "-p", "b", "-vv", "--", "-c"}, actionSend, 2, []string{"a", "b", "-c"}},
		{[]string{"-", "-p"}, actionSend, 0, []string{"-"}}, // a lone "-" is no option, so a destination
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			got, err := parseSendArgs(tc.args, testNow)
			if err != nil {
				t.Fatal(err)
			}
			if got.action != tc.action || got.verbose != tc.verbose || !reflect.DeepEqual(got.dests, tc.dests) {
				t.Errorf("got action %v verbose %d dests %q; want %v %d %q",
					got.action, got.verbose, got.dests, tc.action, tc.verbose, tc.dests)
			}
		})
	}
}

// An empty time after -r or -c means now, as in classic mauvesend
// (SPEC.md section 12); -e still needs a time.
func TestParseSendArgs_EmptyTimeIsNow(t *testing.T) {
	for _, args := range [][]string{
		{"-i", "x", "-r", "", "-c", ""},
		{"-i", "x", "-r", "", "-c", "", "host"},
		{"-i", "x", "--raise=", "--clear="},
		{"-i", "x", "--raise", "", "--clear", ""},
	} {
		got, err := parseSendArgs(args, testNow)
		if err != nil {
			t.Errorf("%q: %v", args, err)
			continue
		}
		a := got.update.Alerts[0]
		if !a.RaiseTime.Equal(testNow) || !a.ClearTime.Equal(testNow) {
			t.Errorf("%q: got raise %v clear %v, want both %v", args, a.RaiseTime, a.ClearTime, testNow)
		}
	}
	if _, err := parseSendArgs([]string{"-i", "x", "-e", ""}, testNow); err == nil || !strings.Contains(err.Error(), "-e: empty value") {
		t.Errorf("-e '': got %v, want an empty value error", err)
	}
}

func TestInvocation(t *testing.T) {
	tests := []struct {
		argv []string
		want []string
	}{
		{[]string{"mauve", "send", "-i", "x"}, []string{"send", "-i", "x"}},
		{[]string{"/usr/bin/mauvesend", "-i", "x"}, []string{"send", "-i", "x"}},
		{[]string{"mauvesend"}, []string{"send"}},
		{[]string{"./mauveserver", "--config", "c.hcl"}, []string{"serve", "--config", "c.hcl"}},
		{[]string{"/opt/bin/mauveclient"}, []string{"client"}},
		{[]string{"mauvesend.exe", "-p"}, []string{"send", "-p"}},
		{[]string{"/usr/local/bin/mauve", "version"}, []string{"version"}},
		{[]string{"mauve-send", "-p"}, []string{"-p"}}, // unknown names run the root
		{[]string{"mauve"}, []string{}},
		{nil, nil},
	}
	for _, tc := range tests {
		if got := Invocation(tc.argv); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Invocation(%q): got %q, want %q", tc.argv, got, tc.want)
		}
	}
}
