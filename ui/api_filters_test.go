package ui_test

import (
	"context"
	"net/http"
	"slices"
	"testing"

	"github.com/mauve-alert/mauve/store"
	"github.com/mauve-alert/mauve/ui"
)

// The alert list page's filters, "active" (raised or acknowledged) and
// free text (subject, summary, source or id, ignoring case), are the
// API's too: state=active and q=, and ui.Client sends them.
func TestAPI_ListActiveAndText(t *testing.T) {
	s := newStation(t)
	s.raise(t, "core-router", "bgp", "BGP session down", "")
	s.raise(t, "web1", "disk", "Disk FULL on /var", "")
	s.raise(t, "web2", "disk", "disk full on /home", "")
	s.clear(t, "web2", "disk")
	tok := s.token(t, "johnny")
	keys := func(path string) []string {
		t.Helper()
		r := s.do(t, http.MethodGet, path, "", bearer(tok))
		wantStatus(t, r, http.StatusOK)
		var out []string
		for _, a := range r.json(t)["alerts"].([]any) {
			m := a.(map[string]any)
			out = append(out, m["source"].(string)+"/"+m["id"].(string))
		}
		slices.Sort(out)
		return out
	}
	for _, c := range []struct {
		path string
		want []string
	}{
		{"/api/v1/alerts?state=active", []string{"core-router/bgp", "web1/disk"}},
		{"/api/v1/alerts?q=DISK+full", []string{"web1/disk", "web2/disk"}},
		{"/api/v1/alerts?state=active&q=disk", []string{"web1/disk"}},
		{"/api/v1/alerts?q=router", []string{"core-router/bgp"}},
		{"/api/v1/alerts?q=%2Fhome&source=web2", []string{"web2/disk"}},
		{"/api/v1/alerts?q=nothing", nil},
	} {
		if got := keys(c.path); !slices.Equal(got, c.want) {
			t.Errorf("GET %s: got %q, want %q", c.path, got, c.want)
		}
	}
	r := s.do(t, http.MethodGet, "/api/v1/alerts?state=calm", "", bearer(tok))
	wantStatus(t, r, http.StatusBadRequest)

	c, err := ui.NewClient(s.http.URL, tok)
	if err != nil {
		t.Fatal(err)
	}
	as, err := c.List(context.Background(), store.Filter{Active: true, Text: "disk"})
	if err != nil || len(as) != 1 || as[0].Source != "web1" {
		t.Errorf("Client.List(active, disk): got %v, %v; want web1/disk alone", as, err)
	}
}
