package notify

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/mauve-alert/mauve/policy"
	"github.com/mauve-alert/mauve/store"
)

// PayloadVersion is the version of Payload that mauve sends. Within a
// version fields are only added; a field that changes meaning or goes away
// makes a new version, so receivers can check it and refuse what they do
// not know.
const PayloadVersion = 1

// Payload is the JSON document a webhook with format "json" receives as its
// POST body, and an exec program reads on its standard input. Times are
// RFC 3339 in UTC; unset times are omitted.
//
//	{
//	  "version": 1,
//	  "event": "raised",          // raised, cleared, acknowledged, unacknowledged,
//	                              // re-raised, reminder, ...
//	  "level": "urgent",          // urgent, normal or low
//	  "person": "johnny",         // who this notification is for
//	  "notification_id": 42,      // the same on every retry of one notification
//	  "time": "2026-11-25T14:05:00Z",
//	  "headline": "RAISED (urgent): core1 link down -- from core-router",
//	  "text": "link1: RAISED (urgent): core1 link down -- from core-router. https://…",
//	  "note": "further alerts suppressed until things calm down",   // or absent
//	  "alert": {"source": …, "id": …, "subject": …, "summary": …, "detail": …,
//	            "importance": 0, "state": "raised", "group": …, "level": …,
//	            "raised_at": …, "cleared_at": …, "acknowledged_by": …,
//	            "acknowledged_until": …},
//	  "station": {"name": "alerts1.example.com", "url": "https://alerts1.example.com"},
//	  "url": "https://alerts1.example.com/alerts/…"   // the alert in the web UI
//	}
type Payload struct {
	Version        int            `json:"version"`
	Event          string         `json:"event"`
	Level          string         `json:"level"`
	Person         string         `json:"person"`
	NotificationID uint64         `json:"notification_id"`
	Time           *time.Time     `json:"time,omitempty"`
	Headline       string         `json:"headline"`
	Text           string         `json:"text"`
	Note           string         `json:"note,omitempty"`
	Alert          PayloadAlert   `json:"alert"`
	Station        PayloadStation `json:"station"`
	URL            string         `json:"url"`
}

// PayloadAlert is the alert as it was at the event.
type PayloadAlert struct {
	Source            string     `json:"source"`
	ID                string     `json:"id"`
	Subject           string     `json:"subject"`
	Summary           string     `json:"summary"`
	Detail            string     `json:"detail"` // sanitized HTML
	Importance        uint32     `json:"importance"`
	State             string     `json:"state"`
	Group             string     `json:"group,omitempty"`
	Level             string     `json:"level,omitempty"`
	RaisedAt          *time.Time `json:"raised_at,omitempty"`
	ClearedAt         *time.Time `json:"cleared_at,omitempty"`
	AcknowledgedBy    string     `json:"acknowledged_by,omitempty"`
	AcknowledgedUntil *time.Time `json:"acknowledged_until,omitempty"`
}

// PayloadStation says which station sent the notification.
type PayloadStation struct {
	Name string `json:"name"`
	URL  string `json:"url"`
}

// NewPayload builds the version-1 payload of m; stationURL is the base of
// the station's web UI.
func NewPayload(m Message, stationURL string) Payload {
	n, a := m.Notification, m.Notification.Alert
	text := m.Short
	if text == "" {
		t, note := shortText(m)
		text = strings.TrimSpace(t + " " + note)
	}
	return Payload{
		Version:        PayloadVersion,
		Event:          string(n.Event),
		Level:          string(n.Level),
		Person:         personName(m),
		NotificationID: n.ID,
		Time:           utcTime(m.Time),
		Headline:       statement(m),
		Text:           text,
		Note:           m.Note,
		Alert: PayloadAlert{
			Source: a.Source, ID: a.ID, Subject: a.Subject, Summary: a.Summary,
			Detail: a.Detail, Importance: a.Importance, State: string(a.State),
			Group: a.Group, Level: string(a.Level),
			RaisedAt: utcTime(a.RaisedAt), ClearedAt: utcTime(a.ClearedAt),
			AcknowledgedBy: a.AcknowledgedBy, AcknowledgedUntil: utcTime(a.AcknowledgedUntil),
		},
		Station: PayloadStation{Name: m.StationName, URL: stationURL},
		URL:     m.URL,
	}
}

func utcTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}

// statement is a notification on one line, without the alert id or link:
// "RAISED (urgent): <subject>: <summary> -- from <source>".
func statement(m Message) string {
	n, a := m.Notification, m.Notification.Alert
	line := headline(n, personLocation(m), m.Time) + ": " + singleLine(subjectOf(a), subjectLimit)
	if s := singleLine(a.Summary, subjectLimit); s != "" {
		line += ": " + s
	}
	return line + " -- from " + singleLine(a.Source, subjectLimit)
}

// Webhook is the channel for one webhook "name" block: an HTTP POST in the
// block's format, signed when it has a secret, bounded by its timeout.
type Webhook struct {
	name       string
	format     string
	url        string // where the POST goes (for ntfy, the server, not the topic)
	topic      string // ntfy only
	secret     string
	headers    http.Header // the block's own headers; their values are secrets
	timeout    time.Duration
	stationURL string
	client     *http.Client
	logger     *slog.Logger
}

var _ Channel = (*Webhook)(nil)

// SignatureHeader carries "sha256=" and the hex HMAC-SHA256 of the body
// under the webhook's secret. Receivers recompute it over the raw body and
// compare in constant time.
const SignatureHeader = "X-Mauve-Signature"

// NewWebhook builds the channel for cfg. stationURL is the base of the
// station's web UI (the payload's station.url); client nil means a fresh
// one with no global timeout (each call has its own).
func NewWebhook(cfg *policy.Webhook, stationURL string, client *http.Client, logger *slog.Logger) (*Webhook, error) {
	if client == nil {
		client = newHTTPClient()
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	u, err := url.Parse(cfg.URL)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return nil, fmt.Errorf("webhook %q: url %s is not an absolute http(s) URL", cfg.Name, redactURL(cfg.URL))
	}
	w := &Webhook{
		name: cfg.Name, format: cfg.Format, url: cfg.URL, secret: cfg.Secret,
		timeout: cfg.Timeout, stationURL: stationURL, client: client, logger: logger,
	}
	if w.timeout <= 0 {
		w.timeout = defaultHTTPTimeout
	}
	if len(cfg.Headers) > 0 {
		w.headers = http.Header{}
		for k, v := range cfg.Headers {
			if strings.EqualFold(k, SignatureHeader) || strings.EqualFold(k, "Host") || strings.EqualFold(k, "Content-Length") {
				return nil, fmt.Errorf("webhook %q: header %s is set by mauve itself; leave it out of headers", cfg.Name, k)
			}
			w.headers.Set(k, v)
		}
	}
	switch cfg.Format {
	case "", "json":
		w.format = "json"
	case "slack":
	case "ntfy":
		// ntfy's JSON publishing goes to the server's root with the topic in
		// the body; the configured URL names the topic as its last segment.
		path := strings.TrimSuffix(u.Path, "/")
		i := strings.LastIndex(path, "/")
		if i < 0 || path[i+1:] == "" {
			return nil, fmt.Errorf("webhook %q: ntfy url %s names no topic (want https://ntfy.example.com/<topic>)", cfg.Name, redactURL(cfg.URL))
		}
		w.topic, u.Path, u.RawPath = path[i+1:], path[:i+1], ""
		w.url = u.String()
	default:
		return nil, fmt.Errorf("webhook %q: unknown format %q (want json, slack or ntfy)", cfg.Name, cfg.Format)
	}
	return w, nil
}

// Send posts m. A 4xx answer is permanent; 5xx, 408, 429, network failures
// and the timeout are transient. Errors show the webhook's host only, never
// its path, query or secret.
func (w *Webhook) Send(ctx context.Context, m Message) error {
	body, err := w.Body(m)
	if err != nil {
		return Permanent(fmt.Errorf("webhook %s: encode %s body: %w", w.name, w.format, err))
	}
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	h.Set("User-Agent", "mauve")
	for k, vs := range w.headers {
		h[k] = vs // may replace User-Agent or Content-Type, never the signature
	}
	if w.secret != "" {
		h.Set(SignatureHeader, Sign([]byte(w.secret), body))
	}
	req := httpRequest{
		what:    "webhook " + w.name,
		method:  http.MethodPost,
		url:     w.url,
		header:  h,
		body:    body,
		timeout: w.timeout,
		secrets: w.secrets(),
	}
	if err := req.send(ctx, w.client); err != nil {
		return err
	}
	w.logger.Debug("webhook posted", "channel", "webhook."+w.name, "person", personName(m), "format", w.format)
	return nil
}

