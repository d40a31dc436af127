package store

import (
	"encoding/binary"
	"errors"
	"time"
)

// Records are encoded by hand: a version byte, then fields in a fixed order
// as uvarints, zigzag varints (times, as unix nanoseconds, 0 = unset) and
// length-prefixed strings. It is several times faster and smaller than
// encoding/json, which matters at 100,000 updates a second.

const recordVersion = 1

var errShort = errors.New("record truncated")

type encoder struct{ b []byte }

func (e *encoder) uint(v uint64) { e.b = binary.AppendUvarint(e.b, v) }
func (e *encoder) int(v int64)   { e.b = binary.AppendVarint(e.b, v) }
func (e *encoder) byte(v byte)   { e.b = append(e.b, v) }

func (e *encoder) str(s string) {
	e.b = binary.AppendUvarint(e.b, uint64(len(s)))
	e.b = append(e.b, s...)
}

func (e *encoder) time(t time.Time) {
	if t.IsZero() {
		e.int(0)
		return
	}
	e.int(nanos(t))
}

func (e *encoder) strs(ss []string) {
	e.uint(uint64(len(ss)))
	for _, s := range ss {
		e.str(s)
	}
}

// decoder reads a record from one string copy of it: every string field
// is a substring of that copy, so decoding a record costs one allocation
// for its strings instead of one per field, and nothing points into
// bbolt's mmap.
type decoder struct {
	s   string
	err error
}

func newDecoder(b []byte) decoder { return decoder{s: string(b)} }

func (d *decoder) fail() {
	if d.err == nil {
		d.err = errShort
	}
	d.s = ""
}

func (d *decoder) uint() uint64 {
	var v uint64
	for i := 0; i < len(d.s) && i < binary.MaxVarintLen64; i++ {
		c := d.s[i]
		v |= uint64(c&0x7f) << (7 * i)
		if c < 0x80 {
			d.s = d.s[i+1:]
			return v
		}
	}
	d.fail()
	return 0
}

func (d *decoder) int() int64 {
	u := d.uint()
	v := int64(u >> 1)
	if u&1 != 0 {
		v = ^v
	}
	return v
}

func (d *decoder) byte() byte {
	if len(d.s) == 0 {
		d.fail()
		return 0
	}
	v := d.s[0]
	d.s = d.s[1:]
	return v
}

func (d *decoder) str() string {
	n := d.uint()
	if n > uint64(len(d.s)) {
		d.fail()
		return ""
	}
	v := d.s[:n]
	d.s = d.s[n:]
	return v
}

func (d *decoder) time() time.Time {
	n := d.int()
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}

func (d *decoder) strs() []string {
	n := d.uint()
	if n > uint64(len(d.s)) {
		d.fail()
		return nil
	}
	if n == 0 {
		return nil
	}
	ss := make([]string, n)
	for i := range ss {
		ss[i] = d.str()
	}
	return ss
}

func stateByte(s State) byte {
	switch s {
	case StateRaised:
		return 1
	case StateAcknowledged:
		return 2
	case StateCleared:
		return 3
	}
	return 0
}

func byteState(b byte) State {
	switch b {
	case 1:
		return StateRaised
	case 2:
		return StateAcknowledged
	case 3:
		return StateCleared
	}
	return ""
}

// appendAlert encodes an alert record of the alerts bucket. Source and id
// are the record's key, and a subject equal to the source is left out: a
// smaller record is a smaller file and fewer pages in memory.
func appendAlert(b []byte, a *Alert) []byte {
	e := encoder{b: b}
	e.byte(recordVersion)
	e.encodeAlertBody(a)
	return e.b
}

// encodeAlert encodes a whole alert, key included (outbox snapshots).
func (e *encoder) encodeAlert(a *Alert) {
	e.str(a.Source)
	e.str(a.ID)
	e.encodeAlertBody(a)
}

func (e *encoder) encodeAlertBody(a *Alert) {
	if a.Subject == a.Source {
		e.str("")
	} else {
		e.str(a.Subject)
	}
	e.str(a.Summary)
	e.str(a.Detail)
	e.uint(uint64(a.Importance))
	e.byte(stateByte(a.State))
	e.time(a.RaisedAt)
	e.time(a.ClearedAt)
	e.str(a.AcknowledgedBy)
	e.time(a.AcknowledgedAt)
	e.time(a.AcknowledgedUntil)
	e.time(a.WillRaiseAt)
	e.time(a.WillClearAt)
	e.time(a.SuppressUntil)
	e.time(a.CreatedAt)
	e.time(a.UpdatedAt)
	e.str(a.Group)
	e.str(string(a.Level))
	e.strs(a.Told)
	e.strs(a.Actors)
	e.uint(uint64(len(a.Reminders)))
	for _, r := range a.Reminders {
		e.int(int64(r.Block))
		e.time(r.At)
	}
}

