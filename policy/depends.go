package policy

import (
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"

	"github.com/mauve-alert/mauve/store"
)

// holdRecheck is how soon a held alert looks again at its parents: a
// child still raised when its parent clears is told within this long,
// without the store having to fan a parent's clear out to its children.
const holdRecheck = time.Minute

// decodeDependsOn decodes depends_on = ["core-router/ping", ...]: the
// alerts (SOURCE/ID) whose raise holds this group's alerts.
func (l *loader) decodeDependsOn(as hcl.Attributes, g *Group) {
	var refs []string
	if !l.strList(as, "depends_on", &refs) {
		return
	}
	a := as["depends_on"]
	g.DependsOnRange = a.Expr.Range()
	for _, ref := range refs {
		source, id, ok := strings.Cut(ref, "/")
		if !ok || source == "" || id == "" {
			l.diags = append(l.diags, errorAt(a.Expr.Range(), "Invalid alert reference",
				"depends_on entry %q must name an alert as SOURCE/ID, like \"core-router/ping\"", ref))
			continue
		}
		g.DependsOn = append(g.DependsOn, store.Key{Source: source, ID: id})
	}
}

// checkDependencies refuses a loop among the parents: parent p depends on
// q when the group p falls in (by its source and id) names q. Two alerts
// holding each other would never be told.
func (l *loader) checkDependencies() {
	groupOf := map[store.Key]*Group{}
	var parents []store.Key
	for _, g := range l.p.Groups {
		for _, k := range g.DependsOn {
			if _, ok := groupOf[k]; !ok {
				groupOf[k] = l.p.groupOf(l.p.newEvalEnv(store.Alert{Source: k.Source, ID: k.ID, Subject: k.Source}))
				parents = append(parents, k)
			}
		}
	}
	const (
		unseen = iota
		visiting
		done
	)
	state := map[store.Key]int{}
	var path []store.Key
	var visit func(k store.Key) bool
	visit = func(k store.Key) bool {
		switch state[k] {
		case visiting:
			i := len(path) - 1
			for i > 0 && path[i] != k {
				i--
			}
			names := make([]string, 0, len(path)-i+1)
			for _, p := range path[i:] {
				names = append(names, p.String())
			}
			names = append(names, k.String())
			g := groupOf[path[len(path)-1]]
			l.diags = append(l.diags, errorAt(g.DependsOnRange, "Dependency loop",
				"depends_on makes a loop: %s; an alert in a loop would hold itself and nobody would be told", strings.Join(names, " -> ")))
			return false
		case done:
			return true
		}
		state[k] = visiting
		path = append(path, k)
		if g := groupOf[k]; g != nil {
			for _, q := range g.DependsOn {
				if q == k {
					continue // an alert never holds itself
				}
				if _, ok := groupOf[q]; ok && !visit(q) {
					return false
				}
			}
		}
		path = path[:len(path)-1]
		state[k] = done
		return true
	}
	for _, k := range parents {
		if !visit(k) {
			return
		}
	}
}

// heldBy returns the first of the group's parents that is raised now,
// other than the alert itself; "" when nothing holds it.
func heldBy(g *Group, c store.Change) string {
	if c.Raised == nil {
		return ""
	}
	self := c.After.Key()
	for _, k := range g.DependsOn {
		if k != self && c.Raised(k) {
			return k.String()
		}
	}
	return ""
}

// quietReminders has every block of g look again at at: a held or
// maintained alert is told as soon as nothing quiets it any more.
func quietReminders(g *Group, at time.Time) []store.Reminder {
	rs := make([]store.Reminder, len(g.Notify))
	for i := range g.Notify {
		rs[i] = store.Reminder{Block: i, At: at}
	}
	return rs
}