// secrets lists what must not show in errors: the signing secret, the
// values of the block's headers (and the credentials within them, as in
// "Bearer <token>"), and the parts of the URL beyond its host, which often
// carry a key.
func (w *Webhook) secrets() []string {
	s := []string{w.secret, w.topic}
	for _, vs := range w.headers {
		for _, v := range vs {
			s = append(s, v)
			if _, cred, ok := strings.Cut(v, " "); ok {
				s = append(s, strings.TrimSpace(cred))
			}
		}
	}
	return append(s, urlSecrets(w.url)...)
}

// Sign returns the SignatureHeader value for body under secret:
// "sha256=" followed by the lowercase hex HMAC-SHA256.
func Sign(secret, body []byte) string {
	mac := hmac.New(sha256.New, secret)
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// Body renders the request body of m in the webhook's format.
func (w *Webhook) Body(m Message) ([]byte, error) {
	var v any
	switch w.format {
	case "slack":
		v = slackBody(m)
	case "ntfy":
		v = ntfyBody(m, w.topic)
	default:
		v = NewPayload(m, w.stationURL)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// slackMessage is an incoming-webhook message. Slack shows text as mrkdwn;
// Mattermost accepts the same payload and translates its <url|label> links.
type slackMessage struct {
	Text string `json:"text"`
}

func slackBody(m Message) slackMessage {
	lines := []string{slackEscape(statement(m))}
	if m.Note != "" {
		lines = append(lines, "_"+slackEscape(m.Note)+"_")
	}
	if m.URL != "" {
		lines = append(lines, "<"+slackLinkTarget(m.URL)+"|Open in mauve>")
	}
	return slackMessage{Text: strings.Join(lines, "\n")}
}

// slackEscape escapes the three characters Slack's text format reserves.
func slackEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// slackLinkTarget makes a URL safe inside <…|…>, where | and > end it.
func slackLinkTarget(u string) string {
	return strings.NewReplacer("|", "%7C", ">", "%3E", "<", "%3C").Replace(u)
}

// ntfyMessage is ntfy's JSON publish form (POST to the server root).
type ntfyMessage struct {
	Topic    string   `json:"topic"`
	Title    string   `json:"title"`
	Message  string   `json:"message"`
	Priority int      `json:"priority"`
	Click    string   `json:"click,omitempty"`
	Tags     []string `json:"tags,omitempty"`
}

// ntfyPriority maps levels to ntfy's 1–5 scale: urgent is 5 ("max", which
// breaks through do-not-disturb on phones), normal 3 (ntfy's default), low 2.
func ntfyPriority(level string) int {
	switch policy.Level(level) {
	case policy.Urgent:
		return 5
	case policy.Low:
		return 2
	default:
		return 3
	}
}

// ntfyTag is the emoji tag ntfy shows before the title.
func ntfyTag(e store.EventKind) string {
	switch e {
	case store.EventRaised, store.EventReRaised, store.EventReminder:
		return "rotating_light"
	case store.EventCleared:
		return "white_check_mark"
	case store.EventAcknowledged:
		return "eyes"
	}
	return "bell"
}

func ntfyBody(m Message, topic string) ntfyMessage {
	n, a := m.Notification, m.Notification.Alert
	title := headline(n, personLocation(m), m.Time) + ": " + singleLine(subjectOf(a), subjectLimit)
	msg := strings.TrimSpace(singleLine(a.Summary, 1000) + " -- from " + singleLine(a.Source, subjectLimit))
	if m.Note != "" {
		msg += "\n" + m.Note
	}
	return ntfyMessage{
		Topic: topic, Title: title, Message: msg,
		Priority: ntfyPriority(string(n.Level)), Click: m.URL, Tags: []string{ntfyTag(n.Event)},
	}
}
