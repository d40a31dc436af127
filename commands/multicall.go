package commands

import (
	"path/filepath"
	"strings"
)

// multicall maps the names the binary may be linked as to the command each
// runs: a read-only table.
var multicall = map[string]string{
	"mauvesend":   "send",
	"mauveserver": "serve",
	"mauveclient": "client",
}

// Invocation returns the arguments for the mauve root command given the
// process's argv: argv without argv[0], with the command a link name stands
// for put in front (`mauvesend -i x` → `send -i x`). The link name itself
// is the information, so symlinks are not resolved; an unknown name runs
// the root as is.
func Invocation(argv []string) []string {
	if len(argv) == 0 {
		return nil
	}
	args := argv[1:]
	name := strings.TrimSuffix(filepath.Base(argv[0]), ".exe")
	if cmd, ok := multicall[name]; ok {
		return append([]string{cmd}, args...)
	}
	return args
}
