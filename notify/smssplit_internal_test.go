package notify

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSMSLength(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		units int
		enc   smsEncoding
	}{
		{"ascii", "disk full", 9, gsm7},
		{"gsm accents", "café à Zürich", 13, gsm7},
		{"extension chars cost two", "a{b}c€", 9, gsm7},
		{"greek capitals are gsm", "ΔΦΓ", 3, gsm7},
		{"one non-gsm char makes ucs2", "disk ½ full", 11, ucs2},
		{"cjk", "磁盘已满", 4, ucs2},
		{"emoji is a surrogate pair", "fire 🔥", 7, ucs2},
		{"extension chars cost one in ucs2", "€ ½", 3, ucs2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			units, enc := smsLength(tt.in)
			if units != tt.units || enc != tt.enc {
				t.Errorf("smsLength(%q) = %d, %v; want %d, %v", tt.in, units, enc, tt.units, tt.enc)
			}
		})
	}
}

// TestGSMSeptets holds the fast path to the GSM 03.38 tables.
func TestGSMSeptets(t *testing.T) {
	for _, r := range gsmBasic {
		if got := gsmSeptets(r); got != 1 {
			t.Errorf("gsmSeptets(%q) = %d, want 1 (default alphabet)", r, got)
		}
	}
	for _, r := range gsmExtension {
		if got := gsmSeptets(r); got != 2 {
			t.Errorf("gsmSeptets(%q) = %d, want 2 (extension table)", r, got)
		}
	}
	for r := rune(0); r < 0x3000; r++ {
		if strings.ContainsRune(gsmBasic, r) || strings.ContainsRune(gsmExtension, r) {
			continue
		}
		if got := gsmSeptets(r); got != 0 {
			t.Errorf("gsmSeptets(%q) = %d, want 0 (not in GSM-7)", r, got)
		}
	}
}

func TestSplitSMS(t *testing.T) {
	tests := []struct {
		name      string
		in        string
		wantParts int
	}{
		{"empty", "", 1},
		{"160 gsm fit one", strings.Repeat("a", 160), 1},
		{"161 gsm need two", strings.Repeat("a", 161), 2},
		{"306 gsm fit two parts of 153", strings.Repeat("a", 306), 2},
		{"307 gsm need three", strings.Repeat("a", 307), 3},
		{"80 euro signs are 160 septets", strings.Repeat("€", 80), 1},
		{"81 euro signs need two", strings.Repeat("€", 81), 2},
		{"70 ucs2 fit one", strings.Repeat("½", 70), 1},
		{"71 ucs2 need two", strings.Repeat("½", 71), 2},
		{"134 ucs2 fit two parts of 67", strings.Repeat("½", 134), 2},
		{"35 emoji fit one", strings.Repeat("🔥", 35), 1},
		{"36 emoji need two", strings.Repeat("🔥", 36), 2}, // 33 per part, pairs never cut
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			parts := splitSMS(tt.in)
			if len(parts) != tt.wantParts {
				t.Fatalf("splitSMS gave %d parts, want %d: %q", len(parts), tt.wantParts, parts)
			}
			checkParts(t, tt.in, parts)
		})
	}
}

// checkParts checks that every part fits its encoding's limit and that the
// parts hold the whole text, in order, losing at most the spaces at which
// they were cut.
func checkParts(t *testing.T, in string, parts []string) {
	t.Helper()
	_, enc := smsLength(in)
	limit := gsmPart
	if enc == ucs2 {
		limit = ucs2Part
	}
	if len(parts) == 1 {
		limit = gsmSingle
		if enc == ucs2 {
			limit = ucs2Single
		}
	}
	for i, p := range parts {
		units := 0
		for _, r := range p {
			units += smsUnits(r, enc)
		}
		if units > limit {
			t.Errorf("part %d is %d units, want at most %d", i+1, units, limit)
		}
		if !utf8.ValidString(p) {
			t.Errorf("part %d is not valid UTF-8: a rune was cut", i+1)
		}
	}
	squash := func(s string) string { return strings.ReplaceAll(s, " ", "") }
	if got, want := squash(strings.Join(parts, "")), squash(in); got != want {
		t.Errorf("parts joined = %q, want %q", got, want)
	}
}

func TestSplitSMSKeepsWordsWhole(t *testing.T) {
	words := strings.Repeat("alpha beta gamma delta ", 10) // 230 septets
	parts := splitSMS(words)
	if len(parts) != 2 {
		t.Fatalf("got %d parts, want 2", len(parts))
	}
	for i, p := range parts {
		for _, w := range strings.Fields(p) {
			switch w {
			case "alpha", "beta", "gamma", "delta":
			default:
				t.Errorf("part %d has a cut word %q", i+1, w)
			}
		}
	}
}

func TestFitSMS(t *testing.T) {
	note := "further alerts suppressed until things calm down"
	long := "core1: RAISED (urgent): " + strings.Repeat("the link flaps again ", 40)
	tests := []struct {
		name      string
		text      string
		note      string
		max       int
		wantParts int
		wantEnd   string
	}{
		{"short fits with note", "disk full.", note, 3, 1, "disk full. " + note},
		{"long cut to max keeps note", long, note, 3, 3, "... " + note},
		{"long cut to one part", long, note, 1, 1, "... " + note},
		{"long without note", long, "", 2, 2, "..."},
		{"no limit below one", long, "", 0, 1, "..."},
		{"note alone too long is cut", "x", strings.Repeat("n", 400), 2, 2, strings.Repeat("n", 10)},
		{"ucs2 text cut", strings.Repeat("磁盘已满 ", 60), "", 2, 2, "..."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			parts := fitSMS(tt.text, tt.note, tt.max)
			if len(parts) != tt.wantParts {
				t.Fatalf("got %d parts, want %d: %q", len(parts), tt.wantParts, parts)
			}
			last := parts[len(parts)-1]
			if !strings.HasSuffix(last, tt.wantEnd) {
				t.Errorf("last part = %q, want it to end %q", last, tt.wantEnd)
			}
			checkParts(t, strings.Join(parts, " "), parts)
		})
	}
}

func FuzzSplitSMS(f *testing.F) {
	for _, s := range []string{"", "a", strings.Repeat("a ", 100), strings.Repeat("€{", 90), strings.Repeat("🔥 x", 40), "磁盘已满"} {
		f.Add(s, 3)
	}
	f.Fuzz(func(t *testing.T, s string, max int) {
		if !utf8.ValidString(s) || len(s) > 4000 {
			return
		}
		checkParts(t, s, splitSMS(s))
		max = max%6 + 1
		if max < 1 {
			max = -max + 1
		}
		if parts := fitSMS(s, "note", max); len(parts) > max {
			t.Errorf("fitSMS gave %d parts, want at most %d", len(parts), max)
		}
	})
}

func BenchmarkFitSMS(b *testing.B) {
	text := "link-eth0: RAISED (urgent): 5 minutes ago: core1.example.com " + strings.Repeat("the link to edge2 flaps again ", 20) +
		"-- from core-router. https://alerts1.example.com/alerts/core-router/link-eth0"
	for _, bc := range []struct{ name, text string }{
		{"gsm7", text},
		{"ucs2", "磁盘已满 " + text},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				fitSMS(bc.text, "further alerts suppressed until things calm down", 3)
			}
		})
	}
}
