package ui

// Owned by the pages side. The sanitizer itself is the project's one,
// store.SanitizeDetail; this file is the one place its output is marked
// as markup.

import (
	"strings"

	"github.com/a-h/templ"

	"github.com/mauve-alert/mauve/store"
)

// detailPolicy is the one gate that alert detail HTML passes through
// before it is shown anywhere (pages and API): store.SanitizeDetail's
// allow-list of text formatting, lists, tables, pre/code and links
// (rel=nofollow noopener noreferrer, opened in a new tab); no scripts,
// styles, event handlers, forms or frames. It holds no state and is safe
// for concurrent use.
type detailPolicy struct{}

func newDetailPolicy() detailPolicy {
	return detailPolicy{}
}

// sanitize returns detail HTML that is safe to embed in a page.
func (d detailPolicy) sanitize(html string) string {
	if strings.TrimSpace(html) == "" {
		return ""
	}
	return store.SanitizeDetail(html)
}

// html returns the sanitized detail as a component, or nil when nothing
// visible is left.
func (d detailPolicy) html(in string) templ.Component {
	out := d.sanitize(in)
	if strings.TrimSpace(out) == "" {
		return nil
	}
	return templ.Raw(out)
}
