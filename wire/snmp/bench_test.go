package snmp_test

import (
	"os"
	"testing"

	"github.com/mauve-alert/mauve/wire/snmp"
)

// BenchmarkDecodeMap: one captured trap checked, decoded and mapped, as
// the listener does per datagram.
func BenchmarkDecodeMap(b *testing.B) {
	for _, name := range []string{"v2c-linkup", "v3-ups"} {
		b.Run(name, func(b *testing.B) {
			raw, err := os.ReadFile("testdata/traps/" + name + ".bin")
			if err != nil {
				b.Fatal(err)
			}
			cfg := goldenConfig(b)
			d, err := snmp.NewDecoder(cfg.Credentials)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				t, err := d.Decode(raw, goldenFrom)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := cfg.Map(t, goldenAt); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
