package components

import (
	"context"
	"html"
	"io"
	"net/url"
	"time"

	"github.com/a-h/templ"

	"github.com/mauve-alert/mauve/store"
)

// alertRows writes the list rows of one subject: the same markup a templ
// loop would, written by hand because it runs once per alert. With 10,000
// alerts templ's per-expression formatting and attribute resolution were
// most of the page's render time; appending into one reused buffer cuts
// it to a fraction (BenchmarkAlertList_Render10000).
//
// Safety: every string from an alert goes through appendEscaped (the five
// HTML specials, valid in text and in double-quoted attributes alike), and
// the URLs are path-escaped first. TestGolden and the hostile-input page
// tests pin the output.
func alertRows(now time.Time, alerts []*store.Alert) templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		buf := make([]byte, 0, 1024)
		for _, a := range alerts {
			if err := ctx.Err(); err != nil {
				return err
			}
			buf = appendRow(buf[:0], now, a)
			if _, err := w.Write(buf); err != nil {
				return err
			}
		}
		return nil
	})
}

func appendRow(b []byte, now time.Time, a *store.Alert) []byte {
	src, id := url.PathEscape(a.Source), url.PathEscape(a.ID)
	b = append(b, `<li class="alert" data-state="`...)
	b = appendEscaped(b, string(a.State))
	b = append(b, `" data-testid="alert"><label class="pick"><input type="checkbox" name="k" value="`...)
	b = appendEscaped(b, src)
	b = append(b, '/')
	b = appendEscaped(b, id)
	b = append(b, `" aria-label="Select `...)
	b = appendEscaped(b, a.Source)
	b = append(b, '/')
	b = appendEscaped(b, a.ID)
	b = append(b, `"></label> <a href="/alerts/`...)
	b = appendEscaped(b, src)
	b = append(b, '/')
	b = appendEscaped(b, id)
	b = append(b, `"><span class="sum">`...)
	b = appendEscaped(b, summaryOf(a))
	b = append(b, `</span> <span class="meta"><span class="st">`...)
	b = appendEscaped(b, string(a.State))
	b = append(b, `</span> <span>`...)
	b = append(b, rowAge(now, a)...)
	b = append(b, `</span> <span class="key">`...)
	b = appendEscaped(b, a.Source)
	b = append(b, '/')
	b = appendEscaped(b, a.ID)
	b = append(b, `</span>`...)
	if a.State == store.StateAcknowledged {
		b = append(b, ` <span class="ack">`...)
		b = appendEscaped(b, a.AcknowledgedBy)
		b = append(b, ` until `...)
		b = appendEscaped(b, When(now, a.AcknowledgedUntil))
		b = append(b, `</span>`...)
	}
	if a.SuppressUntil.After(now) {
		b = append(b, ` <span class="sup">quiet until `...)
		b = appendEscaped(b, When(now, a.SuppressUntil))
		b = append(b, `</span>`...)
	}
	return append(b, `</span></a></li>`...)
}

// appendEscaped appends s escaped for HTML text or a quoted attribute.
func appendEscaped(b []byte, s string) []byte {
	return append(b, html.EscapeString(s)...)
}
