station {
  name     = "alerts.example.org"
  timezone = "UTC"
  holidays = ["2026-12-25"]
}

email {
  from     = "mauve@example.org"
  server   = "mail.example.org:587"
  tls      = "starttls"
  password = env("MAUVE_SET")
}

sms "gateway" {
  provider = "http"
  url      = "http://127.0.0.1:9999/send"
  headers  = { "X-Key" = env("MAUVE_UNSET") }
  body     = "{{.Short}}"
}

xmpp {
  jid = "mauve@example.org"
}

webhook "ntfy" {
  url     = "http://127.0.0.1:9998/alerts"
  format  = "ntfy"
  timeout = "5s"
}

exec "pager" {
  command = ["/usr/local/bin/page", "--loud"]
}

person "ada" {
  email  = "ada@example.org"
  sms    = "+15550100"
  xmpp   = "ada@example.org"
  urgent = [sms, exec.pager, email]
  low    = [xmpp, webhook.ntfy]
}

person "bob" {
  email = "bob@example.org"
  away  = ["2026-12-24..2027-01-01", "2027-02-14"]
}

people "day" {
  members = ["ada"]
}

people "everyone" {
  members = ["day", "bob", "ada"]
}

people "nobody" {
  members = []
}

subjects "web" {
  members = ["web-*.example.org", "192.0.2.0/24", "2001:db8::/32", "app1..10.example.org", "db.example.org"]
}

alert_group "web" {
  level    = "urgent"
  includes = in_list("web", subject) && importance >= 0
  notify "everyone" {
    every  = "30m"
    during = (working_hours() || days_in_week([0, 0], 6)) && !holiday() && !dead_zone() && no_one_in("nobody")
  }
  notify "bob" {
    during = raised_for("2h") && hours_in_day("08:00-12:00", [13, 17.5]) && daytime_hours()
  }
}

people "escalation" {
  members = ["bob"]
  every   = "2h"
  during  = unacknowledged("30m") && !no_one_in("day")
}

alert_group "escalated" {
  includes = source == "db"
  notify "escalation" {}
  notify "escalation" {
    every = "4h"
  }
}

alert_group "default" {
  level = low
  notify "day" {
    every = "1d"
  }
}
