package policy

import "time"

// SenderKey returns the secret that source must sign its updates with:
// that of the first sender_key whose sources globs match it. required is
// false when no sender_key names the source (unsigned updates accepted).
func (p *Policy) SenderKey(source string) (key []byte, required bool) {
	for _, k := range p.SenderKeys {
		for _, g := range k.Sources {
			if globMatch(g, source) {
				return k.Secret, true
			}
		}
	}
	return nil, false
}

// PersonByUnixUser returns the person whose unix_user is name (by default
// a person's own name), or nil.
func (p *Policy) PersonByUnixUser(name string) *Person {
	for _, n := range sortedKeys(p.People) {
		if ps := p.People[n]; ps.UnixUser == name {
			return ps
		}
	}
	return nil
}

// IsAway reports whether a person is away (on holiday or off sick) at t,
// by the calendar of their own time zone.
func (ps *Person) IsAway(t time.Time) bool {
	if len(ps.Away) == 0 {
		return false
	}
	loc := ps.Location
	if loc == nil {
		loc = time.UTC
	}
	day := dateOf(t.In(loc))
	for _, r := range ps.Away {
		if r.Contains(day) {
			return true
		}
	}
	return false
}
