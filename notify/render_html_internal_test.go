package notify

import (
	"html/template"
	"strings"
	"testing"

	"github.com/mauve-alert/mauve/store"
)

// templateBody is the html/template the hand-built HTML part replaced; it
// stays here as the reference for the escaping.
const templateBody = `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{{.Line}}</title></head>
<body style="font-family: sans-serif">
<p><strong>{{.Line}}</strong></p>
<table>
{{- range .Facts}}
<tr><th align="left">{{.Name}}</th><td>{{.Value}}</td></tr>
{{- end}}
</table>
{{- if .Detail}}
<div>{{.Detail}}</div>
{{- end}}
{{- if .Note}}
<p><em>{{.Note}}</em></p>
{{- end}}
<p><a href="{{.URL}}">{{.URL}}</a></p>
<p style="color: gray">mauve at {{.Station}}</p>
</body></html>
`

func templateHTML(t *testing.T, m Message, line string, fs []fact) string {
	t.Helper()
	var b strings.Builder
	err := template.Must(template.New("email").Parse(templateBody)).Execute(&b, struct {
		Line, URL, Note, Station string
		Facts                    []fact
		Detail                   template.HTML
	}{
		Line: line, URL: m.URL, Note: m.Note, Station: m.StationName, Facts: fs,
		Detail: template.HTML(m.Notification.Alert.Detail), //nolint:gosec // the store sanitized it
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// The hand-built HTML part is byte for byte what html/template made of
// the same values, hostile ones included.
func TestRender_HTMLMatchesTemplate(t *testing.T) {
	odd := []string{
		"", "plain", `<script>alert("x")</script>`, "a & b 'c' + d", "nul\x00byte",
		"ünïcode ид ✓", "bad \xff\xfe utf8", "\uFFFD \uFDD0 \uFFFF", "tab\tnew\nline",
	}
	urls := []string{
		"https://alerts1.example.com/alerts/core-router/odd%20id%2Fwith%20%3Cstuff%3E",
		"http://h/a b/ü?q='x'&y=\"z\"+1#f", "javascript:alert(1)", "JavaScript:x", "mailto:a@b",
		"/relative/path", "data:text/html,x", "h/with:colon", "%zz%4", "100%", "[::1]:8080/x~y",
		"https://h/a%2", "https://h/\x00\x7f{}|\\^`<>",
	}
	r := NewRenderer()
	for i, s := range odd {
		for j, u := range urls {
			m := Message{
				URL: u, Note: odd[(i+j)%len(odd)], StationName: s,
				Notification: store.Notification{Alert: store.Alert{Detail: odd[(i+2*j)%len(odd)] + "<b>ok</b>"}},
			}
			fs := []fact{{"Alert", s}, {"Raised", odd[(i+1)%len(odd)]}, {s, "v"}}
			if j%3 == 0 {
				fs = nil
			}
			if j%2 == 0 {
				m.Notification.Alert.Detail = ""
			}
			line := s + " -- " + odd[(j+3)%len(odd)]
			if got, want := r.htmlBody(m, line, fs), templateHTML(t, m, line, fs); got != want {
				t.Errorf("odd[%d], url %q:\ngot  %q\nwant %q", i, u, got, want)
			}
		}
	}
}

// The text part's fact labels line up as fmt's %-14s did.
func TestRender_TextFactsPadded(t *testing.T) {
	m := Message{URL: "u", StationName: "s"}
	fs := []fact{{"Alert", "a/b"}, {"Acknowledged", "by x"}, {"ThirteenChars", "v"}, {"FourteenChars!", "w"}}
	got := NewRenderer().text(m, "line", fs)
	want := "line\n\nAlert:         a/b\nAcknowledged:  by x\nThirteenChars: v\nFourteenChars!: w\n\nu\n\n-- \nmauve at s\n"
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
