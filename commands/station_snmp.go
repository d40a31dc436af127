package commands

import (
	"context"
	"io"
	"net"

	"github.com/mauve-alert/mauve/wire/snmp"
)

// snmpTraps is the station's SNMP trap listener, when station.listen.snmp
// asks for one: its socket and the listener reading it.
type snmpTraps struct {
	conn     net.PacketConn
	listener *snmp.Listener
}

// bindSNMP binds station.listen.snmp, if set, before anything starts, so
// a taken port stops the station as a taken UDP port does.
func (st *station) bindSNMP() error {
	addr := st.policy.Load().Station.ListenSNMP
	if addr == "" {
		return nil
	}
	c, err := net.ListenPacket("udp", addr)
	if err != nil {
		return listenError("SNMP trap", addr, "station.listen.snmp", err)
	}
	st.traps.conn = c
	return nil
}

// startSNMP starts the trap listener on the bound socket. Traps go to the
// same ingest queue as datagrams; the snmp block in force is read for
// every trap, so a reload changes communities, users and rules at once.
func (st *station) startSNMP(ctx context.Context) {
	if st.traps.conn == nil {
		return
	}
	config := func() *snmp.Config { return st.policy.Load().Station.SNMP }
	st.traps.listener = snmp.NewListener(st.traps.conn, config, st.ingest.Handle, snmp.ListenerOptions{Logger: st.log, Now: st.now})
	st.start(ctx, "snmp", st.traps.listener.Run)
	st.log.Info("listening for SNMP traps", "addr", st.traps.conn.LocalAddr().String())
}

// WriteMetrics writes the trap listener's counters, nothing without one.
func (t *snmpTraps) WriteMetrics(w io.Writer) {
	if t.listener != nil {
		t.listener.WriteMetrics(w)
	}
}

func (t *snmpTraps) close() {
	if t.conn != nil {
		t.conn.Close()
	}
}
