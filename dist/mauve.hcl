# mauve.hcl: an example configuration of a mauve station, to copy to
# /etc/mauve/mauve.hcl and edit. `mauve config check /etc/mauve/mauve.hcl`
# says what is wrong, with file:line:col; `mauve config show` prints the
# embedded defaults every setting falls back to.

station {
  name     = "alerts1.example.com"          # default: this host's name
  database = "/var/lib/mauve/mauve.db"
  timezone = "Europe/London"                 # for hours, days and holidays; default: local
  url      = "https://alerts1.example.com"   # base of the links in notifications

  listen {
    udp    = ["[::]:32741"]                  # several allowed
    http   = "[::]:1288"
    socket = "/run/mauve/mauve.sock"         # what `mauve ack` on this host talks to
    # snmp = "[::]:162"                      # SNMP traps; off unless set (see the snmp block below)
  }

  duplicate_window    = "5m"    # transmission ids are remembered this long
  max_acknowledgement = "2d"    # the longest acknowledgement anyone may give
  initial_sleep       = "5m"    # after a restart, hold notifications that fell due while down
  working_hours       = ["09:30-17:30"]   # Monday to Friday, holidays excepted
  daytime_hours       = ["08:00-22:00"]
  dead_zone           = ["03:00-07:00"]
  holidays            = ["2026-12-25", "2026-12-26", "2027-01-01"]
  expire_cleared      = "30d"   # cleared alerts are forgotten after this long
  client_hold         = "5m"    # how long a live `mauve client` may hold an urgent alert's email/SMS
  max_alerts_per_update = 1000  # an update with more alerts is refused whole (classic senders need a few hundred at most)
  # trusted_header    = "X-Remote-User"   # behind a reverse proxy that authenticates

  # Watch the watcher: this station's own heartbeat, sent to another station.
  heartbeat {
    destination = ["alerts2.example.com"]
    every       = "1m"
    raise_after = "310s"   # the default: classic's five missed beats and ten seconds
    summary     = "mauve station alerts1 has stopped sending heartbeats"
  }

  # SNMP traps (v1, v2c, v3 authPriv) and SNMPv2c informs, received on
  # listen.snmp, become alerts without a script; informs are answered.
  # Port 162 needs CAP_NET_BIND_SERVICE, which dist/systemd/mauve.service
  # does not grant: listen on "[::]:1162" and redirect 162 to it
  # (nft add rule ip nat prerouting udp dport 162 redirect to :1162), or
  # set net.ipv4.ip_unprivileged_port_start = 162.
  # The source of each alert is the agent's address (source = "sysName":
  # the sysName.0 varbind when the trap carries one). Built in: linkDown
  # raises and linkUp clears "snmp-link-<ifIndex>"; coldStart, warmStart
  # and authenticationFailure raise "snmp-coldStart" and so on. A trap from
  # an unknown community or user, failing USM authentication, or (unless
  # unmapped = "raise") that no rule names is dropped, counted in /metrics
  # (mauve_snmp_traps_dropped_total) and logged.
  # BEGIN SNMP EXAMPLE
  # snmp {
  #   community = ["public", env("MAUVE_SNMP_COMMUNITY")]   # SNMPv1 and v2c
  #   source    = "agent"                                   # agent | sysName
  #   unmapped  = "drop"     # drop | raise: a trap no rule names raises "snmp-<OID>"
  #
  #   # SNMPv3 users; traps must be authPriv. Protocols: MD5, SHA, SHA224,
  #   # SHA256, SHA384, SHA512; DES, AES, AES192, AES256, AES192C, AES256C.
  #   user "monitor" {
  #     auth_protocol   = "SHA"
  #     auth_passphrase = env("MAUVE_SNMP_AUTH")   # 8 characters or more
  #     priv_protocol   = "AES"
  #     priv_passphrase = env("MAUVE_SNMP_PRIV")
  #   }
  #
  #   # A rule per trap OID (numeric; a v1 trap is enterprise.0.specific).
  #   # id, summary and detail are templates: {{1.3.6.1...}} is the varbind
  #   # with that OID (or the first instance of that column), {{2}} the
  #   # second varbind, and {{agent}} {{source}} {{oid}} {{name}} {{version}}
  #   # {{sysName}} {{ifIndex}} {{ifDescr}} {{ifName}} what they say.
  #   # action is raise (the default) or clear; a rule replaces the
  #   # built-in mapping of the same OID.
  #   trap "1.3.6.1.4.1.318.0.5" {
  #     name    = "upsOnBattery"
  #     id      = "ups-power"
  #     summary = "UPS {{sysName}} is on battery"
  #   }
  #   trap "1.3.6.1.4.1.318.0.9" {
  #     name   = "powerRestored"
  #     id     = "ups-power"
  #     action = "clear"
  #   }
  # }
  # END SNMP EXAMPLE
}

