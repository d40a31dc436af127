package commands

import (
	"errors"
	"fmt"
	"os"

	"github.com/mauve-alert/mauve/policy"
	"github.com/spf13/cobra"
)

// newConfigCommand is `mauve config`, with check and show.
func newConfigCommand(env *Env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config",
		Short: "Check a config file, or show the configuration in force",
		Args:  noArgs,
		RunE:  groupHelp,
	}
	cmd.AddCommand(newConfigCheckCommand(env), newConfigShowCommand(env))
	return cmd
}

// newConfigCheckCommand is `mauve config check FILE`.
func newConfigCheckCommand(env *Env) *cobra.Command {
	return &cobra.Command{
		Use:   "check FILE",
		Short: "Validate a config file and print every diagnostic as file:line:col",
		Long: `mauve config check reads a config file as 'mauve serve --config FILE' would,
and prints every error and warning, one per line, as file:line:col: message.
It exits 1 when there is any error, 0 otherwise (warnings included, such as
env() of a variable that is not set).`,
		Args: oneArg("config check", "a config file", "mauve config check /etc/mauve/mauve.hcl"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runConfigCheck(cmd, env, args[0])
		},
	}
}

func runConfigCheck(cmd *cobra.Command, env *Env, path string) error {
	src, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("config check: %w", err)
	}
	_, diags := policy.ParseFiles(src, path, env.Getenv, os.ReadFile)
	out := cmd.OutOrStdout()
	for _, d := range diags {
		fmt.Fprintln(out, policy.FormatDiagnostic(d))
	}
	errs, warns := policy.Counts(diags)
	if errs > 0 {
		return &ExitError{Code: 1, Err: fmt.Errorf("%s: %s, %s", path, plural(errs, "error"), plural(warns, "warning"))}
	}
	_, err = fmt.Fprintf(out, "%s: OK, %s\n", path, plural(warns, "warning"))
	return err
}

// newConfigShowCommand is `mauve config show [FILE]`.
func newConfigShowCommand(env *Env) *cobra.Command {
	return &cobra.Command{
		Use:   "show [FILE]",
		Short: "Print the effective configuration, defaults filled in (secrets hidden)",
		Long: `mauve config show prints the configuration a station would run with: that of
FILE with every default filled in, or with no FILE the embedded defaults that
'mauve serve' uses without --config. Secrets print as (set) or (unset).`,
		Args: atMostOneArg("config show", "a config file", "mauve config show /etc/mauve/mauve.hcl"),
		RunE: func(cmd *cobra.Command, args []string) error {
			var p *policy.Policy
			if len(args) == 0 {
				host := ""
				if env.Hostname != nil {
					host, _ = env.Hostname()
				}
				p = policy.DefaultFor(host)
			} else {
				var err error
				if p, err = policy.Load(args[0], env.Getenv); err != nil {
					var le *policy.LoadError
					if errors.As(err, &le) {
						fmt.Fprintln(cmd.ErrOrStderr(), policy.FormatDiagnostics(le.Diagnostics))
						errs, warns := policy.Counts(le.Diagnostics)
						return &ExitError{Code: 1, Err: fmt.Errorf("%s: %s, %s", args[0], plural(errs, "error"), plural(warns, "warning"))}
					}
					return err
				}
			}
			return p.Show(cmd.OutOrStdout())
		},
	}
}

// plural writes "1 error", "2 errors".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
