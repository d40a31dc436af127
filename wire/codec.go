package wire

import (
	"fmt"
	"math"
	"strings"
	"time"
	"unicode/utf8"

	"google.golang.org/protobuf/proto"

	"github.com/mauve-alert/mauve/wire/wirepb"
)

// Encode serializes u as one AlertUpdate datagram, the way classic senders
// do: transmission_id, source and replace always present, fields in number
// order, unset times and empty strings omitted. It refuses (with the same
// errors Decode would give) an update without a source, an alert without an
// id, an id or source that is not UTF-8, a time before 1970, and an encoding
// over MaxDatagram bytes (a *TooLargeError saying by how much).
func Encode(u Update) ([]byte, error) {
	if err := validate(u); err != nil {
		return nil, err
	}
	m, err := toProto(u)
	if err != nil {
		return nil, err
	}
	b, err := proto.MarshalOptions{Deterministic: true}.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("encode update from %q: %w", u.Source, err)
	}
	if len(b) > MaxDatagram {
		return nil, &TooLargeError{Size: len(b)}
	}
	return b, nil
}

// Decode parses one datagram. It is tolerant where classic senders are:
// proto2 required fields are not enforced (a missing replace is false, a
// missing transmission_id is 0), unknown fields are ignored, and invalid
// UTF-8 in subject, summary or detail is replaced by U+FFFD. It rejects,
// with a *RejectError or *TooLargeError, a datagram over MaxDatagram bytes,
// bytes that are not an AlertUpdate, an update without a source, an alert
// without an id, and a source or id that is not valid UTF-8. Times come back
// in UTC; 0 becomes the zero time.Time.
func Decode(b []byte) (Update, error) {
	if len(b) > MaxDatagram {
		return Update{}, &TooLargeError{Size: len(b)}
	}
	var m wirepb.AlertUpdate
	if err := (proto.UnmarshalOptions{AllowPartial: true}).Unmarshal(b, &m); err != nil {
		return Update{}, reject(ReasonMalformed, "malformed update (%d bytes): %v", len(b), err)
	}
	u := fromProto(&m)
	if err := validate(u); err != nil {
		return Update{}, err
	}
	return u, nil
}

// validate applies the rules shared by Encode and Decode.
func validate(u Update) error {
	if u.Source == "" {
		return reject(ReasonMissingSource, "update %d has no source (want a host or system name)", u.TransmissionID)
	}
	if !utf8.ValidString(u.Source) {
		return reject(ReasonInvalidUTF8, "update %d: source %q is not valid UTF-8", u.TransmissionID, u.Source)
	}
	for i, a := range u.Alerts {
		if a.ID == "" {
			return reject(ReasonEmptyID, "update %d from %q: alert %d of %d has no id",
				u.TransmissionID, u.Source, i+1, len(u.Alerts))
		}
		if !utf8.ValidString(a.ID) {
			return reject(ReasonInvalidUTF8, "update %d from %q: alert id %q is not valid UTF-8",
				u.TransmissionID, u.Source, a.ID)
		}
	}
	return nil
}

func toProto(u Update) (*wirepb.AlertUpdate, error) {
	m := &wirepb.AlertUpdate{
		TransmissionId: proto.Uint64(u.TransmissionID),
		Source:         proto.String(u.Source),
		Replace:        proto.Bool(u.Replace),
		Alert:          make([]*wirepb.Alert, 0, len(u.Alerts)),
	}
	if len(u.Signature) > 0 {
		m.Signature = u.Signature
	}
	var err error
	if m.TransmissionTime, err = seconds(u.TransmissionTime, "update", "transmission time"); err != nil {
		return nil, err
	}
	for _, a := range u.Alerts {
		pa := &wirepb.Alert{
			Id:         proto.String(a.ID),
			Subject:    optString(a.Subject),
			Summary:    optString(a.Summary),
			Detail:     optString(a.Detail),
			Importance: optUint32(a.Importance),
		}
		if pa.RaiseTime, err = seconds(a.RaiseTime, a.ID, "raise time"); err != nil {
			return nil, err
		}
		if pa.ClearTime, err = seconds(a.ClearTime, a.ID, "clear time"); err != nil {
			return nil, err
		}
		if pa.SuppressUntil, err = seconds(a.SuppressUntil, a.ID, "suppress time"); err != nil {
			return nil, err
		}
		m.Alert = append(m.Alert, pa)
	}
	return m, nil
}

func fromProto(m *wirepb.AlertUpdate) Update {
	u := Update{
		TransmissionID:   m.GetTransmissionId(),
		Source:           m.GetSource(),
		Replace:          m.GetReplace(),
		TransmissionTime: unix(m.GetTransmissionTime()),
	}
	if len(m.Signature) > 0 {
		u.Signature = m.Signature
	}
	if len(m.Alert) > 0 {
		u.Alerts = make([]Alert, len(m.Alert))
	}
	for i, a := range m.Alert {
		u.Alerts[i] = Alert{
			ID:            a.GetId(),
			RaiseTime:     unix(a.GetRaiseTime()),
			ClearTime:     unix(a.GetClearTime()),
			Subject:       cleanUTF8(a.GetSubject()),
			Summary:       cleanUTF8(a.GetSummary()),
			Detail:        cleanUTF8(a.GetDetail()),
			Importance:    a.GetImportance(),
			SuppressUntil: unix(a.GetSuppressUntil()),
		}
	}
	return u
}

// seconds converts t to the wire's unix seconds; nil for the zero time.
func seconds(t time.Time, where, what string) (*uint64, error) {
	if t.IsZero() {
		return nil, nil
	}
	s := t.Unix()
	if s < 0 {
		return nil, reject(ReasonMalformed, "%s: %s %s is before 1970 (want a unix time)", where, what, t.UTC().Format(time.RFC3339))
	}
	if s == 0 {
		return nil, nil
	}
	v := uint64(s)
	return &v, nil
}

// unix converts wire seconds to a UTC time; 0 is the zero time. Values too
// large for time.Time saturate rather than wrap into the past.
func unix(s uint64) time.Time {
	if s == 0 {
		return time.Time{}
	}
	if s > math.MaxInt64/2 {
		s = math.MaxInt64 / 2
	}
	return time.Unix(int64(s), 0).UTC()
}

func optString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func optUint32(v uint32) *uint32 {
	if v == 0 {
		return nil
	}
	return &v
}

func cleanUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}
