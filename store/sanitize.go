package store

import (
	"hash/maphash"
	"strings"
	"sync"
	"sync/atomic"
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
// the sanitizer of html.go. It is safe for concurrent use.
type cleaner struct {
	seed maphash.Seed
	mu   sync.Mutex
	// memo remembers, per alert field (a hash of the alert's key and the
	// field), the hashes of the raw value last cleaned for it and of the
	// result, so a refresh that sends the same value again costs a few
	// hashes instead of an HTML parse. It lives in memory only: after a
	// restart the first refresh of each alert cleans again.
	memo map[uint64]cleanMemo
	// parsed counts values run through the HTML tokenizer (sanitizing a
	// detail, stripping tags from plain text).
	parsed atomic.Uint64
}

type cleanMemo struct{ raw, clean uint64 }

// maxMemo bounds the memo (about 40 bytes an entry); past it, it starts
// over.
const maxMemo = 1 << 20

// Fields of an alert, for the memo's keys.
const (
	fieldSubject = 's'
	fieldSummary = 'm'
	fieldDetail  = 'd'
)

func newCleaner() *cleaner {
	return &cleaner{seed: maphash.MakeSeed(), memo: map[uint64]cleanMemo{}}
}

// detailOf returns raw sanitized as the detail of alert source/id, whose
// stored detail is stored. When raw is what produced stored, it returns
// stored without sanitizing again.
func (c *cleaner) detailOf(source, id, raw, stored string) string {
	if raw == "" {
		return ""
	}
	return c.memoized(source, id, fieldDetail, raw, stored, c.detail)
}

// textOf is plain for a field of alert source/id whose
// stored value is stored: a value with nothing to clean costs a scan, and
// one that produced stored before costs no parse.
func (c *cleaner) textOf(source, id string, field byte, raw, stored string, max int, lines bool) string {
	if raw == "" {
		return ""
	}
	if len(raw) <= max && !strings.ContainsAny(raw, "<&") && !hasControl(raw) && utf8.ValidString(raw) {
		return raw
	}
	return c.memoized(source, id, field, raw, stored, func(s string) string { return c.plain(s, max, lines) })
}

func (c *cleaner) memoized(source, id string, field byte, raw, stored string, clean func(string) string) string {
	var h maphash.Hash
	h.SetSeed(c.seed)
	h.WriteString(source)
	h.WriteByte(0)
	h.WriteString(id)
	h.WriteByte(0)
	h.WriteByte(field)
	key := h.Sum64()
	rawHash := maphash.String(c.seed, raw)
	c.mu.Lock()
	m, ok := c.memo[key]
	c.mu.Unlock()
	if ok && stored != "" && m.raw == rawHash && m.clean == maphash.String(c.seed, stored) {
		return stored
	}
	out := clean(raw)
	c.mu.Lock()
	if len(c.memo) >= maxMemo {
		clear(c.memo)
	}
	c.memo[key] = cleanMemo{raw: rawHash, clean: maphash.String(c.seed, out)}
	c.mu.Unlock()
	return out
}

// text returns s as valid UTF-8 plain text on one line: without HTML tags,
// without C0 and C1 control characters (tabs and line breaks become
// spaces), and at most max characters. Controls are stripped after the HTML
// (an entity such as &#27; decodes to one), so none reaches a terminal.
func (c *cleaner) text(s string, max int) string {
	return c.plain(s, max, false)
}

// plain is text, keeping line breaks as \n when lines is set (for a field
// that may hold several lines: the summary).
func (c *cleaner) plain(s string, max int, lines bool) string {
	s = validUTF8(s)
	if strings.ContainsAny(s, "<&\x00") {
		s = strings.ReplaceAll(s, "\x00", "")
		if strings.ContainsAny(s, "<&") {
			c.parsed.Add(1)
			s = StripHTML(s)
		}
	}
	if hasControl(s) {
		s = stripControls(s, lines)
	}
	return truncateRunes(s, max)
}

// hasControl reports whether valid UTF-8 s holds a C0 control, DEL or a
// C1 control (U+0080–U+009F, encoded as 0xC2 0x80–0x9F).
func hasControl(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c < 0x20 || c == 0x7f:
			return true
		case c == 0xc2 && i+1 < len(s) && s[i+1] < 0xa0:
			return true
		}
	}
	return false
}

// stripControls drops control characters from valid UTF-8 s. Whitespace
// controls become a space, except that with lines a line break (\n, \r\n,
// \r, U+0085) becomes \n.
func stripControls(s string, lines bool) string {
	var b strings.Builder
	b.Grow(len(s))
	for i, r := range s {
		switch {
		case r == '\r' && lines && i+1 < len(s) && s[i+1] == '\n':
			// the \n that follows is the line break
		case (r == '\n' || r == '\r' || r == 0x85) && lines:
			b.WriteByte('\n')
		case r == '\t' || r == '\n' || r == '\v' || r == '\f' || r == '\r' || r == 0x85:
			b.WriteByte(' ')
		case r < 0x20 || (r >= 0x7f && r < 0xa0):
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
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
		c.parsed.Add(1)
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
