xmpp {
  jid      = "mauve@example.org"
  password = "pw"
  ca_file  = "no-such-ca.pem"
}
