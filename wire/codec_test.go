package wire_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"google.golang.org/protobuf/encoding/protowire"

	"github.com/mauve-alert/mauve/wire"
)

// record builds raw protobuf bytes, so tests can make datagrams our encoder
// never would.
type record func([]byte) []byte

func str(n protowire.Number, s string) record {
	return func(b []byte) []byte {
		return protowire.AppendString(protowire.AppendTag(b, n, protowire.BytesType), s)
	}
}

func varint(n protowire.Number, v uint64) record {
	return func(b []byte) []byte {
		return protowire.AppendVarint(protowire.AppendTag(b, n, protowire.VarintType), v)
	}
}

func msg(n protowire.Number, fields ...record) record {
	return func(b []byte) []byte {
		return protowire.AppendBytes(protowire.AppendTag(b, n, protowire.BytesType), datagram(fields...))
	}
}

func datagram(fields ...record) []byte {
	var b []byte
	for _, f := range fields {
		b = f(b)
	}
	return b
}

func TestDecode_Tolerant(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		want wire.Update
	}{
		{"only source: required id and replace missing",
			datagram(str(2, "h")),
			wire.Update{Source: "h"}},
		{"fields out of order, unknown field kept out",
			datagram(msg(4, str(1, "a"), varint(2, 100)), varint(99, 5), str(2, "h"), varint(1, 9)),
			wire.Update{TransmissionID: 9, Source: "h", Alerts: []wire.Alert{{ID: "a", RaiseTime: at(100)}}}},
		{"invalid UTF-8 in summary is repaired",
			datagram(str(2, "h"), msg(4, str(1, "a"), str(5, "caf\xe9"))),
			wire.Update{Source: "h", Alerts: []wire.Alert{{ID: "a", Summary: "caf\uFFFD"}}}},
		{"invalid UTF-8 in an id is cleaned, not refused",
			datagram(str(2, "h"), msg(4, str(1, "a\xc3"))),
			wire.Update{Source: "h", Alerts: []wire.Alert{{ID: "a\uFFFD"}}}},
		{"control characters are stripped from an id",
			datagram(str(2, "h"), msg(4, str(1, "\x1b]0;owned\x07disk\x00\u0085/"))),
			wire.Update{Source: "h", Alerts: []wire.Alert{{ID: "]0;owneddisk/"}}}},
		{"zero times are unset",
			datagram(varint(1, 0), str(2, "h"), varint(3, 0), msg(4, str(1, "a"), varint(2, 0), varint(3, 0)), varint(8, 0)),
			wire.Update{Source: "h", Alerts: []wire.Alert{{ID: "a"}}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := wire.Decode(tc.in)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got  %#v\nwant %#v", got, tc.want)
			}
		})
	}
}

func TestDecode_Rejects(t *testing.T) {
	tests := []struct {
		name   string
		in     []byte
		target error
		reason string
		msg    string // substring of the message
	}{
		{"truncated varint", []byte{0x08, 0xff}, wire.ErrMalformed, "malformed", "malformed"},
		{"garbage", []byte("hello world"), wire.ErrMalformed, "malformed", "11 bytes"},
		{"empty datagram", nil, wire.ErrMissingSource, "missing_source", "no source"},
		{"no source", datagram(varint(1, 5), msg(4, str(1, "a"))), wire.ErrMissingSource, "missing_source", "update 5 has no source"},
		{"alert without id", datagram(str(2, "h"), msg(4, str(1, "a")), msg(4, str(5, "s"))), wire.ErrEmptyID, "empty_id", "alert 2 of 2 has no id"},
		{"source not UTF-8", datagram(str(2, "h\xff")), wire.ErrInvalidUTF8, "invalid_utf8", "source"},
		{"id only control characters", datagram(str(2, "h"), msg(4, str(1, "\x00\x1b"))), wire.ErrEmptyID, "empty_id", "only control characters"},
		{"source with NUL", datagram(str(2, "core-router\x00")), wire.ErrUncleanSource, "unclean_source", "control character U+0000 at byte 11"},
		{"source with C1 control", datagram(str(2, "core\u009brouter")), wire.ErrUncleanSource, "unclean_source", "U+009B"},
		{"source with a tag", datagram(str(2, "core-rout<b></b>er")), wire.ErrUncleanSource, "unclean_source", "HTML markup"},
		{"source with an entity", datagram(str(2, "core&#45;router")), wire.ErrUncleanSource, "unclean_source", "'&' at byte 4"},
		{"source with trailing space", datagram(str(2, "core-router ")), wire.ErrUncleanSource, "unclean_source", "white space"},
		{"source with leading tab", datagram(str(2, "\tcore-router")), wire.ErrUncleanSource, "unclean_source", "control character U+0009"},
		{"source with leading no-break space", datagram(str(2, "\u00a0core-router")), wire.ErrUncleanSource, "unclean_source", "white space"},
		{"source too long", datagram(str(2, strings.Repeat("é", 513))), wire.ErrUncleanSource, "unclean_source", "513 characters long, over the limit of 512"},
		{"too large", datagram(str(2, "h"), str(6, strings.Repeat("x", wire.MaxDatagram))), wire.ErrTooLarge, "too_large", "over the 65507-byte"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := wire.Decode(tc.in)
			if !errors.Is(err, tc.target) {
				t.Fatalf("got %v, want an error matching %v", err, tc.target)
			}
			if got := wire.Reason(err); got != tc.reason {
				t.Errorf("Reason: got %q, want %q", got, tc.reason)
			}
			if !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("message %q does not contain %q", err, tc.msg)
			}
		})
	}
}

