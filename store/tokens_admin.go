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
// shows it). A token that does not exist or belongs to someone else is
// ErrNotFound: a person revokes only their own.
func (s *Store) RevokeToken(person, id string) error {
	raw, err := hex.DecodeString(id)
	if err != nil || len(raw) != tokenIDLen {
		return fmt.Errorf("revoke token %q of %s: not a token ID (want %d hex digits): %w", id, person, 2*tokenIDLen, ErrNotFound)
	}
	err = s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketTokens)
		c := b.Cursor()
		for k, v := c.Seek(raw); k != nil && bytes.HasPrefix(k, raw); k, v = c.Next() {
			info, err := decodeToken(k, v)
			if err != nil || info.Person != person {
				continue
			}
			return b.Delete(k)
		}
		return ErrNotFound
	})
	if err != nil {
		return fmt.Errorf("revoke token %s of %s: %w", id, person, err)
	}
	return nil
}
