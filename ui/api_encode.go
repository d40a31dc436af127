package ui

import (
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/mauve-alert/mauve/store"
)

// appendAlertJSON appends a's JSON, byte for byte what encoding/json makes
// of toAlertJSON(a) (a test holds it to that), without reflection: the
// alert list of a big station is most of the API's work.
func appendAlertJSON(b []byte, a store.Alert) []byte {
	b = append(b, `{"source":`...)
	b = appendJSONString(b, a.Source)
	b = append(b, `,"id":`...)
	b = appendJSONString(b, a.ID)
	b = append(b, `,"subject":`...)
	b = appendJSONString(b, a.Subject)
	b = append(b, `,"summary":`...)
	b = appendJSONString(b, a.Summary)
	b = append(b, `,"detail":`...)
	b = appendJSONString(b, a.Detail)
	b = append(b, `,"importance":`...)
	b = strconv.AppendUint(b, uint64(a.Importance), 10)
	b = append(b, `,"state":`...)
	b = appendJSONString(b, string(a.State))
	b = append(b, `,"level":`...)
	b = appendJSONString(b, string(a.Level))
	b = append(b, `,"group":`...)
	b = appendJSONString(b, a.Group)
	b = append(b, `,"raised_at":`...)
	b = appendJSONTime(b, a.RaisedAt)
	b = append(b, `,"cleared_at":`...)
	b = appendJSONTime(b, a.ClearedAt)
	b = append(b, `,"acknowledged_by":`...)
	b = appendJSONString(b, a.AcknowledgedBy)
	b = append(b, `,"acknowledged_at":`...)
	b = appendJSONTime(b, a.AcknowledgedAt)
	b = append(b, `,"acknowledged_until":`...)
	b = appendJSONTime(b, a.AcknowledgedUntil)
	b = append(b, `,"will_raise_at":`...)
	b = appendJSONTime(b, a.WillRaiseAt)
	b = append(b, `,"will_clear_at":`...)
	b = appendJSONTime(b, a.WillClearAt)
	b = append(b, `,"suppress_until":`...)
	b = appendJSONTime(b, a.SuppressUntil)
	b = append(b, `,"created_at":`...)
	b = appendJSONTime(b, a.CreatedAt)
	b = append(b, `,"updated_at":`...)
	b = appendJSONTime(b, a.UpdatedAt)
	return append(b, '}')
}

// appendJSONTime appends t in UTC as RFC 3339 with nanoseconds, or null.
func appendJSONTime(b []byte, t time.Time) []byte {
	if t.IsZero() {
		return append(b, "null"...)
	}
	b = append(b, '"')
	b = t.UTC().AppendFormat(b, time.RFC3339Nano)
	return append(b, '"')
}

const hexDigits = "0123456789abcdef"

// appendJSONString appends s quoted as encoding/json does by default:
// <, >, & and U+2028/U+2029 escaped, invalid UTF-8 replaced by U+FFFD.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
