package wire

import (
	"fmt"
	"math"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"google.golang.org/protobuf/encoding/protowire"
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
// missing transmission_id is 0), unknown fields are ignored, invalid UTF-8
// in an alert id, subject, summary or detail is replaced by U+FFFD, and
// control characters are removed from alert ids. It rejects, with a
// *RejectError or *TooLargeError, a datagram over MaxDatagram bytes, bytes
// that are not an AlertUpdate, an update without a source, an alert without
// an id (or whose id was only control characters), a source that is not
// valid UTF-8, and a source that cleaning would change (see CheckSource):
// such a source could otherwise pass for a protected name once cleaned.
// Times come back in UTC; 0 becomes the zero time.Time.
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

// MaxSource is the longest source, in characters, a station stores.
const MaxSource = 512

// CheckSource returns an error (reason ReasonMissingSource,
// ReasonInvalidUTF8 or ReasonUncleanSource) unless source is already in the
// form a station stores it: non-empty valid UTF-8 without control
// characters, without '<' or '&' (markup and character references a
// station would strip or decode), without surrounding white space and at
// most MaxSource characters. Sources are checked, not cleaned, because a
// sender key is looked up by source: "core-rout<b></b>er" must not be
// taken for "core-router" after the key check.
func CheckSource(id uint64, source string) error {
	if source == "" {
		return reject(ReasonMissingSource, "update %d has no source (want a host or system name)", id)
	}
	if !utf8.ValidString(source) {
		return reject(ReasonInvalidUTF8, "update %d: source %q is not valid UTF-8", id, source)
	}
	unclean := func(what string) error {
		return reject(ReasonUncleanSource, "update %d: source %q %s; send the source as plain text, as it should be stored",
			id, source, what)
	}
	n := 0
	for i, r := range source {
		n++
		switch {
		case unicode.IsControl(r):
			return unclean(fmt.Sprintf("holds the control character %U at byte %d", r, i))
		case r == '<' || r == '&':
			return unclean(fmt.Sprintf("holds %q at byte %d (HTML markup or a character reference)", r, i))
		case (i == 0 || i+utf8.RuneLen(r) == len(source)) && unicode.IsSpace(r):
			return unclean("begins or ends with white space")
		}
	}
	if n > MaxSource {
		return unclean(fmt.Sprintf("is %d characters long, over the limit of %d", n, MaxSource))
	}
	return nil
}

// validate applies the rules shared by Encode and Decode.
func validate(u Update) error {
	if err := CheckSource(u.TransmissionID, u.Source); err != nil {
		return err
	}
	for i, a := range u.Alerts {
		if a.ID == "" {
			return reject(ReasonEmptyID, "update %d from %q: alert %d of %d has no id (or only control characters)",
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
			ID:            cleanID(a.GetId()),
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

// cleanID returns id as valid UTF-8 without control characters, which
// have no place in an id and would reach terminals raw.
func cleanID(id string) string {
	id = cleanUTF8(id)
	if strings.IndexFunc(id, unicode.IsControl) < 0 {
		return id
	}
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, id)
}

func cleanUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}

// Field numbers of AlertUpdate that the listener reads before decoding.
const (
	sourceField = 2
	alertField  = 4
)

// scan walks the top-level records of a datagram without decoding them, so
// that a datagram can be routed and sized up for a few nanoseconds a
// record: it returns the source's bytes (the last source record, as
// protobuf decoding takes the last) and how many alert records there are.
func scan(b []byte) (source []byte, alerts int, err error) {
	for len(b) > 0 {
		num, typ, tagLen := protowire.ConsumeTag(b)
		if tagLen < 0 {
			return nil, alerts, reject(ReasonMalformed, "malformed update: %v", protowire.ParseError(tagLen))
		}
		valLen := protowire.ConsumeFieldValue(num, typ, b[tagLen:])
		if valLen < 0 {
			return nil, alerts, reject(ReasonMalformed, "malformed update: field %d: %v", num, protowire.ParseError(valLen))
		}
		if typ == protowire.BytesType {
			switch num {
			case sourceField:
				source, _ = protowire.ConsumeBytes(b[tagLen:])
			case alertField:
				alerts++
			}
		}
		b = b[tagLen+valLen:]
	}
	return source, alerts, nil
}
