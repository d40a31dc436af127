package commands

import (
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/mauve-alert/mauve/policy"
)

// This file holds the checks of positional arguments and flags, so that a
// wrong command line says what is wrong and what would be right rather
// than cobra's "accepts 1 arg(s), received 0".

// name is the command's path without the leading "mauve", which Main's
// "mauve: " prefix already gives.
func name(cmd *cobra.Command) string {
	if !cmd.HasParent() {
		return "mauve"
	}
	return strings.TrimPrefix(cmd.CommandPath(), cmd.Root().Name()+" ")
}

// noArgs rejects any argument; for a command with subcommands, an
// argument is a subcommand that does not exist.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	if cmd.HasSubCommands() {
		prefix := name(cmd) + ": " // Main's "mauve: " names the root already
		if !cmd.HasParent() {
			prefix = ""
		}
		if cmd.SuggestionsMinimumDistance <= 0 {
			cmd.SuggestionsMinimumDistance = 2 // cobra's default, set only on the root
		}
		if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
			return fmt.Errorf("%sno command %q; did you mean %s?", prefix, args[0], orWords(s))
		}
		var subs []string
		for _, c := range cmd.Commands() {
			if c.IsAvailableCommand() {
				subs = append(subs, c.Name())
			}
		}
		return fmt.Errorf("%sno command %q (want %s)", prefix, args[0], orWords(subs))
	}
	return fmt.Errorf("%s takes no arguments, got %q (see %s -h)", name(cmd), strings.Join(args, " "), cmd.CommandPath())
}

// groupHelp is the RunE of a command that only groups others: alone it
// shows its help.
func groupHelp(cmd *cobra.Command, _ []string) error { return cmd.Help() }

// flagError is the root's FlagErrorFunc: it names the command and where
// its flags are listed, and drops Go's "time: " from bad durations.
func flagError(cmd *cobra.Command, err error) error {
	msg := strings.Replace(err.Error(), ": time: ", ": ", 1)
	if !cmd.HasParent() {
		return fmt.Errorf("%s (see mauve -h)", msg)
	}
	return fmt.Errorf("%s: %s (see %s -h)", name(cmd), msg, cmd.CommandPath())
}

// atMostOneArg accepts no argument or one.
func atMostOneArg(cmd, what, example string) cobra.PositionalArgs {
	one := oneArg(cmd, what, example)
	return func(c *cobra.Command, args []string) error {
		if len(args) == 0 {
			return nil
		}
		return one(c, args)
	}
}

// oneOf accepts exactly one argument among valid.
func oneOf(cmd string, valid ...string) cobra.PositionalArgs {
	return func(_ *cobra.Command, args []string) error {
		if len(args) == 1 {
			for _, v := range valid {
				if args[0] == v {
					return nil
				}
			}
			return fmt.Errorf("%s: no %q (want %s)", cmd, args[0], orWords(valid))
		}
		return fmt.Errorf("%s: name one of %s", cmd, orWords(valid))
	}
}

// orWords writes words as "a, b or c".
func orWords(words []string) string {
	switch len(words) {
	case 0:
		return ""
	case 1:
		return words[0]
	}
	return strings.Join(words[:len(words)-1], ", ") + " or " + words[len(words)-1]
}

// oneArg accepts exactly one argument, and otherwise says what it is for
// and gives an example, instead of cobra's "accepts 1 arg(s)".
func oneArg(cmd, what, example string) cobra.PositionalArgs {
	return func(_ *cobra.Command, args []string) error {
		switch len(args) {
		case 1:
			return nil
		case 0:
			return fmt.Errorf("%s: name %s, as in: %s", cmd, what, example)
		default:
			return fmt.Errorf("%s: got %d arguments (%s), want one, %s, as in: %s", cmd, len(args), strings.Join(args, " "), what, example)
		}
	}
}

// durationFlag is a flag holding a duration written in policy's grammar
// (policy.ParseDuration), the one every mauve command and file reads,
// rather than pflag's time.ParseDuration.
type durationFlag struct{ d *time.Duration }

func (f durationFlag) String() string {
	if f.d == nil {
		return ""
	}
	return policy.FormatDuration(*f.d)
}

func (f durationFlag) Set(s string) error {
	d, err := policy.ParseDuration(s)
	if err != nil {
		return err
	}
	*f.d = d
	return nil
}

func (durationFlag) Type() string { return "duration" }
