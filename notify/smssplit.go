package notify

import (
	"strings"
	"time"
	"unicode/utf8"
)

// shortText returns m's classic short form (Message.Short, or rendered here
// when the message came without one) and its suppression note apart, so
// the splitter can keep the note whole at the end.
func shortText(m Message) (text, note string) {
	note = m.Note
	if m.Short == "" {
		n, a := m.Notification, m.Notification.Alert
		loc := personLocation(m)
		bare := m
		bare.Note = ""
		text = short(bare, headline(n, loc, m.Time), singleLine(subjectOf(a), subjectLimit),
			singleLine(a.Summary, subjectLimit), loc, m.Time)
		return text, note
	}
	if note == "" {
		return m.Short, ""
	}
	if i := strings.Index(m.Short, " "+note); i >= 0 {
		return m.Short[:i] + m.Short[i+1+len(note):], note
	}
	if strings.Contains(m.Short, note) {
		return m.Short, "" // the note is in there somewhere; do not repeat it
	}
	return m.Short, note
}

// personLocation is the person's time zone, or UTC.
func personLocation(m Message) *time.Location {
	if m.Person != nil && m.Person.Location != nil {
		return m.Person.Location
	}
	return time.UTC
}

// SMS length rules (3GPP TS 23.038 / 23.040). A text that every character
// of which is in the GSM 7-bit alphabet fits 160 septets in one message and
// 153 per part once split (the user data header takes the rest); characters
// of the extension table take two septets. Any other text is sent as UCS-2:
// 70 UTF-16 units in one message, 67 per part.
const (
	gsmSingle  = 160
	gsmPart    = 153
	ucs2Single = 70
	ucs2Part   = 67
)

// gsmBasic is the GSM 7-bit default alphabet; gsmExtension the characters
// reached through its escape, each costing two septets.
const (
	gsmBasic = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
		"¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
	gsmExtension = "\f^{}\\[~]|€"
)

// smsEncoding is how a text is carried.
type smsEncoding int

const (
	gsm7 smsEncoding = iota
	ucs2
)

// gsmSeptets is what r costs in GSM-7: 1 for the default alphabet, 2 for
// the extension table, 0 for a rune GSM-7 cannot carry. ASCII, nearly all
// of a typical alert, is decided without a table search.
func gsmSeptets(r rune) int {
	if r < 0x80 {
		switch r {
		case '\n', '\r':
			return 1
		case '\f', '^', '{', '}', '\\', '[', '~', ']', '|':
			return 2
		case '`', 0x7f:
			return 0
		}
		if r < 0x20 {
			return 0
		}
		return 1
	}
	switch {
	case strings.ContainsRune(gsmBasic, r):
		return 1
	case r == '€':
		return 2
	}
	return 0
}

// encodingOf returns gsm7 when every rune of s is in the GSM alphabet or
// its extension, and ucs2 otherwise.
func encodingOf(s string) smsEncoding {
	for _, r := range s {
		if gsmSeptets(r) == 0 {
			return ucs2
		}
	}
	return gsm7
}

// smsUnits is what r costs in enc: septets for GSM-7, UTF-16 units for UCS-2.
func smsUnits(r rune, enc smsEncoding) int {
	if enc == gsm7 {
		return gsmSeptets(r)
	}
	if r > 0xFFFF {
		return 2
	}
	return 1
}

// smsLength is the length of s in its own encoding's units.
func smsLength(s string) (units int, enc smsEncoding) {
	enc = encodingOf(s)
	for _, r := range s {
		units += smsUnits(r, enc)
	}
	return units, enc
}

// splitSMS cuts s into messages that each fit one SMS part: s itself when
// it fits a single message, otherwise parts of at most 153 septets (GSM-7)
// or 67 UTF-16 units (UCS-2). A part ends after a space when one falls in
// its second half, so words stay whole; an escape pair or a surrogate pair
// is never cut.
func splitSMS(s string) []string {
	units, enc := smsLength(s)
	single, part := gsmSingle, gsmPart
	if enc == ucs2 {
		single, part = ucs2Single, ucs2Part
	}
	if units <= single {
		return []string{s}
	}
	var parts []string
	start := 0
	for start < len(s) {
		i, u := start, 0
		lastSpace, spaceUnits := -1, 0
		for i < len(s) {
			r, size := utf8.DecodeRuneInString(s[i:])
			w := smsUnits(r, enc)
			if u+w > part {
				break
			}
			u += w
			i += size
			if r == ' ' {
				lastSpace, spaceUnits = i, u
			}
		}
		end := i
		if end < len(s) && lastSpace > start && spaceUnits >= part/2 {
			end = lastSpace
		}
		parts = append(parts, strings.TrimRight(s[start:end], " "))
		start = end
	}
	return parts
}

// smsEllipsis marks a text cut short; three dots keep a GSM text GSM.
const smsEllipsis = "..."

// fitSMS joins text and the suppression note and splits the result into at
// most max parts. When that is too long, text is cut (and marked with
// smsEllipsis) so that the note, which says why further alerts stop, always
// arrives whole; only a note that alone overflows is itself cut.
func fitSMS(text, note string, max int) []string {
	if max < 1 {
		max = 1
	}
	join := func(t string) string {
		if note == "" {
			return t
		}
		if t == "" {
			return note
		}
		return t + " " + note
	}
	if parts := splitSMS(join(text)); len(parts) <= max {
		return parts
	}
	runes := []rune(text)
	candidate := func(k int) []string {
		t := strings.TrimRight(string(runes[:k]), " ") + smsEllipsis
		return splitSMS(join(t))
	}
	// The number of parts grows with the text kept, so search for the
	// longest prefix that fits.
	lo, hi := 0, len(runes) // candidate(lo) is checked below; hi does not fit
	if len(candidate(0)) > max {
		return splitSMS(join(text))[:max]
	}
	for hi-lo > 1 {
		mid := (lo + hi) / 2
		if len(candidate(mid)) <= max {
			lo = mid
		} else {
			hi = mid
		}
	}
	return candidate(lo)
}
