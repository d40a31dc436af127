package ui

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"syscall"
	"time"

	"github.com/mauve-alert/mauve/store"
)

// Client talks to a station's API, over TCP with a token or over the
// station's unix socket (where the caller's uid says who they are). It is
// what `mauve ack` and `mauve client` use; they never build requests
// themselves. A Client is safe for concurrent use.
type Client struct {
	base   *url.URL
	token  string
	http   *http.Client
	socket string // path, for a socket client
}

// NewClient returns a Client for the station at baseURL (such as
// https://alerts1.example.com) that authenticates with an API token. An
// empty token sends no credentials.
func NewClient(baseURL, token string) (*Client, error) {
	u, err := url.Parse(strings.TrimRight(baseURL, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("station URL %q: want http(s)://host[:port]", baseURL)
	}
	return &Client{base: u, token: token, http: &http.Client{Timeout: 0}}, nil
}

// NewSocketClient returns a Client for the station's unix socket at path.
func NewSocketClient(path string) *Client {
	tr := &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "unix", path)
		},
		MaxIdleConns: 2,
	}
	return &Client{base: &url.URL{Scheme: "http", Host: "mauve"}, http: &http.Client{Transport: tr}, socket: path}
}

// Error is a request the station refused: Status is the HTTP status and
// Message the station's explanation. It wraps store.ErrNotFound for 404
// and store.ErrCleared for 409, so callers can use errors.Is.
type Error struct {
	Status  int
	Message string
}

func (e *Error) Error() string { return e.Message }

// Unwrap maps statuses back to the store's sentinel errors.
func (e *Error) Unwrap() error {
	switch e.Status {
	case http.StatusNotFound:
		return store.ErrNotFound
	case http.StatusConflict:
		return store.ErrCleared
	}
	return nil
}

// AckOptions say how long an acknowledgement lasts. With neither For nor
// Until, the alert group's acknowledgement_time applies.
type AckOptions struct {
	For   string    // a duration such as "2h"
	Mode  string    // wallclock (default), daytime or working
	Until time.Time // instead of For
	Note  string
}

// List returns the alerts that match f.
func (c *Client) List(ctx context.Context, f store.Filter) ([]store.Alert, error) {
	q := url.Values{}
	switch {
	case f.State != "":
		q.Set("state", string(f.State))
	case f.Active:
		q.Set("state", "active")
	}
	if f.Source != "" {
		q.Set("source", f.Source)
	}
	if f.Level != "" {
		q.Set("level", string(f.Level))
	}
	if f.Text != "" {
		q.Set("q", f.Text)
	}
	var resp alertsResponse
	if err := c.do(ctx, http.MethodGet, "/api/v1/alerts", q, nil, &resp); err != nil {
		return nil, err
	}
	out := make([]store.Alert, len(resp.Alerts))
	for i, a := range resp.Alerts {
		out[i] = a.alert()
	}
	return out, nil
}

// Get returns one alert.
func (c *Client) Get(ctx context.Context, k store.Key) (store.Alert, error) {
	var a alertJSON
	err := c.do(ctx, http.MethodGet, alertPath(k), nil, nil, &a)
	return a.alert(), err
}

// History returns an alert's events, oldest first.
func (c *Client) History(ctx context.Context, k store.Key) ([]store.Event, error) {
	var resp eventsResponse
	if err := c.do(ctx, http.MethodGet, alertPath(k)+"/history", nil, nil, &resp); err != nil {
		return nil, err
	}
	out := make([]store.Event, len(resp.Events))
	for i, e := range resp.Events {
		out[i] = e.event()
	}
	return out, nil
}

// Acknowledge acknowledges a raised alert and returns its new state.
func (c *Client) Acknowledge(ctx context.Context, k store.Key, o AckOptions) (store.Alert, error) {
	req := actionRequest{For: o.For, Mode: o.Mode, Note: o.Note}
	if !o.Until.IsZero() {
		req.Until = o.Until.Format(time.RFC3339)
	}
	return c.action(ctx, k, actAcknowledge, req)
}

// Unacknowledge returns an acknowledged alert to raised.
func (c *Client) Unacknowledge(ctx context.Context, k store.Key, note string) (store.Alert, error) {
	return c.action(ctx, k, actUnacknowledge, actionRequest{Note: note})
}

// Raise raises an alert by hand.
func (c *Client) Raise(ctx context.Context, k store.Key, note string) (store.Alert, error) {
	return c.action(ctx, k, actRaise, actionRequest{Note: note})
}

// Clear clears an alert by hand.
func (c *Client) Clear(ctx context.Context, k store.Key, note string) (store.Alert, error) {
	return c.action(ctx, k, actClear, actionRequest{Note: note})
}

// AddNote records a note on an alert.
func (c *Client) AddNote(ctx context.Context, k store.Key, text string) (store.Alert, error) {
	return c.action(ctx, k, actNote, actionRequest{Text: text})
}

// Me returns the name of the person the station takes the caller for.
func (c *Client) Me(ctx context.Context) (string, error) {
	var resp map[string]string
	err := c.do(ctx, http.MethodGet, "/api/v1/me", nil, nil, &resp)
	return resp["person"], err
}

// CreateToken makes an API token for person ("" for the caller) named
// name, and returns its secret. The token may not make tokens.
func (c *Client) CreateToken(ctx context.Context, person, name string) (string, error) {
	return c.CreateTokenWith(ctx, TokenOptions{Person: person, Name: name})
}

