package policy

import (
	"sort"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

var personSchema = &hcl.BodySchema{Attributes: attrs("email", "sms", "xmpp", "password", "unix_user", "timezone",
	"urgent", "normal", "low", "all", "suppress_after", "away", "notify_when_away")}

// levelsMostUrgentFirst are the levels in order.
var levelsMostUrgentFirst = []Level{Urgent, Normal, Low}

func (l *loader) decodePerson(b *hcl.Block) {
	c := l.content(b.Body, personSchema)
	p := &Person{Name: b.Labels[0], Location: l.p.Station.Location, Channels: map[Level][]string{}, Range: b.DefRange}
	if !l.unique("person or people list", p.Name, b.LabelRanges[0]) {
		return
	}
	as := c.Attributes
	if l.str(as, "email", &p.Email) {
		l.address(as["email"], "person "+strconv.Quote(p.Name)+": email", p.Email)
	}
	l.str(as, "sms", &p.SMS)
	l.str(as, "xmpp", &p.XMPP)
	if l.str(as, "password", &p.Password) && p.Password != "" && !isBcrypt(p.Password) {
		l.diags = append(l.diags, errorAt(as["password"].Expr.Range(), "Password is not a bcrypt hash",
			"person %q: password must be a bcrypt hash like \"$2a$10$...\", not the password itself; make one with mauve passwd", p.Name))
		p.Password = ""
	}
	p.UnixUser = p.Name
	l.str(as, "unix_user", &p.UnixUser)
	var tz string
	if l.str(as, "timezone", &tz) {
		if loc, ok := l.location(as["timezone"], tz); ok {
			p.Location = loc
		}
	}
	given := map[Level][]string{}
	var all []string
	hasAll := false
	if a, ok := as["all"]; ok {
		all, hasAll = l.channelList(p, a)
	}
	for _, lv := range levelsMostUrgentFirst {
		if a, ok := as[string(lv)]; ok {
			if cs, ok := l.channelList(p, a); ok {
				given[lv] = cs
			}
		}
	}
	for i, lv := range levelsMostUrgentFirst {
		switch {
		case given[lv] != nil:
			p.Channels[lv] = given[lv]
		case hasAll:
			p.Channels[lv] = all
		default:
			p.Channels[lv] = nearestGiven(given, i)
		}
	}
	if as["all"] == nil && len(given) == 0 && as["urgent"] == nil && as["normal"] == nil && as["low"] == nil {
		l.classicChannels(b, p)
	}
	if a, ok := as["suppress_after"]; ok {
		p.SuppressAfter = l.suppressRules(a) // {} turns the limit off
	} else {
		p.SuppressAfter = []SuppressRule{{Period: DefaultSuppressPeriod, Count: DefaultSuppressCount}}
	}
	var away []string
	if l.strList(as, "away", &away) {
		for _, d := range away {
			r, err := ParseDateRange(d)
			if err != nil {
				l.diags = append(l.diags, errorAt(as["away"].Expr.Range(), "Invalid days", "away: %v (write \"2026-12-24\" or \"2026-12-24..2027-01-02\")", err))
				continue
			}
			p.Away = append(p.Away, r)
		}
	}
	if a, ok := as["notify_when_away"]; ok {
		if v, ok := l.value(a); ok {
			if v.Type() != cty.Bool {
				l.diags = append(l.diags, errorAt(a.Expr.Range(), "Wrong type", "notify_when_away must be true or false"))
			} else {
				p.NotifyWhenAway = v.True()
			}
		}
	}
	l.p.People[p.Name] = p
}

// classicChannels gives a person without level lists classic's defaults:
// urgent by SMS then email, normal and low by email, skipping a channel
// the person has no address for (or the station has no block for).
func (l *loader) classicChannels(b *hcl.Block, p *Person) {
	var email, sms []string
	if p.Email != "" && l.p.Email != nil {
		email = []string{"email"}
	}
	if p.SMS != "" {
		switch names := l.channelNames("sms"); len(names) {
		case 0:
		case 1:
			sms = []string{"sms." + names[0]}
		default:
			l.diags = append(l.diags, errorAt(b.DefRange, "Person has no urgent channel",
				"person %q has an SMS number and there are several sms blocks %v: say which, like urgent = [sms.%s, email]", p.Name, names, names[0]))
			return
		}
	}
	urgent := append(sms, email...)
	switch {
	case len(urgent) == 0 && p.Email != "" && l.p.Email == nil:
		l.diags = append(l.diags, errorAt(b.DefRange, "Person has no channels",
			"person %q would be told by email, but there is no email block; add one, or give all = [log]", p.Name))
	case len(urgent) == 0:
		l.diags = append(l.diags, errorAt(b.DefRange, "Person has no channels",
			"person %q has no email address and no channel lists; add email = \"...\" or all = [log]", p.Name))
	case email == nil:
		l.diags = append(l.diags, warningAt(b.DefRange, "Person is told only of urgent alerts",
			"person %q is told of urgent alerts by SMS and of nothing else (normal and low go by email, and there is no email); give normal = [...] and low = [...] to say otherwise", p.Name))
	}
	p.Channels[Urgent], p.Channels[Normal], p.Channels[Low] = urgent, email, email
}

// nearestGiven picks, for a level with no list, the list of the nearest
// more urgent level given, else the nearest less urgent one.
func nearestGiven(given map[Level][]string, i int) []string {
	for j := i - 1; j >= 0; j-- {
		if cs := given[levelsMostUrgentFirst[j]]; cs != nil {
			return cs
		}
	}
	for j := i + 1; j < len(levelsMostUrgentFirst); j++ {
		if cs := given[levelsMostUrgentFirst[j]]; cs != nil {
			return cs
		}
	}
	return nil
}

// channelList decodes [sms.twilio, email] into channel references and
// checks each names a defined channel the person has an address for.
func (l *loader) channelList(p *Person, a *hcl.Attribute) ([]string, bool) {
	exprs, diags := hcl.ExprList(a.Expr)
	l.diags = append(l.diags, diags...)
	if diags.HasErrors() {
		return nil, false
	}
	if len(exprs) == 0 {
		l.diags = append(l.diags, errorAt(a.Expr.Range(), "Empty channel list", "%s must name at least one channel, like [email]", a.Name))
		return nil, false
	}
	ok := true
	out := make([]string, 0, len(exprs))
	for _, e := range exprs {
		ref, good := l.channelRef(p, e)
		ok = ok && good
		out = append(out, ref)
	}
	return out, ok
}

// channelRef decodes one bare channel reference.
func (l *loader) channelRef(p *Person, e hcl.Expression) (string, bool) {
	trav, diags := hcl.AbsTraversalForExpr(e)
	if diags.HasErrors() || len(trav) > 2 {
		l.diags = append(l.diags, errorAt(e.Range(), "Invalid channel",
			"write a channel as a bare name: email, xmpp, log, sms.NAME, webhook.NAME or exec.NAME"))
		return "", false
	}
	kind := trav.RootName()
	name := ""
	if len(trav) == 2 {
		attr, isAttr := trav[1].(hcl.TraverseAttr)
		if !isAttr {
			l.diags = append(l.diags, errorAt(e.Range(), "Invalid channel", "write sms.NAME, webhook.NAME or exec.NAME"))
			return "", false
		}
		name = attr.Name
	}
	bad := func(summary, detail string, args ...any) (string, bool) {
		l.diags = append(l.diags, errorAt(e.Range(), summary, detail, args...))
		return "", false
	}
	switch kind {
	case "email", "xmpp", "log":
		if name != "" {
			return bad("Invalid channel", "%s takes no name: write %s", kind, kind)
		}
		if kind == "email" && l.p.Email == nil {
			return bad("Channel not defined", "person %q uses email, but there is no email block", p.Name)
		}
		if kind == "email" && p.Email == "" {
			return bad("No address for channel", "person %q uses email but has no email address; add email = \"...\"", p.Name)
		}
		if kind == "xmpp" && l.p.XMPP == nil {
			return bad("Channel not defined", "person %q uses xmpp, but there is no xmpp block", p.Name)
		}
		if kind == "xmpp" && p.XMPP == "" {
			return bad("No address for channel", "person %q uses xmpp but has no xmpp address; add xmpp = \"...\"", p.Name)
		}
		return kind, true
	case "sms", "webhook", "exec":
		names := l.channelNames(kind)
		if name == "" {
			if len(names) != 1 {
				return bad("Invalid channel", "write %s.NAME naming one of the %s blocks %v", kind, kind, names)
			}
			name = names[0]
		}
		if !contains(names, name) {
			return bad("Channel not defined", "there is no %s %q block.%s", kind, name, suggest(name, names))
		}
		if kind == "sms" && p.SMS == "" {
			return bad("No address for channel", "person %q uses %s.%s but has no phone number; add sms = \"+44...\"", p.Name, kind, name)
		}
		return kind + "." + name, true
	}
	return bad("Unknown channel", "%q is not a channel: use email, xmpp, log, sms.NAME, webhook.NAME or exec.NAME.%s",
		kind, suggest(kind, []string{"email", "xmpp", "log", "sms", "webhook", "exec"}))
}

// channelNames lists the defined blocks of one channel kind, sorted.
func (l *loader) channelNames(kind string) []string {
	var names []string
	switch kind {
	case "sms":
		for n := range l.p.SMS {
			names = append(names, n)
		}
	case "webhook":
		for n := range l.p.Webhooks {
			names = append(names, n)
		}
	case "exec":
		for n := range l.p.Execs {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return names
}

// suppressRules decodes suppress_after = { "1m" = 5, "1h" = 60 }.
func (l *loader) suppressRules(a *hcl.Attribute) []SuppressRule {
	pairs, diags := hcl.ExprMap(a.Expr)
	l.diags = append(l.diags, diags...)
	var rules []SuppressRule
	for _, kv := range pairs {
		k, d := kv.Key.Value(nil)
		l.diags = append(l.diags, d...)
		if d.HasErrors() || k.IsNull() || k.Type() != cty.String {
			l.diags = append(l.diags, errorAt(kv.Key.Range(), "Invalid period", "write each period as a quoted duration, like \"1h\" = 60"))
			continue
		}
		period, err := ParseDuration(k.AsString())
		if err != nil || period <= 0 {
			l.diags = append(l.diags, errorAt(kv.Key.Range(), "Invalid duration", "suppress_after: %v", err))
			continue
		}
		var n int
		tmp := hcl.Attributes{"count": {Name: "suppress_after count", Expr: kv.Value, Range: kv.Value.Range()}}
		if !l.integer(tmp, "count", &n) {
			continue
		}
		if n < 1 {
			l.diags = append(l.diags, errorAt(kv.Value.Range(), "Invalid value", "suppress_after counts must be at least 1"))
			continue
		}
		rules = append(rules, SuppressRule{Period: period, Count: n})
	}
	sort.Slice(rules, func(i, j int) bool { return rules[i].Period < rules[j].Period })
	return rules
}

var peopleSchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "members", Required: true}, {Name: "every"}, {Name: "during"}}}

