package commands

import (
	"fmt"

	"github.com/spf13/cobra"
)

// newTokenCommand is `mauve token`, with its subcommand create.
func newTokenCommand(env *Env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "token",
		Short: "Manage API tokens for scripts and mauve client",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(newTokenCreateCommand(env))
	return cmd
}

type tokenOptions struct {
	stationOptions
	person string
	name   string
}

func newTokenCreateCommand(env *Env) *cobra.Command {
	o := &tokenOptions{}
	cmd := &cobra.Command{
		Use:   "create [--person NAME] [--name LABEL]",
		Short: "Make an API token and print it",
		Long: `mauve token create asks the running station for a new API token and prints
it; only its hash is kept, so copy it now. Use it as 'Authorization: Bearer
TOKEN', with mauve client, or with mauve ack --server.

On the station it talks to the unix socket (--config): you get a token for
yourself (the person whose unix_user is your login); root and the station's
own user may name any --person. Elsewhere, --server with an existing token
makes another for the same person.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := o.dial(env.Getenv)
			if err != nil {
				return err
			}
			tok, err := c.CreateToken(cmd.Context(), o.person, o.name)
			if err != nil {
				return err
			}
			_, err = fmt.Fprintln(cmd.OutOrStdout(), tok)
			return err
		},
	}
	o.addFlags(cmd)
	cmd.Flags().StringVar(&o.person, "person", "", "the person the token acts for (default: you)")
	cmd.Flags().StringVar(&o.name, "name", "cli", "a label saying what the token is for")
	return cmd
}
