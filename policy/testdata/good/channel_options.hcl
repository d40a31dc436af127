# The optional attributes of channel blocks: xmpp tls and ca_file, webhook
# headers (values are secrets, shown as set or unset), an sms timeout.
xmpp {
  jid      = "mauve@example.org"
  password = env("MAUVE_SET")
  server   = "xmpp.example.org:5223"
  tls      = "tls"
  ca_file  = "ca.pem"
}

sms "slow" {
  provider = "http"
  url      = "http://127.0.0.1:9999/send"
  timeout  = "30s"
}

webhook "ntfy" {
  url     = "http://127.0.0.1:9998/alerts"
  format  = "ntfy"
  headers = { "Authorization" = env("MAUVE_SET"), "X-Tags" = "mauve" }
}

person "ada" {
  sms    = "+15550100"
  xmpp   = "ada@example.org"
  urgent = [xmpp, sms.slow, webhook.ntfy]
}
