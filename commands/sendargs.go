package commands

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/mauve-alert/mauve/wire"
)

// This file parses `mauve send` arguments the way classic mauvesend's
// getopt did, which pflag cannot: options apply in order to the alert the
// last -i started, -r and -c take an optional time (attached, or the next
// argument when it is not an option), long options may be abbreviated, and
// destinations may appear anywhere.

// sendAction is what a `mauve send` command line asks for.
type sendAction int

const (
	actionSend sendAction = iota
	actionHelp
	actionManual
	actionVersion
)

// sendArgs is a parsed `mauve send` command line.
type sendArgs struct {
	action  sendAction
	update  wire.Update // without transmission id and time; Source "" means the host name
	dests   []string
	verbose int
	keyFile string
}

type argKind int

const (
	noArg argKind = iota
	requiredArg
	optionalArg
)

// sendOption is one option of `mauve send`; sendOptions is read-only.
type sendOption struct {
	short byte // 0: long only
	long  string
	kind  argKind
	want  string // what the value should be, for errors
	alert bool   // applies to the alert the last -i started
}

var sendOptions = []sendOption{
	{'h', "help", noArg, "", false},
	{'m', "manual", noArg, "", false},
	{'V', "version", noArg, "", false},
	{'o', "source", requiredArg, "a source name", false},
	{'p', "replace", noArg, "", false},
	{'i', "id", requiredArg, "an alert id", false},
	{'s', "summary", requiredArg, "a summary", true},
	{'u', "subject", requiredArg, "a subject", true},
	{'d', "detail", requiredArg, "an HTML detail", true},
	{'r', "raise", optionalArg, "a time", true},
	{'c', "clear", optionalArg, "a time", true},
	{'e', "suppress", requiredArg, "a time", true},
	{'v', "verbose", noArg, "", false},
	{0, "key-file", requiredArg, "a file holding the signing key", false},
}

// splitTimeSpec splits the classic time forms [+-]N[smhd] into sign,
// digits and unit. (Plain code rather than a package-level regexp: every
// `mauve send` would compile it at start-up.)
func splitTimeSpec(s string) (sign, digits, unit string, ok bool) {
	if s != "" && (s[0] == '+' || s[0] == '-') {
		sign, s = s[:1], s[1:]
	}
	if s != "" && strings.IndexByte("smhd", s[len(s)-1]) >= 0 {
		unit, s = s[len(s)-1:], s[:len(s)-1]
	}
	if s == "" {
		return "", "", "", false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return "", "", "", false
		}
	}
	return sign, s, unit, true
}

// negativeTime reports whether s is a relative time in the past, which
// getopt would take for an option; no mauve send option is a digit, so it
// can only be a time.
func negativeTime(s string) bool {
	sign, _, _, ok := splitTimeSpec(s)
	return ok && sign == "-"
}

// errNoAlerts is the classic complaint about a command line with nothing to
// send, capitalised as classic printed it.
//
//lint:ignore ST1005 classic mauvesend's message, which scripts may match
var errNoAlerts = errors.New("No alerts specified (start one with -i ID, or give -p alone to clear every alert of this source)")

// parseSendArgs parses a `mauve send` command line (without the command
// name); now is the time relative times count from.
func parseSendArgs(args []string, now time.Time) (sendArgs, error) {
	p := sendParser{now: now, ids: map[string]bool{}}
	for i := 0; i < len(args); i++ {
		arg := args[i]
		next := func() (string, bool) {
			if i+1 < len(args) {
				i++
				return args[i], true
			}
			return "", false
		}
		peekTime := func() (string, bool) {
			if i+1 < len(args) && (!strings.HasPrefix(args[i+1], "-") || negativeTime(args[i+1])) {
				i++
				return args[i], true
			}
			return "", false
		}
		var err error
		switch {
		case arg == "--":
			p.out.dests = append(p.out.dests, args[i+1:]...)
			i = len(args)
		case strings.HasPrefix(arg, "--"):
			err = p.long(arg, next, peekTime)
		case strings.HasPrefix(arg, "-") && len(arg) > 1:
			err = p.shorts(arg, next, peekTime)
		default:
			p.out.dests = append(p.out.dests, arg)
		}
		if err != nil {
			return sendArgs{}, err
		}
		if p.out.action != actionSend {
			return p.out, nil
		}
	}
	if len(p.out.update.Alerts) == 0 && !p.out.update.Replace {
		return sendArgs{}, errNoAlerts
	}
	return p.out, nil
}

