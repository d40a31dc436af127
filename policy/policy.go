package policy

import (
	"regexp"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty/function"
)

// Policy is a loaded configuration: the station settings, the channels and
// the people and groups that decide who is told. It is immutable once
// loaded; a reload builds a new one.
type Policy struct {
	Filename   string // "" for the embedded defaults
	Station    Station
	SenderKeys []SenderKey
	Email      *Email                  // nil: no email block
	SMS        map[string]*SMS         // by name
	XMPP       *XMPP                   // nil: no xmpp block
	Webhooks   map[string]*Webhook     // by name
	Execs      map[string]*Exec        // by name
	People     map[string]*Person      // by name
	Lists      map[string]*PeopleList  // people lists by name
	Subjects   map[string]*SubjectList // subject lists by name
	Groups     []*Group                // in order; the last is the default
	// Maintenance are the recurring maintenance windows.
	Maintenance []*Window
	Rotas       map[string]*Rota // by name
	// Overrides are the rota overrides on_call applies (see WithOverrides).
	Overrides []Override
	// Warnings are the load's non-fatal diagnostics (an unset env()
	// variable, an includes on the last group), for the caller to log.
	Warnings hcl.Diagnostics

	regexps       map[string]*regexp.Regexp // matches() patterns written as literals
	nameDefaulted bool                      // Station.Name was not written
	src           []byte                    // the file, to show expressions as written
	includesFuncs map[string]function.Function
}
