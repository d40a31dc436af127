// Package ui is the station's HTTP side: the browser pages (templ
// components in ui/components), the JSON API under /api/v1, the live event
// stream, logins, sessions and API tokens, /healthz and /metrics, the unix
// socket that `mauve ack` uses on the station, the Client that `mauve ack`
// and `mauve client` use to reach it. The station's record of live clients
// (notify.Presence) is told when a client's event stream opens and closes.
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
// # API
//
// JSON in and out; errors are {"error": "what was wrong and what would be
// right"} with 400 (malformed body, bad duration or time, missing field),
// 401 (no or wrong credentials), 403 (cross-site, or a unix user who is no
// person), 404 (unknown alert), 409 (acknowledging a cleared alert), 429
// (too many failed logins from one client, or too many event streams), 503
// (the station's stream or connection limit); a known path asked with the wrong method is 405
// with an Allow header. An alert is {source, id, subject, summary,
// detail, importance, state, level, group, raised_at, cleared_at,
// acknowledged_by, acknowledged_at, acknowledged_until, will_raise_at,
// will_clear_at, suppress_until, created_at, updated_at}, times RFC 3339 or
// null. A list's state may also be active (raised or acknowledged), and
// q= keeps alerts whose subject, summary, source or id contains it, as
// the alert list page filters. A "for" is a duration in policy's one
// grammar (90m, 1.5h, 2d, 1w) or a bare number of hours.
//
//	GET  /api/v1/alerts?state=&source=&level=&q=    {"alerts": [alert...]}
//	GET  /api/v1/alerts/{source}/{id}            alert
//	GET  /api/v1/alerts/{source}/{id}/history    {"events": [{seq, time, source, id, kind, actor, text, state}...]}
//	POST /api/v1/alerts/{source}/{id}/acknowledge   {"for": "2h", "mode": "working", "note": "..."} or {"until": RFC 3339}
//	POST /api/v1/alerts/{source}/{id}/unacknowledge {"note": "..."}        (also raise, clear, unsuppress)
//	POST /api/v1/alerts/{source}/{id}/suppress      {"for": "1h"} or {"until": RFC 3339}
//	POST /api/v1/alerts/{source}/{id}/notes         {"text": "..."}
//	POST /api/v1/alerts/actions     {"action": "acknowledge", "alerts": ["src/id"...], ...}: {"results": [{alert, status, error, result}...]}
//	GET  /api/v1/history?from=&to=&source=&subject=&q=&limit=   {"events": [...]}, newest first
//	GET  /api/v1/events[?client=1]  Server-Sent Events: "event: change", data {event, actor, time, alert};
//	                                "event: resync" when the stream fell behind (more than 32 KiB of changes
//	                                waiting) and changes were dropped: fetch the list again. 429 beyond 16
//	                                streams of a person, 503 beyond 512 in all. client=1 holds presence only
//	                                with a token or the socket, or a same-origin browser request
//	GET  /api/v1/me                 {"person": "...", "via": "session|token|password|header|socket"}
//	POST /api/v1/tokens             {"person": "...", "name": "laptop", "may_create_tokens": false}:
//	                                201 {"person", "name", "token", "may_create_tokens"}; with a token, only one
//	                                made with may_create_tokens (403 otherwise)
//	GET  /api/v1/tokens             {"tokens": [{id, person, name, created, may_create_tokens, created_by}...]}, never secrets
//	DELETE /api/v1/tokens/{id}      revoke one of your tokens and those made with it: {"revoked": id, "person": ..., "count": n}
//
// The TCP listener serves 1024 connections at once (Options.MaxConns);
// beyond that GET /healthz is still answered and anything else is 503.
//
// HTML, JSON, CSS and script responses of 1 KB or more are gzipped for
// clients that accept it (compress.go); the event stream never is.
//
// ui does not own alert state (the store does), decisions about who is
// told (policy), or delivery (notify); it does not import notify.
package ui
