package store

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"sort"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Listing and revoking API tokens. A token is known by its ID, the first
// tokenIDLen bytes of the hash the store keeps, in hex: enough to name it,
// useless to log in with.

// tokenIDLen is how many bytes of a token's hash its ID shows.
const tokenIDLen = 6

// TokenInfo describes one API token without its secret.
type TokenInfo struct {
	ID      string // 12 hex digits, as `mauve token revoke` takes it
	Person  string
	Name    string // what it is for, e.g. "laptop"
	Created time.Time
	// MayCreateTokens: the token may make further tokens.
	MayCreateTokens bool
	// CreatedBy is the ID of the token that made this one, "" when it was
	// made otherwise.
	CreatedBy string

	parent []byte // the creator's full hash
}

// TokenID returns the ID of the token with this secret, as ListTokens
// shows it.
func TokenID(secret string) string {
	return hex.EncodeToString(tokenHash(secret)[:tokenIDLen])
}

func decodeToken(key, v []byte) (TokenInfo, error) {
	d := newDecoder(v)
	d.byte()
	info := TokenInfo{ID: hex.EncodeToString(key[:min(tokenIDLen, len(key))])}
	info.Person = d.str()
	info.Name = d.str()
	info.Created = d.time()
	if len(d.s) > 0 { // tokens made before these fields have neither
		info.MayCreateTokens = d.byte()&tokenMayCreate != 0
		if info.parent = []byte(d.str()); len(info.parent) > 0 {
			info.CreatedBy = hex.EncodeToString(info.parent[:min(tokenIDLen, len(info.parent))])
		} else {
			info.parent = nil
		}
	}
	return info, d.err
}

// ListTokens returns a person's API tokens, oldest first.
func (s *Store) ListTokens(person string) ([]TokenInfo, error) {
	var out []TokenInfo
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketTokens).ForEach(func(k, v []byte) error {
			info, err := decodeToken(k, v)
			if err != nil {
				return &CorruptError{Bucket: string(bucketTokens), Key: hex.EncodeToString(k[:min(tokenIDLen, len(k))]), Err: err}
			}
			if info.Person == person {
				out = append(out, info)
			}
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("list tokens of %s: %w", person, err)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Created.Before(out[j].Created) })
	return out, nil
}

// RevokeToken deletes the person's token with this ID (as ListTokens
// shows it), and every token made with it, and those made with them. A
// token that does not exist or belongs to someone else is ErrNotFound: a
// person revokes only their own. It returns how many tokens went.
func (s *Store) RevokeToken(person, id string) (int, error) {
	raw, err := hex.DecodeString(id)
	if err != nil || len(raw) != tokenIDLen {
		return 0, fmt.Errorf("revoke token %q of %s: not a token ID (want %d hex digits): %w", id, person, 2*tokenIDLen, ErrNotFound)
	}
	revoked := 0
	err = s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketTokens)
		var gone [][]byte
		c := b.Cursor()
		for k, v := c.Seek(raw); k != nil && bytes.HasPrefix(k, raw); k, v = c.Next() {
			info, err := decodeToken(k, v)
			if err != nil || info.Person != person {
				continue
			}
			gone = append(gone, bytes.Clone(k))
			break
		}
		if len(gone) == 0 {
			return ErrNotFound
		}
		// The tokens made with a revoked one, level by level.
		for next := gone; len(next) > 0; {
			parents := map[string]bool{}
			for _, k := range next {
				parents[string(k)] = true
			}
			next = nil
			if err := b.ForEach(func(k, v []byte) error {
				if info, err := decodeToken(k, v); err == nil && info.parent != nil && parents[string(info.parent)] {
					next = append(next, bytes.Clone(k))
				}
				return nil
			}); err != nil {
				return err
			}
			gone = append(gone, next...)
		}
		for _, k := range gone {
			if err := b.Delete(k); err != nil {
				return err
			}
		}
		revoked = len(gone)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("revoke token %s of %s: %w", id, person, err)
	}
	return revoked, nil
}
