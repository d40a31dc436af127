package policy

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
)

// Show writes the effective policy, defaults filled in, in the language of
// the file. Secrets are shown as "(set)" or "(unset)", and expressions as
// written.
func (p *Policy) Show(w io.Writer) error {
	b := &strings.Builder{}
	p.showStation(b)
	p.showChannels(b)
	p.showPeople(b)
	p.showGroups(b)
	_, err := io.WriteString(w, b.String())
	return err
}

func (p *Policy) showStation(b *strings.Builder) {
	s := &p.Station
	fmt.Fprintf(b, "station {\n")
	fmt.Fprintf(b, "  name     = %q\n  database = %q\n  timezone = %q\n  url      = %q\n", s.Name, s.Database, s.Location.String(), s.URL)
	fmt.Fprintf(b, "  listen {\n    udp    = %s\n    http   = %q\n    socket = %q\n  }\n", quoteList(s.ListenUDP), s.ListenHTTP, s.ListenSocket)
	fmt.Fprintf(b, "  duplicate_window    = %q\n  max_acknowledgement = %q\n  initial_sleep       = %q\n  expire_cleared      = %q\n",
		FormatDuration(s.DuplicateWindow), FormatDuration(s.MaxAcknowledgement), FormatDuration(s.InitialSleep), FormatDuration(s.ExpireCleared))
	fmt.Fprintf(b, "  working_hours = %s\n  daytime_hours = %s\n  dead_zone     = %s\n", rangeList(s.WorkingHours), rangeList(s.DaytimeHours), rangeList(s.DeadZone))
	var days []string
	for _, d := range s.Holidays {
		days = append(days, d.String())
	}
	fmt.Fprintf(b, "  holidays      = %s\n", quoteList(days))
	if s.ClientHold != 0 {
		fmt.Fprintf(b, "  client_hold   = %q\n", FormatDuration(s.ClientHold))
	}
	if s.MaxAlertsPerUpdate != 0 {
		fmt.Fprintf(b, "  max_alerts_per_update = %d\n", s.MaxAlertsPerUpdate)
	}
	if s.TrustedHeader != "" {
		fmt.Fprintf(b, "  trusted_header = %q\n", s.TrustedHeader)
	}
	if h := s.Heartbeat; h != nil {
		fmt.Fprintf(b, "  heartbeat {\n    destination = %s\n    every       = %q\n    raise_after = %q\n  }\n",
			quoteList(h.Destination), FormatDuration(h.Every), FormatDuration(h.RaiseAfter))
	}
	fmt.Fprintf(b, "}\n")
}

func (p *Policy) showChannels(b *strings.Builder) {
	for _, k := range p.SenderKeys {
		fmt.Fprintf(b, "\nsender_key %q {\n  secret  = %s\n  sources = %s\n}\n", k.Name, secret(string(k.Secret)), quoteList(k.Sources))
	}
	if e := p.Email; e != nil {
		fmt.Fprintf(b, "\nemail {\n  from           = %q\n  server         = %q\n  tls            = %q\n  username       = %q\n  password       = %s\n  subject_prefix = %q\n}\n",
			e.From, e.Server, e.TLS, e.Username, secret(e.Password), e.SubjectPrefix)
	}
	for _, n := range sortedKeys(p.SMS) {
		s := p.SMS[n]
		fmt.Fprintf(b, "\nsms %q {\n  provider = %q\n  token    = %s\n  max_messages_per_alert = %d\n", n, s.Provider, secret(s.Token), s.MaxMessagesPerAlert)
		if s.Timeout != 10*time.Second {
			fmt.Fprintf(b, "  timeout  = %q\n", FormatDuration(s.Timeout))
		}
		fmt.Fprintf(b, "}\n")
	}
	if x := p.XMPP; x != nil {
		fmt.Fprintf(b, "\nxmpp {\n  jid      = %q\n  password = %s\n  server   = %q\n", x.JID, secret(x.Password), x.Server)
		if x.TLS != "" && x.TLS != "starttls" {
			fmt.Fprintf(b, "  tls      = %q\n", x.TLS)
		}
		if x.CAFile != "" {
			fmt.Fprintf(b, "  ca_file  = %q\n", x.CAFile)
		}
		fmt.Fprintf(b, "}\n")
	}
	for _, n := range sortedKeys(p.Webhooks) {
		h := p.Webhooks[n]
		fmt.Fprintf(b, "\nwebhook %q {\n  format  = %q\n  secret  = %s\n  timeout = %q\n", n, h.Format, secret(h.Secret), FormatDuration(h.Timeout))
		if len(h.Headers) > 0 {
			// Header values are secrets: only the names show.
			names := sortedKeys(h.Headers)
			shown := make([]string, len(names))
			for i, k := range names {
				shown[i] = fmt.Sprintf("%q = %s", k, secret(h.Headers[k]))
			}
			fmt.Fprintf(b, "  headers = { %s }\n", strings.Join(shown, ", "))
		}
		fmt.Fprintf(b, "}\n")
	}
	for _, n := range sortedKeys(p.Execs) {
		x := p.Execs[n]
		fmt.Fprintf(b, "\nexec %q {\n  command = %s\n  timeout = %q\n}\n", n, quoteList(x.Command), FormatDuration(x.Timeout))
	}
}

