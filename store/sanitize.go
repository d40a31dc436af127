package store

import (
	"strings"
	"unicode/utf8"
)

// Field limits, in characters (runes) except detail, which is in bytes.
const (
	maxID      = 256
	maxSource  = 512
	maxSubject = 512
	maxSummary = 1024
	maxDetail  = 64 << 10
)

// cleaner strips HTML from plain-text fields and sanitizes detail, with
// the sanitizer of html.go. It holds no state and is safe for concurrent
// use.
type cleaner struct{}

func newCleaner() *cleaner {
	return &cleaner{}
}

// text returns s as valid UTF-8 plain text without HTML tags, without NUL,
// and at most max characters.
func (c *cleaner) text(s string, max int) string {
	s = validUTF8(s)
	if strings.ContainsAny(s, "<&\x00") {
		s = strings.ReplaceAll(s, "\x00", "")
		if strings.ContainsAny(s, "<&") {
			s = StripHTML(s)
		}
	}
	return truncateRunes(s, max)
}

// detail returns s as sanitized HTML of at most maxDetail bytes, cut on a
// character boundary. It is cut before sanitizing, so that a hostile
// megabyte costs little, and again after, as escaping may lengthen it.
func (c *cleaner) detail(s string) string {
	if s == "" {
		return ""
	}
	s = truncateBytes(validUTF8(s), maxDetail)
	if strings.Contains(s, "\x00") {
		s = strings.ReplaceAll(s, "\x00", "")
	}
	if strings.Contains(s, "<") {
		s = SanitizeDetail(s)
	}
	return truncateBytes(s, maxDetail)
}

func validUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}

// truncateRunes cuts s to at most max characters.
func truncateRunes(s string, max int) string {
	if len(s) <= max {
		return s
	}
	n := 0
	for i := range s {
		if n == max {
			return s[:i]
		}
		n++
	}
	return s
}

// truncateBytes cuts valid UTF-8 s to at most max bytes without splitting
// a character.
func truncateBytes(s string, max int) string {
	if len(s) <= max {
		return s
	}
	i := max
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i]
}
