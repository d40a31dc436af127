package store_test

import (
	"errors"
	"io"
	"strings"
	"testing"

	xhtml "golang.org/x/net/html"

	"github.com/mauve-alert/mauve/store"
)

// hostileDetail is an XSS cheat-sheet of detail HTML. Every entry is also a
// seed of FuzzSanitizeDetail.
var hostileDetail = []struct {
	name    string
	in      string
	forbid  []string // case-insensitive substrings that must not appear
	require []string // substrings that must appear
}{
	{"script", `<p>disk full</p><script>alert(1)</script>`, []string{"<script", "alert"}, []string{"<p>disk full</p>"}},
	{"uppercase script", `<SCRIPT SRC=https://evil.example/x.js></SCRIPT>ok`, []string{"<script", "evil"}, []string{"ok"}},
	{"self-closing script still opens", `<script/>alert(1)</script>ok`, []string{"alert"}, []string{"ok"}},
	{"split script", `<scr<script>ipt>alert(1)</scr</script>ipt>`, []string{"<script", "<scr"}, nil},
	{"unclosed script eats the rest", `<p>a</p><script>alert(1)`, []string{"alert", "<script"}, []string{"<p>a</p>"}},
	{"img onerror", `<img src=x onerror=alert(1)>`, []string{"onerror", "alert", "<img"}, nil},
	{"img onerror with good src", `<img src="https://example.com/g.png" onerror="alert(1)" alt=graph>`, []string{"onerror", "alert"}, []string{`<img src="https://example.com/g.png" alt="graph">`}},
	{"svg onload", `<svg onload=alert(1)><circle r=1>x</circle></svg>after`, []string{"<svg", "onload", "circle"}, []string{"after"}},
	{"svg slash attribute opens svg", `<svg/onload=alert(1)>after`, []string{"<svg", "onload", "after"}, nil},
	{"svg self-closing", `<svg/>after`, []string{"<svg"}, []string{"after"}},
	{"math", `<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>`, []string{"<math", "<img", "onerror", "<style"}, nil},
	{"javascript link", `<a href="javascript:alert(1)">x</a>`, []string{"javascript", "<a"}, []string{"x"}},
	{"uppercase javascript link", `<A HREF="JaVaScRiPt:alert(1)">x</A>`, []string{"javascript", "<a"}, []string{"x"}},
	{"entity javascript link", `<a href="&#106;&#97;vascript:alert(1)">x</a>`, []string{"javascript", "&#106;", "<a"}, nil},
	{"hex entity javascript link", `<a href="&#x6A;avascript&#x3A;alert(1)">x</a>`, []string{"javascript", "<a"}, nil},
	{"tab in javascript", `<a href="jav&#x09;ascript:alert(1)">x</a>`, []string{"ascript", "<a"}, nil},
	{"newline in javascript", "<a href=\"jav\nascript:alert(1)\">x</a>", []string{"ascript", "<a"}, nil},
	{"leading space and control", "<a href=\" \x01javascript:alert(1)\">x</a>", []string{"javascript", "<a"}, nil},
	{"unquoted javascript", `<a href=javascript:alert(1)>x</a>`, []string{"javascript", "<a"}, nil},
	{"data link", `<a href="data:text/html,<script>alert(1)</script>">x</a>`, []string{"data:", "<script"}, nil},
	{"data image", `<img src="data:image/svg+xml;base64,PHN2Zz4=">`, []string{"data:", "<img"}, nil},
	{"vbscript link", `<a href="vbscript:msgbox(1)">x</a>`, []string{"vbscript"}, nil},
	{"relative link refused", `<a href="/alerts/ack?all=1">x</a>`, []string{"<a", "/alerts"}, []string{"x"}},
	{"protocol-relative link refused", `<a href="//evil.example/">x</a>`, []string{"<a", "evil"}, nil},
	{"iframe", `<iframe src="https://evil.example/">inside</iframe>ok`, []string{"<iframe", "inside"}, []string{"ok"}},
	{"object and embed", `<object data="x.swf"><param name=a>inner</object><embed src="x.swf">ok`, []string{"<object", "<embed", "inner", "<param"}, []string{"ok"}},
	{"style element", `<style>body{display:none}</style>ok`, []string{"<style", "display"}, []string{"ok"}},
	{"style attribute", `<p style="background:url(javascript:alert(1))">x</p>`, []string{"style", "javascript"}, []string{"<p>x</p>"}},
	{"form", `<form action="https://evil.example/"><input name=password><button>go</button></form>`, []string{"<form", "<input", "<button", "action"}, nil},
	{"meta refresh", `<meta http-equiv="refresh" content="0;url=https://evil.example/">`, []string{"<meta", "refresh", "evil"}, nil},
	{"base", `<base href="https://evil.example/">`, []string{"<base", "evil"}, nil},
	{"link stylesheet", `<link rel=stylesheet href="https://evil.example/x.css">`, []string{"<link", "evil"}, nil},
	{"title and textarea", `<title>t</title><textarea><img src=x onerror=alert(1)></textarea>ok`, []string{"<title", "<textarea", "onerror"}, []string{"ok"}},
	{"template and noscript", `<template><script>alert(1)</script></template><noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>`, []string{"<script", "onerror", "<template", "<noscript", "<img"}, nil},
	{"comment", `a<!-- <script>alert(1)</script> -->b`, []string{"<!--", "script"}, []string{"ab"}},
	{"nested comment trick", `<!--<script>alert(1)//--><script>alert(2)</script>`, []string{"<script", "alert"}, nil},
	{"cdata", `<![CDATA[<script>alert(1)</script>]]>ok`, []string{"cdata", "<script"}, []string{"ok"}},
	{"processing instruction", `<?xml-stylesheet href="x"?>ok`, []string{"<?", "xml"}, []string{"ok"}},
	{"doctype", `<!DOCTYPE html>ok`, []string{"doctype"}, []string{"ok"}},
	{"attribute breakout", `<abbr title='"><script>alert(1)</script>'>x</abbr>`, []string{"<script"}, []string{`<abbr title="&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;">x</abbr>`}},
	{"unclosed attribute at the size cut", `<p>load high</p><a href="https://example.com/x" onclick="alert(1)`, []string{"onclick", "alert"}, []string{"<p>load high</p>"}},
	{"unclosed tags closed", `<div><p><b>x`, nil, []string{"<div><p><b>x</b></p></div>"}},
	{"misnested tags closed in order", `<b><i>x</b>y</i>`, nil, []string{"<b><i>x</i></b>y"}},
	{"stray end tags dropped", `</p></div>x</table>`, nil, []string{"x"}},
	{"on-handlers on allowed tags", `<p onmouseover=alert(1) ONCLICK="x">y</p>`, []string{"onmouseover", "onclick", "alert"}, []string{"<p>y</p>"}},
	{"text escaped", `a < b & c > d "q"`, []string{" < ", " > "}, []string{"a &lt; b &amp; c &gt; d &#34;q&#34;"}},
	{"link gets rel and target", `<a href="https://example.com/graph" target=_self rel=opener>graph</a>`, []string{"_self", "opener\""}, []string{`<a href="https://example.com/graph" rel="nofollow noopener noreferrer" target="_blank">graph</a>`}},
	{"mailto link", `<a href="mailto:ops@example.com">ops</a>`, nil, []string{`href="mailto:ops@example.com"`}},
	{"width must be a number", `<img src="https://example.com/g.png" width="100%;x:expression(alert(1))" height=20>`, []string{"expression", "width"}, []string{`height="20"`}},
	{"tables and lists kept", `<table><thead><tr><th colspan=2>h</th></tr></thead><tbody><tr><td>cpu</td><td>99%</td></tr></tbody></table><ul><li>a</li></ul><pre><code>x</code></pre>`, nil, []string{`<th colspan="2">h</th>`, "<td>cpu</td>", "<li>a</li>", "<pre><code>x</code></pre>"}},
	{"deep nesting capped", strings.Repeat("<div>", 1000) + "x", nil, []string{"x"}},
}

