package policy

import (
	"time"

	"github.com/hashicorp/hcl/v2"
)

// decodeRaiseAfter decodes raise_after = "5m": nobody is told of a raise
// until the alert has stayed raised that long. The raise is recorded at
// once, as every raise is.
func (l *loader) decodeRaiseAfter(as hcl.Attributes, g *Group) {
	if l.duration(as, "raise_after", &g.RaiseAfter) && g.RaiseAfter < 0 {
		l.diags = append(l.diags, errorAt(as["raise_after"].Expr.Range(), "Invalid duration", "raise_after must not be negative"))
	}
}

// raisePending returns when a fresh raise of a group with raise_after may
// first be told; zero once it may (or nobody was to wait).
func raisePending(g *Group, told []string, raisedAt, now time.Time) time.Time {
	if g.RaiseAfter <= 0 || len(told) > 0 || raisedAt.IsZero() {
		return time.Time{}
	}
	if at := raisedAt.Add(g.RaiseAfter); at.After(now) {
		return at
	}
	return time.Time{}
}
