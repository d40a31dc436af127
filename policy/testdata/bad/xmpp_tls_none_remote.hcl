xmpp {
  jid      = "mauve@example.org"
  password = "pw"
  server   = "xmpp.example.org:5222"
  tls      = "none"
}
