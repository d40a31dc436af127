package snmp

import (
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gosnmp/gosnmp"
)

// Well-known OIDs, without the leading dot gosnmp writes.
const (
	oidSysUpTime       = "1.3.6.1.2.1.1.3.0"
	oidSysName         = "1.3.6.1.2.1.1.5.0"
	oidSnmpTrapOID     = "1.3.6.1.6.3.1.1.4.1.0"
	oidStandardTraps   = "1.3.6.1.6.3.1.1.5."
	oidColdStart       = oidStandardTraps + "1"
	oidWarmStart       = oidStandardTraps + "2"
	oidLinkDown        = oidStandardTraps + "3"
	oidLinkUp          = oidStandardTraps + "4"
	oidAuthFailure     = oidStandardTraps + "5"
	oidIfEntry         = "1.3.6.1.2.1.2.2.1."    // ifTable columns, instance = ifIndex
	oidIfXEntry        = "1.3.6.1.2.1.31.1.1.1." // ifXTable columns, instance = ifIndex
	oidIfIndex         = oidIfEntry + "1"
	oidIfDescr         = oidIfEntry + "2"
	oidIfName          = oidIfXEntry + "1"
	oidSnmpTrapAddress = "1.3.6.1.6.3.18.1.3.0"
)

// Trap is one decoded trap in plain form.
type Trap struct {
	// Version is "1", "2c" or "3".
	Version string
	// Principal is the community (v1, v2c) or the USM user name (v3) the
	// trap was accepted under.
	Principal string
	// Agent is the address of the agent that sent the trap: the v1
	// agent-addr field when set, otherwise the datagram's source address.
	Agent netip.Addr
	// OID is the trap's identity, numeric without a leading dot. v1 traps
	// are translated as RFC 3584 says: a generic trap to its standard v2
	// OID, an enterprise-specific one to enterprise.0.specific.
	OID string
	// Varbinds are the trap's variables in order, without sysUpTime.0 and
	// snmpTrapOID.0.
	Varbinds []Varbind
	// Inform is set for an SNMPv2c InformRequest, which the sender wants
	// answered (Response) once it is taken.
	Inform bool

	packet *gosnmp.SnmpPacket // the inform, to answer
}

// Varbind is one variable of a trap, its value written as text.
type Varbind struct {
	OID   string
	Value string
}

// Reasons a trap is dropped, as metric labels.
const (
	ReasonMalformed   = "malformed"   // not an SNMP message gosnmp can read
	ReasonCommunity   = "community"   // v1/v2c with a community not configured
	ReasonUSM         = "usm"         // v3: unknown user, failed authentication or decryption, or not authPriv
	ReasonUnsupported = "unsupported" // an SNMP message that is not a trap (inform, get, ...)
	ReasonUnmapped    = "unmapped"    // a trap no rule and no built-in mapping names
)

// Reasons lists every drop reason, in the order metrics are written.
var Reasons = []string{ReasonMalformed, ReasonCommunity, ReasonUSM, ReasonUnsupported, ReasonUnmapped}

// DropError says why a trap was dropped.
type DropError struct {
	Reason string // one of Reasons
	Err    error
}

func (e *DropError) Error() string { return fmt.Sprintf("trap dropped (%s): %v", e.Reason, e.Err) }
func (e *DropError) Unwrap() error { return e.Err }

func drop(reason, format string, args ...any) error {
	return &DropError{Reason: reason, Err: fmt.Errorf(format, args...)}
}

// Reason returns the drop reason of an error from Decode or Map, or
// ReasonMalformed for any other error.
func Reason(err error) string {
	var d *DropError
	if errors.As(err, &d) {
		return d.Reason
	}
	return ReasonMalformed
}

// Decoder decodes traps with one set of credentials. It is not safe for
// concurrent use: gosnmp's decoder keeps state while it works.
type Decoder struct {
	communities map[string]bool
	gs          *gosnmp.GoSNMP
	users       bool
}

