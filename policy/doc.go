// Package policy owns mauve's configuration language and the decisions
// made on it: which alert group an alert is in, its level, who is told of
// each change and through which channels, when each notify block reminds
// next, how long an acknowledgement lasts, and whether a person's
// notifications are suppressed for a while.
//
// It does not own delivery (package notify), the alert state machine or
// the outbox (package store), or the clock: every decision takes now as an
// argument, and nothing here calls time.Now, opens sockets, logs or starts
// goroutines. Only load.go touches the file system.
//
// # The language
//
// A policy is an HCL file. Its blocks, all optional:
//
//	station {                       # name, database, timezone, url,
//	  listen { udp = ["[::]:32741"]  http = "127.0.0.1:1288"  socket = "" }
//	  duplicate_window = "5m"       # max_acknowledgement = "188h"
//	  working_hours = ["09:30-17:30"]  daytime_hours = ["08:00-22:00"]
//	  dead_zone = ["03:00-07:00"]   holidays = ["2026-12-25"]
//	  initial_sleep = "5m"  expire_cleared = "30d"  trusted_header = ""
//	  heartbeat { destination = ["alerts2"]  every = "1m"  raise_after = "310s" }
//	}
//	sender_key "routers" { secret = env("KEY")  sources = ["edge-*"] }
//	email { from = "..."  server = "host:25"  tls = "opportunistic" }
//	sms "twilio" { provider = "twilio"  account = "..."  token = "..."  from = "+44..." }
//	xmpp { jid = "..."  password = "..." }
//	webhook "ops-chat" { url = "..."  format = "slack" }   # json | slack | ntfy
//	exec "pager" { command = ["/usr/local/bin/page"]  timeout = "30s" }
//	person "johnny" {
//	  email = "johnny@example.com"  sms = "+447..."  timezone = "Europe/London"
//	  urgent = [sms.twilio, email]  normal = [email]  # or all = [...]
//	  suppress_after = { "1m" = 5, "1h" = 60 }   # default { "10m" = 5 }; {} for none
//	  away = ["2026-12-24..2027-01-02"]   # not told then (notify_when_away = true to be)
//	}
//	people "sysadmins" { members = ["johnny", "archie", "other-list"] }
//	subjects "core" { members = ["core1.example.com", "10.0.0.0/8", "web-*.example.com", "app1..10.example.com"] }
//	alert_group "core" {
//	  level = urgent                # urgent | normal | low
//	  includes = source == "core-router" || in_list("core", subject)
//	  acknowledgement_time = "1h"
//	  notify "johnny" { every = "15m" }
//	  notify "archie" { every = "6h"  during = unacknowledged("1h") && working_hours() }
//	}
//
// Durations are a number and a unit with no space: "30s", "15m", "1h30m",
// "2d", "1w". Channels are bare names: email, xmpp, log, sms.NAME,
// webhook.NAME, exec.NAME; a person must have an address for each they
// use. A level a person gives no list for takes all, else the list of the
// nearest more urgent level. env("NAME") reads the environment; an unset
// variable is a warning.
//
// includes sees the alert's source, id, subject, summary, detail and
// importance, and the functions glob(pattern, s), matches(regexp, s),
// in_list(list, s), lower(s) and upper(s). during sees the functions
// hours_in_day(9, 17) (also "09:30-17:30" and [from, to] forms; the end is
// excluded), days_in_week(1, 2) or days_in_week([1, 5]) (0 = Sunday),
// working_hours(), daytime_hours(), dead_zone(), holiday(),
// unacknowledged("1h"), raised_for("1h") and no_one_in("list") (true
// while everyone on the list is away), all in the station's time zone, and
// on_call("rota"), the name of whoever holds that rota's shift, overrides
// applied:
//
//	rota "ops" {
//	  people    = ["johnny", "archie"]
//	  shift     = "1w"         # or "1d", "12h": any duration
//	  handoff   = "Mon 09:00"  # or "09:00"
//	  time_zone = "Europe/London"
//	}
//	notify "johnny" { during = on_call("ops") == "johnny" }
//
// Shifts of whole days keep their handoff's wall-clock time across DST
// changes in the rota's zone; other lengths ("12h") count elapsed time. Every name an expression uses is checked at
// load, and each expression is evaluated once on a sample alert, so a typo
// fails at load and not at 3 a.m.
//
// An alert belongs to the first group whose includes is true; the last
// group takes every other alert (a file with no alert_group sends every
// alert to a person "local" through the log, as the embedded defaults
// do). A notify block without every tells its people once per event and
// never reminds; one naming a people list takes the list's every and
// during when it gives none.
//
// # Decisions
//
// [Policy.Decide] implements store.Decider. [Policy.AcknowledgeUntil]
// counts acknowledgements in wallclock, daytime or working hours.
// [Policy.Suppression] applies suppress_after to a person's delivery log.
package policy
