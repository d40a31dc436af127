package commands

import (
	"io"
	"os"
	"runtime/debug"
	"time"

	"github.com/mauve-alert/mauve/wire"
)

// Env is everything a command takes from its process: standard streams,
// environment, clock, host name and build information. main builds it with
// OSEnv; tests build their own.
type Env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// Getenv reads an environment variable; it returns "" when unset.
	Getenv func(string) string
	// Hostname is the default source of `mauve send`.
	Hostname func() (string, error)
	// Now is the clock.
	Now func() time.Time
	// Build says which mauve this is.
	Build BuildInfo
	// Resolver looks up destinations for `mauve send`; nil: the system's.
	Resolver wire.Resolver
	// DestinationFile lists default destinations for `mauve send`; empty:
	// wire.DefaultDestinationFile.
	DestinationFile string
}

// OSEnv returns the Env of this process.
func OSEnv(build BuildInfo) *Env {
	return &Env{
		Stdin:    os.Stdin,
		Stdout:   os.Stdout,
		Stderr:   os.Stderr,
		Getenv:   os.Getenv,
		Hostname: os.Hostname,
		Now:      time.Now,
		Build:    build,
	}
}

// BuildInfo identifies a mauve binary.
type BuildInfo struct {
	Version string // release version, or the module version, or "devel"
	Commit  string // VCS revision, or "unknown"
	Date    string // build or commit date (RFC 3339), or "unknown"
}

// ReadBuildInfo returns the build information: the given values (set with
// -ldflags -X at release builds) where non-empty, else what the Go
// toolchain recorded in the binary.
func ReadBuildInfo(version, commit, date string) BuildInfo {
	b := BuildInfo{Version: version, Commit: commit, Date: date}
	if info, ok := debug.ReadBuildInfo(); ok {
		if b.Version == "" && info.Main.Version != "" && info.Main.Version != "(devel)" {
			b.Version = info.Main.Version
		}
		for _, s := range info.Settings {
			switch {
			case s.Key == "vcs.revision" && b.Commit == "":
				b.Commit = s.Value
			case s.Key == "vcs.time" && b.Date == "":
				b.Date = s.Value
			case s.Key == "vcs.modified" && s.Value == "true" && b.Commit != "" && commit == "":
				b.Commit += "-dirty"
			}
		}
	}
	if b.Version == "" {
		b.Version = "devel"
	}
	if b.Commit == "" {
		b.Commit = "unknown"
	}
	if b.Date == "" {
		b.Date = "unknown"
	}
	return b
}
