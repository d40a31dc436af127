package policy

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode/utf8"
)

// FeedToken is the secret in a person's calendar feed URL: an HMAC of
// their name under the station's secret, so it needs no storage and
// changes for everyone when the secret does.
func FeedToken(secret []byte, person string) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("rota-feed\x00" + person))
	return hex.EncodeToString(m.Sum(nil)[:16])
}

// ValidFeedToken reports whether token is person's feed token.
func ValidFeedToken(secret []byte, person, token string) bool {
	return hmac.Equal([]byte(FeedToken(secret, person)), []byte(token))
}

// ICalendar is person's shifts on every rota between from and until,
// overrides applied, as an RFC 5545 calendar: CRLF line ends, lines
// folded at 75 octets, times in UTC, a UID stable across fetches.
func (p *Policy) ICalendar(person string, from, until, now time.Time) []byte {
	var b bytes.Buffer
	line := func(s string) { foldLine(&b, s) }
	line("BEGIN:VCALENDAR")
	line("VERSION:2.0")
	line("PRODID:-//mauve//rota " + icalText(p.Station.Name) + "//EN")
	line("CALSCALE:GREGORIAN")
	line("X-WR-CALNAME:" + icalText("On call: "+person))
	names := make([]string, 0, len(p.Rotas))
	for n := range p.Rotas {
		names = append(names, n)
	}
	sort.Strings(names)
	const stamp = "20060102T150405Z"
	for _, n := range names {
		for _, s := range p.Rotas[n].Shifts(from, until, p.Overrides) {
			if s.Person != person {
				continue
			}
			line("BEGIN:VEVENT")
			line(fmt.Sprintf("UID:%s-%s-%d@%s", icalText(n), icalText(person), s.Start.Unix(), icalText(p.Station.Name)))
			line("DTSTAMP:" + now.UTC().Format(stamp))
			line("DTSTART:" + s.Start.UTC().Format(stamp))
			line("DTEND:" + s.End.UTC().Format(stamp))
			summary := "On call: " + n
			if s.Override {
				summary += " (override)"
			}
			line("SUMMARY:" + icalText(summary))
			line("END:VEVENT")
		}
	}
	line("END:VCALENDAR")
	return b.Bytes()
}

// icalText escapes a TEXT value (RFC 5545 3.3.11).
func icalText(s string) string {
	return strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\n", `\n`, "\r", "").Replace(s)
}

// foldLine writes one content line, folded so no line exceeds 75 octets
// and no UTF-8 character is split, ended with CRLF.
func foldLine(b *bytes.Buffer, s string) {
	limit := 75
	for len(s) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		b.WriteString(s[:cut])
		b.WriteString("\r\n ")
		s = s[cut:]
		limit = 74 // the leading space counts
	}
	b.WriteString(s)
	b.WriteString("\r\n")
}
