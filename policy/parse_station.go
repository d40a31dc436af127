package policy

import (
	"net/url"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"

	"github.com/mauve-alert/mauve/wire"
)

var stationSchema = &hcl.BodySchema{
	Attributes: attrs("name", "database", "timezone", "url", "duplicate_window", "max_acknowledgement",
		"initial_sleep", "expire_cleared", "working_hours", "daytime_hours", "dead_zone", "holidays", "trusted_header", "client_hold",
		"max_alerts_per_update"),
	Blocks: []hcl.BlockHeaderSchema{{Type: "listen"}, {Type: "heartbeat"}, {Type: "snmp"}},
}

var listenSchema = &hcl.BodySchema{Attributes: attrs("udp", "http", "socket", "snmp")}

var heartbeatSchema = &hcl.BodySchema{
	Attributes: append(attrs("every", "raise_after", "summary", "detail"), hcl.AttributeSchema{Name: "destination", Required: true}),
}

func (l *loader) decodeStation(b *hcl.Block) {
	c := l.content(b.Body, stationSchema)
	s := &l.p.Station
	as := c.Attributes
	if l.str(as, "name", &s.Name) {
		l.p.nameDefaulted = false
	}
	l.str(as, "database", &s.Database)
	if l.str(as, "url", &s.URL) {
		if u, err := url.Parse(s.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			l.diags = append(l.diags, errorAt(as["url"].Expr.Range(), "Invalid URL",
				"url %q must be an absolute http or https URL, like \"https://alerts.example.com\"", s.URL))
		}
	}
	for len(s.URL) > 0 && s.URL[len(s.URL)-1] == '/' {
		s.URL = s.URL[:len(s.URL)-1]
	}
	l.str(as, "trusted_header", &s.TrustedHeader)
	var tz string
	if l.str(as, "timezone", &tz) {
		if loc, ok := l.location(as["timezone"], tz); ok {
			s.Location = loc
		}
	}
	l.duration(as, "duplicate_window", &s.DuplicateWindow)
	l.duration(as, "max_acknowledgement", &s.MaxAcknowledgement)
	l.duration(as, "initial_sleep", &s.InitialSleep)
	l.duration(as, "expire_cleared", &s.ExpireCleared)
	l.duration(as, "client_hold", &s.ClientHold)
	if l.integer(as, "max_alerts_per_update", &s.MaxAlertsPerUpdate) && s.MaxAlertsPerUpdate == 0 {
		l.diags = append(l.diags, errorAt(as["max_alerts_per_update"].Expr.Range(), "Invalid number",
			"max_alerts_per_update must be at least 1 (leave it out for the default, 1000)"))
	}
	l.clockRanges(as, "working_hours", &s.WorkingHours)
	l.clockRanges(as, "daytime_hours", &s.DaytimeHours)
	l.clockRanges(as, "dead_zone", &s.DeadZone)
	var days []string
	if l.strList(as, "holidays", &days) {
		s.Holidays = nil
		for _, d := range days {
			date, err := ParseDate(d)
			if err != nil {
				l.diags = append(l.diags, errorAt(as["holidays"].Expr.Range(), "Invalid date", "holidays: %v", err))
				continue
			}
			s.Holidays = append(s.Holidays, date)
		}
	}
	var snmpListen *hcl.Attribute
	var snmpBlock *hcl.Block
	for _, lb := range c.Blocks {
		switch lb.Type {
		case "listen":
			lc := l.content(lb.Body, listenSchema)
			l.strList(lc.Attributes, "udp", &s.ListenUDP)
			l.str(lc.Attributes, "http", &s.ListenHTTP)
			l.str(lc.Attributes, "socket", &s.ListenSocket)
			if l.str(lc.Attributes, "snmp", &s.ListenSNMP) {
				snmpListen = lc.Attributes["snmp"]
			}
		case "heartbeat":
			l.decodeHeartbeat(lb)
		case "snmp":
			l.decodeSNMP(lb)
			snmpBlock = lb
		}
	}
	l.checkSNMP(snmpBlock, snmpListen)
	if _, ok := as["url"]; !ok {
		s.URL = defaultURL(s.ListenHTTP, s.Name)
	}
}

// defaultURL is the web UI's address as people reach it: the HTTP listen
// address, with the station's name for a wildcard host.
func defaultURL(listen, name string) string {
	host, port := listen, ""
	if i := strings.LastIndexByte(listen, ':'); i >= 0 && !strings.HasSuffix(listen, "]") {
		host, port = listen[:i], listen[i:]
	}
	switch host {
	case "", "[::]", "0.0.0.0", "::":
		host = name
	}
	return "http://" + host + port
}

func (l *loader) decodeHeartbeat(b *hcl.Block) {
	c := l.content(b.Body, heartbeatSchema)
	h := &Heartbeat{Every: time.Minute, RaiseAfter: wire.DefaultHeartbeatRaiseAfter}
	as := c.Attributes
	l.strList(as, "destination", &h.Destination)
	l.duration(as, "every", &h.Every)
	l.duration(as, "raise_after", &h.RaiseAfter)
	l.str(as, "summary", &h.Summary)
	l.str(as, "detail", &h.Detail)
	if h.Every <= 0 {
		l.diags = append(l.diags, errorAt(b.DefRange, "Invalid heartbeat", "every must be longer than zero"))
	} else if h.RaiseAfter <= 2*h.Every {
		l.diags = append(l.diags, warningAt(b.DefRange, "Heartbeat raise_after is short",
			"raise_after (%s) should be more than twice every (%s), or one lost datagram raises the alert", FormatDuration(h.RaiseAfter), FormatDuration(h.Every)))
	}
	l.p.Station.Heartbeat = h
}

// location resolves a time zone name ("Europe/London", "UTC", "Local").
func (l *loader) location(a *hcl.Attribute, name string) (*time.Location, bool) {
	if name == "local" || name == "Local" {
		return time.Local, true
	}
	loc, err := time.LoadLocation(name)
	if err != nil || name == "" {
		l.diags = append(l.diags, errorAt(a.Expr.Range(), "Unknown time zone",
			"%q is not a time zone: write an IANA name like \"Europe/London\" or \"UTC\"", name))
		return nil, false
	}
	return loc, true
}

// clockRanges decodes a list of "HH:MM-HH:MM" ranges.
func (l *loader) clockRanges(as hcl.Attributes, name string, dst *[]ClockRange) {
	var ss []string
	if !l.strList(as, name, &ss) {
		return
	}
	out := []ClockRange{}
	for _, s := range ss {
		r, err := ParseClockRange(s)
		if err != nil {
			l.diags = append(l.diags, errorAt(as[name].Expr.Range(), "Invalid clock range", "%s: %v", name, err))
			continue
		}
		out = append(out, r)
	}
	*dst = out
}

var senderKeySchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "secret", Required: true}, {Name: "sources", Required: true}}}

func (l *loader) decodeSenderKey(b *hcl.Block) {
	c := l.content(b.Body, senderKeySchema)
	k := SenderKey{Name: b.Labels[0]}
	if !l.unique("sender_key", k.Name, b.DefRange) {
		return
	}
	var secret string
	l.str(c.Attributes, "secret", &secret)
	k.Secret = []byte(secret)
	l.strList(c.Attributes, "sources", &k.Sources)
	l.p.SenderKeys = append(l.p.SenderKeys, k)
}