func (l *loader) decodePeopleList(b *hcl.Block) {
	c := l.content(b.Body, peopleSchema)
	pl := &PeopleList{Name: b.Labels[0], Range: b.DefRange}
	if !l.unique("person or people list", pl.Name, b.LabelRanges[0]) {
		return
	}
	l.strList(c.Attributes, "members", &pl.Members)
	l.every(c.Attributes, &pl.Every)
	if a, ok := c.Attributes["during"]; ok {
		pl.During = a.Expr // checked once the lists are known (decodeListDefaults)
	}
	l.p.Lists[pl.Name] = pl
}

// expandLists resolves every people list to persons, reporting unknown
// members and cycles.
func (l *loader) expandLists() {
	names := make([]string, 0, len(l.p.Lists))
	for n := range l.p.Lists {
		names = append(names, n)
	}
	sort.Strings(names)
	state := map[string]int{} // 1: being expanded, 2: done
	for _, n := range names {
		l.expandList(n, state, nil)
	}
}

// expandList returns the persons of a list; path holds the lists being
// expanded, to name a cycle.
func (l *loader) expandList(name string, state map[string]int, path []string) []string {
	pl := l.p.Lists[name]
	switch state[name] {
	case 2:
		return pl.People
	case 1:
		i := 0
		for path[i] != name {
			i++
		}
		l.diags = append(l.diags, errorAt(pl.Range, "People lists form a cycle",
			"%s → %s: a list cannot contain itself", strings.Join(path[i:], " → "), name))
		return nil
	}
	state[name] = 1
	path = append(path, name)
	out := []string{}
	for _, m := range pl.Members {
		switch {
		case l.p.People[m] != nil:
			out = appendUnique(out, m)
		case l.p.Lists[m] != nil:
			for _, p := range l.expandList(m, state, path) {
				out = appendUnique(out, p)
			}
		default:
			l.diags = append(l.diags, errorAt(pl.Range, "Unknown member",
				"people %q names %q, which is neither a person nor a people list.%s", pl.Name, m, suggest(m, l.personAndListNames())))
		}
	}
	state[name] = 2
	pl.People = out
	return out
}

