package snmp

import (
	"fmt"
	"strconv"
	"strings"
)

// Template is text with references to a trap's parts in double braces:
//
//	{{1.3.6.1.4.1.318.1.1.1.2.2.1.0}}  the varbind with that OID (or, for a
//	                                   table column, its first instance)
//	{{2}}                              the second varbind, counted from 1
//	                                   after sysUpTime and snmpTrapOID
//	{{agent}} {{source}} {{oid}} {{name}} {{version}}
//	{{sysName}} {{ifIndex}} {{ifDescr}} {{ifName}}
//
// A reference to a varbind the trap lacks is empty. Double braces keep
// clear of HCL, whose quoted strings take ${...} for themselves.
type Template struct {
	parts []tmplPart
	src   string
}

type tmplPart struct {
	text string // literal text, or the reference when ref
	ref  bool
}

// templateNames are the named references.
var templateNames = []string{"agent", "source", "oid", "name", "version", "sysName", "ifIndex", "ifDescr", "ifName"}

// ParseTemplate parses a template, saying which reference is wrong.
func ParseTemplate(s string) (Template, error) {
	t := Template{src: s}
	rest := s
	for rest != "" {
		i := strings.Index(rest, "{{")
		if i < 0 {
			t.parts = append(t.parts, tmplPart{text: rest})
			break
		}
		if i > 0 {
			t.parts = append(t.parts, tmplPart{text: rest[:i]})
		}
		rest = rest[i+2:]
		j := strings.Index(rest, "}}")
		if j < 0 {
			return Template{}, fmt.Errorf("%q: {{ without a closing }}", s)
		}
		ref := strings.TrimSpace(rest[:j])
		rest = rest[j+2:]
		if err := checkRef(ref); err != nil {
			return Template{}, fmt.Errorf("%q: %w", s, err)
		}
		t.parts = append(t.parts, tmplPart{text: strings.TrimPrefix(ref, "."), ref: true})
	}
	return t, nil
}

func checkRef(ref string) error {
	if n, err := strconv.Atoi(ref); err == nil {
		if n < 1 {
			return fmt.Errorf("{{%s}}: varbinds are counted from 1", ref)
		}
		return nil
	}
	if ref != "" && strings.Trim(ref, "0123456789.") == "" {
		_, err := CheckOID(ref)
		return err
	}
	for _, n := range templateNames {
		if ref == n {
			return nil
		}
		if strings.EqualFold(ref, n) {
			return fmt.Errorf("{{%s}} is not a reference; did you mean {{%s}}?", ref, n)
		}
	}
	return fmt.Errorf("{{%s}} is neither a numeric OID, a varbind number nor one of %s", ref, strings.Join(templateNames, ", "))
}

// IsZero reports whether the template was never set.
func (t Template) IsZero() bool { return t.src == "" && t.parts == nil }

// String returns the template as written.
func (t Template) String() string { return t.src }

// render fills the template in for one trap.
func (t Template) render(look func(ref string) string) string {
	var b strings.Builder
	for _, p := range t.parts {
		if p.ref {
			b.WriteString(look(p.text))
		} else {
			b.WriteString(p.text)
		}
	}
	return b.String()
}
