package snmp_test

import (
	"flag"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/mauve-alert/mauve/wire"
	"github.com/mauve-alert/mauve/wire/snmp"
)

var update = flag.Bool("update", false, "rewrite the golden files")

var (
	goldenFrom = netip.MustParseAddrPort("127.0.0.1:40000")
	goldenAt   = time.Date(2026, 12, 4, 18, 0, 0, 0, time.UTC)
)

func mustTemplate(t testing.TB, s string) snmp.Template {
	t.Helper()
	tmpl, err := snmp.ParseTemplate(s)
	if err != nil {
		t.Fatal(err)
	}
	return tmpl
}

// goldenConfig is the configuration the captured traps in testdata/traps
// are decoded and mapped with.
func goldenConfig(t testing.TB) *snmp.Config {
	return &snmp.Config{
		Credentials: snmp.Credentials{
			Communities: []string{"public"},
			Users: []snmp.User{{Name: "mauve", AuthProtocol: "SHA", AuthPassphrase: "auth-secret-1",
				PrivProtocol: "AES", PrivPassphrase: "priv-secret-1"}},
		},
		Source: snmp.SourceSysName,
		Rules: []snmp.Rule{
			{OID: "1.3.6.1.4.1.318.0.5", Name: "upsOnBattery", ID: mustTemplate(t, "ups-power"),
				Summary: mustTemplate(t, "UPS {{sysName}} on battery, {{1.3.6.1.4.1.318.1.1.1.2.2.3}} left")},
			{OID: "1.3.6.1.4.1.318.0.9", Name: "powerRestored", ID: mustTemplate(t, "ups-power"), Clear: true},
		},
	}
}

// render writes what became of one datagram, for golden files.
func render(u wire.Update, err error) string {
	if err != nil {
		return fmt.Sprintf("dropped: %s\n", snmp.Reason(err))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "source: %s\n", u.Source)
	for _, a := range u.Alerts {
		fmt.Fprintf(&b, "alert: %s\n", a.ID)
		if !a.RaiseTime.IsZero() {
			fmt.Fprintf(&b, "raise: %s\n", a.RaiseTime.UTC().Format(time.RFC3339))
		}
		if !a.ClearTime.IsZero() {
			fmt.Fprintf(&b, "clear: %s\n", a.ClearTime.UTC().Format(time.RFC3339))
		}
		fmt.Fprintf(&b, "summary: %s\ndetail: %s\n", a.Summary, a.Detail)
	}
	return b.String()
}

func decodeAndMap(t testing.TB, cfg *snmp.Config, b []byte) (wire.Update, error) {
	d, err := snmp.NewDecoder(cfg.Credentials)
	if err != nil {
		t.Fatal(err)
	}
	tr, err := d.Decode(b, goldenFrom)
	if err != nil {
		return wire.Update{}, err
	}
	return cfg.Map(tr, goldenAt)
}

