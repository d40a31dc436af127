package ui

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"
)

// countingPresence records who is present.
type countingPresence struct {
	mu      sync.Mutex
	present map[string]int
	arrived chan string
}

func (p *countingPresence) Join(person string) func() {
	p.mu.Lock()
	p.present[person]++
	p.mu.Unlock()
	p.arrived <- person
	return func() {
		p.mu.Lock()
		p.present[person]--
		p.mu.Unlock()
	}
}

func (p *countingPresence) List() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []string
	for person, n := range p.present {
		if n > 0 {
			out = append(out, person)
		}
	}
	return out
}

// TestStream_PresenceNotByCrossSiteGET: a page elsewhere that makes the
// browser open /api/v1/events?client=1 with the session cookie gets the
// stream but does not hold the person's notifications as a live client;
// nor does cached HTTP Basic; the client's own token, and a same-origin
// page, do.
func TestStream_PresenceNotByCrossSiteGET(t *testing.T) {
	st := newPagesStation(t)
	pres := &countingPresence{present: map[string]int{}, arrived: make(chan string, 10)}
	st.srv.presence = pres
	session, err := st.store.CreateSession("johnny", time.Hour, st.Now())
	if err != nil {
		t.Fatal(err)
	}
	token, err := st.store.CreateToken("johnny", "client", st.Now())
	if err != nil {
		t.Fatal(err)
	}
	c := &http.Client{Transport: &http.Transport{}}
	defer c.CloseIdleConnections()

	for _, tc := range []struct {
		name    string
		set     func(*http.Request)
		present bool
	}{
		{"cookie, cross-site", func(r *http.Request) {
			r.AddCookie(&http.Cookie{Name: sessionCookie, Value: session})
			r.Header.Set("Sec-Fetch-Site", "cross-site")
		}, false},
		{"cookie, same-site other origin", func(r *http.Request) {
			r.AddCookie(&http.Cookie{Name: sessionCookie, Value: session})
			r.Header.Set("Sec-Fetch-Site", "same-site")
		}, false},
		{"cookie, no fetch metadata, foreign Origin", func(r *http.Request) {
			r.AddCookie(&http.Cookie{Name: sessionCookie, Value: session})
			r.Header.Set("Origin", "https://evil.example")
		}, false},
		{"cookie, no fetch metadata, no Origin", func(r *http.Request) {
			r.AddCookie(&http.Cookie{Name: sessionCookie, Value: session})
		}, false},
		{"cookie, same-origin", func(r *http.Request) {
			r.AddCookie(&http.Cookie{Name: sessionCookie, Value: session})
			r.Header.Set("Sec-Fetch-Site", "same-origin")
		}, true},
		{"password, cross-site", func(r *http.Request) {
			r.SetBasicAuth("johnny", pagesPassword)
			r.Header.Set("Sec-Fetch-Site", "cross-site")
		}, false},
		{"token", func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+token) }, true},
		{"token, cross-site", func(r *http.Request) {
			r.Header.Set("Authorization", "Bearer "+token)
			r.Header.Set("Sec-Fetch-Site", "cross-site")
		}, true}, // a page elsewhere cannot know the token
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, st.web.URL+"/api/v1/events?client=1", nil)
			if err != nil {
				t.Fatal(err)
			}
			tc.set(req)
			resp, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("got %s, want the stream", resp.Status)
			}
			// The handler decides on presence before it writes the
			// greeting, so once the headers are here the decision is made.
			buf := make([]byte, 1)
			if _, err := resp.Body.Read(buf); err != nil {
				t.Fatal(err)
			}
			select {
			case who := <-pres.arrived:
				if !tc.present {
					t.Errorf("%s joined presence", who)
				}
			default:
				if tc.present {
					t.Error("the live client did not join presence")
				}
			}
		})
	}
}
