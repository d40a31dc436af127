package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/mauve-alert/mauve/policy"
)

// defaultExecTimeout bounds a program run by an exec block that sets no
// timeout.
const defaultExecTimeout = 30 * time.Second

// errExecTimeout is the cause given to a run's context when the block's
// timeout, not the caller, ends it.
var errExecTimeout = errors.New("timed out")

// inheritedEnv names the only variables a program inherits from mauve's own
// environment; everything else it sees is MAUVE_*. mauve's environment
// often holds the secrets its config reads with env(), and a notification
// script has no need of them.
var inheritedEnv = []string{"PATH", "HOME", "USER", "LOGNAME", "LANG", "LC_ALL", "TZ", "TMPDIR"}

// Exec is the channel for one exec "name" block: it runs the block's
// command once per notification, with the alert in MAUVE_* environment
// variables and the JSON Payload on standard input.
//
// The variables are MAUVE_EVENT, MAUVE_LEVEL, MAUVE_PERSON,
// MAUVE_PERSON_EMAIL, MAUVE_PERSON_SMS, MAUVE_PERSON_XMPP,
// MAUVE_NOTIFICATION_ID, MAUVE_SOURCE, MAUVE_ALERT_ID, MAUVE_SUBJECT,
// MAUVE_SUMMARY, MAUVE_DETAIL, MAUVE_IMPORTANCE, MAUVE_STATE,
// MAUVE_RAISED_AT, MAUVE_CLEARED_AT, MAUVE_ACKNOWLEDGED_BY,
// MAUVE_ACKNOWLEDGED_UNTIL (times RFC 3339, empty when unset),
// MAUVE_HEADLINE, MAUVE_TEXT (the classic short form), MAUVE_NOTE,
// MAUVE_URL, MAUVE_STATION, MAUVE_STATION_URL and MAUVE_PAYLOAD_VERSION.
//
// Exit status 0 is delivery. Any other status is a permanent failure (the
// worker falls back to the person's next channel) reported with the end of
// the program's standard error. A program still running at the timeout is
// killed with its whole process group, and that failure is transient.
type Exec struct {
	name       string
	command    []string
	timeout    time.Duration
	stationURL string
	logger     *slog.Logger
}

var _ Channel = (*Exec)(nil)

// NewExec builds the channel for cfg; stationURL is the base of the
// station's web UI.
func NewExec(cfg *policy.Exec, stationURL string, logger *slog.Logger) (*Exec, error) {
	if len(cfg.Command) == 0 || cfg.Command[0] == "" {
		return nil, fmt.Errorf("exec %q: command is empty (want e.g. command = [\"/usr/local/bin/page\", \"--urgent\"])", cfg.Name)
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	t := cfg.Timeout
	if t <= 0 {
		t = defaultExecTimeout
	}
	return &Exec{name: cfg.Name, command: cfg.Command, timeout: t, stationURL: stationURL, logger: logger}, nil
}

// Send runs the command for m and waits for it, never past the timeout.
func (e *Exec) Send(ctx context.Context, m Message) error {
	stdin, err := json.Marshal(NewPayload(m, e.stationURL))
	if err != nil {
		return Permanent(fmt.Errorf("exec %s: encode payload: %w", e.name, err))
	}
	what := fmt.Sprintf("exec %s: %s", e.name, filepath.Base(e.command[0]))

	ctx, cancel := context.WithTimeoutCause(ctx, e.timeout, errExecTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, e.command[0], e.command[1:]...)
	cmd.Env = execEnv(m, e.stationURL)
	cmd.Stdin = bytes.NewReader(stdin)
	stderr := &tailBuffer{max: 1024}
	cmd.Stderr = stderr
	cmd.Stdout = nil // discarded
	inProcessGroup(cmd)
	// A killed program's descendants may hold its stderr open; stop waiting
	// for them soon after the kill.
	cmd.WaitDelay = 2 * time.Second

	err = cmd.Run()
	switch {
	case err == nil:
		e.logger.Debug("exec ran", "channel", "exec."+e.name, "person", personName(m))
		return nil
	case context.Cause(ctx) == errExecTimeout:
		return fmt.Errorf("%s: killed after %s: %w", what, e.timeout, errExecTimeout)
	case ctx.Err() != nil:
		return fmt.Errorf("%s: %w", what, context.Cause(ctx))
	}
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		msg := oneLine(stderr.String(), 300)
		if msg != "" {
			msg = ": " + msg
		}
		return Permanent(fmt.Errorf("%s: %s%s", what, exit.ProcessState, msg))
	}
	// The program could not be started (missing, not executable): running
	// it again will not help.
	return Permanent(fmt.Errorf("%s: %w", what, err))
}

// execEnv is the whole environment of a run: a few of mauve's own
// variables and the notification as MAUVE_*.
func execEnv(m Message, stationURL string) []string {
	var env []string
	for _, k := range inheritedEnv {
		if v, ok := os.LookupEnv(k); ok {
			env = append(env, k+"="+v)
		}
	}
	p := NewPayload(m, stationURL)
	var email, sms, jid string
	if m.Person != nil {
		email, sms, jid = m.Person.Email, m.Person.SMS, m.Person.XMPP
	}
	vars := []struct{ k, v string }{
		{"EVENT", p.Event},
		{"LEVEL", p.Level},
		{"PERSON", p.Person},
		{"PERSON_EMAIL", email},
		{"PERSON_SMS", sms},
		{"PERSON_XMPP", jid},
		{"NOTIFICATION_ID", strconv.FormatUint(p.NotificationID, 10)},
		{"SOURCE", p.Alert.Source},
		{"ALERT_ID", p.Alert.ID},
		{"SUBJECT", p.Alert.Subject},
		{"SUMMARY", p.Alert.Summary},
		{"DETAIL", p.Alert.Detail},
		{"IMPORTANCE", strconv.FormatUint(uint64(p.Alert.Importance), 10)},
		{"STATE", p.Alert.State},
		{"RAISED_AT", rfc3339(p.Alert.RaisedAt)},
		{"CLEARED_AT", rfc3339(p.Alert.ClearedAt)},
		{"ACKNOWLEDGED_BY", p.Alert.AcknowledgedBy},
		{"ACKNOWLEDGED_UNTIL", rfc3339(p.Alert.AcknowledgedUntil)},
		{"HEADLINE", p.Headline},
		{"TEXT", p.Text},
		{"NOTE", p.Note},
		{"URL", p.URL},
		{"STATION", p.Station.Name},
		{"STATION_URL", p.Station.URL},
		{"PAYLOAD_VERSION", strconv.Itoa(p.Version)},
	}
	for _, kv := range vars {
		// A NUL cannot be passed in the environment.
		env = append(env, "MAUVE_"+kv.k+"="+strings.ReplaceAll(kv.v, "\x00", ""))
	}
	return env
}

func rfc3339(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.Format(time.RFC3339)
}

// tailBuffer keeps the last max bytes written to it: the end of a
// program's standard error, where the reason for a failure usually is.
type tailBuffer struct {
	max int
	buf []byte
}

func (b *tailBuffer) Write(p []byte) (int, error) {
	b.buf = append(b.buf, p...)
	if over := len(b.buf) - b.max; over > 0 {
		b.buf = append(b.buf[:0], b.buf[over:]...)
	}
	return len(p), nil
}

func (b *tailBuffer) String() string { return string(b.buf) }
