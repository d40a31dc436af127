package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"text/template"
	"time"

	"github.com/mauve-alert/mauve/policy"
)

// SMSProvider sends one text message to one number. Implementations
// classify failures as Channel.Send does.
type SMSProvider interface {
	SendSMS(ctx context.Context, to, body string) error
}

// defaultMaxSMSParts is how many messages one notification may take when
// the sms block does not set max_messages_per_alert.
const defaultMaxSMSParts = 3

// SMS is the channel for one sms "name" block: it renders the classic short
// form with the suppression note, splits it into at most
// max_messages_per_alert parts and hands each to its provider.
type SMS struct {
	name     string
	provider SMSProvider
	maxParts int
	logger   *slog.Logger
}

var _ Channel = (*SMS)(nil)

// NewSMS builds the channel for cfg, with the Twilio or generic HTTP
// provider it names. client is the HTTP client the provider uses; nil means
// a fresh one with no global timeout (each call has its own).
func NewSMS(cfg *policy.SMS, client *http.Client, logger *slog.Logger) (*SMS, error) {
	if client == nil {
		client = newHTTPClient()
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	var (
		p   SMSProvider
		err error
	)
	switch cfg.Provider {
	case "twilio":
		p, err = NewTwilio(cfg, client)
	case "http":
		p, err = NewHTTPSMS(cfg, client)
	default:
		return nil, fmt.Errorf("sms %q: unknown provider %q (want twilio or http)", cfg.Name, cfg.Provider)
	}
	if err != nil {
		return nil, err
	}
	maxParts := cfg.MaxMessagesPerAlert
	if maxParts <= 0 {
		maxParts = defaultMaxSMSParts
	}
	return &SMS{name: cfg.Name, provider: p, maxParts: maxParts, logger: logger}, nil
}

// Send texts the person's number. A person without a number is a permanent
// failure, so the worker falls back. Parts go out in order; a failure part
// way stops the rest, and a retry sends every part again (a repeated part is
// better than a lost one).
func (s *SMS) Send(ctx context.Context, m Message) error {
	if m.Person == nil || m.Person.SMS == "" {
		return Permanent(fmt.Errorf("sms %s: person %s has no sms number", s.name, personName(m)))
	}
	text, note := shortText(m)
	parts := fitSMS(text, note, s.maxParts)
	for i, part := range parts {
		if err := s.provider.SendSMS(ctx, m.Person.SMS, part); err != nil {
			if len(parts) > 1 {
				return fmt.Errorf("part %d of %d: %w", i+1, len(parts), err)
			}
			return err
		}
	}
	s.logger.Debug("sms sent", "channel", "sms."+s.name, "person", personName(m), "parts", len(parts))
	return nil
}

// personName names the message's person for errors and logs.
func personName(m Message) string {
	if m.Person != nil && m.Person.Name != "" {
		return m.Person.Name
	}
	if m.Notification.Person != "" {
		return m.Notification.Person
	}
	return "(unnamed)"
}

// twilioBaseURL is Twilio's REST API; an sms block's api_url replaces it.
const twilioBaseURL = "https://api.twilio.com"

// Twilio sends through Twilio's Messages API: a form-encoded POST of To,
// From and Body to /2010-04-01/Accounts/{SID}/Messages.json, with HTTP basic
// authentication as the account SID and its auth token.
type Twilio struct {
	name    string
	account string
	token   string
	from    string
	url     string
	timeout time.Duration // bound on one request; 0 means 10s
	client  *http.Client
}

var _ SMSProvider = (*Twilio)(nil)

// NewTwilio builds the Twilio provider of cfg.
func NewTwilio(cfg *policy.SMS, client *http.Client) (*Twilio, error) {
	var missing []string
	if cfg.Account == "" {
		missing = append(missing, "account")
	}
	if cfg.Token == "" {
		missing = append(missing, "token")
	}
	if cfg.From == "" {
		missing = append(missing, "from")
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("sms %q: twilio needs %s", cfg.Name, strings.Join(missing, ", "))
	}
	base := twilioBaseURL
	if cfg.APIURL != "" {
		base = cfg.APIURL
	}
	u, err := joinURL(base, "/2010-04-01/Accounts/"+url.PathEscape(cfg.Account)+"/Messages.json")
	if err != nil {
		return nil, fmt.Errorf("sms %q: %w", cfg.Name, err)
	}
	return &Twilio{name: cfg.Name, account: cfg.Account, token: cfg.Token, from: cfg.From, url: u, timeout: cfg.Timeout, client: client}, nil
}

// SendSMS posts one message. Twilio's 4xx answers (a bad number, an
// unverified sender) are permanent and carry Twilio's own explanation.
func (t *Twilio) SendSMS(ctx context.Context, to, body string) error {
	form := url.Values{"To": {to}, "From": {t.from}, "Body": {body}}
	h := http.Header{}
	h.Set("Content-Type", "application/x-www-form-urlencoded")
	h.Set("Accept", "application/json")
	h.Set("Authorization", basicAuth(t.account, t.token))
	req := httpRequest{
		what:    "sms " + t.name + " (twilio)",
		method:  http.MethodPost,
		url:     t.url,
		header:  h,
		body:    []byte(form.Encode()),
		timeout: t.timeout,
		secrets: []string{t.token, h.Get("Authorization")},
		explain: explainTwilio,
	}
	return req.send(ctx, t.client)
}

// explainTwilio turns the JSON of a Twilio error answer into its code and
// message ("twilio error 21211: The 'To' number is not a valid phone number").
func explainTwilio(body []byte) string {
	var answer struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	}
	if json.Unmarshal(body, &answer) != nil || answer.Message == "" {
		return ""
	}
	return fmt.Sprintf("twilio error %d: %s", answer.Code, answer.Message)
}

