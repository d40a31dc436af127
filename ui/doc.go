// Package ui is the station's HTTP side: the browser pages (templ
// components in ui/components), the JSON API under /api/v1, the live event
// stream, logins, sessions and API tokens, /healthz and /metrics, the unix
// socket that `mauve ack` uses on the station, the Client that `mauve ack`
// and `mauve client` use to reach it, and the registry of live clients.
//
// routes.go lists every URL. Handlers decode and validate input, make one
// call to the store (or ask the policy a question such as when an
// acknowledgement ends), and render; respond.go holds the one table from
// domain errors to HTTP statuses.
//
// # Authentication
//
// Every route but /login, /healthz and static assets needs a person: a
// session cookie (from the login form), an Authorization: Bearer token
// (from `mauve token create` or POST /api/v1/tokens), HTTP Basic with a
// person's name and password, or, when station.trusted_header is set, the
// header a reverse proxy sets. On the unix socket the person is the one
// whose unix_user is the name of the peer's uid (SO_PEERCRED). /metrics is
// open to loopback clients that are not behind a proxy, and needs a person
// otherwise. Cross-site requests that change state are refused with 403
// (http.CrossOriginProtection); failed logins are slowed per name and
// address.
//
// ui does not own alert state (the store does), decisions about who is
// told (policy), or delivery (notify); it does not import notify.
package ui
