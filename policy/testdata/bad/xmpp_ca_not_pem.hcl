xmpp {
  jid      = "mauve@example.org"
  password = "pw"
  ca_file  = "xmpp_ca_not_pem.hcl"
}
