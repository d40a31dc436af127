package notify

import (
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode"

	"github.com/mauve-alert/mauve/policy"
	"github.com/mauve-alert/mauve/store"
)

// Renderer turns an outbox row into a Message in every form the channels
// need. It is safe for concurrent use and holds no state.
type Renderer struct{}

// subjectLimit caps the alert subject and summary within a subject line, so
// a sender's 1 KiB summary does not become a 1 KiB mail header.
const subjectLimit = 200

// NewRenderer returns a Renderer.
func NewRenderer() *Renderer { return &Renderer{} }

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
	} else {
		// No summary: the id says which alert, where "vm -- vm" would not.
		line += ": " + singleLine(a.ID, subjectLimit)
	}
	line += " -- " + singleLine(a.Source, subjectLimit)
	m.Subject = strings.TrimSpace(subjectPrefix(p) + " " + line)
	fs := facts(n, loc, now)
	m.Text = r.text(m, line, fs)
	m.HTML = r.htmlBody(m, line, fs)
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
		b.WriteString(" (" + string(n.Level) + ")")
	}
	return b.String()
}

func (r *Renderer) text(m Message, line string, fs []fact) string {
	var b strings.Builder
	b.Grow(512 + len(m.Notification.Alert.Detail))
	b.WriteString(line + "\n\n")
	for _, f := range fs {
		b.WriteString(f.Name)
		b.WriteByte(':')
		for i := len(f.Name) + 1; i < 14; i++ { // fact names are ASCII
			b.WriteByte(' ')
		}
		b.WriteByte(' ')
		b.WriteString(f.Value)
		b.WriteByte('\n')
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

// htmlBody builds the HTML part by hand: html/template's reflection was a
// tenth of the CPU of a mail storm. The escaping is html/template's for
// these contexts (htmlText for text and the title, urlAttr for the link),
// and TestRender_HTMLMatchesTemplate holds the two to the same bytes.
func (r *Renderer) htmlBody(m Message, line string, fs []fact) string {
	// Detail is written as stored: the store reduced it to its allow-list
	// when it was received (store.SanitizeDetail).
	detail := m.Notification.Alert.Detail
	var b strings.Builder
	b.Grow(700 + len(detail) + 2*len(line) + 2*len(m.URL))
	b.WriteString("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>")
	htmlText(&b, line)
	b.WriteString("</title></head>\n<body style=\"font-family: sans-serif\">\n<p><strong>")
	htmlText(&b, line)
	b.WriteString("</strong></p>\n<table>")
	for _, f := range fs {
		b.WriteString("\n<tr><th align=\"left\">")
		htmlText(&b, f.Name)
		b.WriteString("</th><td>")
		htmlText(&b, f.Value)
		b.WriteString("</td></tr>")
	}
	b.WriteString("\n</table>")
	if detail != "" {
		b.WriteString("\n<div>" + detail + "</div>")
	}
	if m.Note != "" {
		b.WriteString("\n<p><em>")
		htmlText(&b, m.Note)
		b.WriteString("</em></p>")
	}
	b.WriteString("\n<p><a href=\"")
	urlAttr(&b, m.URL)
	b.WriteString("\">")
	htmlText(&b, m.URL)
	b.WriteString("</a></p>\n<p style=\"color: gray\">mauve at ")
	htmlText(&b, m.StationName)
	b.WriteString("</p>\n</body></html>\n")
	return b.String()
}

// htmlText writes s escaped for HTML text or a quoted attribute, as
// html/template does: its table is all ASCII, so bytes will do.
func htmlText(b *strings.Builder, s string) {
	last := 0
	for i := 0; i < len(s); i++ {
		var repl string
		switch s[i] {
		case 0:
			repl = "\uFFFD"
		case '"':
			repl = "&#34;"
		case '&':
			repl = "&amp;"
		case '\'':
			repl = "&#39;"
		case '+':
			repl = "&#43;"
		case '<':
			repl = "&lt;"
		case '>':
			repl = "&gt;"
		default:
			continue
		}
		b.WriteString(s[last:i])
		b.WriteString(repl)
		last = i + 1
	}
	b.WriteString(s[last:])
}

// urlAttr writes u for a quoted href as html/template does: a scheme other
// than http, https or mailto becomes "#ZgotmplZ"; bytes outside RFC 3986's
// reserved and unreserved sets are percent-encoded (valid escapes kept);
// then the result is escaped as attribute text.
func urlAttr(b *strings.Builder, u string) {
	if scheme, _, ok := strings.Cut(u, ":"); ok && !strings.Contains(scheme, "/") &&
		!strings.EqualFold(scheme, "http") && !strings.EqualFold(scheme, "https") && !strings.EqualFold(scheme, "mailto") {
		u = "#ZgotmplZ"
	}
	var n strings.Builder
	last := 0
	for i := 0; i < len(u); i++ {
		c := u[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
			continue
		case strings.IndexByte("!#$&*+,/:;=?@[]-._~", c) >= 0:
			continue
		case c == '%' && i+2 < len(u) && isHex(u[i+1]) && isHex(u[i+2]):
			continue
		}
		n.WriteString(u[last:i])
		n.WriteByte('%')
		n.WriteByte(lowerHex[c>>4])
		n.WriteByte(lowerHex[c&0xf])
		last = i + 1
	}
	if last == 0 {
		htmlText(b, u)
		return
	}
	n.WriteString(u[last:])
	htmlText(b, n.String())
}

const lowerHex = "0123456789abcdef"

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
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
		fs = append(fs, fact{"Level", string(n.Level)})
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
