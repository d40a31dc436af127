package snmp

import (
	"fmt"
	"slices"
	"strings"

	"github.com/gosnmp/gosnmp"
)

// Credentials are what a trap must carry to be accepted.
type Credentials struct {
	// Communities accepted on SNMPv1 and v2c traps; none: v1 and v2c
	// traps are all dropped.
	Communities []string
	// Users accepted on SNMPv3 traps; none: v3 traps are all dropped.
	Users []User
}

// User is an SNMPv3 USM user. Traps are accepted from it only with
// authentication and privacy (authPriv).
type User struct {
	Name string
	// AuthProtocol is one of AuthProtocols; PrivProtocol one of
	// PrivProtocols.
	AuthProtocol, AuthPassphrase string
	PrivProtocol, PrivPassphrase string
}

// Protocol names as written in the configuration, in gosnmp's terms.
var (
	authProtocols = map[string]gosnmp.SnmpV3AuthProtocol{
		"MD5": gosnmp.MD5, "SHA": gosnmp.SHA, "SHA224": gosnmp.SHA224,
		"SHA256": gosnmp.SHA256, "SHA384": gosnmp.SHA384, "SHA512": gosnmp.SHA512,
	}
	privProtocols = map[string]gosnmp.SnmpV3PrivProtocol{
		"DES": gosnmp.DES, "AES": gosnmp.AES, "AES192": gosnmp.AES192, "AES256": gosnmp.AES256,
		"AES192C": gosnmp.AES192C, "AES256C": gosnmp.AES256C,
	}
)

// AuthProtocols and PrivProtocols list the protocol names a User may use.
var (
	AuthProtocols = []string{"MD5", "SHA", "SHA224", "SHA256", "SHA384", "SHA512"}
	PrivProtocols = []string{"DES", "AES", "AES192", "AES256", "AES192C", "AES256C"}
)

// MinPassphrase is the shortest USM passphrase (RFC 3414 section 11.2).
const MinPassphrase = 8

// Check reports what is wrong with a user, naming the field.
func (u User) Check() error {
	switch {
	case u.Name == "":
		return fmt.Errorf("the user name is empty")
	case !slices.Contains(AuthProtocols, strings.ToUpper(u.AuthProtocol)):
		return fmt.Errorf("auth_protocol %q is not one of %s", u.AuthProtocol, strings.Join(AuthProtocols, ", "))
	case !slices.Contains(PrivProtocols, strings.ToUpper(u.PrivProtocol)):
		return fmt.Errorf("priv_protocol %q is not one of %s", u.PrivProtocol, strings.Join(PrivProtocols, ", "))
	case len(u.AuthPassphrase) < MinPassphrase:
		return fmt.Errorf("auth_passphrase is %d characters long; USM needs at least %d", len(u.AuthPassphrase), MinPassphrase)
	case len(u.PrivPassphrase) < MinPassphrase:
		return fmt.Errorf("priv_passphrase is %d characters long; USM needs at least %d", len(u.PrivPassphrase), MinPassphrase)
	}
	return nil
}

func (u User) params() (*gosnmp.UsmSecurityParameters, error) {
	if err := u.Check(); err != nil {
		return nil, fmt.Errorf("snmp user %q: %w", u.Name, err)
	}
	return &gosnmp.UsmSecurityParameters{
		UserName:                 u.Name,
		AuthenticationProtocol:   authProtocols[strings.ToUpper(u.AuthProtocol)],
		AuthenticationPassphrase: u.AuthPassphrase,
		PrivacyProtocol:          privProtocols[strings.ToUpper(u.PrivProtocol)],
		PrivacyPassphrase:        u.PrivPassphrase,
	}, nil
}

// Config is everything the trap listener needs: who may send traps and
// how traps become alerts.
type Config struct {
	Credentials
	// Source says what names a trap's source: SourceAgent (the default,
	// for "") or SourceSysName.
	Source string
	// Rules map traps to alerts; a rule for a standard trap's OID
	// replaces its built-in mapping.
	Rules []Rule
	// RaiseUnmapped makes a trap that no rule and no built-in mapping
	// names raise "snmp-" and its OID, instead of being dropped.
	RaiseUnmapped bool
}

// Where a trap's source name comes from.
const (
	SourceAgent   = "agent"   // the agent's address
	SourceSysName = "sysName" // the sysName.0 varbind, else the agent's address
)

// Rule maps one trap OID to an alert.
type Rule struct {
	// OID is the trap's OID, numeric without a leading dot (v1 traps as
	// enterprise.0.specific).
	OID string
	// Name is a name for the trap, shown in the default detail and
	// available to templates as {{name}}; "" = the OID.
	Name string
	// ID, Summary and Detail are templates over the trap's varbinds.
	// A zero ID is "snmp-" and the name; a zero Summary says which
	// trap came from which agent; a zero Detail lists the varbinds.
	ID, Summary, Detail Template
	// Clear makes the trap clear the alert instead of raising it.
	Clear bool
}

// CheckOID reports whether s is a numeric OID such as "1.3.6.1.4.1.318.0.5"
// (a leading dot is allowed and dropped).
func CheckOID(s string) (string, error) {
	oid := strings.TrimPrefix(s, ".")
	parts := strings.Split(oid, ".")
	if len(parts) < 2 {
		return "", fmt.Errorf("%q is not a numeric OID: write it dotted, like \"1.3.6.1.4.1.318.0.5\"", s)
	}
	for _, p := range parts {
		if p == "" || strings.Trim(p, "0123456789") != "" || len(p) > 10 {
			return "", fmt.Errorf("%q is not a numeric OID: write it dotted, like \"1.3.6.1.4.1.318.0.5\" (names need a MIB, which mauve does not load)", s)
		}
	}
	return oid, nil
}
