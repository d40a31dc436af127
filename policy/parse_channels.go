package policy

import (
	"net/mail"
	"time"

	"github.com/hashicorp/hcl/v2"
)

var emailSchema = &hcl.BodySchema{Attributes: attrs("from", "server", "tls", "username", "password", "subject_prefix")}

func (l *loader) decodeEmail(b *hcl.Block) {
	c := l.content(b.Body, emailSchema)
	e := &Email{Server: "localhost:25", TLS: "opportunistic", SubjectPrefix: "[mauve]"}
	as := c.Attributes
	l.str(as, "from", &e.From)
	l.str(as, "server", &e.Server)
	l.str(as, "tls", &e.TLS)
	l.str(as, "username", &e.Username)
	l.str(as, "password", &e.Password)
	l.str(as, "subject_prefix", &e.SubjectPrefix)
	l.oneOf(as, "tls", e.TLS, "none", "opportunistic", "starttls", "tls")
	if e.From == "" {
		e.From = "mauve@" + l.p.Station.Name
		if _, err := mail.ParseAddress(e.From); err != nil {
			l.diags = append(l.diags, errorAt(b.DefRange, "No sender address",
				"the default sender %q (mauve@ and the station's name) is not an address; set from = \"mauve@example.com\"", e.From))
		}
	} else {
		l.address(as["from"], "email from", e.From)
	}
	l.p.Email = e
}

var xmppSchema = &hcl.BodySchema{Attributes: append(attrs("password", "server", "tls", "ca_file"), hcl.AttributeSchema{Name: "jid", Required: true})}

func (l *loader) decodeXMPP(b *hcl.Block) {
	c := l.content(b.Body, xmppSchema)
	x := &XMPP{TLS: "starttls"}
	as := c.Attributes
	l.str(as, "jid", &x.JID)
	l.str(as, "password", &x.Password)
	l.str(as, "server", &x.Server)
	l.str(as, "tls", &x.TLS)
	l.oneOf(as, "tls", x.TLS, "starttls", "tls", "none")
	if x.TLS == "none" && !loopbackHostPort(x.Server) {
		r := b.DefRange
		if a, ok := as["server"]; ok {
			r = a.Expr.Range()
		}
		l.diags = append(l.diags, errorAt(r, "Unencrypted XMPP off loopback",
			"tls = \"none\" sends the password in clear, so it is only allowed with a loopback server such as \"127.0.0.1:5222\", not %q", x.Server))
	}
	if l.str(as, "ca_file", &x.CAFile) {
		x.CA = l.readPEM(as["ca_file"], x.CAFile)
	}
	l.p.XMPP = x
}

var smsSchema = &hcl.BodySchema{Attributes: append(attrs("account", "token", "from", "api_url", "timeout",
	"max_messages_per_alert", "url", "method", "headers", "body"), hcl.AttributeSchema{Name: "provider", Required: true})}

func (l *loader) decodeSMS(b *hcl.Block) {
	c := l.content(b.Body, smsSchema)
	s := &SMS{Name: b.Labels[0], MaxMessagesPerAlert: 3, Method: "POST", Timeout: 10 * time.Second}
	if !l.unique("sms", s.Name, b.LabelRanges[0]) {
		return
	}
	as := c.Attributes
	l.str(as, "provider", &s.Provider)
	l.str(as, "account", &s.Account)
	l.str(as, "token", &s.Token)
	l.str(as, "from", &s.From)
	l.str(as, "api_url", &s.APIURL)
	l.integer(as, "max_messages_per_alert", &s.MaxMessagesPerAlert)
	l.str(as, "url", &s.URL)
	l.str(as, "method", &s.Method)
	l.str(as, "body", &s.Body)
	s.Headers = l.headers(as)
	if l.duration(as, "timeout", &s.Timeout) && s.Timeout <= 0 {
		l.diags = append(l.diags, errorAt(as["timeout"].Expr.Range(), "Invalid value", "timeout must be more than 0, like \"10s\""))
	}
	switch s.Provider {
	case "twilio":
		l.required(b, as, "account", "token", "from")
	case "http":
		l.required(b, as, "url")
	default:
		l.oneOf(as, "provider", s.Provider, "twilio", "http")
	}
	if s.MaxMessagesPerAlert < 1 {
		l.diags = append(l.diags, errorAt(as["max_messages_per_alert"].Expr.Range(), "Invalid value", "max_messages_per_alert must be at least 1"))
	}
	l.p.SMS[s.Name] = s
}

var webhookSchema = &hcl.BodySchema{Attributes: append(attrs("format", "secret", "timeout", "headers"), hcl.AttributeSchema{Name: "url", Required: true})}

func (l *loader) decodeWebhook(b *hcl.Block) {
	c := l.content(b.Body, webhookSchema)
	w := &Webhook{Name: b.Labels[0], Format: "json", Timeout: 10 * time.Second}
	if !l.unique("webhook", w.Name, b.LabelRanges[0]) {
		return
	}
	as := c.Attributes
	l.str(as, "url", &w.URL)
	l.str(as, "format", &w.Format)
	l.str(as, "secret", &w.Secret)
	l.duration(as, "timeout", &w.Timeout)
	w.Headers = l.headers(as)
	l.oneOf(as, "format", w.Format, "json", "slack", "ntfy")
	l.p.Webhooks[w.Name] = w
}

var execSchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "command", Required: true}, {Name: "timeout"}}}

func (l *loader) decodeExec(b *hcl.Block) {
	c := l.content(b.Body, execSchema)
	e := &Exec{Name: b.Labels[0], Timeout: 30 * time.Second}
	if !l.unique("exec", e.Name, b.LabelRanges[0]) {
		return
	}
	if l.strList(c.Attributes, "command", &e.Command) && len(e.Command) == 0 {
		l.diags = append(l.diags, errorAt(c.Attributes["command"].Expr.Range(), "Empty command",
			"command must name a program and its arguments, like [\"/usr/local/bin/page\", \"--urgent\"]"))
	}
	l.duration(c.Attributes, "timeout", &e.Timeout)
	l.p.Execs[e.Name] = e
}

// address checks that value, given by attribute a (what names it), is one
// mail address, as "johnny@example.com" or "Johnny <johnny@example.com>".
// An empty value (an unset env()) is left to the checks that need it.
func (l *loader) address(a *hcl.Attribute, what, value string) {
	if a == nil || value == "" {
		return
	}
	if _, err := mail.ParseAddress(value); err != nil {
		l.diags = append(l.diags, errorAt(a.Expr.Range(), "Not a mail address",
			"%s %q is not a mail address (%v); write it as \"johnny@example.com\" or \"Johnny <johnny@example.com>\"", what, value, err))
	}
}
