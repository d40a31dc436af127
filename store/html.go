package store

import (
	"strings"

	xhtml "golang.org/x/net/html"
)

// This file is the project's one HTML sanitizer. Alert detail is the only
// HTML that mauve accepts from outside; the store cleans it once, on
// receipt ([SanitizeDetail], through the cleaner of sanitize.go), and holds
// it clean: pages, mail, webhooks and the API show what is stored, so there
// is one allow-list to review and one place it runs.
// It is written on the golang.org/x/net/html tokenizer: an allow-list of
// elements and attributes, everything else dropped, output re-escaped.
//
// It is written here rather than taken from github.com/microcosm-cc/bluemonday
// because of start-up time: the station and `mauve send` are one binary, and
// bluemonday's package initialization (its CSS tables and patterns, 6,900
// allocations) runs at every start. Measured with the same allow-list
// (bluemonday v1.0.27, CGO_ENABLED=0 -ldflags='-s -w', hyperfine, 300 runs
// of `mauve send` to a loopback port): median 8.3 ms and 2.5 ms of user CPU
// in-house, 15.4 ms and 5.1 ms with bluemonday; the binary grows by 90 KB
// (19.06 to 19.15 MB), which alone would not decide it.

// detailElems is the allow-list of elements in alert detail. The value
// lists the attributes kept on that element; URL and number attributes
// are checked further in cleanAttrs.
var detailElems = map[string][]string{
	"p": nil, "br": nil, "pre": nil, "code": nil, "b": nil, "i": nil,
	"em": nil, "strong": nil, "u": nil, "s": nil, "small": nil, "sub": nil,
	"sup": nil, "ul": nil, "ol": nil, "li": nil, "dl": nil, "dt": nil,
	"dd": nil, "table": nil, "thead": nil, "tbody": nil, "tfoot": nil,
	"tr": nil, "th": {"colspan", "rowspan"}, "td": {"colspan", "rowspan"},
	"h1": nil, "h2": nil, "h3": nil, "h4": nil, "h5": nil, "h6": nil,
	"blockquote": nil, "hr": nil, "span": nil, "div": nil,
	"a":    {"href"},
	"img":  {"src", "alt", "width", "height"},
	"abbr": {"title"},
}

// voidElems have no end tag and no content.
var voidElems = map[string]bool{"br": true, "hr": true, "img": true}

// dropElems are removed together with everything inside them. rawText
// marks those whose content the tokenizer reads as text up to the end
// tag; a browser ignores a self-closing slash on them, so <script/> still
// opens a script.
var dropElems = map[string]struct{ rawText bool }{
	"script": {true}, "style": {true}, "iframe": {true}, "noscript": {true},
	"textarea": {true}, "title": {true}, "xmp": {true}, "noembed": {true},
	"noframes": {true}, "plaintext": {true},
	"object": {}, "template": {}, "svg": {}, "math": {}, "applet": {},
	"frameset": {}, "select": {}, "head": {},
}

// blockEnds end a line when detail is flattened to text.
var blockEnds = map[string]bool{
	"p": true, "div": true, "li": true, "tr": true, "pre": true, "blockquote": true,
	"h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true,
	"dt": true, "dd": true,
}

