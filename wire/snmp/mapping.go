package snmp

import (
	"fmt"
	"html"
	"strconv"
	"strings"
	"time"

	"github.com/mauve-alert/mauve/wire"
)

// Map turns a trap into an update from its agent, by the first rule
// naming its OID, else by the built-in mapping of the standard traps. A
// trap neither names is dropped (reason ReasonUnmapped), or raised as
// "snmp-" and its OID when c.RaiseUnmapped.
func (c *Config) Map(t Trap, receivedAt time.Time) (wire.Update, error) {
	source := t.Agent.String()
	if c.Source == SourceSysName {
		if n, ok := t.value(oidSysName); ok && wire.CheckSource(0, n) == nil {
			source = n
		}
	}
	var (
		a     wire.Alert
		clear bool
		ok    bool
	)
	for _, r := range c.Rules {
		if r.OID == t.OID {
			a, clear, ok = r.alert(t, source), r.Clear, true
			break
		}
	}
	if !ok {
		a, clear, ok = builtin(t, t.lookup(source, ""))
		if !ok && !c.RaiseUnmapped {
			return wire.Update{}, drop(ReasonUnmapped, "no trap rule for %s from %s", t.OID, source)
		}
		if !ok {
			a = wire.Alert{ID: "snmp-" + t.OID, Summary: fmt.Sprintf("trap %s from %s", t.OID, t.Agent)}
		}
		a.Detail = defaultDetail(t, "")
	}
	// Whole seconds, as a datagram carries them.
	if at := receivedAt.Truncate(time.Second); clear {
		a.ClearTime = at
	} else {
		a.RaiseTime = at
	}
	a.ID = cleanID(a.ID)
	if a.ID == "" {
		a.ID = "snmp-" + t.OID
	}
	return wire.Update{Source: source, Alerts: []wire.Alert{a}}, nil
}

// alert applies a rule's templates.
func (r Rule) alert(t Trap, source string) wire.Alert {
	name := r.Name
	if name == "" {
		name = r.OID
	}
	look := t.lookup(source, name)
	a := wire.Alert{ID: "snmp-" + name, Summary: fmt.Sprintf("trap %s from %s", name, t.Agent)}
	if !r.ID.IsZero() {
		a.ID = r.ID.render(look)
	}
	if !r.Summary.IsZero() {
		a.Summary = r.Summary.render(look)
	}
	if r.Detail.IsZero() {
		a.Detail = defaultDetail(t, name)
	} else {
		a.Detail = html.EscapeString(r.Detail.render(look))
	}
	return a
}

// builtin maps the standard traps of RFC 3418 and RFC 2863.
func builtin(t Trap, look func(string) string) (a wire.Alert, clear, ok bool) {
	switch t.OID {
	case oidLinkDown, oidLinkUp:
		clear = t.OID == oidLinkUp
		idx := look("ifIndex")
		a.ID = "snmp-link"
		what := "an interface"
		if idx != "" {
			a.ID += "-" + idx
			what = "interface " + idx
		}
		if n := firstNonEmpty(look("ifName"), look("ifDescr")); n != "" {
			what += " (" + n + ")"
		}
		state := "down"
		if clear {
			state = "up"
		}
		a.Summary = fmt.Sprintf("%s on %s is %s", what, t.Agent, state)
		return a, clear, true
	case oidColdStart:
		return wire.Alert{ID: "snmp-coldStart", Summary: fmt.Sprintf("%s restarted (coldStart): its configuration may have changed", t.Agent)}, false, true
	case oidWarmStart:
		return wire.Alert{ID: "snmp-warmStart", Summary: fmt.Sprintf("%s reinitialised (warmStart) without changing its configuration", t.Agent)}, false, true
	case oidAuthFailure:
		return wire.Alert{ID: "snmp-authenticationFailure", Summary: fmt.Sprintf("%s refused an SNMP request that failed authentication (authenticationFailure)", t.Agent)}, false, true
	}
	return a, false, false
}

// lookup answers template references for one trap.
func (t Trap) lookup(source, name string) func(string) string {
	return func(ref string) string {
		switch ref {
		case "agent":
			return t.Agent.String()
		case "source":
			return source
		case "oid":
			return t.OID
		case "name":
			return firstNonEmpty(name, t.OID)
		case "version":
			return t.Version
		case "sysName":
			v, _ := t.value(oidSysName)
			return v
		case "ifIndex":
			return t.ifIndex()
		case "ifDescr":
			v, _ := t.value(oidIfDescr)
			return v
		case "ifName":
			v, _ := t.value(oidIfName)
			return v
		}
		if n, err := strconv.Atoi(ref); err == nil {
			if n >= 1 && n <= len(t.Varbinds) {
				return t.Varbinds[n-1].Value
			}
			return ""
		}
		v, _ := t.value(ref)
		return v
	}
}

// value is the varbind named oid, or else the first instance of the
// column oid.
func (t Trap) value(oid string) (string, bool) {
	for _, v := range t.Varbinds {
		if v.OID == oid {
			return v.Value, true
		}
	}
	for _, v := range t.Varbinds {
		if strings.HasPrefix(v.OID, oid+".") {
			return v.Value, true
		}
	}
	return "", false
}

// ifIndex is the ifIndex varbind, or the instance of any ifTable or
// ifXTable column the trap carries (linkDown carries ifIndex,
// ifAdminStatus and ifOperStatus, all with the ifIndex as instance).
func (t Trap) ifIndex() string {
	if v, ok := t.value(oidIfIndex); ok {
		return v
	}
	for _, v := range t.Varbinds {
		for _, table := range []string{oidIfEntry, oidIfXEntry} {
			if col, ok := strings.CutPrefix(v.OID, table); ok {
				if _, inst, ok := strings.Cut(col, "."); ok && !strings.Contains(inst, ".") {
					return inst
				}
			}
		}
	}
	return ""
}

// defaultDetail lists what the trap said, as HTML.
func defaultDetail(t Trap, name string) string {
	var b strings.Builder
	what := t.OID
	if name != "" && name != t.OID {
		what = name + " (" + t.OID + ")"
	}
	kind := "trap"
	if t.Inform {
		kind = "inform"
	}
	fmt.Fprintf(&b, "<p>SNMPv%s %s %s from %s</p>", t.Version, kind, html.EscapeString(what), t.Agent)
	if len(t.Varbinds) > 0 {
		b.WriteString("<ul>")
		for _, v := range t.Varbinds {
			fmt.Fprintf(&b, "<li>%s = %s</li>", html.EscapeString(v.OID), html.EscapeString(v.Value))
		}
		b.WriteString("</ul>")
	}
	return b.String()
}

// cleanID makes an alert id of rendered text as wire.Decode would: no
// control characters, valid UTF-8, no surrounding space.
func cleanID(s string) string {
	return strings.TrimSpace(printable(s))
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}