type sendParser struct {
	now       time.Time
	out       sendArgs
	ids       map[string]bool
	sourceSet bool
}

// long handles one --name[=value] argument.
func (p *sendParser) long(arg string, next, peekTime func() (string, bool)) error {
	name, value, hasValue := strings.Cut(arg[2:], "=")
	opt, err := lookupLong(name)
	if err != nil {
		return err
	}
	flag := "--" + opt.long
	switch opt.kind {
	case noArg:
		if hasValue {
			return fmt.Errorf("%s: takes no value, got %q", flag, value)
		}
	case requiredArg:
		if !hasValue {
			if value, hasValue = next(); !hasValue {
				return fmt.Errorf("%s: needs %s", flag, opt.want)
			}
		}
	case optionalArg:
		if !hasValue {
			value, hasValue = peekTime()
			return p.apply(opt, flag, value, hasValue, hasValue)
		}
	}
	return p.apply(opt, flag, value, hasValue, false)
}

// shorts handles one -abc cluster of short options.
func (p *sendParser) shorts(arg string, next, peekTime func() (string, bool)) error {
	for j := 1; j < len(arg); j++ {
		opt, ok := lookupShort(arg[j])
		flag := "-" + arg[j:j+1]
		if !ok {
			return fmt.Errorf("%s: unknown option (see mauve send -h)", flag)
		}
		if opt.kind == noArg {
			if err := p.apply(opt, flag, "", false, false); err != nil {
				return err
			}
			if p.out.action != actionSend {
				return nil
			}
			continue
		}
		value, hasValue, separate := arg[j+1:], j+1 < len(arg), false
		if !hasValue {
			if opt.kind == requiredArg {
				if value, hasValue = next(); !hasValue {
					return fmt.Errorf("%s: needs %s", flag, opt.want)
				}
			} else {
				value, hasValue = peekTime()
				separate = hasValue
			}
		}
		return p.apply(opt, flag, value, hasValue, separate)
	}
	return nil
}

func lookupShort(c byte) (sendOption, bool) {
	for _, o := range sendOptions {
		if o.short == c && c != 0 {
			return o, true
		}
	}
	return sendOption{}, false
}

// lookupLong finds a long option by name or unambiguous prefix, as getopt_long does.
func lookupLong(name string) (sendOption, error) {
	var matches []sendOption
	for _, o := range sendOptions {
		if o.long == name {
			return o, nil
		}
		if name != "" && strings.HasPrefix(o.long, name) {
			matches = append(matches, o)
		}
	}
	switch len(matches) {
	case 1:
		return matches[0], nil
	case 0:
		return sendOption{}, fmt.Errorf("--%s: unknown option (see mauve send -h)", name)
	}
	names := make([]string, len(matches))
	for i, m := range matches {
		names[i] = "--" + m.long
	}
	return sendOption{}, fmt.Errorf("--%s: ambiguous, could be %s", name, strings.Join(names, ", "))
}

