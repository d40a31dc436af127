package prosodytest

import (
	"strings"
)

// Sessions counts, from prosody's log, the client sessions that
// authenticated as user@localhost: how many are still open and how many
// have ended.
func (s *Server) Sessions(user string) (open, closed int) {
	want := "Authenticated as " + user + "@" + Domain
	authed := map[string]bool{} // session id → still open
	for _, line := range strings.Split(s.Log(), "\n") {
		// "Nov 25 22:33:11 c2s55d1ea53f190\tinfo\tAuthenticated as mauve@localhost"
		fields := strings.SplitN(line, "\t", 3)
		if len(fields) != 3 {
			continue
		}
		head := strings.Fields(fields[0])
		if len(head) == 0 {
			continue
		}
		id, msg := head[len(head)-1], fields[2]
		switch {
		case strings.HasPrefix(msg, want) && (len(msg) == len(want) || msg[len(want)] == '/'):
			authed[id] = true
		case strings.HasPrefix(msg, "Client disconnected"):
			if _, ok := authed[id]; ok {
				authed[id] = false
			}
		}
	}
	for _, isOpen := range authed {
		if isOpen {
			open++
		} else {
			closed++
		}
	}
	return open, closed
}
