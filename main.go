// Command mauve is the alert station and its tools in one binary; see
// package commands. Linked as mauvesend, mauveserver or mauveclient it runs
// that command.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
	_ "time/tzdata" // policies name time zones; scratch images have no zoneinfo

	"github.com/mauve-alert/mauve/commands"
)

// Set at release builds with -ldflags "-X main.version=... -X main.commit=...
// -X main.date=..."; empty means "ask the Go toolchain's build info".
var version, commit, date string

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := commands.Main(ctx, os.Args, commands.OSEnv(commands.ReadBuildInfo(version, commit, date)))
	stop()
	os.Exit(code)
}
