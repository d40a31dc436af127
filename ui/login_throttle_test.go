package ui

import (
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
)

// TestLogin_ConcurrentGuessesThrottled: 200 wrong passwords sent at once
// from one client run bcrypt at most freeFailures times: the attempt is
// reserved before the password is checked (it used to be 144 of 200).
// Then the right password from another client behind the same proxy
// still logs in, while the first client stays locked out.
func TestLogin_ConcurrentGuessesThrottled(t *testing.T) {
	st := newPagesStation(t)
	c := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 200}}
	defer c.CloseIdleConnections()
	const attackers = 200
	login := func(client, name, password string) int {
		req, err := http.NewRequest(http.MethodGet, st.web.URL+"/api/v1/me", nil)
		if err != nil {
			t.Error(err)
			return 0
		}
		req.SetBasicAuth(name, password)
		// The station sits behind a reverse proxy on this host, which
		// appends the client's address.
		req.Header.Set("X-Forwarded-For", "198.51.100.7, "+client)
		resp, err := c.Do(req)
		if err != nil {
			t.Error(err)
			return 0
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	var wg sync.WaitGroup
	statuses := make([]int, attackers)
	start := make(chan struct{})
	for i := range attackers {
		wg.Go(func() {
			<-start
			statuses[i] = login("192.0.2.1", "johnny", "wrong")
		})
	}
	close(start)
	wg.Wait()
	counts := map[int]int{}
	for _, s := range statuses {
		counts[s]++
	}
	checks := st.srv.stats.passwordChecks.Load()
	t.Logf("statuses %v; %d password checks", counts, checks)
	if checks > freeFailures {
		t.Errorf("%d concurrent wrong passwords ran %d password checks, want at most %d", attackers, checks, freeFailures)
	}
	if counts[http.StatusUnauthorized] != int(checks) || counts[http.StatusTooManyRequests] != attackers-int(checks) {
		t.Errorf("statuses %v: want %d × 401 and the rest 429", counts, checks)
	}

	if got := login("192.0.2.2", "johnny", pagesPassword); got != http.StatusOK {
		t.Errorf("johnny's right password from another client behind the proxy: got %d, want 200", got)
	}
	if got := login("192.0.2.1", "johnny", pagesPassword); got != http.StatusTooManyRequests {
		t.Errorf("the right password from the locked-out client: got %d, want 429", got)
	}
	// Unknown names from one client are throttled too, before bcrypt.
	before := st.srv.stats.passwordChecks.Load()
	for i := range 50 {
		login("192.0.2.3", "nobody"+strings.Repeat("x", i), "guess")
	}
	if ran := st.srv.stats.passwordChecks.Load() - before; ran > freeAddressFailures {
		t.Errorf("50 unknown names from one client ran %d password checks, want at most %d", ran, freeAddressFailures)
	}
	// The login form shares the throttle.
	resp, err := c.PostForm(st.web.URL+"/login", url.Values{"username": {"johnny"}, "password": {"wrong"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("the form from loopback without a proxy header: got %d, want 401 (its own client)", resp.StatusCode)
	}
}

// TestClientAddr: the client of a login is the peer, or the last address
// a reverse proxy on this host added; a remote peer's header is ignored.
func TestClientAddr(t *testing.T) {
	for _, tc := range []struct {
		remote, xff, want string
	}{
		{"192.0.2.9:1234", "", "192.0.2.9"},
		{"192.0.2.9:1234", "10.0.0.1", "192.0.2.9"},
		{"127.0.0.1:1234", "", "127.0.0.1"},
		{"127.0.0.1:1234", "10.0.0.1", "10.0.0.1"},
		{"127.0.0.1:1234", "6.6.6.6, 10.0.0.2", "10.0.0.2"},
		{"[::1]:1234", "2001:db8::1", "2001:db8::1"},
		{"127.0.0.1:1234", "not-an-address", "127.0.0.1"},
	} {
		r := &http.Request{RemoteAddr: tc.remote, Header: http.Header{}}
		if tc.xff != "" {
			r.Header.Set("X-Forwarded-For", tc.xff)
		}
		if got := clientAddr(r); got != tc.want {
			t.Errorf("%s with X-Forwarded-For %q: got %q, want %q", tc.remote, tc.xff, got, tc.want)
		}
	}
}
