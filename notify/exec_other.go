//go:build !unix

package notify

import "os/exec"

// inProcessGroup leaves cmd as it is where process groups do not exist;
// the context's end kills the program alone.
func inProcessGroup(cmd *exec.Cmd) {}
