// Package snmp turns SNMP traps into mauve updates: it decodes SNMPv1 and
// v2c traps (checked against the configured communities) and SNMPv3 traps
// (USM, authPriv only) with github.com/gosnmp/gosnmp, maps each onto a
// [wire.Update] by the built-in mapping of the standard traps (linkDown
// and linkUp, coldStart, warmStart, authenticationFailure) and the
// configured [Rule]s, and hands it to a [wire.Handler], the one path every
// datagram takes into the store.
//
// A [Listener] reads traps from a UDP socket it is given (commands binds
// it), counts what it drops (unknown community, failed USM, malformed,
// unsupported, unmapped) and logs drops at a bounded rate. [Decode] and
// [Config.Map] are the pure halves, tested without a socket.
//
// It does not own the configuration's syntax (policy parses the station's
// snmp block into a [Config]), the socket's address, or what an update
// does to an alert (store). It speaks no other protocol than SNMP traps
// and SNMPv2c informs (answered once taken): v3 informs, gets and sets
// are dropped.
package snmp
