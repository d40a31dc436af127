package commands

import "testing"

// A wrong command line names the command, what is wrong and what would be
// right, without cobra's "accepts 1 arg(s), received 0", Go's "time: "
// or a doubled "mauve: mauve".
func TestArgs_Messages(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"serve", "--bogus"}, "mauve: serve: unknown flag: --bogus (see mauve serve -h)\n"},
		{[]string{"--bogus"}, "mauve: unknown flag: --bogus (see mauve -h)\n"},
		{[]string{"serve", "extra"}, "mauve: serve takes no arguments, got \"extra\" (see mauve serve -h)\n"},
		{[]string{"token", "create", "x"}, "mauve: token create takes no arguments, got \"x\" (see mauve token create -h)\n"},
		{[]string{"ack", "--for"}, "mauve: ack: flag needs an argument: --for (see mauve ack -h)\n"},
		{[]string{"client", "--retry", "5"}, "mauve: client: invalid argument \"5\" for \"--retry\" flag: \"5\" is not a duration: write a number and a unit with no space, like \"15m\", \"1.5h\", \"2d\" or \"1h30m\" (units s, m, h, d, w) (see mauve client -h)\n"},
		{[]string{"man"}, "mauve: man: name a directory, as in: mauve man /usr/local/share/man/man1\n"},
		{[]string{"completion", "tcsh"}, "mauve: completion: no \"tcsh\" (want bash, zsh or fish)\n"},
		{[]string{"completion"}, "mauve: completion: name one of bash, zsh or fish\n"},
		{[]string{"token", "bogus"}, "mauve: token: no command \"bogus\" (want create, list or revoke)\n"},
		{[]string{"bogus"}, "mauve: no command \"bogus\" (want ack, clear, client, completion, config, man, passwd, rota, send, serve, token, unack or version)\n"},
		{[]string{"serv"}, "mauve: no command \"serv\"; did you mean send or serve?\n"},
		{[]string{"config", "chek"}, "mauve: config: no command \"chek\"; did you mean check?\n"},
		{[]string{"config", "bogus"}, "mauve: config: no command \"bogus\" (want check or show)\n"},
		{[]string{"config", "show", "a", "b"}, "mauve: config show: got 2 arguments (a b), want one, a config file, as in: mauve config show /etc/mauve/mauve.hcl\n"},
	}
	for _, tc := range tests {
		code, _, errOut := runMauve(t, "", nil, tc.args...)
		if code != 1 || errOut != tc.want {
			t.Errorf("%v: got %d, %q; want 1, %q", tc.args, code, errOut, tc.want)
		}
	}
	// A command that only groups others shows its help, and succeeds.
	if code, out, errOut := runMauve(t, "", nil, "token"); code != 0 || errOut != "" || out == "" {
		t.Errorf("token alone: got %d, %q, %q; want its help", code, out, errOut)
	}
}
