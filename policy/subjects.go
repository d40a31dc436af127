package policy

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// subjectMatcher is one compiled member of a subjects list.
type subjectMatcher struct {
	host   string       // exact host name, lower case
	labels []string     // glob: labels, "*" within a label
	prefix netip.Prefix // CIDR or single address
	// numeric range: before + N + after with lo <= N <= hi
	before, after string
	lo, hi        uint64
	kind          byte // 'h' host, 'g' glob, 'p' prefix, 'n' numeric range
}

// compileSubject reads one member of a subjects list.
func compileSubject(s string) (subjectMatcher, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	switch {
	case s == "":
		return subjectMatcher{}, fmt.Errorf("empty subject: write a host name, a glob like \"web-*.example.com\", a CIDR like \"10.0.0.0/8\" or a range like \"app1..10.example.com\"")
	case strings.Contains(s, "/"):
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return subjectMatcher{}, fmt.Errorf("subject %q is not a valid CIDR range, like \"10.0.0.0/8\" or \"2001:db8::/32\"", s)
		}
		return subjectMatcher{kind: 'p', prefix: p.Masked()}, nil
	case strings.Contains(s, ".."):
		return compileNumericRange(s)
	case strings.ContainsAny(s, "*?"):
		return subjectMatcher{kind: 'g', labels: strings.Split(s, ".")}, nil
	}
	if a, err := netip.ParseAddr(s); err == nil {
		return subjectMatcher{kind: 'p', prefix: netip.PrefixFrom(a, a.BitLen())}, nil
	}
	return subjectMatcher{kind: 'h', host: s}, nil
}

// compileNumericRange reads "app1..10.example.com".
func compileNumericRange(s string) (subjectMatcher, error) {
	i := strings.Index(s, "..")
	j := i
	for j > 0 && s[j-1] >= '0' && s[j-1] <= '9' {
		j--
	}
	k := i + 2
	for k < len(s) && s[k] >= '0' && s[k] <= '9' {
		k++
	}
	lo, err1 := strconv.ParseUint(s[j:i], 10, 64)
	hi, err2 := strconv.ParseUint(s[i+2:k], 10, 64)
	if err1 != nil || err2 != nil || lo > hi || strings.Contains(s[k:], "..") {
		return subjectMatcher{}, fmt.Errorf("subject %q is not a valid numeric range: write it like \"app1..10.example.com\" (low before high)", s)
	}
	return subjectMatcher{kind: 'n', before: s[:j], after: s[k:], lo: lo, hi: hi}, nil
}

// match reports whether a subject (a host name or an address) matches.
func (m subjectMatcher) match(s string) bool {
	switch m.kind {
	case 'h':
		return strings.EqualFold(strings.TrimSuffix(s, "."), m.host)
	case 'p':
		a, err := netip.ParseAddr(s)
		return err == nil && m.prefix.Contains(a.Unmap())
	case 'g':
		ls := strings.Split(strings.ToLower(s), ".")
		if len(ls) != len(m.labels) {
			return false
		}
		for i := range ls {
			if !globMatch(m.labels[i], ls[i]) {
				return false
			}
		}
		return true
	case 'n':
		s = strings.ToLower(s)
		if len(s) <= len(m.before)+len(m.after) || !strings.HasPrefix(s, m.before) || !strings.HasSuffix(s, m.after) {
			return false
		}
		digits := s[len(m.before) : len(s)-len(m.after)]
		for _, c := range digits {
			if c < '0' || c > '9' {
				return false
			}
		}
		n, err := strconv.ParseUint(digits, 10, 64)
		return err == nil && n >= m.lo && n <= m.hi
	}
	return false
}

// Contains reports whether subject s is in the list.
func (l *SubjectList) Contains(s string) bool {
	for _, m := range l.matchers {
		if m.match(s) {
			return true
		}
	}
	return false
}

// globMatch matches s against a pattern where "*" is any run of characters
// and "?" any one character. Matching is by bytes, case-sensitive.
func globMatch(pattern, s string) bool {
	px, sx := 0, 0
	starP, starS := -1, 0
	for sx < len(s) {
		switch {
		case px < len(pattern) && (pattern[px] == '?' || pattern[px] == s[sx]):
			px++
			sx++
		case px < len(pattern) && pattern[px] == '*':
			starP, starS = px, sx
			px++
		case starP >= 0:
			starS++
			px, sx = starP+1, starS
		default:
			return false
		}
	}
	for px < len(pattern) && pattern[px] == '*' {
		px++
	}
	return px == len(pattern)
}