// Traps captured from net-snmp's snmptrap (testdata/traps/*.bin) decode
// and map to the updates in their golden files, or are dropped for the
// reason written there.
func TestGoldenTraps(t *testing.T) {
	files, _ := filepath.Glob("testdata/traps/*.bin")
	if len(files) == 0 {
		t.Fatal("no testdata/traps")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			got := render(decodeAndMap(t, goldenConfig(t), b))
			golden := strings.TrimSuffix(f, ".bin") + ".golden"
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("read golden (run go test -update): %v", err)
			}
			if got != string(want) {
				t.Errorf("got:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}

func TestMap(t *testing.T) {
	agent := netip.MustParseAddr("192.0.2.1")
	linkDown := snmp.Trap{Version: "2c", Agent: agent, OID: "1.3.6.1.6.3.1.1.5.3", Varbinds: []snmp.Varbind{
		{OID: "1.3.6.1.2.1.2.2.1.7.12", Value: "1"}, {OID: "1.3.6.1.2.1.2.2.1.2.12", Value: "eth1"}}}
	vendor := snmp.Trap{Version: "2c", Agent: agent, OID: "1.3.6.1.4.1.9.0.1", Varbinds: []snmp.Varbind{
		{OID: "1.3.6.1.4.1.9.1.1.0", Value: "fan 2"}, {OID: "1.3.6.1.4.1.9.1.2.7", Value: "failed"}}}
	cases := []struct {
		name     string
		cfg      snmp.Config
		trap     snmp.Trap
		source   string
		id       string
		summary  string
		clear    bool
		dropped  string
		inDetail string
	}{
		{name: "linkDown: ifIndex from a column's instance", trap: linkDown,
			source: "192.0.2.1", id: "snmp-link-12", summary: "interface 12 (eth1) on 192.0.2.1 is down",
			inDetail: "<li>1.3.6.1.2.1.2.2.1.2.12 = eth1</li>"},
		{name: "linkUp without any ifIndex", trap: snmp.Trap{Version: "1", Agent: agent, OID: "1.3.6.1.6.3.1.1.5.4"},
			source: "192.0.2.1", id: "snmp-link", summary: "an interface on 192.0.2.1 is up", clear: true},
		{name: "a rule replaces the built-in mapping",
			cfg: snmp.Config{Rules: []snmp.Rule{{OID: "1.3.6.1.6.3.1.1.5.3", ID: mustTemplate(t, "port-{{ifIndex}}"),
				Summary: mustTemplate(t, "{{ifDescr}} down on {{agent}} ({{version}})")}}},
			trap: linkDown, source: "192.0.2.1", id: "port-12", summary: "eth1 down on 192.0.2.1 (2c)"},
		{name: "vendor trap by position and by column", cfg: snmp.Config{Rules: []snmp.Rule{{OID: "1.3.6.1.4.1.9.0.1", Name: "fanFailure",
			ID: mustTemplate(t, "fan-{{1}}"), Summary: mustTemplate(t, "{{name}}: {{1}} {{1.3.6.1.4.1.9.1.2}}{{3}}"),
			Detail: mustTemplate(t, "see <{{oid}}>")}}},
			trap: vendor, source: "192.0.2.1", id: "fan-fan 2", summary: "fanFailure: fan 2 failed", inDetail: "see &lt;1.3.6.1.4.1.9.0.1&gt;"},
		{name: "an id rendered empty falls back to the OID",
			cfg:  snmp.Config{Rules: []snmp.Rule{{OID: "1.3.6.1.4.1.9.0.1", ID: mustTemplate(t, "{{9}}")}}},
			trap: vendor, source: "192.0.2.1", id: "snmp-1.3.6.1.4.1.9.0.1", summary: "trap 1.3.6.1.4.1.9.0.1 from 192.0.2.1"},
		{name: "clear rule", cfg: snmp.Config{Rules: []snmp.Rule{{OID: "1.3.6.1.4.1.9.0.1", Name: "fanOK", Clear: true}}},
			trap: vendor, source: "192.0.2.1", id: "snmp-fanOK", summary: "trap fanOK from 192.0.2.1", clear: true},
		{name: "sysName names the source", cfg: snmp.Config{Source: snmp.SourceSysName},
			trap:   snmp.Trap{Version: "2c", Agent: agent, OID: "1.3.6.1.6.3.1.1.5.1", Varbinds: []snmp.Varbind{{OID: "1.3.6.1.2.1.1.5.0", Value: "core1"}}},
			source: "core1", id: "snmp-coldStart", summary: "192.0.2.1 restarted (coldStart): its configuration may have changed"},
		{name: "an unclean sysName falls back to the agent", cfg: snmp.Config{Source: snmp.SourceSysName},
			trap:   snmp.Trap{Version: "2c", Agent: agent, OID: "1.3.6.1.6.3.1.1.5.5", Varbinds: []snmp.Varbind{{OID: "1.3.6.1.2.1.1.5.0", Value: "<b>core1"}}},
			source: "192.0.2.1", id: "snmp-authenticationFailure", summary: "192.0.2.1 refused an SNMP request that failed authentication (authenticationFailure)",
			inDetail: "= &lt;b&gt;core1"},
		{name: "unmapped", trap: vendor, dropped: snmp.ReasonUnmapped},
		{name: "unmapped, raised", cfg: snmp.Config{RaiseUnmapped: true}, trap: vendor, source: "192.0.2.1",
			id: "snmp-1.3.6.1.4.1.9.0.1", summary: "trap 1.3.6.1.4.1.9.0.1 from 192.0.2.1", inDetail: "<li>1.3.6.1.4.1.9.1.2.7 = failed</li>"},
	}
	at := time.Date(2026, 12, 4, 18, 0, 0, 500, time.UTC)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			u, err := c.cfg.Map(c.trap, at)
			if c.dropped != "" {
				if snmp.Reason(err) != c.dropped || err == nil {
					t.Fatalf("err %v, want dropped for %s", err, c.dropped)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(u.Alerts) != 1 {
				t.Fatalf("update %+v, want one alert", u)
			}
			a := u.Alerts[0]
			if u.Source != c.source || a.ID != c.id || a.Summary != c.summary {
				t.Errorf("got source %q id %q summary %q, want %q %q %q", u.Source, a.ID, a.Summary, c.source, c.id, c.summary)
			}
			want := at.Truncate(time.Second)
			if c.clear && (!a.ClearTime.Equal(want) || !a.RaiseTime.IsZero()) || !c.clear && (!a.RaiseTime.Equal(want) || !a.ClearTime.IsZero()) {
				t.Errorf("raise %v clear %v, want clear=%v at %v", a.RaiseTime, a.ClearTime, c.clear, want)
			}
			if !strings.Contains(a.Detail, c.inDetail) {
				t.Errorf("detail %q lacks %q", a.Detail, c.inDetail)
			}
		})
	}
}

func TestParseTemplateErrors(t *testing.T) {
	for s, want := range map[string]string{
		"{{1.3.6.a}}":  "neither a numeric OID",
		"{{0}}":        "counted from 1",
		"{{Agent}}":    "did you mean {{agent}}?",
		"{{ifIndex":    "without a closing }}",
		"{{1.3..6.1}}": "not a numeric OID",
		"{{}}":         "neither",
	} {
		if _, err := snmp.ParseTemplate(s); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseTemplate(%q): %v, want %q", s, err, want)
		}
	}
	if _, err := snmp.ParseTemplate("{{ .1.3.6.1.2.1.1.5.0 }} and {{2}} {single}"); err != nil {
		t.Errorf("a good template: %v", err)
	}
}

// FuzzDecode: no datagram panics the decoder or the mapping, and whatever
// is accepted is an update the store can take as it takes a datagram's.
func FuzzDecode(f *testing.F) {
	files, _ := filepath.Glob("testdata/traps/*.bin")
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	cfg := goldenConfig(f)
	d, err := snmp.NewDecoder(cfg.Credentials)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		tr, err := d.Decode(b, goldenFrom)
		if err != nil {
			if !strings.Contains(strings.Join(snmp.Reasons, " "), snmp.Reason(err)) {
				t.Fatalf("unknown reason %q", snmp.Reason(err))
			}
			return
		}
		u, err := cfg.Map(tr, goldenAt)
		if err != nil {
			return
		}
		if err := wire.CheckSource(0, u.Source); err != nil {
			t.Fatalf("accepted source: %v", err)
		}
		for _, a := range u.Alerts {
			if a.ID == "" || !utf8.ValidString(a.ID) || !utf8.ValidString(a.Summary) || !utf8.ValidString(a.Detail) {
				t.Fatalf("accepted alert %+v", a)
			}
		}
	})
}
