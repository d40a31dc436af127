package notify

import (
	"bytes"
	"fmt"
	"html"
	"html/template"
	"net/url"
	"strings"
	"time"
	"unicode"

	"github.com/mauve-alert/mauve/policy"
	"github.com/mauve-alert/mauve/store"
)

// Renderer turns an outbox row into a Message in every form the channels
// need. It is safe for concurrent use; build one and keep it, since the
// email template is parsed once.
type Renderer struct {
	html *template.Template
}

// subjectLimit caps the alert subject and summary within a subject line, so
// a sender's 1 KiB summary does not become a 1 KiB mail header.
const subjectLimit = 200

// NewRenderer returns a Renderer.
func NewRenderer() *Renderer {
	return &Renderer{
		html: template.Must(template.New("email").Parse(htmlBody)),
	}
}

// Render renders row n for its person under policy p. baseURL is the web
// UI's base ("" takes the station url from the policy); note is the
// suppression note, if any; now is the time of rendering, against which
// "5 minutes ago" is measured.
func (r *Renderer) Render(p *policy.Policy, n store.Notification, baseURL, note string, now time.Time) Message {
	person := p.People[n.Person]
	loc := location(p, person)
	if baseURL == "" {
		baseURL = p.Station.URL
	}
	a := n.Alert
	m := Message{
		Notification: n,
		Person:       person,
		StationName:  p.Station.Name,
		URL:          AlertURL(baseURL, a.Source, a.ID),
		Note:         note,
		Time:         now,
	}
	head := headline(n, loc, now)
	subj, summary := singleLine(subjectOf(a), subjectLimit), singleLine(a.Summary, subjectLimit)
	line := head + ": " + subj
	if summary != "" {
		line += ": " + summary
	}
	line += " -- " + singleLine(a.Source, subjectLimit)
	m.Subject = strings.TrimSpace(subjectPrefix(p) + " " + line)
	m.Text = r.text(m, line, loc, now)
	m.HTML = r.htmlBody(m, line, loc, now)
	m.Short = short(m, head, subj, summary, loc, now)
	return m
}

// AlertURL is the link to an alert's page in the web UI.
func AlertURL(base, source, id string) string {
	return strings.TrimRight(base, "/") + "/alerts/" + url.PathEscape(source) + "/" + url.PathEscape(id)
}

// headline is the event word with the level and, for an acknowledgement,
// who and until when: "ACKNOWLEDGED by johnny until 14:00 GMT (urgent)".
func headline(n store.Notification, loc *time.Location, now time.Time) string {
	a := n.Alert
	var b strings.Builder
	switch n.Event {
	case store.EventRaised:
		b.WriteString("RAISED")
	case store.EventReRaised:
		b.WriteString("RE-RAISED")
	case store.EventReminder:
		b.WriteString("REMINDER")
	case store.EventAcknowledged:
		b.WriteString("ACKNOWLEDGED")
		if a.AcknowledgedBy != "" {
			b.WriteString(" by " + singleLine(a.AcknowledgedBy, 64))
		}
		if !a.AcknowledgedUntil.IsZero() {
			b.WriteString(" until " + when(a.AcknowledgedUntil, loc, now))
		}
	case store.EventUnacknowledged:
		b.WriteString("UNACKNOWLEDGED")
	case store.EventCleared:
		b.WriteString("CLEARED")
	default:
		b.WriteString(strings.ToUpper(string(n.Event)))
	}
	if n.Level != "" {
		b.WriteString(" (" + n.Level + ")")
	}
	return b.String()
}

func (r *Renderer) text(m Message, line string, loc *time.Location, now time.Time) string {
	var b strings.Builder
	b.WriteString(line + "\n\n")
	for _, f := range facts(m.Notification, loc, now) {
		fmt.Fprintf(&b, "%-14s %s\n", f.Name+":", f.Value)
	}
	if d := r.PlainDetail(m.Notification.Alert.Detail); d != "" {
		b.WriteString("\n" + d + "\n")
	}
	if m.Note != "" {
		b.WriteString("\n" + m.Note + "\n")
	}
	b.WriteString("\n" + m.URL + "\n")
	b.WriteString("\n-- \nmauve at " + m.StationName + "\n")
	return b.String()
}

func (r *Renderer) htmlBody(m Message, line string, loc *time.Location, now time.Time) string {
	var b bytes.Buffer
	err := r.html.Execute(&b, struct {
		Line, URL, Note, Station string
		Facts                    []fact
		Detail                   template.HTML
	}{
		Line: line, URL: m.URL, Note: m.Note, Station: m.StationName,
		Facts: facts(m.Notification, loc, now),
		// The store sanitizes detail on the way in; sanitizing again here
		// keeps the email safe even if a row predates that or a bug lets
		// something through.
		Detail: template.HTML(store.SanitizeDetail(m.Notification.Alert.Detail)), //nolint:gosec // sanitized
	})
	if err != nil { // only a broken template can fail, and tests render it
		return html.EscapeString(line)
	}
	return b.String()
}

