package policy

import (
	"time"

	"github.com/hashicorp/hcl/v2"

	"github.com/mauve-alert/mauve/store"
	"github.com/mauve-alert/mauve/wire/snmp"
)

// Level is how loudly an alert group speaks: the store's Level, which
// holds the one order of levels.
type Level = store.Level

// The levels, most urgent first.
const (
	Urgent = store.LevelUrgent
	Normal = store.LevelNormal
	Low    = store.LevelLow
)

// Station is the station block.
type Station struct {
	Name               string
	Database           string
	Location           *time.Location
	URL                string // base of links in notifications, no trailing slash
	ListenUDP          []string
	ListenHTTP         string
	ListenSocket       string
	DuplicateWindow    time.Duration
	MaxAcknowledgement time.Duration
	InitialSleep       time.Duration
	ExpireCleared      time.Duration
	WorkingHours       []ClockRange
	DaytimeHours       []ClockRange
	DeadZone           []ClockRange
	Holidays           []Date
	TrustedHeader      string // header naming an already-authenticated person; "" = off
	Heartbeat          *Heartbeat
	// ClientHold (client_hold) is how long an urgent alert shown on a
	// person's live `mauve client` may stay unacknowledged before their
	// email/SMS/XMPP is used anyway; 0 means the default, 5 minutes.
	ClientHold time.Duration
	// MaxAlertsPerUpdate (max_alerts_per_update) is the most alerts one
	// update may hold; larger updates are refused before they are
	// decoded. 0 means the default, 1000.
	MaxAlertsPerUpdate int
	// ListenSNMP (listen.snmp) is where SNMP traps are received; "" = off.
	ListenSNMP string
	// SNMP is the snmp block: trap credentials and rules; nil = none.
	SNMP *snmp.Config
}

// ClockRange is a range of wall-clock minutes within a day, [From, To).
type ClockRange struct{ From, To int } // minutes since midnight

// Date is a calendar day.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// Heartbeat is the station's own heartbeat to other stations.
type Heartbeat struct {
	Destination []string
	Every       time.Duration
	RaiseAfter  time.Duration
	Summary     string
	Detail      string
}

// SenderKey is a shared secret that sources matching Sources must sign with.
type SenderKey struct {
	Name    string
	Secret  []byte
	Sources []string // globs
}

// Email is the email block.
type Email struct {
	From          string
	Server        string // host:port
	TLS           string // none | opportunistic | starttls | tls
	Username      string
	Password      string
	SubjectPrefix string
}

// SMS is one sms "name" block.
type SMS struct {
	Name                string
	Provider            string        // twilio | http
	Timeout             time.Duration // bound on one request; default 10s
	Account             string
	Token               string
	From                string
	APIURL              string // replaces the provider's base URL
	MaxMessagesPerAlert int
	// For the generic http provider:
	URL     string
	Method  string
	Headers map[string]string
	Body    string // template
}

// XMPP is the xmpp block.
type XMPP struct {
	JID      string
	Password string
	Server   string // host:port; "" = from the JID's domain
	// TLS is how the stream is protected: "starttls" (the default),
	// "tls" (TLS from the first byte, XEP-0368) or "none" (loopback only).
	TLS string
	// CAFile (ca_file) names a PEM bundle of certificates to trust in
	// addition to the system's roots, as written; CA is its content, read
	// when the file is loaded.
	CAFile string
	CA     []byte
}

// Webhook is one webhook "name" block.
type Webhook struct {
	Name    string
	URL     string
	Format  string // json | slack | ntfy
	Secret  string // HMAC-SHA256 signing secret; "" = unsigned
	Timeout time.Duration
	// Headers are added to every request (e.g. Authorization for ntfy);
	// their values are secrets: never shown, logged or recorded.
	Headers map[string]string
}

// Exec is one exec "name" block.
type Exec struct {
	Name    string
	Command []string
	Timeout time.Duration
}

// Person is one person block.
type Person struct {
	Name     string
	Email    string
	SMS      string
	XMPP     string
	Password string // bcrypt hash
	UnixUser string // default: Name
	Location *time.Location
	// Channels per level, in fallback order: "email", "sms.twilio",
	// "xmpp", "webhook.ops-chat", "exec.pager", "log".
	Channels      map[Level][]string
	SuppressAfter []SuppressRule
	// Away lists the days (in the person's time zone) the person is on
	// holiday or off sick: they are not told then, unless NotifyWhenAway.
	Away           []DateRange
	NotifyWhenAway bool
	Range          hcl.Range
}

// DateRange is a range of calendar days, both ends included.
type DateRange struct{ From, To Date }

// SuppressRule: after Count deliveries within Period, hold the rest.
type SuppressRule struct {
	Period time.Duration
	Count  int
}

// PeopleList is one people "name" block: persons and other lists, nested.
type PeopleList struct {
	Name    string
	Members []string // as written: persons or other lists
	People  []string // expanded: every person once, in first-seen order
	// Every and During are defaults for notify blocks that name this list
	// and leave them out (zero and nil: none).
	Every  time.Duration
	During hcl.Expression
	Range  hcl.Range
}

// SubjectList is one subjects "name" block: host names, globs ("*" within
// one label), CIDR ranges and numeric ranges ("app1..10.example.com").
type SubjectList struct {
	Name     string
	Members  []string
	matchers []subjectMatcher
	Range    hcl.Range
}

// Group is one alert_group block.
type Group struct {
	Name  string
	Level Level
	// Includes selects the group's alerts; nil matches every alert. The
	// last group catches every alert no earlier group took, whatever its
	// Includes says.
	Includes hcl.Expression
	// AcknowledgementTime is the acknowledgement offered by default.
	AcknowledgementTime time.Duration
	Notify              []*NotifyBlock
	Range               hcl.Range
	// DependsOn (depends_on) names the parent alerts: while one of them
	// is raised, this group's alerts are held and nobody is told.
	DependsOn      []store.Key
	DependsOnRange hcl.Range
	// RaiseAfter (raise_after) is how long an alert must stay raised
	// before anyone is told; 0 means at once.
	RaiseAfter time.Duration
	// Flapping (flapping) is how many state changes within
	// FlappingWithin (flapping_within) make the alert flapping; 0 = off.
	Flapping       int
	FlappingWithin time.Duration
}

// NotifyBlock is one notify "target" block of a group.
type NotifyBlock struct {
	Target string   // person or people list, as written
	People []string // expanded
	// Every is the pace of reminders; 0 means no reminders.
	Every time.Duration
	// During says when the block speaks; nil means always.
	During hcl.Expression
	Range  hcl.Range
}
