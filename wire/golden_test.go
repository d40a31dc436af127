package wire_test

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/mauve-alert/mauve/wire"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func at(s int64) time.Time { return time.Unix(s, 0).UTC() }

// goldenUpdates are the updates whose encodings are committed under
// testdata as NAME.bin, with their text form as NAME.txt.
func goldenUpdates(t testing.TB) []struct {
	name string
	u    wire.Update
} {
	signed, err := wire.Sign(wire.Update{
		TransmissionID:   42,
		Source:           "db1.example.com",
		Alerts:           []wire.Alert{{ID: "backup", RaiseTime: at(1764000000), Summary: "backup failed"}},
		TransmissionTime: at(1764000000),
	}, []byte("correct horse battery staple"))
	if err != nil {
		t.Fatal(err)
	}
	return []struct {
		name string
		u    wire.Update
	}{
		{"heartbeat", wire.Update{
			TransmissionID: 1234567890123456789,
			Source:         "web1.example.com",
			Alerts: []wire.Alert{{
				ID: "heartbeat", ClearTime: at(1764000000), RaiseTime: at(1764000600),
				Summary: "heartbeat from web1 is late",
			}},
			TransmissionTime: at(1764000000),
		}},
		{"replace-empty", wire.Update{TransmissionID: 7, Source: "cron", Replace: true}},
		{"full", wire.Update{
			TransmissionID: 18446744073709551615,
			Source:         "nagios",
			Replace:        true,
			Alerts: []wire.Alert{
				{
					ID: "disk-/var", RaiseTime: at(1764000000), Subject: "files1",
					Summary: "/var is 97% full", Detail: "<p>Only <b>1.2 GB</b> left\non \"/var\"</p>",
					Importance: 2, SuppressUntil: at(1764003600),
				},
				{ID: "load", ClearTime: at(1764000001), Subject: "files1"},
			},
			TransmissionTime: at(1764000002),
		}},
		{"unicode", wire.Update{
			TransmissionID: 99, Source: "bücher.example",
			Alerts: []wire.Alert{{ID: "température", Summary: "été ☀ 40°C", Detail: "tab\there\r\n"}},
		}},
		{"signed", signed},
	}
}

func TestGolden_Encode(t *testing.T) {
	for _, tc := range goldenUpdates(t) {
		t.Run(tc.name, func(t *testing.T) {
			b, err := wire.Encode(tc.u)
			if err != nil {
				t.Fatalf("Encode: %v", err)
			}
			checkGolden(t, tc.name+".bin", b)
			checkGolden(t, tc.name+".txt", []byte(wire.Text(tc.u)))
			if *update {
				seed := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", b)
				writeFile(t, filepath.Join("testdata", "fuzz", "FuzzDecode", "golden-"+tc.name), []byte(seed))
			}
		})
	}
}

func TestGolden_Decode(t *testing.T) {
	for _, tc := range goldenUpdates(t) {
		t.Run(tc.name, func(t *testing.T) {
			got, err := wire.Decode(readFile(t, tc.name+".bin"))
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if !reflect.DeepEqual(got, tc.u) {
				t.Errorf("Decode:\ngot  %#v\nwant %#v", got, tc.u)
			}
		})
	}
}

// TestGolden_ProtocDecode has protoc, an independent protobuf
// implementation, decode our bytes with the classic schema.
func TestGolden_ProtocDecode(t *testing.T) {
	for _, tc := range goldenUpdates(t) {
		t.Run(tc.name, func(t *testing.T) {
			got := protoc(t, "--decode=classic.AlertUpdate", readFile(t, tc.name+".bin"))
			if want := readFile(t, tc.name+".txt"); !bytes.Equal(got, want) {
				t.Errorf("protoc --decode %s.bin:\ngot\n%s\nwant\n%s", tc.name, got, want)
			}
		})
	}
}

// TestGolden_ProtocEncode has protoc encode the text form with the classic
// schema and checks we produce the same bytes and decode them back.
func TestGolden_ProtocEncode(t *testing.T) {
	for _, tc := range goldenUpdates(t) {
		t.Run(tc.name, func(t *testing.T) {
			b := protoc(t, "--encode=classic.AlertUpdate", readFile(t, tc.name+".txt"))
			ours, err := wire.Encode(tc.u)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(b, ours) {
				t.Errorf("protoc --encode %s.txt:\ngot  %x\nwant %x", tc.name, b, ours)
			}
			u, err := wire.Decode(b)
			if err != nil {
				t.Fatalf("Decode(protoc's bytes): %v", err)
			}
			if !reflect.DeepEqual(u, tc.u) {
				t.Errorf("Decode(protoc's bytes):\ngot  %#v\nwant %#v", u, tc.u)
			}
		})
	}
}

// protoc runs protoc with the classic schema; a missing protoc fails.
func protoc(t *testing.T, mode string, stdin []byte) []byte {
	t.Helper()
	path, err := exec.LookPath("protoc")
	if err != nil {
		t.Fatalf("protoc is needed to cross-check the golden datagrams (apt-get install protobuf-compiler): %v", err)
	}
	cmd := exec.Command(path, "--proto_path=testdata", mode, "classic.proto")
	cmd.Stdin = bytes.NewReader(stdin)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("protoc %s: %v\n%s", mode, err, stderr.String())
	}
	return out
}

func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		writeFile(t, path, got)
		return
	}
	want := readFile(t, name)
	if !bytes.Equal(got, want) {
		writeFile(t, path+".actual", got)
		t.Errorf("%s differs from the golden file (wrote %s.actual; rerun with -update if intended):\ngot  %q\nwant %q",
			path, path, got, want)
	}
}

func readFile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func writeFile(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}
