package commands

import (
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/mauve-alert/mauve/ui"
)

// newTokenCommand is `mauve token`, with its subcommands create, list and
// revoke.
func newTokenCommand(env *Env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "token",
		Short: "Manage API tokens for scripts and mauve client",
		Args:  noArgs,
		RunE:  groupHelp,
	}
	cmd.AddCommand(newTokenCreateCommand(env), newTokenListCommand(env), newTokenRevokeCommand(env))
	return cmd
}

type tokenOptions struct {
	stationOptions
	person    string
	name      string
	mayCreate bool
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
makes another for the same person, if that token was made with
--may-create-tokens; revoking it revokes the tokens it made.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := o.dial(env.Getenv)
			if err != nil {
				return err
			}
			tok, err := c.CreateTokenWith(cmd.Context(), ui.TokenOptions{Person: o.person, Name: o.name, MayCreateTokens: o.mayCreate})
			if ue := (*ui.Error)(nil); o.person == "" && errors.As(err, &ue) && ue.Status == 400 && strings.HasPrefix(ue.Message, "person: missing") {
				// Root or the station's user, who is no person: the API's
				// "person: missing" means the flag here.
				return errors.New("token create: you are not a person of this station: give --person NAME for whom the token acts")
			}
			if err != nil {
				return fmt.Errorf("token create: %w", err)
			}
			_, err = fmt.Fprintln(cmd.OutOrStdout(), tok)
			return err
		},
	}
	o.addFlags(cmd)
	cmd.Flags().StringVar(&o.person, "person", "", "the person the token acts for (default: you)")
	cmd.Flags().StringVar(&o.name, "name", "cli", "a label saying what the token is for")
	cmd.Flags().BoolVar(&o.mayCreate, "may-create-tokens", false, "let the token make further tokens (revoked with it)")
	return cmd
}

func newTokenListCommand(env *Env) *cobra.Command {
	o := &tokenOptions{}
	cmd := &cobra.Command{
		Use:   "list [--person NAME]",
		Short: "List your API tokens (IDs and labels, never the secrets)",
		Long: `mauve token list prints your API tokens: the ID that mauve token revoke
takes, the label and when it was made. Root and the station's own user,
on the station's socket, may name any --person.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := o.dial(env.Getenv)
			if err != nil {
				return err
			}
			tokens, err := c.ListTokens(cmd.Context(), o.person)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if len(tokens) == 0 {
				_, err = fmt.Fprintln(out, "no API tokens")
				return err
			}
			tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tNAME\tCREATED")
			for _, t := range tokens {
				fmt.Fprintf(tw, "%s\t%s\t%s\n", t.ID, t.Name, t.Created.Local().Format(time.DateTime))
			}
			return tw.Flush()
		},
	}
	o.addFlags(cmd)
	cmd.Flags().StringVar(&o.person, "person", "", "whose tokens (default: yours)")
	return cmd
}

func newTokenRevokeCommand(env *Env) *cobra.Command {
	o := &tokenOptions{}
	cmd := &cobra.Command{
		Use:   "revoke ID... [--person NAME]",
		Short: "Revoke API tokens by the ID mauve token list shows",
		Long: `mauve token revoke deletes your API tokens with these IDs (from mauve token
list); a script using one gets 401 from then on. Root and the station's own
user, on the station's socket, may name any --person.`,
		Args: func(_ *cobra.Command, ids []string) error {
			if len(ids) == 0 {
				return errors.New("token revoke: name a token ID (mauve token list shows them)")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, ids []string) error {
			c, err := o.dial(env.Getenv)
			if err != nil {
				return err
			}
			for _, id := range ids {
				if err := c.RevokeToken(cmd.Context(), o.person, id); err != nil {
					if ue := (*ui.Error)(nil); errors.As(err, &ue) && ue.Status == 404 {
						// The station's message repeats the ID.
						return fmt.Errorf("token revoke %s: no such token (mauve token list shows the IDs)", id)
					}
					return fmt.Errorf("token revoke %s: %w", id, err)
				}
				if _, err := fmt.Fprintf(cmd.OutOrStdout(), "revoked %s\n", id); err != nil {
					return err
				}
			}
			return nil
		},
	}
	o.addFlags(cmd)
	cmd.Flags().StringVar(&o.person, "person", "", "whose tokens (default: yours)")
	return cmd
}
