package wire

import (
	"crypto/hmac"
	"crypto/sha256"
	"fmt"
	"time"

	"google.golang.org/protobuf/encoding/protowire"
)

// signatureField is the AlertUpdate field number of the signature.
const signatureField = 5

// Sign returns u with Signature set to HMAC-SHA256(key, Encode(u) without
// the signature), the scheme mauve.proto documents. u must carry a
// TransmissionTime, which bounds replay; Send sets one. Errors are Encode's,
// or a missing transmission time or key.
func Sign(u Update, key []byte) (Update, error) {
	if len(key) == 0 {
		return u, fmt.Errorf("sign update from %q: empty key", u.Source)
	}
	if u.TransmissionTime.IsZero() {
		return u, fmt.Errorf("sign update from %q: no transmission time (set it to the sending time)", u.Source)
	}
	u.Signature = nil
	b, err := Encode(u)
	if err != nil {
		return u, err
	}
	u.Signature = mac(key, b)
	return u, nil
}

// Verify checks u's signature against key and that its transmission time is
// within window of now, either way. It re-encodes u, so it suits updates
// built or decoded by this package; the Listener verifies the datagram bytes
// themselves. Errors match ErrUnsigned, ErrBadSignature or ErrReplay.
func Verify(u Update, key []byte, now time.Time, window time.Duration) error {
	if len(u.Signature) == 0 {
		return reject(ReasonUnsigned, "update %d from %q is unsigned (its source must sign with the shared key)",
			u.TransmissionID, u.Source)
	}
	sig := u.Signature
	u.Signature = nil
	b, err := Encode(u)
	if err != nil {
		return err
	}
	return checkSigned(u, mac(key, b), sig, now, window)
}

// verifyDatagram is Verify over the received bytes: the HMAC covers the
// datagram with every signature record removed, so it does not depend on
// how the sender's encoder ordered fields.
func verifyDatagram(datagram []byte, u Update, key []byte, now time.Time, window time.Duration) error {
	if len(u.Signature) == 0 {
		return reject(ReasonUnsigned, "update %d from %q is unsigned (its source must sign with the shared key)",
			u.TransmissionID, u.Source)
	}
	signed, err := withoutField(datagram, signatureField)
	if err != nil {
		return err
	}
	return checkSigned(u, mac(key, signed), u.Signature, now, window)
}

func checkSigned(u Update, want, got []byte, now time.Time, window time.Duration) error {
	if !hmac.Equal(want, got) {
		return reject(ReasonBadSignature, "update %d from %q: signature does not match the key for this source",
			u.TransmissionID, u.Source)
	}
	if u.TransmissionTime.IsZero() {
		return reject(ReasonReplay, "update %d from %q: signed but has no transmission time",
			u.TransmissionID, u.Source)
	}
	skew := now.Sub(u.TransmissionTime)
	if skew > window || skew < -window {
		return reject(ReasonReplay, "update %d from %q: transmission time %s is %s from now, outside the %s window",
			u.TransmissionID, u.Source, u.TransmissionTime.Format(time.RFC3339), skew.Round(time.Second), window)
	}
	return nil
}

func mac(key, b []byte) []byte {
	h := hmac.New(sha256.New, key)
	h.Write(b)
	return h.Sum(nil)
}

// withoutField returns b with every top-level record of field num removed.
func withoutField(b []byte, num protowire.Number) ([]byte, error) {
	out := make([]byte, 0, len(b))
	for len(b) > 0 {
		n, typ, tagLen := protowire.ConsumeTag(b)
		if tagLen < 0 {
			return nil, reject(ReasonMalformed, "malformed update: %v", protowire.ParseError(tagLen))
		}
		valLen := protowire.ConsumeFieldValue(n, typ, b[tagLen:])
		if valLen < 0 {
			return nil, reject(ReasonMalformed, "malformed update: %v", protowire.ParseError(valLen))
		}
		if n != num {
			out = append(out, b[:tagLen+valLen]...)
		}
		b = b[tagLen+valLen:]
	}
	return out, nil
}
