package term_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/mauve-alert/mauve/ui/term"
)

// Hostile text as a sender could put it in an alert: an OSC that retitles
// the terminal, a CSI that clears the screen, the same through the 8-bit
// C1 introducers, a bidi override, a bare BEL and invalid UTF-8.
const (
	retitle  = "\x1b]0;you have been pwned\x07"
	clear    = "\x1b[2J\x1b[H"
	c1Clear  = "\u009b2J"
	c1Title  = "\u009d0;pwned\u009c"
	override = "\u202egnp.exe"
)

func hostile() []term.Alert {
	return []term.Alert{{
		Source:         "core" + retitle + "-router",
		ID:             "bgp" + clear,
		Subject:        "edge" + c1Title,
		Summary:        "BGP down" + c1Clear + override + "\a\xff\ttab\nnewline",
		Level:          "urgent" + clear,
		State:          "acknowledged",
		AcknowledgedBy: "archie" + retitle,
		RaisedAt:       t0.Add(-12 * time.Minute),
	}}
}

// noControls fails when out holds anything a terminal would act on.
func noControls(t *testing.T, where, out string) {
	t.Helper()
	for _, bad := range []string{"\x1b", "\x07", "\u009b", "\u009d", "\u009c", "\u202e", "\xff", "\r"} {
		if strings.Contains(out, bad) {
			t.Errorf("%s writes %q to the terminal:\n%q", where, bad, out)
		}
	}
}

func TestPrintable(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"plain text, ünïcödé ✓", "plain text, ünïcödé ✓"},
		{retitle, `\x1b]0;you have been pwned\x07`},
		{clear, `\x1b[2J\x1b[H`},
		{c1Clear, `\u009b2J`},
		{override, `\u202egnp.exe`},
		{"a\tb\nc\r\nd", "a b c  d"},
		{"bad \xff byte", `bad \xff byte`},
		{"del\x7f", `del\x7f`},
		{"", ""},
	} {
		if got := term.Printable(tc.in); got != tc.want {
			t.Errorf("Printable(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestEscapes_View: the full-screen view shows hostile text escaped, on
// every line, including the status line after a failed action.
func TestEscapes_View(t *testing.T) {
	m := term.NewModel(term.Options{Actions: &actionLog{err: errors.New("refused: " + clear)}, Title: "st" + retitle})
	got := drive(t, m, tea.WindowSizeMsg{Width: 200, Height: 20}, term.ConnMsg{Connected: true}, term.AlertsMsg{Alerts: hostile(), At: t0}).View()
	noControls(t, "the view", got)
	if !strings.Contains(got, `core\x1b]0;you have been pwned\x07-router/bgp\x1b[2J\x1b[H`) {
		t.Errorf("the view does not show the alert's key escaped:\n%s", got)
	}
	got = drive(t, m, term.ConnMsg{Err: errors.New("lost" + retitle)}).View()
	noControls(t, "the disconnected view", got)
}

// TestEscapes_PrintOnce: `mauve client --once` and the waybar tooltip
// escape hostile text too.
func TestEscapes_PrintOnce(t *testing.T) {
	var b bytes.Buffer
	if err := term.PrintOnce(&b, hostile(), t0); err != nil {
		t.Fatal(err)
	}
	noControls(t, "mauve client --once", b.String())
	if !strings.Contains(b.String(), `bgp\x1b[2J`) {
		t.Errorf("the table does not show the id escaped:\n%s", b.String())
	}
	st := term.StatusOf(hostile(), t0)
	noControls(t, "the status tooltip", st.Tooltip)
}