// decodeAlert decodes a record of the alerts bucket stored under key k.
func decodeAlert(k Key, b []byte) (Alert, error) {
	d := newDecoder(b)
	if v := d.byte(); v != recordVersion && d.err == nil {
		return Alert{}, errors.New("unknown record version")
	}
	a := d.decodeAlertBody(k.Source, k.ID)
	return a, d.err
}

func (d *decoder) decodeAlert() Alert {
	source := d.str()
	id := d.str()
	return d.decodeAlertBody(source, id)
}

func (d *decoder) decodeAlertBody(source, id string) Alert {
	a := Alert{Source: source, ID: id}
	if a.Subject = d.str(); a.Subject == "" {
		a.Subject = source
	}
	a.Summary = d.str()
	a.Detail = d.str()
	a.Importance = uint32(d.uint())
	a.State = byteState(d.byte())
	a.RaisedAt = d.time()
	a.ClearedAt = d.time()
	a.AcknowledgedBy = d.str()
	a.AcknowledgedAt = d.time()
	a.AcknowledgedUntil = d.time()
	a.WillRaiseAt = d.time()
	a.WillClearAt = d.time()
	a.SuppressUntil = d.time()
	a.CreatedAt = d.time()
	a.UpdatedAt = d.time()
	a.Group = d.str()
	a.Level = Level(d.str())
	a.Told = d.strs()
	a.Actors = d.strs()
	n := d.uint()
	if n > uint64(len(d.s)) {
		d.fail()
		return a
	}
	for range n {
		a.Reminders = append(a.Reminders, Reminder{Block: int(d.int()), At: d.time()})
	}
	return a
}

func appendEvent(b []byte, ev *Event) []byte {
	e := encoder{b: b}
	e.byte(recordVersion)
	e.uint(ev.Seq)
	e.time(ev.Time)
	e.str(ev.Source)
	e.str(ev.ID)
	e.str(string(ev.Kind))
	e.str(ev.Actor)
	e.str(ev.Text)
	e.byte(stateByte(ev.State))
	return e.b
}

func decodeEvent(b []byte) (Event, error) {
	d := newDecoder(b)
	if v := d.byte(); v != recordVersion && d.err == nil {
		return Event{}, errors.New("unknown record version")
	}
	var ev Event
	ev.Seq = d.uint()
	ev.Time = d.time()
	ev.Source = d.str()
	ev.ID = d.str()
	ev.Kind = EventKind(d.str())
	ev.Actor = d.str()
	ev.Text = d.str()
	ev.State = byteState(d.byte())
	return ev, d.err
}

func appendNotification(b []byte, n *Notification) []byte {
	e := encoder{b: b}
	e.byte(recordVersion)
	e.uint(n.ID)
	e.str(n.Source)
	e.str(n.AlertID)
	e.str(n.Person)
	e.str(string(n.Event))
	e.str(string(n.Level))
	e.strs(n.Channels)
	e.encodeAlert(&n.Alert)
	e.time(n.Created)
	e.int(int64(n.Channel))
	e.int(int64(n.Attempts))
	e.time(n.NextAttempt)
	e.time(n.RaisedAt)
	return e.b
}

func decodeNotification(b []byte) (Notification, error) {
	d := newDecoder(b)
	if v := d.byte(); v != recordVersion && d.err == nil {
		return Notification{}, errors.New("unknown record version")
	}
	var n Notification
	n.ID = d.uint()
	n.Source = d.str()
	n.AlertID = d.str()
	n.Person = d.str()
	n.Event = EventKind(d.str())
	n.Level = Level(d.str())
	n.Channels = d.strs()
	n.Alert = d.decodeAlert()
	n.Created = d.time()
	n.Channel = int(d.int())
	n.Attempts = int(d.int())
	n.NextAttempt = d.time()
	if len(d.s) > 0 { // rows queued before RaisedAt was kept end here
		n.RaisedAt = d.time()
	}
	return n, d.err
}

// alertKey is the bbolt key of an alert: source, a NUL, id. Sources never
// contain NUL (the store strips it), so a source's alerts share a prefix.
func alertKey(k Key) []byte {
	b := make([]byte, 0, len(k.Source)+1+len(k.ID))
	b = append(b, k.Source...)
	b = append(b, 0)
	return append(b, k.ID...)
}

func sourcePrefix(source string) []byte {
	b := make([]byte, 0, len(source)+1)
	b = append(b, source...)
	return append(b, 0)
}

func parseAlertKey(b []byte) Key {
	for i, c := range b {
		if c == 0 {
			return Key{Source: string(b[:i]), ID: string(b[i+1:])}
		}
	}
	return Key{Source: string(b)}
}

func u64(v uint64) []byte {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], v)
	return b[:]
}
