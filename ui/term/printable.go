package term

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Printable returns s fit to write to a terminal on one line. Text from
// the station (source, id, subject, summary, who acknowledged) is chosen
// by whoever sends alerts, and an escape sequence in it would otherwise
// reach the terminal: retitle it, clear the screen, move the cursor,
// rewrite what was shown. So tabs and line breaks become spaces, and any
// other C0 or C1 control, DEL, a Unicode bidirectional override or
// isolate, and bytes that are not UTF-8 are shown escaped (\x1b,
// \u202e), so a reader sees that something odd was sent.
func Printable(s string) string {
	i := 0
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		if needsEscape(r, n) {
			break
		}
		i += n
	}
	if i == len(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	b.WriteString(s[:i])
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n <= 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\t' || r == '\n' || r == '\r' || r == '\v' || r == '\f':
			b.WriteByte(' ')
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case needsEscape(r, n):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// needsEscape reports whether a rune decoded with width n may not be
// written to a terminal as it is.
func needsEscape(r rune, n int) bool {
	switch {
	case r == utf8.RuneError && n <= 1:
		return true
	case r < 0x20, r >= 0x7f && r <= 0x9f:
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return true
	}
	return false
}