func TestEncode_Rejects(t *testing.T) {
	big := strings.Repeat("x", wire.MaxDatagram)
	tests := []struct {
		name   string
		u      wire.Update
		target error
		msg    string
	}{
		{"no source", wire.Update{Alerts: []wire.Alert{{ID: "a"}}}, wire.ErrMissingSource, "no source"},
		{"empty id", wire.Update{Source: "h", Alerts: []wire.Alert{{Summary: "s"}}}, wire.ErrEmptyID, "alert 1 of 1 has no id"},
		{"too large", wire.Update{Source: "h", Alerts: []wire.Alert{{ID: "a", Detail: big}}}, wire.ErrTooLarge, "65525 bytes, 18 over"},
		{"before 1970", wire.Update{Source: "h", Alerts: []wire.Alert{{ID: "a", RaiseTime: at(-5)}}}, wire.ErrMalformed, "before 1970"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := wire.Encode(tc.u)
			if !errors.Is(err, tc.target) {
				t.Fatalf("got %v, want an error matching %v", err, tc.target)
			}
			if !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("message %q does not contain %q", err, tc.msg)
			}
		})
	}
	var tl *wire.TooLargeError
	_, err := wire.Encode(wire.Update{Source: "h", Alerts: []wire.Alert{{ID: "a", Detail: big}}})
	if !errors.As(err, &tl) || tl.Over() != 18 {
		t.Errorf("got %v, want a *TooLargeError 18 bytes over", err)
	}
}

func TestReasons_EachSentinelOnce(t *testing.T) {
	want := []string{"too_large", "malformed", "missing_source", "empty_id", "invalid_utf8",
		"unclean_source", "too_many_alerts", "bad_signature", "unsigned", "replay", "duplicate"}
	if got := wire.Reasons(); !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

// FuzzDecode checks that no datagram panics the decoder and that whatever
// it accepts survives an Encode/Decode round trip unchanged. The seeds in
// testdata/fuzz/FuzzDecode run as part of go test.
func FuzzDecode(f *testing.F) {
	f.Fuzz(func(t *testing.T, b []byte) {
		u, err := wire.Decode(b)
		if err != nil {
			if wire.Reason(err) == "" {
				t.Fatalf("error without a reason: %v", err)
			}
			return
		}
		b2, err := wire.Encode(u)
		if errors.Is(err, wire.ErrTooLarge) {
			return // re-encoding adds the required fields a sender left out
		}
		if err != nil {
			t.Fatalf("Encode of a decoded update: %v", err)
		}
		u2, err := wire.Decode(b2)
		if err != nil {
			t.Fatalf("Decode of a re-encoded update: %v", err)
		}
		if !reflect.DeepEqual(u, u2) {
			t.Fatalf("round trip changed the update:\n%#v\n%#v", u, u2)
		}
	})
}

func typicalUpdate() wire.Update {
	return wire.Update{
		TransmissionID: 1234567890123456789,
		Source:         "web1.example.com",
		Alerts: []wire.Alert{
			{ID: "heartbeat", ClearTime: at(1764000000), RaiseTime: at(1764000600)},
			{ID: "disk-/var", RaiseTime: at(1764000000), Subject: "web1", Summary: "/var is 97% full",
				Detail: "<p>Only <b>1.2 GB</b> left on /var; the log rotation may have failed.</p>"},
		},
		TransmissionTime: at(1764000000),
	}
}

func BenchmarkEncode(b *testing.B) {
	u := typicalUpdate()
	for b.Loop() {
		if _, err := wire.Encode(u); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecode includes the conversion to wire.Update.
func BenchmarkDecode(b *testing.B) {
	data, err := wire.Encode(typicalUpdate())
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := wire.Decode(data); err != nil {
			b.Fatal(err)
		}
	}
}
