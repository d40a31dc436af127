package notify_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"

	"github.com/mauve-alert/mauve/notify"
	"github.com/mauve-alert/mauve/policy"
	"github.com/mauve-alert/mauve/store"
)

// genericServer records what the generic HTTP provider sends.
type genericServer struct {
	mu       sync.Mutex
	requests []genericRequest
	status   int
}

type genericRequest struct {
	Method, Path, Auth, Key, ContentType, Body string
}

func (g *genericServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	g.mu.Lock()
	g.requests = append(g.requests, genericRequest{
		Method: r.Method, Path: r.URL.RequestURI(), Auth: r.Header.Get("Authorization"),
		Key: r.Header.Get("X-Api-Key"), ContentType: r.Header.Get("Content-Type"), Body: string(body),
	})
	g.mu.Unlock()
	if g.status != 0 {
		// A provider that echoes the request's credentials in its error.
		w.WriteHeader(g.status)
		fmt.Fprintf(w, "rejected request with key %s and auth %s", r.Header.Get("X-Api-Key"), r.Header.Get("Authorization"))
		return
	}
	w.WriteHeader(http.StatusAccepted)
}

func TestGenericHTTPProvider(t *testing.T) {
	g := &genericServer{}
	srv := httptest.NewServer(g)
	t.Cleanup(srv.Close)

	cfg := &policy.SMS{
		Name: "gateway", Provider: "http", Token: "gw-token-77aa", From: "mauve",
		URL:    "https://sms.example.com/api/v2/send?route=eu",
		APIURL: srv.URL, // replaces https://sms.example.com
		Method: "put",
		Headers: map[string]string{
			"Authorization": "Bearer {{.Token}}",
			"X-Api-Key":     "key-31415926",
			"Content-Type":  "application/x-www-form-urlencoded",
		},
		Body:                "to={{urlquery .To}}&sender={{urlquery .From}}&text={{urlquery .Body}}",
		MaxMessagesPerAlert: 2,
	}
	ch, err := notify.NewSMS(cfg, srv.Client(), nil)
	if err != nil {
		t.Fatal(err)
	}
	m := chanMessage(t, "johnny", store.EventRaised, chanAlert(), "")
	if err := ch.Send(context.Background(), m); err != nil {
		t.Fatalf("Send: %v", err)
	}
	want := genericRequest{
		Method: "PUT", Path: "/api/v2/send?route=eu", Auth: "Bearer gw-token-77aa", Key: "key-31415926",
		ContentType: "application/x-www-form-urlencoded",
		Body:        "to=%2B447111222333&sender=mauve&text=" + url.QueryEscape(m.Short),
	}
	if len(g.requests) != 1 || g.requests[0] != want {
		t.Errorf("requests = %+v\nwant [%+v]", g.requests, want)
	}

	// A 4xx that echoes the credentials: permanent, and the error shows
	// none of them.
	g.status = http.StatusForbidden
	err = ch.Send(context.Background(), m)
	if !notify.IsPermanent(err) {
		t.Fatalf("Send on 403 = %v, want a permanent error", err)
	}
	checkNoSecret(t, "error", err.Error(), "gw-token-77aa", "key-31415926", "/api/v2")
}

func TestGenericHTTPProviderDefaultJSONBody(t *testing.T) {
	g := &genericServer{}
	srv := httptest.NewServer(g)
	t.Cleanup(srv.Close)
	ch, err := notify.NewSMS(&policy.SMS{Name: "gw", Provider: "http", URL: srv.URL + "/send", From: "mauve"}, srv.Client(), nil)
	if err != nil {
		t.Fatal(err)
	}
	m := chanMessage(t, "johnny", store.EventRaised, chanAlert(), "")
	if err := ch.Send(context.Background(), m); err != nil {
		t.Fatalf("Send: %v", err)
	}
	if len(g.requests) != 1 {
		t.Fatalf("got %d requests, want 1", len(g.requests))
	}
	r := g.requests[0]
	var body struct{ To, From, Body string }
	if err := json.Unmarshal([]byte(r.Body), &body); err != nil {
		t.Fatalf("body %q is not JSON: %v", r.Body, err)
	}
	if r.Method != "POST" || r.ContentType != "application/json" || body.To != "+447111222333" || body.From != "mauve" || body.Body != m.Short {
		t.Errorf("request %+v with body %+v, want a JSON POST of to, from and the short form", r, body)
	}
}