// TokenOptions say what token CreateTokenWith makes.
type TokenOptions struct {
	Person string // "" for the caller
	Name   string // what it is for
	// MayCreateTokens lets the token make tokens itself (those go when
	// it is revoked).
	MayCreateTokens bool
}

// CreateTokenWith makes an API token as o says and returns its secret.
// Called with a token, that token must have been made with
// MayCreateTokens.
func (c *Client) CreateTokenWith(ctx context.Context, o TokenOptions) (string, error) {
	var resp tokenResponse
	err := c.do(ctx, http.MethodPost, "/api/v1/tokens", nil, tokenRequest(o), &resp)
	return resp.Token, err
}

// EventResync is the Event of the Change that Events passes to fn when
// the station fell behind on this stream and may have dropped changes:
// it carries no alert; fetch the whole list again.
const EventResync store.EventKind = "resync"

// Events follows the station's event stream, calling fn for each change
// (or, after the station dropped some, one Change with Event EventResync),
// until ctx is done (it then returns ctx.Err()), the stream ends, or fn
// returns an error. With present set, the caller counts as a live client
// (its person's notifications may be held and shown here instead).
func (c *Client) Events(ctx context.Context, present bool, fn func(store.Change) error) error {
	q := url.Values{}
	if present {
		q.Set("client", "1")
	}
	req, err := c.request(ctx, http.MethodGet, "/api/v1/events", q, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "text/event-stream")
	resp, err := c.http.Do(req)
	if err != nil {
		return c.transportError(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return responseError(resp)
	}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 4<<20)
	var data bytes.Buffer
	var event string
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "" && event == "resync":
			event = ""
			data.Reset()
			if err := fn(store.Change{Event: EventResync}); err != nil {
				return err
			}
		case line == "":
			event = ""
			if data.Len() == 0 {
				continue
			}
			var cj changeJSON
			if err := json.Unmarshal(data.Bytes(), &cj); err != nil {
				return fmt.Errorf("event stream: bad event: %w", err)
			}
			data.Reset()
			if err := fn(store.Change{Event: cj.Event, Actor: cj.Actor, Now: cj.Time, After: cj.Alert.alert()}); err != nil {
				return err
			}
		case strings.HasPrefix(line, "event:"):
			event = strings.TrimSpace(strings.TrimPrefix(line, "event:"))
		case strings.HasPrefix(line, "data:"):
			if data.Len() > 0 {
				data.WriteByte('\n')
			}
			data.WriteString(strings.TrimPrefix(strings.TrimPrefix(line, "data:"), " "))
		}
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("event stream: %w", err)
	}
	return io.ErrUnexpectedEOF
}

func (c *Client) action(ctx context.Context, k store.Key, act action, req actionRequest) (store.Alert, error) {
	var a alertJSON
	err := c.do(ctx, http.MethodPost, alertPath(k)+"/"+string(act), nil, req, &a)
	return a.alert(), err
}

func alertPath(k store.Key) string {
	return "/api/v1/alerts/" + url.PathEscape(k.Source) + "/" + url.PathEscape(k.ID)
}

func (c *Client) request(ctx context.Context, method, path string, q url.Values, body any) (*http.Request, error) {
	u := c.base.String() + path // path is already escaped
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, fmt.Errorf("encode request: %w", err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return nil, fmt.Errorf("build request: %w", err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "mauve")
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	return req, nil
}

func (c *Client) do(ctx context.Context, method, path string, q url.Values, body, out any) error {
	req, err := c.request(ctx, method, path, q, body)
	if err != nil {
		return err
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return c.transportError(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return responseError(resp)
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return fmt.Errorf("%s %s: bad response: %w", method, path, err)
	}
	return nil
}

func (c *Client) transportError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	// "dial unix /run/mauve/mauve.sock: connect:" would name the address
	// a second time: keep the system's reason alone.
	var oe *net.OpError
	if errors.As(err, &oe) && oe.Op == "dial" {
		err = oe.Err
		var se *os.SyscallError
		if errors.As(err, &se) {
			err = se.Err
		}
	}
	if c.socket != "" {
		switch {
		case errors.Is(err, os.ErrPermission):
			return fmt.Errorf("station socket %s: permission denied: your unix user must be in the socket's group (the group mauve serve runs as)", c.socket)
		case errors.Is(err, os.ErrNotExist):
			return fmt.Errorf("station socket %s does not exist (is mauve serve running on this host, with this station.listen.socket?)", c.socket)
		case errors.Is(err, syscall.ECONNREFUSED):
			return fmt.Errorf("station socket %s: nobody answers (is mauve serve running on this host?)", c.socket)
		}
		return fmt.Errorf("station socket %s: %w", c.socket, err)
	}
	if errors.Is(err, syscall.ECONNREFUSED) {
		return fmt.Errorf("station %s: connection refused (is mauve serve running there, and is the URL right?)", c.base.Redacted())
	}
	return fmt.Errorf("station %s: %w", c.base.Redacted(), err)
}

func responseError(resp *http.Response) error {
	var body struct {
		Error string `json:"error"`
	}
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if json.Unmarshal(b, &body) != nil || body.Error == "" {
		body.Error = fmt.Sprintf("station answered %s", resp.Status)
	}
	return &Error{Status: resp.StatusCode, Message: body.Error}
}
