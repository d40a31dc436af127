package policy

import (
	"regexp"
	"time"
)

// The embedded defaults, used when there is no config file and for every
// setting a file leaves out.
const (
	DefaultUDP                = "[::]:32741"
	DefaultHTTP               = "127.0.0.1:1288"
	DefaultDatabase           = "./mauve.db"
	DefaultDuplicateWindow    = 5 * time.Minute
	DefaultInitialSleep       = 5 * time.Minute
	DefaultExpireCleared      = 30 * 24 * time.Hour
	DefaultAcknowledgement    = time.Hour
	DefaultMaxAcknowledgement = 188 * time.Hour // classic: long enough for working hours over a weekend
)

// The limit of a person without suppress_after: classic's 5 notifications
// in 10 minutes.
const (
	DefaultSuppressPeriod = 10 * time.Minute
	DefaultSuppressCount  = 5
)

// Default returns the embedded policy: a station named "localhost" on the
// default addresses, one person "local" told through the log at every
// level, and one group "default" that tells them every hour.
func Default() *Policy { return DefaultFor("localhost") }

// DefaultFor is Default with the station named host ("" = "localhost").
func DefaultFor(host string) *Policy {
	if host == "" {
		host = "localhost"
	}
	local := &Person{
		Name:     "local",
		UnixUser: "local",
		Location: time.Local,
		Channels: map[Level][]string{Urgent: {"log"}, Normal: {"log"}, Low: {"log"}},
	}
	p := &Policy{
		Station: Station{
			Name:               host,
			Database:           DefaultDatabase,
			Location:           time.Local,
			URL:                "http://" + DefaultHTTP,
			ListenUDP:          []string{DefaultUDP},
			ListenHTTP:         DefaultHTTP,
			DuplicateWindow:    DefaultDuplicateWindow,
			MaxAcknowledgement: DefaultMaxAcknowledgement,
			InitialSleep:       DefaultInitialSleep,
			ExpireCleared:      DefaultExpireCleared,
			WorkingHours:       []ClockRange{{From: 9*60 + 30, To: 17*60 + 30}},
			DaytimeHours:       []ClockRange{{From: 8 * 60, To: 22 * 60}},
			DeadZone:           []ClockRange{{From: 3 * 60, To: 7 * 60}},
		},
		SMS:      map[string]*SMS{},
		Webhooks: map[string]*Webhook{},
		Execs:    map[string]*Exec{},
		People:   map[string]*Person{"local": local},
		Lists:    map[string]*PeopleList{},
		Subjects: map[string]*SubjectList{},
		Groups: []*Group{{
			Name:                "default",
			Level:               Normal,
			AcknowledgementTime: DefaultAcknowledgement,
			Notify:              []*NotifyBlock{{Target: "local", People: []string{"local"}, Every: time.Hour}},
		}},
		regexps:       map[string]*regexp.Regexp{},
		nameDefaulted: true,
	}
	p.includesFuncs = p.newIncludesFuncs()
	return p
}
