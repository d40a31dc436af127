package commands

import (
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/mauve-alert/mauve/wire"
)

// The texts of -h, -m and the man page. Paragraphs are flush left and
// blocks indented four spaces, so the man page generator reads them as
// markdown and the terminal shows them as they are.
const (
	sendSynopsis = `Usage: mauve send [destination...] [-o source] [-p] [-v[v]] [--key-file FILE]
         [-i id [-s summary] [-u subject] [-d detail] [-r [time]] [-c [time]] [-e time]]...
`
	sendDescription = `Send one update about some alerts to every destination (one UDP datagram
each, no reply awaited). Each -i starts an alert; the -s -u -d -r -c -e after
it apply to it.

    -i, --id ID            start an alert with this id (unique per source)
    -s, --summary TEXT     one line, short enough for an SMS
    -u, --subject TEXT     what the alert is about (default: the source)
    -d, --detail HTML      longer description, an HTML fragment
    -r, --raise [TIME]     raise at TIME (default now)
    -c, --clear [TIME]     clear at TIME (default now)
    -e, --suppress TIME    no notifications before TIME
    -o, --source NAME      who is sending (default: this host's name)
    -p, --replace          clear every other alert of this source (alone: all)
    -v, --verbose          print the transmission id; -vv the whole update
        --key-file FILE    sign with the key in FILE (or $MAUVE_KEY)
    -h, --help             this help
    -m, --manual           the manual
    -V, --version          the version

TIME is now, +N or -N with a unit s, m, h or d (+10m, -1h), or unix seconds.
Destinations: host, host:port, address, [IPv6]:port. A host without a port is
looked up as SRV _mauvealert._udp.host, else its addresses on port 32741.
Without one: $MAUVE_DESTINATION, else /etc/mauvealert/mauvesend.destination.
`
	sendManual = `
SENDING RAISE AND CLEAR

A monitor sends "raise" regularly while a problem lasts and "clear" regularly
after it has gone; the station notifies only on changes, and repeats are
cheap. UDP may drop a datagram, so repeat rather than rely on one.

    mauve send station -i disk-/var -s "/var is 97% full" -r
    mauve send station -i disk-/var -c

HEARTBEATS

Clear now and raise in the future: if the next update is late, the station
raises the alert by itself. Send it every few minutes, with a raise time more
than twice the sending period:

    mauve send station -i heartbeat -c -r +10m

REPLACING

-p makes the update the whole truth about its source: every alert of the
source that the update does not name is cleared. -p alone clears them all.

    mauve send station -o backups -p -i nightly -s "backup of db1 failed" -r

SEVERAL STATIONS

Name several destinations, or list them one per line in the destination file;
each gets the same datagram, and the exit status says which failed.

SIGNING

With --key-file FILE or $MAUVE_KEY, the update is signed (HMAC-SHA256 over
the update without its signature) and a station that requires signatures
from this source accepts it.

EXIT STATUS

0 when every destination was sent the update. 1 on any error, after which
nothing is sent; except that when some of several destinations fail, the
others are still sent the update and the error names the failed ones.
`
	sendUsage = sendSynopsis + "\n" + sendDescription
)

func newSendCommand(env *Env) *cobra.Command {
	return &cobra.Command{
		Use:                "send [destination...] [-i id [-s summary] [-r [time]] [-c [time]]...]...",
		Short:              "Send alerts to stations (the classic mauvesend)",
		Long:               sendDescription + sendManual,
		DisableFlagParsing: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := runSend(cmd.Context(), args, env, cmd.OutOrStdout()); err != nil {
				return &ExitError{Prefix: "*** Error: ", Err: err}
			}
			return nil
		},
	}
}

// runSend is `mauve send`: parse the classic command line, build the
// update, send it.
func runSend(ctx context.Context, args []string, env *Env, out io.Writer) error {
	now := env.Now()
	a, err := parseSendArgs(args, now)
	if err != nil {
		return err
	}
	switch a.action {
	case actionHelp:
		_, err := io.WriteString(out, sendUsage)
		return err
	case actionManual:
		_, err := io.WriteString(out, sendUsage+sendManual)
		return err
	case actionVersion:
		_, err := fmt.Fprintf(out, "mauve send %s (commit %s, built %s)\n", env.Build.Version, env.Build.Commit, env.Build.Date)
		return err
	}
	u := a.update
	if u.Source == "" {
		if u.Source, err = env.Hostname(); err != nil {
			return fmt.Errorf("-o: no source given and the host name is unknown (%w); give -o NAME", err)
		}
	}
	u.TransmissionID = wire.NewTransmissionID()
	u.TransmissionTime = now.Truncate(time.Second)
	key, err := sendKey(a.keyFile, env.Getenv)
	if err != nil {
		return err
	}
	if key != nil {
		if u, err = wire.Sign(u, key); err != nil {
			return err
		}
	} else if _, err := wire.Encode(u); err != nil {
		return err // refuse a bad update before looking up anything
	}
	dests := a.dests
	if len(dests) == 0 {
		if dests, err = wire.DefaultDestinations(env.Getenv, env.DestinationFile); err != nil {
			return err
		}
	}
	switch {
	case a.verbose == 1:
		fmt.Fprintln(out, strconv.FormatUint(u.TransmissionID, 10))
	case a.verbose > 1:
		io.WriteString(out, wire.Text(u))
	}
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	return wire.Send(ctx, u, dests, wire.SendOptions{Resolver: env.Resolver, Now: env.Now})
}

// sendKey reads the signing key from file, else $MAUVE_KEY; nil: unsigned.
func sendKey(file string, getenv func(string) string) ([]byte, error) {
	if file == "" {
		if k := getenv("MAUVE_KEY"); k != "" {
			return []byte(k), nil
		}
		return nil, nil
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("--key-file: %w", err)
	}
	k := strings.TrimRight(string(b), "\r\n")
	if k == "" {
		return nil, fmt.Errorf("--key-file: %s is empty (want the shared key on one line)", file)
	}
	return []byte(k), nil
}
