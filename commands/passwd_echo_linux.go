//go:build linux

package commands

import "golang.org/x/sys/unix"

// echoOff turns the terminal's echo off until restore is called, so that
// nothing typed before a prompt appears (a script answering fast, or
// someone typing ahead) is shown. term.ReadPassword turns it off only once
// the prompt is out.
func echoOff(fd int) (restore func(), err error) {
	t, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	if err != nil {
		return nil, err
	}
	old := *t
	t.Lflag &^= unix.ECHO
	if err := unix.IoctlSetTermios(fd, unix.TCSETS, t); err != nil {
		return nil, err
	}
	return func() { _ = unix.IoctlSetTermios(fd, unix.TCSETS, &old) }, nil
}