func TestSanitizeDetail_Hostile(t *testing.T) {
	for _, tt := range hostileDetail {
		t.Run(tt.name, func(t *testing.T) {
			got := store.SanitizeDetail(tt.in)
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
			if err := checkSanitized(got); err != nil {
				t.Errorf("got %q: %v", got, err)
			}
			if again := store.SanitizeDetail(got); again != got {
				t.Errorf("sanitizing twice: got %q, want %q", again, got)
			}
		})
	}
}

func TestStripHTML(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", "plain"},
		{"<b>host1</b>", "host1"},
		{"<script>alert(1)</script>db", "db"},
		{"disk <b>full</b> &amp; slow &lt;3", "disk full & slow <3"},
		{"a < b", "a < b"},
		{"<style>x{}</style><p>one</p><p>two</p>", "onetwo"},
		{"x<!-- c -->y", "xy"},
		{"&amp;lt;", "&lt;"},
	}
	for _, tt := range tests {
		if got := store.StripHTML(tt.in); got != tt.want {
			t.Errorf("StripHTML(%q): got %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestDetailText(t *testing.T) {
	in := `<p>disk <b>full</b></p><ul><li>a</li><li>b &amp; c</li></ul>x<br>y<script>z</script>`
	want := "disk full\na\nb & c\nx\ny"
	if got := store.DetailText(in); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// FuzzSanitizeDetail checks that whatever comes in, the output tokenized
// again holds only allowed elements and attributes, no URL outside the
// allowed schemes, no comment or raw-text element, and is a fixed point.
func FuzzSanitizeDetail(f *testing.F) {
	for _, tt := range hostileDetail {
		f.Add(tt.in)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got := store.SanitizeDetail(in)
		if err := checkSanitized(got); err != nil {
			t.Fatalf("SanitizeDetail(%q) = %q: %v", in, got, err)
		}
		if again := store.SanitizeDetail(got); again != got {
			t.Fatalf("SanitizeDetail(%q) = %q, but sanitizing that gives %q", in, got, again)
		}
	})
}

// allowed is the allow-list as the test reads it, written out apart from
// the implementation on purpose.
var allowed = map[string][]string{
	"p": nil, "br": nil, "pre": nil, "code": nil, "b": nil, "i": nil, "em": nil, "strong": nil,
	"u": nil, "s": nil, "small": nil, "sub": nil, "sup": nil, "ul": nil, "ol": nil, "li": nil,
	"dl": nil, "dt": nil, "dd": nil, "table": nil, "thead": nil, "tbody": nil, "tfoot": nil, "tr": nil,
	"th": {"colspan", "rowspan"}, "td": {"colspan", "rowspan"},
	"h1": nil, "h2": nil, "h3": nil, "h4": nil, "h5": nil, "h6": nil,
	"blockquote": nil, "hr": nil, "span": nil, "div": nil,
	"a": {"href", "rel", "target"}, "img": {"src", "alt", "width", "height"}, "abbr": {"title"},
}

func checkSanitized(out string) error {
	z := xhtml.NewTokenizer(strings.NewReader(out))
	for {
		tt := z.Next()
		if tt == xhtml.ErrorToken {
			if errors.Is(z.Err(), io.EOF) {
				return nil
			}
			return z.Err()
		}
		tok := z.Token()
		switch tt {
		case xhtml.CommentToken, xhtml.DoctypeToken:
			return errors.New("comment or doctype kept")
		case xhtml.StartTagToken, xhtml.SelfClosingTagToken:
			attrs, ok := allowed[tok.Data]
			if !ok {
				return errors.New("element <" + tok.Data + "> kept")
			}
			for _, a := range tok.Attr {
				if !contains(attrs, a.Key) {
					return errors.New("attribute " + a.Key + " kept on <" + tok.Data + ">")
				}
				if a.Key != "href" && a.Key != "src" {
					continue
				}
				u := strings.ToLower(a.Val)
				if !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") &&
					(a.Key == "src" || !strings.HasPrefix(u, "mailto:")) {
					return errors.New("URL " + a.Val + " kept")
				}
				if strings.ContainsFunc(u, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
					return errors.New("URL " + a.Val + " has whitespace or control characters")
				}
			}
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func BenchmarkSanitizeDetail(b *testing.B) {
	in := strings.Repeat(`<p>disk <b>full</b> on <a href="https://example.com/x" onclick="x()">db1</a></p><script>bad()</script><table><tr><td>/var</td><td>97%</td></tr></table>`, 40)
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		store.SanitizeDetail(in)
	}
}