// basicAuth is the Authorization header value for user and password.
func basicAuth(user, password string) string {
	r, _ := http.NewRequest(http.MethodGet, "http://localhost/", nil)
	r.SetBasicAuth(user, password)
	return r.Header.Get("Authorization")
}

// HTTPSMS is the generic HTTP provider: a request to a configured URL with
// configured headers and a body rendered from a text/template.
//
// The template sees .To, .From, .Body (one part's text), .Account and
// .Token from the block, and has the functions
// json (a JSON string literal) and urlquery. Header values are templates
// too, so "Authorization" = "Bearer {{.Token}}" works. Without a body
// template the request is JSON: {"to":…,"from":…,"body":…}.
type HTTPSMS struct {
	name    string
	method  string
	url     string
	headers map[string]*template.Template
	body    *template.Template
	account string
	token   string
	from    string
	rawHdr  []string      // header values as configured, kept out of errors
	timeout time.Duration // bound on one request; 0 means 10s
	client  *http.Client
}

var _ SMSProvider = (*HTTPSMS)(nil)

// smsTemplateData is what the generic provider's templates see.
type smsTemplateData struct {
	To, From, Body string
	Account, Token string
}

// defaultSMSBody is the generic provider's body when none is configured.
const defaultSMSBody = `{"to":{{json .To}},"from":{{json .From}},"body":{{json .Body}}}`

// NewHTTPSMS builds the generic HTTP provider of cfg, parsing its templates
// now so a mistake shows at load, not at 3 a.m.
func NewHTTPSMS(cfg *policy.SMS, client *http.Client) (*HTTPSMS, error) {
	if cfg.URL == "" && cfg.APIURL == "" {
		return nil, fmt.Errorf("sms %q: the http provider needs url", cfg.Name)
	}
	u, err := joinURL(cfg.APIURL, cfg.URL)
	if err != nil {
		return nil, fmt.Errorf("sms %q: %w", cfg.Name, err)
	}
	method := strings.ToUpper(cfg.Method)
	if method == "" {
		method = http.MethodPost
	}
	funcs := template.FuncMap{"json": jsonString}
	body := cfg.Body
	if body == "" {
		body = defaultSMSBody
	}
	bt, err := template.New("body").Funcs(funcs).Option("missingkey=error").Parse(body)
	if err != nil {
		return nil, fmt.Errorf("sms %q: body template: %w", cfg.Name, err)
	}
	p := &HTTPSMS{
		name: cfg.Name, method: method, url: u, body: bt,
		headers: map[string]*template.Template{},
		account: cfg.Account, token: cfg.Token, from: cfg.From, timeout: cfg.Timeout, client: client,
	}
	if cfg.Body == "" {
		p.headers["Content-Type"] = template.Must(template.New("").Parse("application/json"))
	}
	for k, v := range cfg.Headers {
		t, err := template.New(k).Funcs(funcs).Parse(v)
		if err != nil {
			return nil, fmt.Errorf("sms %q: header %s: %w", cfg.Name, k, err)
		}
		k = http.CanonicalHeaderKey(k)
		p.headers[k] = t
		if !plainHeader(k) {
			p.rawHdr = append(p.rawHdr, v)
		}
	}
	return p, nil
}

// SendSMS renders and sends one part. A body that will not render is a
// permanent failure: retrying renders it the same way.
func (p *HTTPSMS) SendSMS(ctx context.Context, to, body string) error {
	d := smsTemplateData{To: to, From: p.from, Body: body, Account: p.account, Token: p.token}
	what := "sms " + p.name + " (http)"
	var buf bytes.Buffer
	if err := p.body.Execute(&buf, d); err != nil {
		return Permanent(redactError(fmt.Errorf("%s: render body: %w", what, err), p.secrets(nil)))
	}
	h := http.Header{}
	var rendered []string
	for k, t := range p.headers {
		var v strings.Builder
		if err := t.Execute(&v, d); err != nil {
			return Permanent(redactError(fmt.Errorf("%s: render header %s: %w", what, k, err), p.secrets(nil)))
		}
		h.Set(k, v.String())
		if !plainHeader(k) {
			rendered = append(rendered, v.String())
		}
	}
	req := httpRequest{
		what: what, method: p.method, url: p.url, header: h, body: buf.Bytes(),
		timeout: p.timeout, secrets: p.secrets(rendered),
	}
	return req.send(ctx, p.client)
}

// secrets lists what must never show in this provider's errors: the token,
// the URL's path and query, and the values of headers, configured and
// rendered, other than the plain ones that describe the content.
func (p *HTTPSMS) secrets(rendered []string) []string {
	s := []string{p.token}
	s = append(s, p.rawHdr...)
	s = append(s, urlSecrets(p.url)...)
	return append(s, rendered...)
}

// plainHeader reports whether a header only describes the content, so its
// value is not treated as a secret.
func plainHeader(canonical string) bool {
	switch canonical {
	case "Content-Type", "Accept", "User-Agent":
		return true
	}
	return false
}

// jsonString renders s as a JSON string literal, for JSON body templates.
func jsonString(s string) (string, error) {
	b, err := json.Marshal(s)
	return string(b), err
}
