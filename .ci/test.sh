#!/usr/bin/env bash
# The test command of the README: installs the real peers the tests talk to
# (protoc for the independent wire decoder, Chromium for the web UI, prosody
# for XMPP, postfix as the real mail server, tmux for the terminal client,
# net-snmp's snmptrap for SNMP traps) when they are missing, then runs every
# test. Works on a fresh Debian machine with Go 1.26, as root or with sudo.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v protoc >/dev/null || need+=(protobuf-compiler)
command -v chromium >/dev/null || need+=(chromium)
command -v prosody >/dev/null || need+=(prosody)
command -v tmux >/dev/null || need+=(tmux)
[ -x /usr/sbin/postfix ] || need+=(postfix)
command -v dbus-daemon >/dev/null || need+=(dbus-daemon)
command -v snmptrap >/dev/null || need+=(snmp)
if [ ${#need[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo=sudo
  echo "installing ${need[*]}"
  $sudo apt-get update -qq
  # postfix asks what kind of mail system to set up: none, the tests run
  # their own instance with its config in a temporary directory.
  echo "postfix postfix/main_mailer_type select No configuration" | $sudo debconf-set-selections
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi
# A system prosody started by the package would hold port 5222; the tests
# run their own instance on a free port.
if command -v systemctl >/dev/null && systemctl is-active --quiet prosody 2>/dev/null; then
  systemctl stop prosody || true
fi

go test -count=1 -timeout 15m "$@" ./...
