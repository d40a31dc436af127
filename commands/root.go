package commands

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
)

// subcommands lists every mauve command, in help order. Adding a command is
// one line here and one file beside this one.
func subcommands(env *Env) []*cobra.Command {
	return []*cobra.Command{
		newSendCommand(env),
		newServeCommand(env),
		newConfigCommand(env),
		newAckCommand(env),
		newUnackCommand(env),
		newClearCommand(env),
		newClientCommand(env),
		newTokenCommand(env),
		newRotaCommand(env),
		newPasswdCommand(env),
		newVersionCommand(env),
		newCompletionCommand(env),
		newManCommand(env),
	}
}

// newRootCommand builds the `mauve` command tree for env.
func newRootCommand(env *Env) *cobra.Command {
	root := &cobra.Command{
		Use:   "mauve",
		Short: "One bucket for every alert, and one place to decide who hears about it",
		Long: `mauve is an alert station. Scripts, cron jobs and monitors send it alerts
with 'mauve send' (one UDP datagram, classic mauvealert protocol); 'mauve serve'
runs the station, which decides from its configuration who is told, how and
when, and serves the web interface.

The same binary linked as mauvesend, mauveserver or mauveclient behaves as
'mauve send', 'mauve serve' or 'mauve client'.`,
		SilenceUsage:      true,
		SilenceErrors:     true,
		CompletionOptions: cobra.CompletionOptions{DisableDefaultCmd: true},
	}
	root.SetIn(env.Stdin)
	root.SetOut(env.Stdout)
	root.SetErr(env.Stderr)
	root.SetFlagErrorFunc(flagError)
	root.Args, root.RunE = noArgs, groupHelp
	root.AddCommand(subcommands(env)...)
	return root
}

// Main runs mauve with the process's argv (argv[0] included, for the
// mauvesend/mauveserver/mauveclient links) and returns the exit status.
// Errors are printed as one line on env.Stderr.
func Main(ctx context.Context, argv []string, env *Env) int {
	root := newRootCommand(env)
	root.SetArgs(Invocation(argv))
	err := root.ExecuteContext(ctx)
	if err == nil {
		return 0
	}
	var exit *ExitError
	if !errors.As(err, &exit) {
		exit = &ExitError{Err: err}
	}
	if exit.Err != nil {
		prefix := exit.Prefix
		if prefix == "" {
			prefix = "mauve: "
		}
		msg := strings.ReplaceAll(strings.TrimSpace(exit.Err.Error()), "\n", "; ")
		fmt.Fprintln(env.Stderr, prefix+msg)
	}
	if exit.Code == 0 {
		return 1
	}
	return exit.Code
}

// ExitError lets a command choose how Main reports its failure: Err printed
// on one line after Prefix ("mauve: " when empty; nothing when Err is nil),
// and Code as the exit status (1 when zero).
type ExitError struct {
	Code   int
	Prefix string
	Err    error
}

func (e *ExitError) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("exit status %d", e.Code)
	}
	return e.Err.Error()
}

func (e *ExitError) Unwrap() error { return e.Err }