# Senders that must sign their packets (HMAC with a shared secret).
sender_key "routers" {
  secret  = env("MAUVE_ROUTERS_KEY")
  sources = ["core-router", "edge-*"]
}

# Mail goes through one relay. A relay that offers PIPELINING and CHUNKING
# (Postfix, Exim) takes a storm of alerts many messages to a write.
email {
  from           = "mauve@example.com"
  server         = "localhost:25"
  tls            = "opportunistic"   # none | opportunistic | starttls | tls
  username       = ""
  password       = env("MAUVE_SMTP_PASSWORD")
  subject_prefix = "[mauve]"
}

sms "twilio" {
  provider               = "twilio"
  account                = "AC0123456789abcdef0123456789abcdef"
  token                  = env("MAUVE_TWILIO_TOKEN")
  from                   = "+441234567890"
  max_messages_per_alert = 3
  # timeout              = "10s"     # bound on one request to the provider
}

xmpp {
  jid      = "mauve@example.com"
  password = env("MAUVE_XMPP_PASSWORD")
  server   = "xmpp.example.com:5222"
  # tls     = "starttls"              # starttls | tls (port 5223) | none (loopback only)
  # ca_file = "/etc/mauve/xmpp-ca.pem" # a private CA, trusted besides the system's
}

webhook "ops-chat" {
  url    = "https://chat.example.com/hooks/T000/B000"
  format = "slack"                   # json | slack | ntfy
}

webhook "phones" {
  url    = "https://ntfy.example.com/ops-alerts"
  format = "ntfy"
  secret = env("MAUVE_NTFY_SECRET")
  # Headers sent with every request; values are secrets (never shown or logged).
  # headers = { "Authorization" = env("MAUVE_NTFY_TOKEN") }
}

# A program of your own: the alert as MAUVE_* variables and JSON on stdin.
exec "pager" {
  command = ["/usr/local/bin/page-the-duty-phone"]
  timeout = "20s"
}

person "johnny" {
  email     = "johnny@example.com"
  sms       = "+447111222333"
  xmpp      = "johnny@example.com"
  password  = "$2a$10$ZoYZ9zHDg2EYpBKq6XJ.8O8CdwerYO/takMq9/8LBqxGwoZcDY1ky"   # bcrypt of "mauve-example"; `mauve passwd` prints one
  unix_user = "johnny"               # who `mauve ack` over SSH is; default: the person's name
  timezone  = "Europe/London"

  # Channels for each level, tried in order until one succeeds. A person
  # with no level lists gets classic's: urgent = [sms, email] (the SMS part
  # only with an sms number and one sms block), normal and low = [email].
  urgent = [sms.twilio, email]
  normal = [email, webhook.ops-chat]
  low    = [email]

  # Too noisy: after 5 notifications in a minute, or 60 in an hour, hold the
  # rest and say so once; say so again when normal service resumes. Without
  # suppress_after a person has classic's limit, { "10m" = 5 }; write
  # suppress_after = {} for no limit.
  suppress_after = { "1m" = 5, "1h" = 60 }
}

person "archie" {
  email          = "archie@example.com"
  all            = [email]           # the same channels for every level
  urgent         = [email, exec.pager]
  away           = ["2026-12-24..2027-01-02"]   # not told while away
  suppress_after = { "1h" = 3 }
}

people "sysadmins" {
  members = ["johnny", "archie"]
}

# Named lists of subjects (host names, addresses, globs) for includes.
subjects "core-routers" {
  members = ["core1.example.com", "core2.example.com", "10.0.0.*"]
}

# An alert belongs to the first group whose includes is true; the last group
# catches everything else.
alert_group "core-routers" {
  level                = urgent
  includes             = source == "core-router" || in_list("core-routers", subject)
  acknowledgement_time = "1h"        # the acknowledgement offered by default

  # Johnny gets up, and is reminded every 15 minutes until someone acknowledges.
  notify "johnny" {
    every = "15m"
  }

  # Archie hears only if nobody acknowledged within an hour, in the working day.
  notify "archie" {
    every  = "6h"
    during = unacknowledged("1h") && hours_in_day(9, 17)
  }
}

alert_group "disks" {
  level    = low
  includes = glob("disk-*", id)
  notify "sysadmins" {
    every  = "1d"
    during = working_hours()
  }
}

alert_group "default" {
  level = normal
  notify "sysadmins" {
    every = "1h"
  }
}
