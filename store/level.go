package store

// Level is how loudly an alert speaks, as the policy decided from its
// group: urgent, normal or low.
type Level string

// The levels.
const (
	LevelUrgent Level = "urgent"
	LevelNormal Level = "normal"
	LevelLow    Level = "low"
)

// Levels returns the levels, most urgent first.
func Levels() []Level { return []Level{LevelUrgent, LevelNormal, LevelLow} }

// Rank orders levels, the one order every list and comparison uses: 0
// for urgent, 1 for normal, 2 for low, and 3 for anything else (an alert
// no policy has placed yet), which sorts last.
func (l Level) Rank() int {
	switch l {
	case LevelUrgent:
		return 0
	case LevelNormal:
		return 1
	case LevelLow:
		return 2
	}
	return 3
}

// Valid reports whether l is one of the levels.
func (l Level) Valid() bool { return l.Rank() < 3 }

// MoreUrgent reports whether l is more urgent than m.
func (l Level) MoreUrgent(m Level) bool { return l.Rank() < m.Rank() }
