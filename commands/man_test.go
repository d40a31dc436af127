package commands

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"
)

func TestWriteManTree(t *testing.T) {
	root := &cobra.Command{Use: "tool", Short: "A tool"}
	root.PersistentFlags().Bool("debug", false, "log debug messages")
	sub := &cobra.Command{
		Use:   "run HOST",
		Short: "Run it",
		Long:  "Runs it on HOST.\n\nEXAMPLES\n\n  tool run a-b\n.not a request\n\nback\\slash",
		Run:   func(*cobra.Command, []string) {},
	}
	sub.Flags().StringP("name", "n", "x-y", "the `NAME` to use")
	sub.Flags().Int("count", 0, "how many")
	sub.Flags().String("secret", "", "hidden")
	if err := sub.Flags().MarkHidden("secret"); err != nil {
		t.Fatal(err)
	}
	root.AddCommand(sub, &cobra.Command{Use: "gone", Hidden: true, Run: func(*cobra.Command, []string) {}})

	dir := t.TempDir()
	h := manHeader{title: "TOOL", section: "1", date: time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC), source: "tool 1.0", manual: "tool manual"}
	if err := writeManTree(root, h, dir); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if got, want := strings.Join(names, " "), "tool-run.1 tool.1"; got != want {
		t.Errorf("got pages %q, want %q", got, want)
	}
	b, err := os.ReadFile(filepath.Join(dir, "tool-run.1"))
	if err != nil {
		t.Fatal(err)
	}
	page := string(b)
	for _, want := range []string{
		`.TH "TOOL" "1" "Nov 2026" "tool 1.0" "tool manual"`,
		".SH NAME\ntool\\-run \\- Run it\n",
		".SH SYNOPSIS\n\\fBtool run HOST [flags]\\fR\n",
		".SH DESCRIPTION\n.PP\nRuns it on HOST.\n.SS EXAMPLES\n",
		".nf\n  tool run a\\-b\n\\&.not a request\n.fi\n",
		"back\\eslash",
		".SH OPTIONS\n",
		".TP\n\\fB\\-n\\fR, \\fB\\-\\-name\\fR=\\fINAME\\fR\nthe NAME to use (default \"x\\-y\")\n",
		".TP\n\\fB\\-\\-count\\fR=\\fIint\\fR\nhow many\n",
		".SH OPTIONS INHERITED FROM PARENT COMMANDS\n.TP\n\\fB\\-\\-debug\\fR\nlog debug messages\n",
		".SH SEE ALSO\n\\fBtool\\fR(1)\n",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q:\n%s", want, page)
		}
	}
	for _, bad := range []string{"secret", "gone"} {
		if strings.Contains(page, bad) {
			t.Errorf("page shows hidden %q:\n%s", bad, page)
		}
	}
	if b, err := os.ReadFile(filepath.Join(dir, "tool.1")); err != nil || !strings.Contains(string(b), ".SH SEE ALSO\n\\fBtool\\-run\\fR(1)\n") {
		t.Errorf("root page: %v\n%s", err, b)
	}
}
