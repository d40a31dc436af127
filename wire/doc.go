// Package wire owns the mauve protocol: the AlertUpdate datagram defined in
// mauve.proto (wire-compatible with classic mauvealert), its plain Go form
// [Update], and everything done to the bytes.
//
//   - [Encode] and [Decode] convert between Update and one datagram, and
//     validate it (size limit, source, alert ids, UTF-8); every refusal is a
//     typed error matching one sentinel, with a [Reason] label for metrics.
//   - [Sign] and [Verify] implement the signature scheme: HMAC-SHA256 with a
//     shared key over the update encoded without its signature, with
//     transmission_time bounding replay.
//   - [Send] resolves destinations (host, host:port, [v6]:port, SRV
//     _mauvealert._udp) and sends one datagram to each station.
//   - [Listener] reads datagrams from UDP sockets for a station, decodes,
//     checks the source before looking up its key ([CheckSource]),
//     verifies and de-duplicates them (signed updates per source, for the
//     whole window), counts rejections, takes out alerts with impossible
//     times, and hands each accepted Update to a [Handler], a source's
//     updates in the order its socket received them. [Listener.Receive]
//     runs one datagram through the same path without a socket.
//
// It does not own what an update means to a station (raising, clearing,
// replacing: package store), who is told (policy), or the socket's address
// and the key configuration (commands and policy pass those in). The
// generated protobuf code lives in wire/wirepb and never crosses this
// package's API; wire imports no other mauve package.
package wire
