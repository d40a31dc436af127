package notify

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"strings"

	"github.com/mauve-alert/mauve/policy"
)

// NewChannels builds every channel the policy configures, keyed by the
// channel reference people use in their level lists: "log" (always),
// "email", "xmpp", "sms.<name>", "webhook.<name>", "exec.<name>". Channels
// that hold connections implement io.Closer; close them with
// [CloseChannels] when the policy they came from is replaced. A nil logger
// discards.
func NewChannels(p *policy.Policy, logger *slog.Logger) (map[string]Channel, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	chans := make(map[string]Channel)
	var errs []error
	for _, ref := range channelRefs(p) {
		ch, err := newChannel(ref, p, logger)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if ch != nil {
			chans[ref] = ch
		}
	}
	if len(errs) > 0 {
		CloseChannels(chans)
		return nil, errors.Join(errs...)
	}
	return chans, nil
}

// newChannel is the one switch from a channel reference to its
// constructor. (A row naming a channel missing from the map, say after a
// reload dropped it, fails permanently on that channel and falls back.)
func newChannel(ref string, p *policy.Policy, logger *slog.Logger) (Channel, error) {
	kind, name, _ := strings.Cut(ref, ".")
	switch kind {
	case "log":
		return NewLog(logger), nil
	case "email":
		ch, err := NewEmail(p.Email, EmailOptions{})
		if err != nil {
			return nil, err // it names its channel
		}
		return ch, nil
	case "sms":
		ch, err := NewSMS(p.SMS[name], nil, logger)
		if err != nil {
			return nil, err // it names its channel
		}
		return ch, nil
	case "webhook":
		ch, err := NewWebhook(p.Webhooks[name], p.Station.URL, nil, logger)
		if err != nil {
			return nil, err // it names its channel
		}
		return ch, nil
	case "exec":
		ch, err := NewExec(p.Execs[name], p.Station.URL, logger)
		if err != nil {
			return nil, err // it names its channel
		}
		return ch, nil
	case "xmpp":
		ch, err := NewXMPP(p.XMPP, XMPPOptions{Logger: logger})
		if err != nil {
			return nil, err // it names its channel
		}
		ch.Start() // stopped by CloseChannels
		return ch, nil
	default:
		return nil, fmt.Errorf("unknown channel type %q in %q (want log, email, xmpp, sms.<name>, webhook.<name> or exec.<name>)", kind, ref)
	}
}

// channelRefs lists the references of every configured channel, sorted.
func channelRefs(p *policy.Policy) []string {
	refs := []string{"log"}
	if p.Email != nil {
		refs = append(refs, "email")
	}
	if p.XMPP != nil {
		refs = append(refs, "xmpp")
	}
	for name := range p.SMS {
		refs = append(refs, "sms."+name)
	}
	for name := range p.Webhooks {
		refs = append(refs, "webhook."+name)
	}
	for name := range p.Execs {
		refs = append(refs, "exec."+name)
	}
	sort.Strings(refs)
	return refs
}

// CloseChannels closes every channel that holds resources.
func CloseChannels(chans map[string]Channel) {
	for _, ch := range chans {
		if c, ok := ch.(io.Closer); ok {
			_ = c.Close()
		}
	}
}
