package ui

import "testing"

// TestLocalPath: a login's next= leads only to a clean path on this site;
// anything a browser could read as another host becomes "/".
func TestLocalPath(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"/", "/"},
		{"/alerts?group=urgent&sort=new", "/alerts?group=urgent&sort=new"},
		{"/alerts/web1/disk%20full", "/alerts/web1/disk%20full"},
		{"/history#top", "/history#top"},
		{"", "/"},
		{"alerts", "/"},
		{"https://evil.example/", "/"},
		{"javascript:alert(1)", "/"},
		{"//evil.example/", "/"},
		{"///evil.example/", "/"},
		{"/\\evil.example", "/"},
		{"/\\/evil.example", "/"},
		{"/\t/evil.example", "/"},
		{"\t//evil.example", "/"},
		{"/\n/evil.example", "/"},
		{"/\r\n/evil.example", "/"},
		{"/ /evil.example", "/"},
		{"/\x00/evil.example", "/"},
		{"/\x7f/evil.example", "/"},
		{"/\u0085/evil.example", "/"},
		{"/\u00a0/evil.example", "/"},
		{"/\u2028/evil.example", "/"},
		{"/a\\b", "/"},
		{"/%zz", "/"},
		{"/\xff/evil.example", "/"},
		{" /alerts", "/"},
	} {
		if got := localPath(tc.in); got != tc.want {
			t.Errorf("localPath(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
