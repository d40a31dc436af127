package policy

import (
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/mauve-alert/mauve/wire/snmp"
)

var snmpSchema = &hcl.BodySchema{
	Attributes: attrs("community", "source", "unmapped"),
	Blocks: []hcl.BlockHeaderSchema{
		{Type: "user", LabelNames: []string{"name"}},
		{Type: "trap", LabelNames: []string{"oid"}},
	},
}

var snmpUserSchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{
	{Name: "auth_protocol", Required: true}, {Name: "auth_passphrase", Required: true},
	{Name: "priv_protocol", Required: true}, {Name: "priv_passphrase", Required: true},
}}

var trapSchema = &hcl.BodySchema{Attributes: attrs("name", "id", "summary", "detail", "action")}

// decodeSNMP decodes the station's snmp block: who may send traps to
// station.listen.snmp and how traps become alerts.
func (l *loader) decodeSNMP(b *hcl.Block) {
	if l.p.Station.SNMP != nil {
		l.diags = append(l.diags, errorAt(b.DefRange, "Duplicate snmp block", "only one snmp block is allowed in the station block"))
		return
	}
	c := l.content(b.Body, snmpSchema)
	cfg := &snmp.Config{Source: snmp.SourceAgent}
	as := c.Attributes
	l.strList(as, "community", &cfg.Communities)
	for _, cm := range cfg.Communities {
		if cm == "" {
			l.diags = append(l.diags, errorAt(as["community"].Expr.Range(), "Empty community",
				"community holds an empty string (an unset env() variable?); every trap with an empty community would be accepted"))
		}
	}
	if l.str(as, "source", &cfg.Source) {
		l.oneOf(as, "source", cfg.Source, snmp.SourceAgent, snmp.SourceSysName)
	}
	unmapped := "drop"
	if l.str(as, "unmapped", &unmapped) {
		l.oneOf(as, "unmapped", unmapped, "drop", "raise")
	}
	cfg.RaiseUnmapped = unmapped == "raise"
	for _, ub := range c.Blocks {
		switch ub.Type {
		case "user":
			l.decodeSNMPUser(ub, cfg)
		case "trap":
			l.decodeTrap(ub, cfg)
		}
	}
	l.p.Station.SNMP = cfg
}

func (l *loader) decodeSNMPUser(b *hcl.Block, cfg *snmp.Config) {
	c := l.content(b.Body, snmpUserSchema)
	u := snmp.User{Name: b.Labels[0]}
	if !l.unique("snmp user", u.Name, b.DefRange) {
		return
	}
	as := c.Attributes
	ok := l.str(as, "auth_protocol", &u.AuthProtocol)
	ok = l.str(as, "auth_passphrase", &u.AuthPassphrase) && ok
	ok = l.str(as, "priv_protocol", &u.PrivProtocol) && ok
	ok = l.str(as, "priv_passphrase", &u.PrivPassphrase) && ok
	if !ok {
		return
	}
	if err := u.Check(); err != nil {
		// Point at the attribute at fault where there is one.
		r := b.DefRange
		for _, name := range []string{"auth_protocol", "priv_protocol", "auth_passphrase", "priv_passphrase"} {
			if a := as[name]; a != nil && strings.Contains(err.Error(), name) {
				r = a.Expr.Range()
				break
			}
		}
		l.diags = append(l.diags, errorAt(r, "Invalid snmp user", "user %q: %v", u.Name, err))
		return
	}
	cfg.Users = append(cfg.Users, u)
}

func (l *loader) decodeTrap(b *hcl.Block, cfg *snmp.Config) {
	c := l.content(b.Body, trapSchema)
	oid, err := snmp.CheckOID(b.Labels[0])
	if err != nil {
		l.diags = append(l.diags, errorAt(b.LabelRanges[0], "Invalid trap OID", "trap %v", err))
		return
	}
	if !l.unique("trap", oid, b.DefRange) {
		return
	}
	r := snmp.Rule{OID: oid}
	as := c.Attributes
	l.str(as, "name", &r.Name)
	for _, t := range []struct {
		name string
		dst  *snmp.Template
	}{{"id", &r.ID}, {"summary", &r.Summary}, {"detail", &r.Detail}} {
		var s string
		if !l.str(as, t.name, &s) {
			continue
		}
		tmpl, err := snmp.ParseTemplate(s)
		if err != nil {
			l.diags = append(l.diags, errorAt(as[t.name].Expr.Range(), "Invalid trap template", "%s: %v", t.name, err))
			continue
		}
		*t.dst = tmpl
	}
	action := "raise"
	if l.str(as, "action", &action) {
		l.oneOf(as, "action", action, "raise", "clear")
	}
	r.Clear = action == "clear"
	cfg.Rules = append(cfg.Rules, r)
}

// checkSNMP warns about a listener without credentials and credentials
// without a listener, each of which drops every trap.
func (l *loader) checkSNMP(b *hcl.Block, listen *hcl.Attribute) {
	s := &l.p.Station
	if s.ListenSNMP != "" {
		if !hostPort(s.ListenSNMP) {
			l.diags = append(l.diags, errorAt(listen.Expr.Range(), "Invalid address",
				"listen.snmp %q must be host:port, like \"[::]:162\" or \"127.0.0.1:1162\"", s.ListenSNMP))
		}
	}
	switch {
	case s.ListenSNMP != "" && (s.SNMP == nil || len(s.SNMP.Communities)+len(s.SNMP.Users) == 0):
		l.diags = append(l.diags, warningAt(listen.Expr.Range(), "SNMP traps will all be dropped",
			"listen.snmp is set but no snmp block gives a community or user; add station { snmp { community = [\"...\"] } }"))
	case s.ListenSNMP == "" && s.SNMP != nil:
		l.diags = append(l.diags, warningAt(b.DefRange, "No SNMP listener",
			"the snmp block has no effect without station { listen { snmp = \"[::]:162\" } }"))
	}
}

// hostPort reports whether s is host:port as a UDP socket takes it: a
// port number after the last colon, a host without colons or a bracketed
// IPv6 address before it (policy knows no network, so no net package).
func hostPort(s string) bool {
	i := strings.LastIndexByte(s, ':')
	if i < 0 {
		return false
	}
	host, port := s[:i], s[i+1:]
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return false
	}
	if strings.HasPrefix(host, "[") {
		return strings.HasSuffix(host, "]") && !strings.ContainsAny(host[1:len(host)-1], "[]")
	}
	return !strings.ContainsAny(host, ":[]")
}
