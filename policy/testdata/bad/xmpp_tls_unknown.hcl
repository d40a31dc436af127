xmpp {
  jid      = "mauve@example.org"
  password = "pw"
  tls      = "ssl"
}
