package wire

import (
	"fmt"
	"strings"
	"time"
)

// Text renders u in protobuf text format (the form `protoc --decode`
// prints and `protoc --encode` reads), one field per line, in field order,
// omitting what Encode omits, escaped as protoc escapes. `mauve send -vv`
// prints it, and the golden files under testdata use it. Times appear as
// unix seconds.
func Text(u Update) string {
	var b strings.Builder
	fmt.Fprintf(&b, "transmission_id: %d\n", u.TransmissionID)
	fmt.Fprintf(&b, "source: %s\n", quote(u.Source))
	fmt.Fprintf(&b, "replace: %t\n", u.Replace)
	for _, a := range u.Alerts {
		b.WriteString("alert {\n")
		fmt.Fprintf(&b, "  id: %s\n", quote(a.ID))
		textTime(&b, "  raise_time", a.RaiseTime)
		textTime(&b, "  clear_time", a.ClearTime)
		textString(&b, "  subject", a.Subject)
		textString(&b, "  summary", a.Summary)
		textString(&b, "  detail", a.Detail)
		if a.Importance != 0 {
			fmt.Fprintf(&b, "  importance: %d\n", a.Importance)
		}
		textTime(&b, "  suppress_until", a.SuppressUntil)
		b.WriteString("}\n")
	}
	if len(u.Signature) > 0 {
		fmt.Fprintf(&b, "signature: %s\n", quote(string(u.Signature)))
	}
	textTime(&b, "transmission_time", u.TransmissionTime)
	return b.String()
}

func textTime(b *strings.Builder, name string, t time.Time) {
	if t.IsZero() || t.Unix() <= 0 {
		return
	}
	fmt.Fprintf(b, "%s: %d\n", name, t.Unix())
}

func textString(b *strings.Builder, name, s string) {
	if s != "" {
		fmt.Fprintf(b, "%s: %s\n", name, quote(s))
	}
}

// quote writes s as a text-format string literal escaped the way protoc
// prints one (C escapes; bytes outside printable ASCII in octal), so Text
// equals `protoc --decode` output.
func quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := range len(s) {
		switch c := s[i]; c {
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case '"', '\'', '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		default:
			if c < 0x20 || c >= 0x7f {
				fmt.Fprintf(&b, `\%03o`, c)
			} else {
				b.WriteByte(c)
			}
		}
	}
	b.WriteByte('"')
	return b.String()
}
