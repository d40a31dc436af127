package components

import (
	"strings"
	"time"
)

// EventText is an event's text for people: the times the store wrote in
// it (UTC, RFC 3339, as in "acknowledged by johnny until
// 2026-11-25T12:00:00Z") are shown in now's zone, the station's, as
// "2026-11-25 12:00 GMT". Anything that does not parse is left as it is.
func EventText(now time.Time, text string) string {
	const shortest = len("2006-01-02T15:04:05Z")
	if len(text) < shortest || !strings.Contains(text, "T") {
		return text
	}
	var b strings.Builder
	last := 0
	for i := 0; i+shortest <= len(text); i++ {
		if i > 0 && isAlnum(text[i-1]) {
			continue
		}
		end := rfc3339End(text, i)
		if end < 0 {
			continue
		}
		t, err := time.Parse(time.RFC3339Nano, text[i:end])
		if err != nil {
			continue
		}
		b.WriteString(text[last:i])
		b.WriteString(t.In(now.Location()).Format("2006-01-02 15:04 MST"))
		last, i = end, end-1
	}
	if last == 0 {
		return text
	}
	b.WriteString(text[last:])
	return b.String()
}

// rfc3339End returns where an RFC 3339 time starting at s[i] ends, judged
// by its shape (digits and separators), or -1.
func rfc3339End(s string, i int) int {
	const shape = "dddd-dd-ddTdd:dd:dd"
	if i+len(shape) > len(s) {
		return -1
	}
	for k := 0; k < len(shape); k++ {
		c := s[i+k]
		if shape[k] == 'd' && (c < '0' || c > '9') || shape[k] != 'd' && c != shape[k] {
			return -1
		}
	}
	j := i + len(shape)
	if j < len(s) && s[j] == '.' {
		j++
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
	}
	switch {
	case j < len(s) && s[j] == 'Z':
		return j + 1
	case j+6 <= len(s) && (s[j] == '+' || s[j] == '-') && s[j+3] == ':':
		return j + 6
	}
	return -1
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}
