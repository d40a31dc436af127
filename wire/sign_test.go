package wire_test

import (
	"errors"
	"testing"
	"time"

	"github.com/mauve-alert/mauve/wire"
)

func TestSignVerify(t *testing.T) {
	key := []byte("shared")
	now := at(1764000000)
	base := wire.Update{TransmissionID: 5, Source: "h", Alerts: []wire.Alert{{ID: "a", RaiseTime: now}}, TransmissionTime: now}
	signed, err := wire.Sign(base, key)
	if err != nil {
		t.Fatal(err)
	}
	if len(signed.Signature) != 32 {
		t.Fatalf("signature is %d bytes, want 32 (HMAC-SHA256)", len(signed.Signature))
	}
	tampered := signed
	tampered.Alerts = []wire.Alert{{ID: "a", ClearTime: now}}
	tests := []struct {
		name   string
		u      wire.Update
		key    string
		now    time.Time
		target error
	}{
		{"good", signed, "shared", now, nil},
		{"good, clock 4m ahead", signed, "shared", now.Add(4 * time.Minute), nil},
		{"wrong key", signed, "other", now, wire.ErrBadSignature},
		{"tampered", tampered, "shared", now, wire.ErrBadSignature},
		{"unsigned", base, "shared", now, wire.ErrUnsigned},
		{"replayed later", signed, "shared", now.Add(6 * time.Minute), wire.ErrReplay},
		{"from the future", signed, "shared", now.Add(-6 * time.Minute), wire.ErrReplay},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := wire.Verify(tc.u, []byte(tc.key), tc.now, 5*time.Minute)
			if !errors.Is(err, tc.target) || (tc.target == nil) != (err == nil) {
				t.Errorf("got %v, want %v", err, tc.target)
			}
		})
	}
	// A signed datagram survives the trip through the bytes.
	b, err := wire.Encode(signed)
	if err != nil {
		t.Fatal(err)
	}
	u, err := wire.Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	if err := wire.Verify(u, key, now, time.Minute); err != nil {
		t.Errorf("Verify after Decode: %v", err)
	}
}

func TestSign_NeedsTimeAndKey(t *testing.T) {
	u := wire.Update{TransmissionID: 1, Source: "h", Replace: true}
	if _, err := wire.Sign(u, []byte("k")); err == nil {
		t.Error("Sign without a transmission time: got nil error")
	}
	u.TransmissionTime = at(1764000000)
	if _, err := wire.Sign(u, nil); err == nil {
		t.Error("Sign with an empty key: got nil error")
	}
	unsignedNoTime := wire.Update{TransmissionID: 1, Source: "h", Signature: []byte("x")}
	if err := wire.Verify(unsignedNoTime, []byte("k"), at(1764000000), time.Minute); !errors.Is(err, wire.ErrBadSignature) {
		t.Errorf("got %v, want ErrBadSignature", err)
	}
}