// NewDecoder returns a decoder accepting the communities and users of c.
// It fails on a user whose protocols gosnmp cannot use.
func NewDecoder(c Credentials) (*Decoder, error) {
	d := &Decoder{communities: map[string]bool{}, gs: &gosnmp.GoSNMP{Version: gosnmp.Version3}}
	for _, cm := range c.Communities {
		d.communities[cm] = true
	}
	if len(c.Users) > 0 {
		table := gosnmp.NewSnmpV3SecurityParametersTable(gosnmp.Logger{})
		for _, u := range c.Users {
			usm, err := u.params()
			if err != nil {
				return nil, err
			}
			if err := table.Add(u.Name, usm); err != nil {
				return nil, fmt.Errorf("snmp user %q: %w", u.Name, err)
			}
		}
		d.gs.SecurityModel = gosnmp.UserSecurityModel
		d.gs.SetTrapSecurityParametersTable(table)
		d.users = true
	}
	return d, nil
}

// Decode checks and decodes one trap datagram received from from. Errors
// are *DropError.
func (d *Decoder) Decode(b []byte, from netip.AddrPort) (t Trap, err error) {
	// gosnmp's BER decoder has panicked on crafted input before; a bad
	// datagram must cost one count, never the station.
	defer func() {
		if r := recover(); r != nil {
			err = drop(ReasonMalformed, "decoder panic: %v", r)
		}
	}()
	version, ok := peekVersion(b)
	if !ok {
		return Trap{}, drop(ReasonMalformed, "not an SNMP message (%d bytes)", len(b))
	}
	if version == gosnmp.Version3 && !d.users {
		return Trap{}, drop(ReasonUSM, "SNMPv3 trap, but no snmp user is configured")
	}
	p, err := d.gs.UnmarshalTrap(b, true)
	if err != nil {
		if version == gosnmp.Version3 {
			return Trap{}, drop(ReasonUSM, "SNMPv3: %v", err)
		}
		return Trap{}, drop(ReasonMalformed, "%v", err)
	}
	switch p.Version {
	case gosnmp.Version1, gosnmp.Version2c:
		if !d.communities[p.Community] {
			// The community is a password: a near miss must not reach the log.
			return Trap{}, drop(ReasonCommunity, "SNMPv%s trap with a community that is not configured", versionName(p.Version))
		}
		t.Principal = p.Community
	case gosnmp.Version3:
		usm, ok := p.SecurityParameters.(*gosnmp.UsmSecurityParameters)
		if !ok {
			return Trap{}, drop(ReasonUSM, "SNMPv3 trap without USM parameters")
		}
		if p.MsgFlags&gosnmp.AuthPriv != gosnmp.AuthPriv {
			return Trap{}, drop(ReasonUSM, "SNMPv3 trap from user %q is %s; only authPriv is accepted",
				printable(usm.UserName), securityLevel(p.MsgFlags))
		}
		t.Principal = usm.UserName
	default:
		return Trap{}, drop(ReasonMalformed, "unknown SNMP version %d", p.Version)
	}
	t.Version = versionName(p.Version)
	t.Agent = from.Addr().Unmap()
	switch p.PDUType {
	case gosnmp.Trap:
		if a, err := netip.ParseAddr(p.AgentAddress); err == nil && !a.IsUnspecified() {
			t.Agent = a.Unmap()
		}
		t.OID = v1TrapOID(p.Enterprise, p.GenericTrap, p.SpecificTrap)
		for _, v := range p.Variables {
			t.Varbinds = append(t.Varbinds, varbind(v))
		}
	case gosnmp.InformRequest, gosnmp.SNMPv2Trap:
		if p.PDUType == gosnmp.InformRequest {
			if p.Version == gosnmp.Version3 {
				// Answering needs an engine ID of the station's own.
				return Trap{}, drop(ReasonUnsupported, "SNMPv3 informs are not supported; send traps")
			}
			t.Inform, t.packet = true, p
		}
		for _, v := range p.Variables {
			vb := varbind(v)
			switch vb.OID {
			case oidSysUpTime:
			case oidSnmpTrapOID:
				t.OID = strings.TrimPrefix(vb.Value, ".")
			default:
				t.Varbinds = append(t.Varbinds, vb)
			}
		}
		if t.OID == "" {
			return Trap{}, drop(ReasonMalformed, "SNMPv2 trap without snmpTrapOID.0")
		}
	default:
		return Trap{}, drop(ReasonUnsupported, "%s is not a trap", p.PDUType)
	}
	return t, nil
}