// escaper escapes text and attribute values as html.EscapeString does,
// and a carriage return too: a tokenizer reads a literal one as a line
// feed, so written as a reference it survives, and sanitized output stays
// the same when sanitized again.
var escaper = strings.NewReplacer("&", "&amp;", "'", "&#39;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "\r", "&#13;")

// maxNesting caps open allowed elements; deeper start tags are dropped
// (their text is kept), so hostile input cannot build a huge close-tag
// tail.
const maxNesting = 64

// linkRel is added to every kept link: the detail comes from any sender.
const linkRel = "nofollow noopener noreferrer"

// SanitizeDetail returns alert detail HTML reduced to the allow-list:
// text formatting, lists, tables, headings, pre/code, links (http, https
// and mailto only; rel="nofollow noopener noreferrer", target="_blank")
// and images (http and https only). Scripts, styles, frames, forms,
// templates, SVG and MathML go with their content; every event handler,
// style attribute, comment and non-allow-listed URL goes. The output is
// well formed (every opened element is closed) and safe to embed in a
// page. It is safe for concurrent use.
func SanitizeDetail(s string) string {
	var b strings.Builder
	b.Grow(len(s) + len(s)/8)
	z := xhtml.NewTokenizer(strings.NewReader(s))
	var open []string // allowed elements opened and not yet closed
	var drop dropping
	for {
		tt := z.Next()
		if tt == xhtml.ErrorToken {
			break // io.EOF: the input is read to the end
		}
		tok := z.Token()
		if drop.inside(tt, tok.Data) {
			continue
		}
		switch tt {
		case xhtml.TextToken:
			b.WriteString(escaper.Replace(tok.Data))
		case xhtml.StartTagToken, xhtml.SelfClosingTagToken:
			if d, ok := dropElems[tok.Data]; ok {
				if tt == xhtml.StartTagToken || d.rawText {
					drop.start(tok.Data)
				}
				continue
			}
			attrs, ok := detailElems[tok.Data]
			if !ok {
				continue
			}
			kept, ok := cleanAttrs(tok.Data, tok.Attr, attrs)
			if !ok {
				continue
			}
			if !voidElems[tok.Data] {
				if len(open) >= maxNesting {
					continue
				}
				open = append(open, tok.Data)
			}
			writeStart(&b, tok.Data, kept)
		case xhtml.EndTagToken:
			for i := len(open) - 1; i >= 0; i-- {
				if open[i] == tok.Data {
					for j := len(open) - 1; j >= i; j-- {
						b.WriteString("</" + open[j] + ">")
					}
					open = open[:i]
					break
				}
			}
		}
		// Comments, doctypes, CDATA and processing instructions (which
		// the tokenizer reads as comments) are dropped.
	}
	for j := len(open) - 1; j >= 0; j-- {
		b.WriteString("</" + open[j] + ">")
	}
	return b.String()
}

// StripHTML returns the text of s with every tag removed and entities
// decoded: plain text for fields that are never HTML (source, id, subject,
// summary). The content of scripts, styles and the other dropped elements
// goes too.
func StripHTML(s string) string {
	if !strings.ContainsAny(s, "<&") {
		return s
	}
	return text(s, false)
}

// DetailText flattens detail HTML to plain text for text-only channels:
// like StripHTML, but <br> and the end of each block (paragraph, list
// item, table row, heading, pre, ...) become line breaks.
func DetailText(s string) string {
	return text(s, true)
}

func text(s string, lines bool) string {
	var b strings.Builder
	z := xhtml.NewTokenizer(strings.NewReader(s))
	var drop dropping
	for {
		tt := z.Next()
		if tt == xhtml.ErrorToken {
			return b.String()
		}
		var name []byte
		if tt != xhtml.TextToken {
			name, _ = z.TagName()
		}
		if drop.inside(tt, string(name)) {
			continue
		}
		switch tt {
		case xhtml.TextToken:
			b.Write(z.Text()) // Text decodes entities
		case xhtml.StartTagToken, xhtml.SelfClosingTagToken:
			if d, ok := dropElems[string(name)]; ok && (tt == xhtml.StartTagToken || d.rawText) {
				drop.start(string(name))
			} else if lines && string(name) == "br" {
				b.WriteByte('\n')
			}
		case xhtml.EndTagToken:
			if lines && blockEnds[string(name)] {
				b.WriteByte('\n')
			}
		}
	}
}

// cleanAttrs keeps the allowed attributes of element name. ok is false
// when the element is pointless without an attribute it lacks (a link
// without a safe href, an image without a safe src). Links get rel and
// target.
func cleanAttrs(name string, in []xhtml.Attribute, allowed []string) (out []xhtml.Attribute, ok bool) {
	for _, a := range in {
		if a.Namespace != "" || hasAttr(out, a.Key) || !contains(allowed, a.Key) {
			continue
		}
		v := a.Val
		switch a.Key {
		case "href":
			v, ok = safeURL(v, true)
		case "src":
			v, ok = safeURL(v, false)
		case "width", "height", "colspan", "rowspan":
			ok = isSmallNumber(v)
		default:
			ok = true
		}
		if !ok {
			continue
		}
		out = append(out, xhtml.Attribute{Key: a.Key, Val: v})
	}
	switch name {
	case "a":
		if !hasAttr(out, "href") {
			return nil, false
		}
		out = append(out, xhtml.Attribute{Key: "rel", Val: linkRel}, xhtml.Attribute{Key: "target", Val: "_blank"})
	case "img":
		if !hasAttr(out, "src") {
			return nil, false
		}
	}
	return out, true
}

func writeStart(b *strings.Builder, name string, attrs []xhtml.Attribute) {
	b.WriteString("<" + name)
	for _, a := range attrs {
		b.WriteString(" " + a.Key + `="` + escaper.Replace(a.Val) + `"`)
	}
	b.WriteByte('>')
}

// safeURL returns the URL v (already entity-decoded by the tokenizer)
// without the whitespace and control characters a browser ignores inside
// it, and whether it is absolute with an allowed scheme: http and https,
// and mailto for links. Relative URLs are refused: detail comes from any
// sender and must not point into the station itself.
func safeURL(v string, link bool) (string, bool) {
	v = strings.Map(func(r rune) rune {
		if r <= ' ' || r == 0x7f {
			return -1
		}
		return r
	}, v)
	scheme, _, found := strings.Cut(v, ":")
	if !found || strings.ContainsAny(scheme, "/?#\\") {
		return "", false
	}
	switch strings.ToLower(scheme) {
	case "http", "https":
		rest := v[len(scheme)+1:]
		return v, strings.HasPrefix(rest, "//") && len(rest) > 2
	case "mailto":
		return v, link && len(v) > len("mailto:")
	}
	return "", false
}

// isSmallNumber reports whether v is 1 to 4 ASCII digits.
func isSmallNumber(v string) bool {
	if v == "" || len(v) > 4 {
		return false
	}
	for i := 0; i < len(v); i++ {
		if v[i] < '0' || v[i] > '9' {
			return false
		}
	}
	return true
}

func hasAttr(attrs []xhtml.Attribute, key string) bool {
	for _, a := range attrs {
		if a.Key == key {
			return true
		}
	}
	return false
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// dropping follows an element being dropped with its content (a script,
// a style, ...) through the tokens inside it, nested copies included.
type dropping struct {
	name  string // "" when nothing is being dropped
	depth int    // nesting of name inside itself
}

func (d *dropping) start(name string) { d.name, d.depth = name, 1 }

// inside reports whether the token (of type tt, element name) falls within
// the element being dropped, and notes the end of that element.
func (d *dropping) inside(tt xhtml.TokenType, name string) bool {
	if d.name == "" {
		return false
	}
	switch {
	case name != d.name:
	case tt == xhtml.StartTagToken:
		d.depth++
	case tt == xhtml.EndTagToken:
		if d.depth--; d.depth == 0 {
			d.name = ""
		}
	}
	return true
}
