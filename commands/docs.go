package commands

import (
	"fmt"
	"os"
	"time"

	"github.com/spf13/cobra"
)

func newCompletionCommand(env *Env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "completion bash|zsh|fish",
		Short: "Print a shell completion script",
		Long: `Print the completion script for a shell. For example:

  mauve completion bash > /etc/bash_completion.d/mauve
  mauve completion zsh > "${fpath[1]}/_mauve"
  mauve completion fish > ~/.config/fish/completions/mauve.fish`,
		Args:      oneOf("completion", "bash", "zsh", "fish"),
		ValidArgs: []string{"bash", "zsh", "fish"},
		RunE: func(cmd *cobra.Command, args []string) error {
			root, out := cmd.Root(), cmd.OutOrStdout()
			switch args[0] {
			case "bash":
				return root.GenBashCompletionV2(out, true)
			case "zsh":
				return root.GenZshCompletion(out)
			default:
				return root.GenFishCompletion(out, true)
			}
		},
	}
	return cmd
}

func newManCommand(env *Env) *cobra.Command {
	return &cobra.Command{
		Use:   "man DIR",
		Short: "Write man pages for mauve and its commands into DIR",
		Long: `Write one man page (section 1) per command into DIR, for example:

  mauve man /usr/local/share/man/man1`,
		Args: oneArg("man", "a directory", "mauve man /usr/local/share/man/man1"),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := args[0]
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return fmt.Errorf("man pages: %w", err)
			}
			date, err := time.Parse(time.RFC3339, env.Build.Date)
			if err != nil {
				date = time.Unix(0, 0) // reproducible when the build date is unknown
			}
			header := manHeader{
				title:   "MAUVE",
				section: "1",
				source:  "mauve " + env.Build.Version,
				manual:  "mauve manual",
				date:    date,
			}
			if err := writeManTree(cmd.Root(), header, dir); err != nil {
				return fmt.Errorf("write man pages to %s: %w", dir, err)
			}
			return nil
		},
	}
}