// PlainDetail flattens HTML detail to plain text: block ends become line
// breaks, every tag goes, entities are decoded, blank runs collapse.
func (r *Renderer) PlainDetail(detail string) string {
	if strings.TrimSpace(detail) == "" {
		return ""
	}
	s := store.DetailText(detail)
	lines := strings.Split(s, "\n")
	out := lines[:0]
	blank := false
	for _, l := range lines {
		l = strings.TrimRightFunc(l, unicode.IsSpace)
		if l == "" {
			if !blank && len(out) > 0 {
				out = append(out, "")
			}
			blank = true
			continue
		}
		blank = false
		out = append(out, l)
	}
	return strings.TrimSpace(strings.Join(out, "\n"))
}

// short is the classic SMS form, unsplit:
// "<id>: RAISED (urgent): 5 minutes ago: <subject> <summary> -- from <source>. <url>".
func short(m Message, head, subj, summary string, loc *time.Location, now time.Time) string {
	a := m.Notification.Alert
	var b strings.Builder
	b.WriteString(singleLine(a.ID, 64) + ": " + head + ": ")
	switch {
	case m.Notification.Event == store.EventCleared && !a.ClearedAt.IsZero():
		b.WriteString("at " + when(a.ClearedAt, loc, now) + ": ")
	case !a.RaisedAt.IsZero() && now.Sub(a.RaisedAt) >= time.Minute:
		b.WriteString(ago(now.Sub(a.RaisedAt)) + ": ")
	}
	b.WriteString(subj)
	if summary != "" {
		b.WriteString(" " + summary)
	}
	b.WriteString(" -- from " + singleLine(a.Source, 64) + ".")
	if m.Note != "" {
		b.WriteString(" " + m.Note)
	}
	if m.URL != "" {
		b.WriteString(" " + m.URL)
	}
	return b.String()
}

type fact struct{ Name, Value string }

// facts are the labelled lines shown above the detail in both bodies.
func facts(n store.Notification, loc *time.Location, now time.Time) []fact {
	a := n.Alert
	fs := []fact{{"Alert", a.Source + "/" + a.ID}}
	if a.Subject != "" && a.Subject != a.Source {
		fs = append(fs, fact{"Subject", singleLine(a.Subject, subjectLimit)})
	}
	if !a.RaisedAt.IsZero() {
		fs = append(fs, fact{"Raised", when(a.RaisedAt, loc, now) + " (" + ago(now.Sub(a.RaisedAt)) + ")"})
	}
	if a.AcknowledgedBy != "" && !a.AcknowledgedUntil.IsZero() {
		fs = append(fs, fact{"Acknowledged", "by " + a.AcknowledgedBy + " until " + when(a.AcknowledgedUntil, loc, now)})
	}
	if !a.ClearedAt.IsZero() && a.State == store.StateCleared {
		fs = append(fs, fact{"Cleared", when(a.ClearedAt, loc, now)})
	}
	if a.Group != "" {
		fs = append(fs, fact{"Group", a.Group})
	}
	if n.Level != "" {
		fs = append(fs, fact{"Level", n.Level})
	}
	return fs
}

// when formats t in loc: the time alone when it is today, else with the date.
func when(t time.Time, loc *time.Location, now time.Time) string {
	t, now = t.In(loc), now.In(loc)
	if t.YearDay() == now.YearDay() && t.Year() == now.Year() {
		return t.Format("15:04 MST")
	}
	return t.Format("Mon 2 Jan 15:04 MST")
}

// ago says how long ago a duration was, as a person would.
func ago(d time.Duration) string {
	switch {
	case d < time.Minute:
		return "just now"
	case d < 2*time.Minute:
		return "1 minute ago"
	case d < time.Hour:
		return fmt.Sprintf("%d minutes ago", int(d/time.Minute))
	case d < 2*time.Hour:
		return "1 hour ago"
	case d < 48*time.Hour:
		return fmt.Sprintf("%d hours ago", int(d/time.Hour))
	default:
		return fmt.Sprintf("%d days ago", int(d/(24*time.Hour)))
	}
}

func subjectOf(a store.Alert) string {
	if a.Subject != "" {
		return a.Subject
	}
	return a.Source
}

func subjectPrefix(p *policy.Policy) string {
	if p.Email == nil {
		return "[mauve]"
	}
	return p.Email.SubjectPrefix
}

func location(p *policy.Policy, person *policy.Person) *time.Location {
	switch {
	case person != nil && person.Location != nil:
		return person.Location
	case p.Station.Location != nil:
		return p.Station.Location
	default:
		return time.UTC
	}
}

// singleLine makes s fit a header line: control characters become spaces,
// runs of space collapse, and it is cut at limit runes with an ellipsis.
func singleLine(s string, limit int) string {
	s = strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r)
	}), " ")
	if r := []rune(s); len(r) > limit {
		return string(r[:limit-1]) + "…"
	}
	return s
}

const htmlBody = `<!DOCTYPE html>
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
