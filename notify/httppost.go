package notify

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// defaultHTTPTimeout bounds one call to an HTTP provider or webhook when its
// block does not say otherwise.
const defaultHTTPTimeout = 10 * time.Second

// errHTTPTimeout is the cause given to a call's context when its own
// timeout, not the caller, ends it.
var errHTTPTimeout = errors.New("no answer within the timeout")

// httpRequest is one POST (or other method) to a provider, with what is
// needed to describe its failure without leaking secrets.
type httpRequest struct {
	what    string // "sms twilio", "webhook ops-chat": the subject of errors
	method  string
	url     string
	header  http.Header
	body    []byte
	timeout time.Duration
	// secrets are strings (tokens, header values, URL keys) that must not
	// appear in any error, even when a provider echoes them back.
	secrets []string
	// explain, if set, turns the start of a non-2xx answer into the text
	// shown in the error (a provider's own error code and message).
	explain func(body []byte) string
}

// httpIdlePerHost is how many idle connections a channel keeps to its
// provider: as many as the worker sends at once, so a storm of posts
// reuses its connections (and TLS sessions) rather than opening one a
// post, as Go's default of two would.
const httpIdlePerHost = 32

// newHTTPClient is the client of a webhook or SMS channel built without
// one: Go's default transport, keeping httpIdlePerHost idle connections.
// It has no global timeout; each request has its own.
func newHTTPClient() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = httpIdlePerHost
	return &http.Client{Transport: t}
}

// send performs the request and classifies the outcome: nil for 2xx, a
// PermanentError for other answers a retry cannot mend (most 4xx), and a
// plain error for 5xx, 408, 429, timeouts and network failures, which the
// worker retries. The request can never outlive its timeout.
func (r httpRequest) send(ctx context.Context, client *http.Client) error {
	timeout := r.timeout
	if timeout <= 0 {
		timeout = defaultHTTPTimeout
	}
	ctx, cancel := context.WithTimeoutCause(ctx, timeout, errHTTPTimeout)
	defer cancel()

	req, err := http.NewRequestWithContext(ctx, r.method, r.url, bytes.NewReader(r.body))
	if err != nil {
		return Permanent(r.redact(fmt.Errorf("%s: build request for %s: %w", r.what, redactURL(r.url), stripURLError(err))))
	}
	for k, vs := range r.header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	resp, err := client.Do(req)
	if err != nil {
		if cause := context.Cause(ctx); cause == errHTTPTimeout {
			return r.redact(fmt.Errorf("%s: %s %s: %w (%s)", r.what, r.method, redactURL(r.url), cause, timeout))
		}
		return r.redact(fmt.Errorf("%s: %s %s: %w", r.what, r.method, redactURL(r.url), stripURLError(err)))
	}
	defer resp.Body.Close()
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	// Drain a little more so the connection can be reused, but never wait
	// long for a provider that keeps talking.
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))

	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return nil
	}
	text := string(snippet)
	if r.explain != nil {
		if e := r.explain(snippet); e != "" {
			text = e
		}
	}
	err = &httpStatusError{Code: resp.StatusCode, Body: oneLine(text, 200)}
	err = r.redact(fmt.Errorf("%s: %s %s: %w", r.what, r.method, redactURL(r.url), err))
	switch {
	case resp.StatusCode == http.StatusRequestTimeout, resp.StatusCode == http.StatusTooManyRequests:
		return err
	case resp.StatusCode >= 500:
		return err
	default:
		return Permanent(err)
	}
}

// httpStatusError is a provider's answer other than 2xx.
type httpStatusError struct {
	Code int
	Body string // the start of the answer, on one line
}

func (e *httpStatusError) Error() string {
	if e.Body == "" {
		return fmt.Sprintf("HTTP %d %s", e.Code, http.StatusText(e.Code))
	}
	return fmt.Sprintf("HTTP %d %s: %s", e.Code, http.StatusText(e.Code), e.Body)
}

// redact returns err with every secret of the request replaced in its text.
func (r httpRequest) redact(err error) error { return redactError(err, r.secrets) }

// redactedError keeps the wrapped error for errors.Is/As but shows only a
// text from which secrets were removed.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

// redactError replaces each secret (of four or more characters; shorter
// ones would blank out ordinary words) in err's text with "[redacted]".
func redactError(err error, secrets []string) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	changed := false
	for _, s := range secrets {
		if len(s) < 4 || !strings.Contains(msg, s) {
			continue
		}
		msg = strings.ReplaceAll(msg, s, "[redacted]")
		changed = true
	}
	if !changed {
		return err
	}
	return &redactedError{msg: msg, err: err}
}

// redactURL shows where a request went without what may be a key: the
// scheme and host, and "/…" if there was a path or query. Webhook URLs
// commonly carry their secret in the path.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "(unparsable URL)"
	}
	s := u.Scheme + "://" + u.Host
	if (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
		s += "/…"
	}
	return s
}

// urlSecrets lists the parts of a URL beyond its host that may carry a key
// (the path, the query, user info), to be redacted from errors.
func urlSecrets(raw string) []string {
	u, err := url.Parse(raw)
	if err != nil {
		return []string{raw}
	}
	var s []string
	if p := strings.Trim(u.Path, "/"); p != "" {
		s = append(s, p)
		// A provider may echo any one segment; the long ones are keys.
		for _, seg := range strings.Split(p, "/") {
			if len(seg) >= 12 {
				s = append(s, seg)
			}
		}
	}
	if u.RawQuery != "" {
		s = append(s, u.RawQuery)
		for _, vs := range u.Query() {
			s = append(s, vs...)
		}
	}
	if u.User != nil {
		s = append(s, u.User.String())
	}
	return s
}

// stripURLError unwraps the *url.Error that net/http puts around failures,
// since its text repeats the full URL.
func stripURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// oneLine collapses s to a single line of at most max bytes, cut at a rune
// boundary, so a provider's answer reads well in a log or history entry.
func oneLine(s string, max int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

func utf8RuneStart(b byte) bool { return b&0xC0 != 0x80 }

// joinURL replaces the scheme, host and leading path of raw with base, as an
// api_url does: joinURL("http://127.0.0.1:8080", "https://api.example.com/v1/send")
// is "http://127.0.0.1:8080/v1/send".
func joinURL(base, raw string) (string, error) {
	if base == "" {
		return raw, nil
	}
	b, err := url.Parse(base)
	if err != nil || b.Scheme == "" || b.Host == "" {
		return "", fmt.Errorf("api_url %s is not an absolute URL (want e.g. https://api.example.com)", redactURL(base))
	}
	if raw == "" {
		return b.String(), nil
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("url %s: %w", redactURL(raw), stripURLError(err))
	}
	b.Path = strings.TrimSuffix(b.Path, "/") + u.Path
	b.RawPath = ""
	if u.RawQuery != "" {
		b.RawQuery = u.RawQuery
	}
	return b.String(), nil
}
