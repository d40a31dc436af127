package store

import (
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"sort"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Rota overrides: one person covering another's shifts for a while. They
// are kept after they are removed, marked with who removed them and why,
// so the history shows who was meant to be on call.

// bucketOverrides holds overrides by ID (big-endian sequence). It is made
// when the first override is, so older databases need no migration.
var bucketOverrides = []byte("rota-overrides")

// Override is one rota override as the store keeps it.
type Override struct {
	ID        uint64
	Rota      string
	Person    string // who covers
	Covers    string // who is covered; "" is whoever holds the shift
	From, To  time.Time
	CreatedBy string
	Created   time.Time
	// Removed is when the override was removed (zero: it stands), by
	// whom, and why (e.g. "rota removed from the configuration").
	Removed   time.Time
	RemovedBy string
	Reason    string
}

// ErrBadOverride is an override refused for what it says.
var ErrBadOverride = errors.New("bad override")

func encodeOverride(o *Override) []byte {
	e := encoder{}
	e.byte(recordVersion)
	e.str(o.Rota)
	e.str(o.Person)
	e.str(o.Covers)
	e.time(o.From)
	e.time(o.To)
	e.str(o.CreatedBy)
	e.time(o.Created)
	e.time(o.Removed)
	e.str(o.RemovedBy)
	e.str(o.Reason)
	return e.b
}

func decodeOverride(k, v []byte) (Override, error) {
	d := newDecoder(v)
	d.byte()
	o := Override{ID: binary.BigEndian.Uint64(k)}
	o.Rota = d.str()
	o.Person = d.str()
	o.Covers = d.str()
	o.From = d.time()
	o.To = d.time()
	o.CreatedBy = d.str()
	o.Created = d.time()
	o.Removed = d.time()
	o.RemovedBy = d.str()
	o.Reason = d.str()
	return o, d.err
}

// AddOverride records an override made by o.CreatedBy at now and returns
// it with its ID. Whether the rota and people exist is the policy's to
// check; the store refuses only an empty one or one ending before it
// starts.
func (s *Store) AddOverride(o Override, now time.Time) (Override, error) {
	switch {
	case o.Rota == "":
		return Override{}, fmt.Errorf("add override: rota is empty: %w", ErrBadOverride)
	case o.Person == "":
		return Override{}, fmt.Errorf("add override: person is empty: %w", ErrBadOverride)
	case !o.To.After(o.From):
		return Override{}, fmt.Errorf("add override: to (%s) is not after from (%s): %w",
			o.To.Format(time.RFC3339), o.From.Format(time.RFC3339), ErrBadOverride)
	}
	o.Created = now
	o.Removed, o.RemovedBy, o.Reason = time.Time{}, "", ""
	err := s.update(now, func(t *txn) error {
		b, err := t.tx.CreateBucketIfNotExists(bucketOverrides)
		if err != nil {
			return err
		}
		if o.ID, err = b.NextSequence(); err != nil {
			return err
		}
		return b.Put(binary.BigEndian.AppendUint64(nil, o.ID), encodeOverride(&o))
	})
	if err != nil {
		return Override{}, fmt.Errorf("add override on rota %s: %w", o.Rota, err)
	}
	return o, nil
}

// Overrides lists the overrides, oldest first; removed ones only when
// withRemoved.
func (s *Store) Overrides(withRemoved bool) ([]Override, error) {
	var out []Override
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketOverrides)
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, v []byte) error {
			o, err := decodeOverride(k, v)
			if err != nil {
				return &CorruptError{Bucket: string(bucketOverrides), Key: fmt.Sprint(binary.BigEndian.Uint64(k)), Err: err}
			}
			if withRemoved || o.Removed.IsZero() {
				out = append(out, o)
			}
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("list overrides: %w", err)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// RemoveOverride marks an override removed by who at now, for reason;
// it stays in the history. An unknown or already removed one is
// ErrNotFound.
func (s *Store) RemoveOverride(id uint64, who, reason string, now time.Time) (Override, error) {
	var o Override
	err := s.update(now, func(t *txn) error {
		b := t.tx.Bucket(bucketOverrides)
		if b == nil {
			return ErrNotFound
		}
		k := binary.BigEndian.AppendUint64(nil, id)
		v := b.Get(k)
		if v == nil {
			return ErrNotFound
		}
		var err error
		if o, err = decodeOverride(k, v); err != nil {
			return &CorruptError{Bucket: string(bucketOverrides), Key: fmt.Sprint(id), Err: err}
		}
		if !o.Removed.IsZero() {
			return ErrNotFound
		}
		o.Removed, o.RemovedBy, o.Reason = now, who, reason
		return b.Put(k, encodeOverride(&o))
	})
	if err != nil {
		return Override{}, fmt.Errorf("remove override %d: %w", id, err)
	}
	return o, nil
}

// DropOverrides marks removed, with reason, every standing override on a
// rota keep does not accept (a reload that removed the rota), and returns
// them so the caller can log which went.
func (s *Store) DropOverrides(keep func(rota string) bool, reason string, now time.Time) ([]Override, error) {
	var dropped []Override
	err := s.update(now, func(t *txn) error {
		b := t.tx.Bucket(bucketOverrides)
		if b == nil {
			return nil
		}
		type kv struct {
			k []byte
			o Override
		}
		var gone []kv
		if err := b.ForEach(func(k, v []byte) error {
			o, err := decodeOverride(k, v)
			if err == nil && o.Removed.IsZero() && !keep(o.Rota) {
				gone = append(gone, kv{append([]byte(nil), k...), o})
			}
			return nil
		}); err != nil {
			return err
		}
		for _, g := range gone {
			g.o.Removed, g.o.RemovedBy, g.o.Reason = now, "", reason
			if err := b.Put(g.k, encodeOverride(&g.o)); err != nil {
				return err
			}
			dropped = append(dropped, g.o)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("drop overrides: %w", err)
	}
	return dropped, nil
}

// bucketRotaFeed holds the secret that calendar feed URLs are derived
// from, made on first use.
var bucketRotaFeed = []byte("rota-feed")

// FeedSecret returns the station's calendar feed secret, making a random
// one the first time.
func (s *Store) FeedSecret(now time.Time) ([]byte, error) {
	var secret []byte
	err := s.db.View(func(tx *bolt.Tx) error {
		if b := tx.Bucket(bucketRotaFeed); b != nil {
			secret = append([]byte(nil), b.Get([]byte("secret"))...)
		}
		return nil
	})
	if err != nil || len(secret) > 0 {
		return secret, err
	}
	fresh := make([]byte, 32)
	if _, err := rand.Read(fresh); err != nil {
		return nil, fmt.Errorf("feed secret: %w", err)
	}
	err = s.update(now, func(t *txn) error {
		b, err := t.tx.CreateBucketIfNotExists(bucketRotaFeed)
		if err != nil {
			return err
		}
		if v := b.Get([]byte("secret")); v != nil { // made meanwhile
			secret = append([]byte(nil), v...)
			return nil
		}
		secret = fresh
		return b.Put([]byte("secret"), fresh)
	})
	if err != nil {
		return nil, fmt.Errorf("feed secret: %w", err)
	}
	return secret, nil
}