// peekVersion reads the version of an SNMP message: a BER SEQUENCE whose
// first element is an INTEGER.
func peekVersion(b []byte) (gosnmp.SnmpVersion, bool) {
	if len(b) < 2 || b[0] != 0x30 {
		return 0, false
	}
	i := 2
	if b[1]&0x80 != 0 {
		i += int(b[1] & 0x7f)
	}
	if i+3 > len(b) || b[i] != 0x02 || b[i+1] != 1 {
		return 0, false
	}
	switch v := gosnmp.SnmpVersion(b[i+2]); v {
	case gosnmp.Version1, gosnmp.Version2c, gosnmp.Version3:
		return v, true
	}
	return 0, false
}

func versionName(v gosnmp.SnmpVersion) string {
	switch v {
	case gosnmp.Version1:
		return "1"
	case gosnmp.Version2c:
		return "2c"
	}
	return "3"
}

func securityLevel(f gosnmp.SnmpV3MsgFlags) string {
	switch {
	case f&gosnmp.AuthPriv == gosnmp.AuthPriv:
		return "authPriv"
	case f&gosnmp.AuthNoPriv != 0:
		return "authNoPriv"
	}
	return "noAuthNoPriv"
}

// v1TrapOID translates a v1 trap's identity to the v2 trap OID (RFC 3584
// section 3.1).
func v1TrapOID(enterprise string, generic, specific int) string {
	enterprise = strings.TrimPrefix(enterprise, ".")
	if generic >= 0 && generic < 6 {
		return oidStandardTraps + strconv.Itoa(generic+1)
	}
	return enterprise + ".0." + strconv.Itoa(specific)
}

func varbind(v gosnmp.SnmpPDU) Varbind {
	return Varbind{OID: strings.TrimPrefix(v.Name, "."), Value: valueText(v)}
}

// valueText writes a varbind's value as text: strings as they are when
// they are printable UTF-8, otherwise as hex; OIDs without the leading
// dot; numbers in decimal.
func valueText(v gosnmp.SnmpPDU) string {
	switch x := v.Value.(type) {
	case nil:
		return ""
	case []byte:
		if s := string(x); utf8.ValidString(s) && printable(s) == s {
			return s
		}
		return fmt.Sprintf("%X", x)
	case string:
		if v.Type == gosnmp.ObjectIdentifier {
			return strings.TrimPrefix(x, ".")
		}
		return printable(x)
	default:
		return printable(fmt.Sprint(x))
	}
}

// printable drops control characters and invalid UTF-8, so a hostile
// varbind cannot forge log lines or summaries.
func printable(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return -1
		}
		return r
	}, s)
}

// Response is the answer to an inform: the same message as a Response
// PDU with no error, as RFC 3416 section 4.2.7 asks. It is nil for a
// trap.
func (t Trap) Response() ([]byte, error) {
	if !t.Inform || t.packet == nil {
		return nil, nil
	}
	r := *t.packet
	r.PDUType = gosnmp.GetResponse
	r.Error = gosnmp.NoError
	r.ErrorIndex = 0
	b, err := r.MarshalMsg()
	if err != nil {
		return nil, fmt.Errorf("answer inform: %w", err)
	}
	return b, nil
}