func (p *Policy) showPeople(b *strings.Builder) {
	for _, n := range sortedKeys(p.People) {
		ps := p.People[n]
		fmt.Fprintf(b, "\nperson %q {\n", n)
		for _, f := range [][2]string{{"email", ps.Email}, {"sms", ps.SMS}, {"xmpp", ps.XMPP}} {
			if f[1] != "" {
				fmt.Fprintf(b, "  %-9s = %q\n", f[0], f[1])
			}
		}
		fmt.Fprintf(b, "  unix_user = %q\n  timezone  = %q\n", ps.UnixUser, ps.Location.String())
		for _, lv := range levelsMostUrgentFirst {
			fmt.Fprintf(b, "  %-9s = [%s]\n", lv, strings.Join(ps.Channels[lv], ", "))
		}
		if len(ps.Away) > 0 {
			var days []string
			for _, r := range ps.Away {
				days = append(days, r.String())
			}
			fmt.Fprintf(b, "  away      = %s\n", quoteList(days))
		}
		if ps.NotifyWhenAway {
			fmt.Fprintf(b, "  notify_when_away = true\n")
		}
		var rs []string
		for _, r := range ps.SuppressAfter {
			rs = append(rs, fmt.Sprintf("%q = %d", FormatDuration(r.Period), r.Count))
		}
		if len(rs) == 0 {
			fmt.Fprintf(b, "  suppress_after = {}  # no limit\n") // left out, it would mean classic's
		} else {
			fmt.Fprintf(b, "  suppress_after = { %s }\n", strings.Join(rs, ", "))
		}
		fmt.Fprintf(b, "}\n")
	}
	for _, n := range sortedKeys(p.Lists) {
		pl := p.Lists[n]
		fmt.Fprintf(b, "\npeople %q {\n  members = %s  # %s\n", n, quoteList(pl.Members), strings.Join(pl.People, ", "))
		if pl.Every != 0 {
			fmt.Fprintf(b, "  every   = %q\n", FormatDuration(pl.Every))
		}
		if pl.During != nil {
			fmt.Fprintf(b, "  during  = %s\n", p.source(pl.During))
		}
		fmt.Fprintf(b, "}\n")
	}
	for _, n := range sortedKeys(p.Subjects) {
		fmt.Fprintf(b, "\nsubjects %q {\n  members = %s\n}\n", n, quoteList(p.Subjects[n].Members))
	}
}

func (p *Policy) showGroups(b *strings.Builder) {
	for _, g := range p.Groups {
		fmt.Fprintf(b, "\nalert_group %q {\n  level = %s\n", g.Name, g.Level)
		if g.Includes != nil {
			fmt.Fprintf(b, "  includes = %s\n", p.source(g.Includes))
		}
		fmt.Fprintf(b, "  acknowledgement_time = %q\n", FormatDuration(g.AcknowledgementTime))
		for _, nb := range g.Notify {
			fmt.Fprintf(b, "  notify %q {  # %s\n    every = %q\n", nb.Target, strings.Join(nb.People, ", "), FormatDuration(nb.Every))
			if nb.During != nil {
				fmt.Fprintf(b, "    during = %s\n", p.source(nb.During))
			}
			fmt.Fprintf(b, "  }\n")
		}
		fmt.Fprintf(b, "}\n")
	}
}

// source is an expression as written, from the range it was parsed at.
func (p *Policy) source(x hcl.Expression) string {
	if p.src == nil {
		return "(expression)"
	}
	r := x.Range()
	if r.End.Byte > len(p.src) || r.Start.Byte > r.End.Byte {
		return "(expression)"
	}
	return string(r.SliceBytes(p.src))
}

func secret(s string) string {
	if s == "" {
		return "(unset)"
	}
	return "(set)"
}

func quoteList(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = fmt.Sprintf("%q", s)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

func rangeList(rs []ClockRange) string {
	ss := make([]string, len(rs))
	for i, r := range rs {
		ss[i] = r.String()
	}
	return quoteList(ss)
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
