package term

import (
	"fmt"

	"github.com/godbus/dbus/v5"
)

// Desktop sends desktop notifications through the freedesktop
// org.freedesktop.Notifications service on the session bus. Where there is
// no session bus (a server, an SSH session), it does nothing, silently.
type Desktop struct {
	conn *dbus.Conn // nil: no session bus
}

var _ Notifier = (*Desktop)(nil)

// NewDesktop connects to the session bus named by busAddress (usually
// $DBUS_SESSION_BUS_ADDRESS). An empty address, or one that cannot be
// reached, gives a Desktop that does nothing; it never starts a bus.
func NewDesktop(busAddress string) *Desktop {
	if busAddress == "" {
		return &Desktop{}
	}
	conn, err := dbus.Connect(busAddress)
	if err != nil {
		return &Desktop{}
	}
	return &Desktop{conn: conn}
}

// Active reports whether notifications can be sent.
func (d *Desktop) Active() bool { return d != nil && d.conn != nil }

// Notify shows one notification; urgent ones use the critical urgency,
// which notification daemons keep on screen until dismissed.
func (d *Desktop) Notify(summary, body string, urgent bool) error {
	if !d.Active() {
		return nil
	}
	urgency := byte(1)
	timeout := int32(-1)
	if urgent {
		urgency, timeout = 2, 0
	}
	obj := d.conn.Object("org.freedesktop.Notifications", "/org/freedesktop/Notifications")
	call := obj.Call("org.freedesktop.Notifications.Notify", 0,
		"mauve", uint32(0), "dialog-warning", summary, body, []string{},
		map[string]dbus.Variant{"urgency": dbus.MakeVariant(urgency)}, timeout)
	if call.Err != nil {
		return fmt.Errorf("desktop notification: %w", call.Err)
	}
	return nil
}

// Close disconnects from the bus.
func (d *Desktop) Close() error {
	if !d.Active() {
		return nil
	}
	return d.conn.Close()
}
