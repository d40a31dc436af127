//go:build unix

package notify

import (
	"os/exec"
	"syscall"
)

// inProcessGroup starts cmd in a process group of its own, and makes the
// kill at its context's end take the whole group: a shell script's
// children die with it instead of running on unwatched.
func inProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error {
		return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
}