// apply records one option. separate says an optional value was taken from
// the next argument, so a bad one may have been meant as a destination.
func (p *sendParser) apply(opt sendOption, flag, value string, hasValue, separate bool) error {
	u := &p.out.update
	if opt.kind == requiredArg && value == "" {
		return fmt.Errorf("%s: empty value (want %s)", flag, opt.want)
	}
	var alert *wire.Alert
	if opt.alert {
		if len(u.Alerts) == 0 {
			return fmt.Errorf("%s: no alert to apply it to (start one with -i ID before it)", flag)
		}
		alert = &u.Alerts[len(u.Alerts)-1]
	}
	switch opt.long {
	case "help":
		p.out.action = actionHelp
	case "manual":
		p.out.action = actionManual
	case "version":
		p.out.action = actionVersion
	case "verbose":
		p.out.verbose++
	case "replace":
		u.Replace = true
	case "source":
		if p.sourceSet {
			return fmt.Errorf("%s: source given twice (%q, then %q); give it once", flag, u.Source, value)
		}
		p.sourceSet, u.Source = true, value
	case "key-file":
		if p.out.keyFile != "" {
			return fmt.Errorf("%s: given twice", flag)
		}
		p.out.keyFile = value
	case "id":
		if p.ids[value] {
			return fmt.Errorf("%s: alert %q given twice; each id once per update", flag, value)
		}
		p.ids[value] = true
		u.Alerts = append(u.Alerts, wire.Alert{ID: value})
	case "summary":
		alert.Summary = value
	case "subject":
		alert.Subject = value
	case "detail":
		alert.Detail = value
	case "raise", "clear", "suppress":
		if !hasValue || value == "" {
			// -r '' is -r now, as classic's getopt treated it; scripts
			// that build the time in a variable that may be empty rely
			// on it. (-e '' was refused above: it takes a time.)
			value = "now"
		}
		t, err := parseTimeSpec(value, p.now)
		if err != nil {
			if separate && looksLikeDestination(value) {
				return fmt.Errorf("%s: %w; to %s now and send to %q, write %s now %s", flag, err, opt.long, value, flag, value)
			}
			return fmt.Errorf("%s: %w", flag, err)
		}
		switch opt.long {
		case "raise":
			alert.RaiseTime = t
		case "clear":
			alert.ClearTime = t
		default:
			alert.SuppressUntil = t
		}
	}
	return nil
}

// looksLikeDestination tells a host or address, which a classic getopt
// would have taken as -r's or -c's time, from a mistyped time.
func looksLikeDestination(s string) bool {
	if s == "" || s[0] == '+' || s[0] == '-' {
		return false
	}
	return strings.ContainsAny(s, ".:[") || s[0] < '0' || s[0] > '9'
}

// parseTimeSpec reads a classic mauvesend time: "now", +N or -N with an
// optional unit s, m, h or d (relative to now; a bare N with a unit counts
// forward), or bare digits (absolute unix seconds).
func parseTimeSpec(s string, now time.Time) (time.Time, error) {
	bad := fmt.Errorf("unrecognised time %q (want now, +10m, -1h, or unix seconds)", s)
	if s == "now" {
		return now, nil
	}
	sign, digits, unitName, ok := splitTimeSpec(s)
	if !ok {
		return time.Time{}, bad
	}
	n, err := strconv.ParseInt(digits, 10, 64)
	if err != nil {
		return time.Time{}, bad
	}
	var t time.Time
	if sign == "" && unitName == "" {
		t = time.Unix(n, 0)
	} else {
		unit := time.Second
		switch unitName {
		case "m":
			unit = time.Minute
		case "h":
			unit = time.Hour
		case "d":
			unit = 24 * time.Hour
		}
		if n > int64(100*365*24*time.Hour/unit) {
			return time.Time{}, fmt.Errorf("time %q is more than a century away", s)
		}
		d := time.Duration(n) * unit
		if sign == "-" {
			d = -d
		}
		t = now.Add(d)
	}
	if t.Unix() <= 0 {
		return time.Time{}, fmt.Errorf("time %q is not after 1970 (want now, +10m, -1h, or unix seconds)", s)
	}
	return t.Truncate(time.Second), nil
}
