package notify

// QueuedEmails is how many messages wait for a carrier on e, so tests can
// line messages up for one trip.
func QueuedEmails(e *Email) int {
	e.mu.Lock()
	defer e.mu.Unlock()
	n := 0
	for _, p := range e.queue {
		if !p.gone {
			n++
		}
	}
	return n
}
