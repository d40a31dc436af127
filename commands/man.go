package commands

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// manHeader is what every page of the tree shares.
type manHeader struct {
	title   string // .TH title, upper case
	section string
	date    time.Time
	source  string // e.g. "mauve 1.2.3"
	manual  string
}

// writeManTree writes one roff man page per available command under root
// into dir, named after the command path ("mauve-send.1").
func writeManTree(root *cobra.Command, h manHeader, dir string) error {
	var walk func(c *cobra.Command) error
	walk = func(c *cobra.Command) error {
		for _, sub := range c.Commands() {
			if !sub.IsAvailableCommand() || sub.IsAdditionalHelpTopicCommand() {
				continue
			}
			if err := walk(sub); err != nil {
				return err
			}
		}
		name := manName(c) + "." + h.section
		if err := os.WriteFile(filepath.Join(dir, name), manPage(c, h), 0o644); err != nil {
			return fmt.Errorf("man page %s: %w", name, err)
		}
		return nil
	}
	return walk(root)
}

// manName is the command path joined with dashes: "mauve-send".
func manName(c *cobra.Command) string {
	return strings.ReplaceAll(c.CommandPath(), " ", "-")
}

// manPage renders command c as a man page: name, synopsis, description,
// options with their defaults, options inherited from its parents, and
// the related pages.
func manPage(c *cobra.Command, h manHeader) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, ".nh\n.TH %s %s %s %s %s\n",
		roffQuote(h.title), roffQuote(h.section), roffQuote(h.date.UTC().Format("Jan 2006")),
		roffQuote(h.source), roffQuote(h.manual))

	b.WriteString(".SH NAME\n")
	b.WriteString(roffText(manName(c)) + " \\- " + roffText(c.Short) + "\n")

	b.WriteString(".SH SYNOPSIS\n")
	b.WriteString("\\fB" + roffText(c.UseLine()) + "\\fR\n")

	b.WriteString(".SH DESCRIPTION\n")
	long := c.Long
	if long == "" {
		long = c.Short
	}
	writeParagraphs(&b, long)

	if c.Example != "" {
		b.WriteString(".SH EXAMPLES\n.nf\n" + roffLines(c.Example) + "\n.fi\n")
	}
	writeFlags(&b, "OPTIONS", c.NonInheritedFlags())
	writeFlags(&b, "OPTIONS INHERITED FROM PARENT COMMANDS", c.InheritedFlags())

	var see []string
	if c.HasParent() {
		see = append(see, manName(c.Parent()))
	}
	var subs []string
	for _, sub := range c.Commands() {
		if sub.IsAvailableCommand() && !sub.IsAdditionalHelpTopicCommand() {
			subs = append(subs, manName(sub))
		}
	}
	sort.Strings(subs)
	see = append(see, subs...)
	if len(see) > 0 {
		b.WriteString(".SH SEE ALSO\n")
		for i, s := range see {
			if i > 0 {
				b.WriteString(",\n")
			}
			b.WriteString("\\fB" + roffText(s) + "\\fR(" + h.section + ")")
		}
		b.WriteString("\n")
	}
	return b.Bytes()
}

// writeParagraphs writes text split on blank lines; a paragraph with an
// indented line (an example) is kept verbatim and indented, and one line
// in capitals is a subsection heading.
func writeParagraphs(b *bytes.Buffer, text string) {
	for _, para := range strings.Split(strings.TrimSpace(text), "\n\n") {
		para = strings.Trim(para, "\n")
		if para == "" {
			continue
		}
		if !strings.Contains(para, "\n") && strings.ToUpper(para) == para && strings.ToLower(para) != para {
			b.WriteString(".SS " + roffText(para) + "\n")
			continue
		}
		verbatim := false
		for _, l := range strings.Split(para, "\n") {
			if strings.HasPrefix(l, " ") || strings.HasPrefix(l, "\t") {
				verbatim = true
			}
		}
		if verbatim {
			b.WriteString(".PP\n.RS 4\n.nf\n" + roffLines(para) + "\n.fi\n.RE\n")
		} else {
			b.WriteString(".PP\n" + roffLines(para) + "\n")
		}
	}
}

// writeFlags writes one tagged paragraph per visible flag in the set:
// "-o, --source=STRING", its usage and its default.
func writeFlags(b *bytes.Buffer, title string, fs *pflag.FlagSet) {
	if !fs.HasAvailableFlags() {
		return
	}
	b.WriteString(".SH " + title + "\n")
	fs.VisitAll(func(f *pflag.Flag) {
		if f.Hidden {
			return
		}
		varname, usage := pflag.UnquoteUsage(f)
		b.WriteString(".TP\n")
		if f.Shorthand != "" && f.ShorthandDeprecated == "" {
			b.WriteString("\\fB\\-" + roffText(f.Shorthand) + "\\fR, ")
		}
		b.WriteString("\\fB\\-\\-" + roffText(f.Name) + "\\fR")
		if varname != "" {
			b.WriteString("=\\fI" + roffText(varname) + "\\fR")
		}
		b.WriteString("\n" + roffLines(usage))
		if def := f.DefValue; !zeroDefault(f.Value.Type(), def) {
			if f.Value.Type() == "string" {
				def = fmt.Sprintf("%q", def)
			}
			b.WriteString(" (default " + roffText(def) + ")")
		}
		b.WriteString("\n")
	})
}

// zeroDefault reports whether def is the zero value of a flag type, which
// goes without saying.
func zeroDefault(typ, def string) bool {
	switch def {
	case "", "[]", "<nil>":
		return true
	case "false":
		return typ == "bool"
	case "0", "0s":
		return typ != "string"
	}
	return false
}

// roffText escapes s for use within a line: backslashes and hyphens, so
// that roff neither interprets nor hyphenates them.
func roffText(s string) string {
	s = strings.ReplaceAll(s, `\`, `\e`)
	return strings.ReplaceAll(s, "-", `\-`)
}

// roffLines escapes multi-line text: as roffText, and no line may start
// with a control character or be empty (which would start a paragraph).
func roffLines(s string) string {
	lines := strings.Split(roffText(s), "\n")
	for i, l := range lines {
		if l == "" || strings.HasPrefix(l, ".") || strings.HasPrefix(l, "'") {
			lines[i] = `\&` + l
		}
	}
	return strings.Join(lines, "\n")
}

// roffQuote quotes one .TH argument.
func roffQuote(s string) string {
	return `"` + strings.ReplaceAll(roffText(s), `"`, `\(dq`) + `"`
}