// checkListDefaults checks the during of every people list, once every
// list is known (a during may call no_one_in on any of them).
func (l *loader) checkListDefaults() {
	for _, n := range sortedKeys(l.p.Lists) {
		pl := l.p.Lists[n]
		if pl.During != nil && !l.checkExpr(pl.During, "during", nil, duringFunctions) {
			pl.During = nil
		}
	}
}

// personAndListNames lists every person and people list name, sorted.
func (l *loader) personAndListNames() []string {
	var ns []string
	for n := range l.p.People {
		ns = append(ns, n)
	}
	for n := range l.p.Lists {
		ns = append(ns, n)
	}
	sort.Strings(ns)
	return ns
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

func appendUnique(ss []string, s string) []string {
	if contains(ss, s) {
		return ss
	}
	return append(ss, s)
}

var subjectsSchema = &hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "members", Required: true}}}

func (l *loader) decodeSubjects(b *hcl.Block) {
	c := l.content(b.Body, subjectsSchema)
	sl := &SubjectList{Name: b.Labels[0], Range: b.DefRange}
	if !l.unique("subjects list", sl.Name, b.LabelRanges[0]) {
		return
	}
	if l.strList(c.Attributes, "members", &sl.Members) {
		for _, m := range sl.Members {
			sm, err := compileSubject(m)
			if err != nil {
				l.diags = append(l.diags, errorAt(c.Attributes["members"].Expr.Range(), "Invalid subject", "%v", err))
				continue
			}
			sl.matchers = append(sl.matchers, sm)
		}
	}
	l.p.Subjects[sl.Name] = sl
}

// isBcrypt reports whether s looks like a bcrypt hash ($2a$, $2b$ or $2y$,
// a two-digit cost, 53 more characters).
func isBcrypt(s string) bool {
	return len(s) == 60 && s[0] == '$' && s[1] == '2' && strings.ContainsRune("aby", rune(s[2])) && s[3] == '$' && s[6] == '$'
}
