package notify_test

import (
	"io"
	"log/slog"
	"testing"

	"github.com/mauve-alert/mauve/notify"
	"github.com/mauve-alert/mauve/policy"
)

// A channel that cannot be built is named once, by its own block (not
// `channel "sms.twilio": sms "twilio": twilio ...`).
func TestNewChannels_ErrorsNameTheBlockOnce(t *testing.T) {
	src := `
sms "twilio" {
  provider = "twilio"
  account  = "AC0123456789abcdef0123456789abcdef"
  token    = env("MAUVE_NOPE")
  from     = "+441234567890"
}
person "p" {
  all = [sms.twilio]
  sms = "+447111222333"
}
`
	p, diags := policy.ParseFiles([]byte(src), "m.hcl", func(string) string { return "" }, nil)
	if diags.HasErrors() {
		t.Fatal(policy.FormatDiagnostics(diags))
	}
	_, err := notify.NewChannels(p, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if want := `sms "twilio": twilio needs token`; err == nil || err.Error() != want {
		t.Errorf("got %v, want %q", err, want)
	}
}
