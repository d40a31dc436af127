package store

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Sessions and API tokens. Session ids and token secrets are 256 random
// bits; only a SHA-256 of a token secret is stored, so a copy of the file
// does not hand out tokens.

func randomSecret() (string, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return hex.EncodeToString(b[:]), nil
}

func tokenHash(secret string) []byte {
	h := sha256.Sum256([]byte(secret))
	return h[:]
}

// CreateSession starts a web session for a person that lasts ttl and
// returns its id. Expired sessions are pruned as new ones are made.
func (s *Store) CreateSession(person string, ttl time.Duration, now time.Time) (string, error) {
	id, err := randomSecret()
	if err != nil {
		return "", fmt.Errorf("create session for %s: %w", person, err)
	}
	err = s.update(now, func(t *txn) error {
		b := t.tx.Bucket(bucketSessions)
		var expired [][]byte
		if err := b.ForEach(func(k, v []byte) error {
			if _, until, err := decodeSession(v); err != nil || !until.After(now) {
				expired = append(expired, append([]byte(nil), k...))
			}
			return nil
		}); err != nil {
			return err
		}
		for _, k := range expired {
			if err := b.Delete(k); err != nil {
				return err
			}
		}
		e := encoder{}
		e.byte(recordVersion)
		e.str(person)
		e.time(now.Add(ttl))
		return b.Put([]byte(id), e.b)
	})
	if err != nil {
		return "", fmt.Errorf("create session for %s: %w", person, err)
	}
	return id, nil
}

func decodeSession(v []byte) (string, time.Time, error) {
	d := newDecoder(v)
	d.byte()
	person := d.str()
	until := d.time()
	return person, until, d.err
}

// SessionPerson returns the person of a live session; an unknown or
// expired session is ErrNotFound.
func (s *Store) SessionPerson(id string, now time.Time) (string, error) {
	var person string
	err := s.db.View(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketSessions).Get([]byte(id))
		if v == nil {
			return ErrNotFound
		}
		p, until, err := decodeSession(v)
		if err != nil {
			return &CorruptError{Bucket: string(bucketSessions), Key: "…", Err: err}
		}
		if !until.After(now) {
			return ErrNotFound
		}
		person = p
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("session: %w", err)
	}
	return person, nil
}

// DeleteSession ends a session. Ending an unknown session is not an error.
func (s *Store) DeleteSession(id string) error {
	err := s.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketSessions).Delete([]byte(id))
	})
	if err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

// TokenSpec describes a new API token.
type TokenSpec struct {
	Person string
	Name   string // what it is for, e.g. "laptop"
	// MayCreateTokens lets the token make further tokens. Without it a
	// token stolen from a script cannot mint more to outlive its revoking.
	MayCreateTokens bool
	// CreatedBy is the secret of the token that made this one, "" when
	// it was made otherwise (socket, password, web session). Revoking a
	// token revokes those it made.
	CreatedBy string
}

// CreateToken makes a new API token for a person and returns its secret;
// only a hash of it is stored. The token may not make tokens.
func (s *Store) CreateToken(person, name string, now time.Time) (string, error) {
	return s.CreateTokenSpec(TokenSpec{Person: person, Name: name}, now)
}

// CreateTokenSpec makes a new API token as spec says and returns its
// secret; only a hash of it is stored. A token made by another token
// records its creator, which must still exist.
func (s *Store) CreateTokenSpec(spec TokenSpec, now time.Time) (string, error) {
	secret, err := randomSecret()
	if err != nil {
		return "", fmt.Errorf("create token %q for %s: %w", spec.Name, spec.Person, err)
	}
	err = s.update(now, func(t *txn) error {
		b := t.tx.Bucket(bucketTokens)
		var parent []byte
		if spec.CreatedBy != "" {
			parent = tokenHash(spec.CreatedBy)
			if b.Get(parent) == nil {
				return fmt.Errorf("the token making it was revoked: %w", ErrNotFound)
			}
		}
		e := encoder{}
		e.byte(recordVersion)
		e.str(spec.Person)
		e.str(spec.Name)
		e.time(now)
		var flags byte
		if spec.MayCreateTokens {
			flags |= tokenMayCreate
		}
		e.byte(flags)
		e.str(string(parent))
		return b.Put(tokenHash(secret), e.b)
	})
	if err != nil {
		return "", fmt.Errorf("create token %q for %s: %w", spec.Name, spec.Person, err)
	}
	return secret, nil
}

// tokenMayCreate is the flag of a token that may make tokens.
const tokenMayCreate = 1

// TokenPerson returns the person a token secret belongs to, or
// ErrNotFound.
func (s *Store) TokenPerson(secret string, now time.Time) (string, error) {
	info, err := s.TokenLookup(secret, now)
	return info.Person, err
}

// TokenLookup returns what the store knows of a token secret, or
// ErrNotFound.
func (s *Store) TokenLookup(secret string, now time.Time) (TokenInfo, error) {
	var info TokenInfo
	err := s.db.View(func(tx *bolt.Tx) error {
		k := tokenHash(secret)
		v := tx.Bucket(bucketTokens).Get(k)
		if v == nil {
			return ErrNotFound
		}
		var err error
		info, err = decodeToken(k, v)
		return err
	})
	if err != nil {
		return TokenInfo{}, fmt.Errorf("token: %w", err)
	}
	return info, nil
}
