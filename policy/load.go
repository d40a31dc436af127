package policy

import (
	"errors"
	"fmt"
	"os"
)

// Load reads and parses the policy file at path. getenv answers env()
// calls (os.Getenv in the station). A station block without a name takes
// this host's name. On any error in the file it returns a *LoadError
// holding every diagnostic; warnings of a good file are in
// Policy.Warnings.
func Load(path string, getenv func(string) string) (*Policy, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err // it would name the file a second time
		}
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	p, diags := ParseFiles(src, path, getenv, os.ReadFile)
	if diags.HasErrors() {
		return nil, &LoadError{Diagnostics: diags}
	}
	if p.nameDefaulted {
		if host, err := os.Hostname(); err == nil && host != "" {
			p.Station.Name = host
		}
	}
	return p, nil
}
