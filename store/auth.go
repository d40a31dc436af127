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

// CreateToken makes a new API token for a person and returns its secret;
// only a hash of it is stored.
func (s *Store) CreateToken(person, name string, now time.Time) (string, error) {
	secret, err := randomSecret()
	if err != nil {
		return "", fmt.Errorf("create token %q for %s: %w", name, person, err)
	}
	err = s.update(now, func(t *txn) error {
		e := encoder{}
		e.byte(recordVersion)
		e.str(person)
		e.str(name)
		e.time(now)
		return t.tx.Bucket(bucketTokens).Put(tokenHash(secret), e.b)
	})
	if err != nil {
		return "", fmt.Errorf("create token %q for %s: %w", name, person, err)
	}
	return secret, nil
}

// TokenPerson returns the person a token secret belongs to, or
// ErrNotFound.
func (s *Store) TokenPerson(secret string, now time.Time) (string, error) {
	var person string
	err := s.db.View(func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketTokens).Get(tokenHash(secret))
		if v == nil {
			return ErrNotFound
		}
		d := newDecoder(v)
		d.byte()
		person = d.str()
		return d.err
	})
	if err != nil {
		return "", fmt.Errorf("token: %w", err)
	}
	return person, nil
}
