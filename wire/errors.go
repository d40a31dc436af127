package wire

import (
	"errors"
	"fmt"
)

// MaxDatagram is the largest UDP payload over IPv4 (65,535 minus the IP and
// UDP headers), and so the largest encoded update.
const MaxDatagram = 65507

// Sentinel errors, one per rejection reason. Every error Decode, Encode,
// Verify and the Listener reject an update with matches exactly one of them
// with errors.Is, and carries the reason label through [Reason].
var (
	// ErrTooLarge: the encoded update exceeds MaxDatagram bytes.
	ErrTooLarge = errors.New("update too large for one datagram")
	// ErrMalformed: the bytes are not a protobuf AlertUpdate, or a field has
	// an impossible value.
	ErrMalformed = errors.New("malformed update")
	// ErrMissingSource: the update names no source.
	ErrMissingSource = errors.New("update has no source")
	// ErrEmptyID: an alert has no id.
	ErrEmptyID = errors.New("alert has no id")
	// ErrInvalidUTF8: the source is not valid UTF-8.
	ErrInvalidUTF8 = errors.New("invalid UTF-8")
	// ErrUncleanSource: the source holds what a station would clean away
	// (control characters, markup, surrounding white space, excess length).
	ErrUncleanSource = errors.New("source not in its stored form")
	// ErrTooManyAlerts: the update holds more alerts than the station takes
	// in one update.
	ErrTooManyAlerts = errors.New("too many alerts in one update")
	// ErrBadSignature: the signature does not match the key.
	ErrBadSignature = errors.New("bad signature")
	// ErrUnsigned: a signature is required from this source but absent.
	ErrUnsigned = errors.New("unsigned update")
	// ErrReplay: a signed update's transmission time is missing or outside
	// the replay window.
	ErrReplay = errors.New("transmission time outside the replay window")
	// ErrDuplicate: the transmission id was seen within the duplicate window.
	ErrDuplicate = errors.New("duplicate transmission")
)

// Rejection reasons, used as the `reason` label of
// mauve_datagrams_rejected_total. Reasons lists them all, in a fixed order.
const (
	ReasonTooLarge      = "too_large"
	ReasonMalformed     = "malformed"
	ReasonMissingSource = "missing_source"
	ReasonEmptyID       = "empty_id"
	ReasonInvalidUTF8   = "invalid_utf8"
	ReasonUncleanSource = "unclean_source"
	ReasonTooManyAlerts = "too_many_alerts"
	ReasonBadSignature  = "bad_signature"
	ReasonUnsigned      = "unsigned"
	ReasonReplay        = "replay"
	ReasonDuplicate     = "duplicate"
)

// reasonTable pairs each reason with its sentinel; read-only.
var reasonTable = [...]struct {
	reason string
	err    error
}{
	{ReasonTooLarge, ErrTooLarge},
	{ReasonMalformed, ErrMalformed},
	{ReasonMissingSource, ErrMissingSource},
	{ReasonEmptyID, ErrEmptyID},
	{ReasonInvalidUTF8, ErrInvalidUTF8},
	{ReasonUncleanSource, ErrUncleanSource},
	{ReasonTooManyAlerts, ErrTooManyAlerts},
	{ReasonBadSignature, ErrBadSignature},
	{ReasonUnsigned, ErrUnsigned},
	{ReasonReplay, ErrReplay},
	{ReasonDuplicate, ErrDuplicate},
}

// Reasons returns every rejection reason label, in a fixed order.
func Reasons() []string {
	out := make([]string, len(reasonTable))
	for i, r := range reasonTable {
		out[i] = r.reason
	}
	return out
}

// Reason returns the rejection reason label of err ("malformed" for an
// error that carries none).
func Reason(err error) string {
	var r interface{ Reason() string }
	if errors.As(err, &r) {
		return r.Reason()
	}
	return ReasonMalformed
}

// RejectError is why an update was refused: a reason from the fixed list
// and a message saying what and where. It matches its reason's sentinel
// with errors.Is.
type RejectError struct {
	reason string
	msg    string
}

func reject(reason, format string, args ...any) *RejectError {
	return &RejectError{reason: reason, msg: fmt.Sprintf(format, args...)}
}

// Reason returns the metric label, one of [Reasons].
func (e *RejectError) Reason() string { return e.reason }

func (e *RejectError) Error() string { return e.msg }

// Is reports whether target is the sentinel of e's reason.
func (e *RejectError) Is(target error) bool {
	for _, r := range reasonTable {
		if r.reason == e.reason {
			return r.err == target
		}
	}
	return false
}

// TooLargeError is returned by Encode and Decode for an update over
// MaxDatagram bytes. It matches ErrTooLarge.
type TooLargeError struct {
	// Size is the encoded size in bytes.
	Size int
}

// Over is how many bytes Size exceeds MaxDatagram by.
func (e *TooLargeError) Over() int { return e.Size - MaxDatagram }

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("update is %d bytes, %d over the %d-byte datagram limit (send fewer alerts or shorter details)",
		e.Size, e.Over(), MaxDatagram)
}

// Reason returns "too_large".
func (e *TooLargeError) Reason() string { return ReasonTooLarge }

// Is reports whether target is ErrTooLarge.
func (e *TooLargeError) Is(target error) bool { return target == ErrTooLarge }
