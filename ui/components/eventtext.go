package components

import (
	"regexp"
	"time"
)

// rfc3339InText finds RFC 3339 times inside event text, such as the
// store's "acknowledged by johnny until 2026-11-25T12:00:00Z". A
// read-only table.
var rfc3339InText = regexp.MustCompile(`\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})`)

// EventText is an event's text for people: the times the store wrote in
// it (UTC, RFC 3339) are shown in now's zone, the station's, as
// "2026-11-25 12:00 GMT". Anything that does not parse is left as it is.
func EventText(now time.Time, text string) string {
	if len(text) < len("2006-01-02T15:04:05Z") {
		return text
	}
	return rfc3339InText.ReplaceAllStringFunc(text, func(s string) string {
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return s
		}
		return t.In(now.Location()).Format("2006-01-02 15:04 MST")
	})
}
