package commands

import (
	"net/http"
	"regexp"
	"testing"
)

// On its embedded defaults the station prints a link that logs its one
// person in, once, at the address it really listens on.
func TestServe_OneTimeLoginLink(t *testing.T) {
	rs := startTestStation(t, &serveOptions{})
	defer rs.stop(t)
	m := regexp.MustCompile(`log in to the web interface once with (http://\S+)`).FindStringSubmatch(rs.log.String())
	if m == nil {
		t.Fatalf("no login link in the output:\n%s", rs.log)
	}
	link := m[1]
	if want := "http://" + rs.http + "/login/once?token="; len(link) <= len(want) || link[:len(want)] != want {
		t.Fatalf("got link %s, want it to start with %s", link, want)
	}
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func() *http.Response {
		resp, err := noRedirect.Get(link)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	first := get()
	if len(first.Cookies()) == 0 || first.StatusCode >= 400 {
		t.Fatalf("first use: got status %d and %d cookies, want a session cookie", first.StatusCode, len(first.Cookies()))
	}
	if second := get(); len(second.Cookies()) != 0 && second.StatusCode < 400 {
		t.Errorf("second use: got status %d with a cookie, want the link refused", second.StatusCode)
	}
}

// On the embedded defaults with --http elsewhere, the links in
// notifications lead to where the station really listens, not to the
// default address.
func TestServe_DefaultsLinkToTheHTTPFlag(t *testing.T) {
	rs := startTestStation(t, &serveOptions{})
	defer rs.stop(t)
	if got, want := rs.st.policy.Load().Station.URL, "http://"+rs.http; got != want {
		t.Errorf("got station.url %q, want %q", got, want)
	}
	if err := rs.st.reload(); err != nil {
		t.Fatal(err)
	}
	if got, want := rs.st.policy.Load().Station.URL, "http://"+rs.http; got != want {
		t.Errorf("after reload: got station.url %q, want %q", got, want)
	}
}
