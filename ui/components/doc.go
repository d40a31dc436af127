// Package components holds the templ components of mauve's web pages: the
// page layout, the login form, the alert list (and the fragment of it that
// live updates fetch), the alert page with its action forms, and the
// history search.
//
// Components take view-model structs and the time to render at ("now") as
// parameters; they fetch no data, read no clock and decide nothing. The
// handlers in package ui build the view models from store and policy.
// Alert detail arrives as a templ.Component that package ui made from
// sanitized HTML; every other string is escaped by templ.
//
// The *_templ.go files are generated and committed; regenerate them with
// `go generate ./ui/components`.
package components

//go:generate go tool templ generate
