package policy

// Policy is a loaded configuration: the station settings, the channels and
// the people and groups that decide who is told. It is immutable once
// loaded; a reload builds a new one.
type Policy struct {
	Filename   string // "" for the embedded defaults
	Station    Station
	SenderKeys []SenderKey
	Email      *Email              // nil: no email block
	SMS        map[string]*SMS     // by name
	XMPP       *XMPP               // nil: no xmpp block
	Webhooks   map[string]*Webhook // by name
	Execs      map[string]*Exec    // by name
	People     map[string]*Person  // by name
	// Remaining fields (people lists, subject lists, groups, compiled
	// expressions) belong to the policy's owner.
}
