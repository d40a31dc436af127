package ui

import (
	"strings"

	"github.com/a-h/templ"
)

// storedDetail marks an alert's detail as markup, the one place ui trusts
// HTML. The store reduced it to its allow-list when it was received
// (store.SanitizeDetail) and holds it clean, so pages show it as stored, as
// the API and mail do. It is nil when the detail has nothing to show.
func storedDetail(detail string) templ.Component {
	if strings.TrimSpace(detail) == "" {
		return nil
	}
	return templ.Raw(detail)
}
