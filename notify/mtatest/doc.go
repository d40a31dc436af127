// Package mtatest runs a real mail server, Debian's postfix, on loopback
// for tests: its config, queue (on disk) and mailbox in a temporary
// directory, an SMTP listener on a free loopback port, and delivery of
// every accepted message into one maildir the test reads. It accepts mail
// only for example.com and delivers nothing anywhere else.
//
// It is used only by tests and benchmarks (of notify and of commands); it
// owns no production behaviour. Postfix's master must run as root: a test
// run as another user, or on a machine without postfix, is skipped with a
// message saying so (.ci/test.sh installs postfix and runs as root).
package mtatest
