// Package prosodytest runs a real XMPP server, Debian's prosody, on
// loopback for tests: a config, data, certificates and log in a temporary
// directory, a free port, accounts made with prosodyctl, and a CA the
// clients under test can be told to trust.
//
// It is used only by tests (of notify and of commands); it owns no
// production behaviour. A missing prosody fails the test, never skips it:
// install it with `apt-get install -y prosody`.
package prosodytest
