package commands

import (
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/mauve-alert/mauve/ui"
)

// newRotaCommand is `mauve rota`, with its subcommands show and override.
func newRotaCommand(env *Env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "rota",
		Short: "Show who is on call and cover someone's shifts",
		Args:  noArgs,
		RunE:  groupHelp,
	}
	cmd.AddCommand(newRotaShowCommand(env), newRotaOverrideCommand(env))
	return cmd
}

func newRotaShowCommand(env *Env) *cobra.Command {
	o := &stationOptions{}
	weeks := 4
	cmd := &cobra.Command{
		Use:   "show [--weeks N]",
		Short: "Print who is on call now, next, and over the coming weeks",
		Long: `mauve rota show asks the running station for each rota's shifts: who is on
call now, who is next, and every shift over the coming weeks, overrides
marked with *. Times are in each rota's time zone.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := o.dial(env.Getenv)
			if err != nil {
				return err
			}
			rotas, err := c.Rotas(cmd.Context(), weeks)
			if err != nil {
				return fmt.Errorf("rota show: %w", err)
			}
			return printRotas(cmd.OutOrStdout(), rotas)
		},
	}
	o.addFlags(cmd)
	cmd.Flags().IntVar(&weeks, "weeks", 4, "how many weeks ahead to show (1 to 52)")
	return cmd
}

// printRotas prints each rota: now, next, then the shifts.
func printRotas(w io.Writer, rotas []ui.RotaJSON) error {
	if len(rotas) == 0 {
		_, err := fmt.Fprintln(w, "no rotas in the configuration")
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for i, r := range rotas {
		loc, err := time.LoadLocation(r.TimeZone)
		if err != nil {
			loc = time.UTC
		}
		if i > 0 {
			fmt.Fprintln(tw)
		}
		fmt.Fprintf(tw, "rota %s (%s)\n", r.Name, r.TimeZone)
		if len(r.Shifts) > 0 {
			fmt.Fprintf(tw, "  now:\t%s\tuntil %s\n", mark(r.Shifts[0]), r.Shifts[0].End.In(loc).Format("Mon 2 Jan 15:04"))
		}
		if len(r.Shifts) > 1 {
			fmt.Fprintf(tw, "  next:\t%s\tfrom %s\n", mark(r.Shifts[1]), r.Shifts[1].Start.In(loc).Format("Mon 2 Jan 15:04"))
		}
		for _, s := range r.Shifts {
			fmt.Fprintf(tw, "  %s\t%s\t%s\n", s.Start.In(loc).Format("Mon 2 Jan 15:04"), s.End.In(loc).Format("Mon 2 Jan 15:04"), mark(s))
		}
	}
	return tw.Flush()
}

func mark(s ui.Shift) string {
	if s.Override {
		return s.Person + " *"
	}
	return s.Person
}

func newRotaOverrideCommand(env *Env) *cobra.Command {
	o := &stationOptions{}
	var in ui.OverrideRequest
	var from, to string
	cmd := &cobra.Command{
		Use:   "override --rota NAME --person WHO [--covers WHOM] --from TIME --to TIME",
		Short: "Have someone cover a rota's shifts for a while",
		Long: `mauve rota override records that --person covers --covers (or whoever
holds the shift, without --covers) on --rota from --from until --to. Times
are "2026-11-27 18:00" in this machine's time zone, or RFC 3339. The
override is recorded with who made it and survives restarts.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var err error
			if in.From, err = parseCLITime("--from", from); err != nil {
				return err
			}
			if in.To, err = parseCLITime("--to", to); err != nil {
				return err
			}
			c, err := o.dial(env.Getenv)
			if err != nil {
				return err
			}
			got, err := c.AddOverride(cmd.Context(), in)
			if err != nil {
				return fmt.Errorf("rota override: %w", err)
			}
			_, err = fmt.Fprintf(cmd.OutOrStdout(), "override %d: %s covers %s on %s from %s to %s\n", got.ID, got.Person,
				orWhoever(got.Covers), got.Rota, got.From.Local().Format(time.RFC3339), got.To.Local().Format(time.RFC3339))
			return err
		},
	}
	o.addFlags(cmd)
	cmd.Flags().StringVar(&in.Rota, "rota", "", "the rota")
	cmd.Flags().StringVar(&in.Person, "person", "", "who covers")
	cmd.Flags().StringVar(&in.Covers, "covers", "", "who is covered (default: whoever holds the shift)")
	cmd.Flags().StringVar(&from, "from", "", `start, like "2026-11-27 18:00"`)
	cmd.Flags().StringVar(&to, "to", "", `end, like "2026-11-29 18:00"`)
	return cmd
}

func orWhoever(s string) string {
	if s == "" {
		return "whoever is on call"
	}
	return s
}

// parseCLITime reads "2006-01-02 15:04" in the local zone, or RFC 3339.
func parseCLITime(flag, s string) (time.Time, error) {
	if t, err := time.ParseInLocation("2006-01-02 15:04", s, time.Local); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("%s: %q is not a time; write \"2026-11-27 18:00\" or RFC 3339", flag, s)
}
