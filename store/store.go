package store

import (
	"errors"
	"fmt"
	"math"
	"os"
	"sync"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// Options configure Open. The zero value is usable.
type Options struct {
	// Decider is told of every state change inside its transaction and
	// decides who is notified. nil: nobody is told anything.
	Decider Decider
	// ExpireCleared is how long a cleared alert is kept before it and its
	// history are deleted. 0: 30 days.
	ExpireCleared time.Duration
	// LockTimeout is how long Open waits for another process to release
	// the file before returning an error matching ErrLocked. 0: 1s.
	LockTimeout time.Duration
	// NoSync skips fsync on commit. Only for tests and benchmarks that
	// measure everything but the disk; a crash may lose committed data.
	NoSync bool
}

// Store is the station's memory in one bbolt file. Its methods are safe for
// concurrent use; write transactions are serialised by bbolt.
type Store struct {
	db      *bolt.DB
	path    string
	decider Decider
	expire  time.Duration
	clean   *cleaner

	mu      sync.Mutex
	subs    map[int]chan Change
	nsubs   atomic.Int32
	nextSub int

	outboxCh chan struct{}
	wakeCh   chan struct{}
	// nextDue is the earliest due time the scheduler knows of, unix
	// nanoseconds; a commit that schedules something earlier wakes it.
	nextDue atomic.Int64

	stats storeStats
}

// Bucket names, read-only. Keys and encodings are private to this package.
var (
	bucketMeta        = []byte("meta")         // schema version
	bucketAlerts      = []byte("alerts")       // source NUL id → alert
	bucketEvents      = []byte("events")       // seq → event
	bucketAlertEvents = []byte("alert-events") // source NUL id NUL seq → nil
	bucketDue         = []byte("due")          // time kind block source NUL id → nil
	bucketOutbox      = []byte("outbox")       // id → notification
	bucketOutboxDue   = []byte("outbox-due")   // next attempt, id → nil
	bucketDeliveries  = []byte("deliveries")   // person → (time seq → level)
	bucketSessions    = []byte("sessions")     // id → person, expiry
	bucketTokens      = []byte("tokens")       // sha256(secret) → person, name, created
	keySchema         = []byte("schema")
	keyExpire         = []byte("expire-cleared") // the ExpireCleared the due index was built with
)

const schemaVersion = 1

// Open opens (creating if need be) the store at path. When another process
// holds the file, it gives up after Options.LockTimeout with an error that
// matches ErrLocked and names the file.
func Open(path string, opts Options) (*Store, error) {
	timeout := opts.LockTimeout
	if timeout == 0 {
		timeout = time.Second
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{
		Timeout:        timeout,
		NoFreelistSync: true,
		FreelistType:   bolt.FreelistMapType,
		NoSync:         opts.NoSync,
	})
	if errors.Is(err, berrors.ErrTimeout) {
		return nil, &lockedError{path: path}
	}
	if err != nil {
		return nil, openError(path, err)
	}
	s := &Store{
		db:       db,
		path:     path,
		decider:  opts.Decider,
		expire:   opts.ExpireCleared,
		clean:    newCleaner(),
		subs:     map[int]chan Change{},
		outboxCh: make(chan struct{}, 1),
		wakeCh:   make(chan struct{}, 1),
	}
	if s.expire == 0 {
		s.expire = 30 * 24 * time.Hour
	}
	s.nextDue.Store(math.MaxInt64)
	if err := db.Update(func(tx *bolt.Tx) error {
		// Files from before the outbox had an index get one.
		noIndex := tx.Bucket(bucketOutboxDue) == nil
		if err := migrate(tx); err != nil {
			return err
		}
		if noIndex {
			if err := reindexOutbox(tx); err != nil {
				return err
			}
		}
		return s.reindexExpiry(tx)
	}); err != nil {
		db.Close()
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	return s, nil
}

// openError says why the database file at path did not open, naming the
// file once (bbolt's own errors name it again, or say only "invalid").
func openError(path string, err error) error {
	var pe *os.PathError
	switch {
	case errors.As(err, &pe):
		return fmt.Errorf("database %s: %w (give --db or station.database a file in a writable directory)", path, pe.Err)
	case errors.Is(err, berrors.ErrInvalid), errors.Is(err, berrors.ErrVersionMismatch), errors.Is(err, berrors.ErrChecksum):
		return fmt.Errorf("database %s: %w: not a mauve database, or a damaged one (give --db another file)", path, err)
	}
	return fmt.Errorf("database %s: %w", path, err)
}

// migrate creates the buckets and brings the schema up to date, in the
// transaction Open runs it in.
func migrate(tx *bolt.Tx) error {
	for _, name := range [][]byte{bucketMeta, bucketAlerts, bucketEvents, bucketAlertEvents,
		bucketDue, bucketOutbox, bucketOutboxDue, bucketDeliveries, bucketSessions, bucketTokens} {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return fmt.Errorf("create bucket %s: %w", name, err)
		}
	}
	meta := tx.Bucket(bucketMeta)
	v := meta.Get(keySchema)
	switch {
	case v == nil:
		return meta.Put(keySchema, u64(schemaVersion))
	case len(v) != 8:
		return fmt.Errorf("schema version: %w", &CorruptError{Bucket: "meta", Key: "schema", Err: errShort})
	case int(beUint64(v)) > schemaVersion:
		return fmt.Errorf("schema version %d is newer than this mauve understands (%d): upgrade mauve", beUint64(v), schemaVersion)
	}
	return nil
}

// reindexExpiry rebuilds the due index when ExpireCleared differs from the
// one it was built with, so that expiry follows the configuration.
func (s *Store) reindexExpiry(tx *bolt.Tx) error {
	meta := tx.Bucket(bucketMeta)
	want := u64(uint64(s.expire))
	if v := meta.Get(keyExpire); v != nil && string(v) == string(want) {
		return nil
	}
	if err := tx.DeleteBucket(bucketDue); err != nil {
		return fmt.Errorf("rebuild due index: %w", err)
	}
	due, err := tx.CreateBucket(bucketDue)
	if err != nil {
		return fmt.Errorf("rebuild due index: %w", err)
	}
	err = tx.Bucket(bucketAlerts).ForEach(func(k, v []byte) error {
		a, err := decodeAlert(parseAlertKey(k), v)
		if err != nil {
			return &CorruptError{Bucket: string(bucketAlerts), Key: parseAlertKey(k).String(), Err: err}
		}
		for _, d := range dueKeys(&a, s.expire) {
			if err := due.Put(d, nil); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("rebuild due index: %w", err)
	}
	return meta.Put(keyExpire, want)
}

// Path returns the file the store lives in.
func (s *Store) Path() string { return s.path }

// Close closes the file. Subscribers' channels are closed.
func (s *Store) Close() error {
	s.mu.Lock()
	for id, ch := range s.subs {
		close(ch)
		delete(s.subs, id)
	}
	s.mu.Unlock()
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("close store %s: %w", s.path, err)
	}
	return nil
}

// Subscribe returns a channel that receives each change after it commits,
// and a function to stop. A subscriber that falls behind misses changes
// (the channel holds 1024); it never slows a commit.
func (s *Store) Subscribe() (<-chan Change, func()) { return s.SubscribeBuffer(1024) }

// SubscribeBuffer is Subscribe with a channel of the given number of
// changes (at least 1), for subscribers that must stay small (one per
// event stream) and resync when they miss something.
func (s *Store) SubscribeBuffer(slots int) (<-chan Change, func()) {
	ch := make(chan Change, max(slots, 1))
	s.mu.Lock()
	id := s.nextSub
	s.nextSub++
	s.subs[id] = ch
	s.nsubs.Store(int32(len(s.subs)))
	s.mu.Unlock()
	var once sync.Once
	return ch, func() {
		once.Do(func() {
			s.mu.Lock()
			if _, ok := s.subs[id]; ok {
				delete(s.subs, id)
				close(ch)
			}
			s.nsubs.Store(int32(len(s.subs)))
			s.mu.Unlock()
		})
	}
}

// OutboxChanged returns a channel that receives a value whenever rows are
// added to the outbox. It holds one value, so a burst of rows wakes the
// reader once; the reader then asks DueNotifications.
func (s *Store) OutboxChanged() <-chan struct{} { return s.outboxCh }

// Wake returns a channel that receives a value when a commit scheduled
// something earlier than the next due time Tick last returned.
func (s *Store) Wake() <-chan struct{} { return s.wakeCh }

// update runs fn in one write transaction stamped with now, then, after
// the commit, tells subscribers, the outbox reader and the scheduler.
func (s *Store) update(now time.Time, fn func(t *txn) error) error {
	t := &txn{s: s, now: now, minDue: math.MaxInt64, subscribed: s.nsubs.Load() > 0}
	err := s.db.Update(func(tx *bolt.Tx) error {
		t.bind(tx)
		return fn(t)
	})
	if err != nil {
		return err
	}
	s.afterCommit(t)
	return nil
}

// batch is update through bbolt's DB.Batch: concurrent calls (the notify
// workers finishing rows) share one transaction and one fsync. fn may run
// more than once (bbolt retries a failed batch one call at a time), so each
// run starts from a fresh txn.
func (s *Store) batch(now time.Time, fn func(t *txn) error) error {
	var t *txn
	err := s.db.Batch(func(tx *bolt.Tx) error {
		t = &txn{s: s, now: now, minDue: math.MaxInt64, subscribed: s.nsubs.Load() > 0}
		t.bind(tx)
		return fn(t)
	})
	if err != nil {
		return err
	}
	s.afterCommit(t)
	return nil
}

func (s *Store) afterCommit(t *txn) {
	s.stats.raised.Add(uint64(t.raised))
	s.stats.cleared.Add(uint64(t.cleared))
	if t.notified {
		select {
		case s.outboxCh <- struct{}{}:
		default:
		}
	}
	if t.minDue < s.nextDue.Load() {
		s.nextDue.Store(t.minDue)
		select {
		case s.wakeCh <- struct{}{}:
		default:
		}
	}
	if len(t.changes) == 0 {
		return
	}
	s.mu.Lock()
	for _, ch := range s.subs {
		for _, c := range t.changes {
			select {
			case ch <- c:
			default:
			}
		}
	}
	s.mu.Unlock()
}
