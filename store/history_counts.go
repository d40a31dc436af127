package store

import (
	"encoding/binary"
	"fmt"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"
)

// DayCount is how many times alerts were raised on one calendar day of
// the station, by level. A raise is a raised or re-raised event
// (EventRaised, EventReRaised).
//
// Events do not record the level the policy gave the alert at the time, so
// a raise counts under the alert's current level (Alert.Level, what the
// policy decided at its last change). A raise of an alert whose level is
// none of urgent, normal and low (or whose record is gone) counts as Other.
type DayCount struct {
	Day    time.Time // the first instant of the day in the zone asked for: midnight, or when midnight is skipped, the end of the gap
	Urgent int
	Normal int
	Low    int
	Other  int
}

// Total is the day's raises of every level.
func (d DayCount) Total() int { return d.Urgent + d.Normal + d.Low + d.Other }

// dayKey names a calendar day independently of its length (23 or 25 hours
// on a daylight saving change).
type dayKey struct {
	y int
	m time.Month
	d int
}

// HistoryCounts counts raises per day and level over [from, to), the days
// taken in loc (nil: UTC). Only days with at least one raise are returned,
// oldest first. A zero from or to leaves that end open.
//
// Like SearchHistory it relies on events being recorded in time order: it
// finds the first event at or after from by binary search over the event
// sequence, then reads forward until to.
func (s *Store) HistoryCounts(from, to time.Time, loc *time.Location) ([]DayCount, error) {
	if loc == nil {
		loc = time.UTC
	}
	counts := map[dayKey]*DayCount{}
	var order []dayKey
	err := s.db.View(func(tx *bolt.Tx) error {
		alerts := tx.Bucket(bucketAlerts)
		c := tx.Bucket(bucketEvents).Cursor()
		// The level of each alert met, by its key (source NUL id); a
		// lookup with string(key) does not allocate.
		levels := map[string]Level{}
		var key []byte
		k, v := firstEventAtOrAfter(c, from)
		for ; k != nil; k, v = c.Next() {
			h, ok := readEventHead(v)
			if !ok {
				_, err := decodeEvent(v)
				if err == nil {
					err = errShort
				}
				return &CorruptError{Bucket: string(bucketEvents), Key: fmt.Sprintf("%x", k), Err: err}
			}
			at := h.time()
			if !to.IsZero() && !at.Before(to) {
				break
			}
			if !h.raise() {
				continue
			}
			key = append(append(append(key[:0], h.source...), 0), h.id...)
			level, ok := levels[string(key)]
			if !ok {
				a, _, err := loadAlert(alerts, Key{Source: string(h.source), ID: string(h.id)})
				if err != nil {
					return err
				}
				level = a.Level
				levels[string(key)] = level
			}
			y, m, d := at.In(loc).Date()
			dk := dayKey{y, m, d}
			dc := counts[dk]
			if dc == nil {
				dc = &DayCount{Day: startOfDay(y, m, d, loc)}
				counts[dk] = dc
				order = append(order, dk)
			}
			switch level {
			case LevelUrgent:
				dc.Urgent++
			case LevelNormal:
				dc.Normal++
			case LevelLow:
				dc.Low++
			default:
				dc.Other++
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("count raises per day from %s to %s: %w", from.Format(time.RFC3339), to.Format(time.RFC3339), err)
	}
	out := make([]DayCount, 0, len(order))
	for _, dk := range order {
		out = append(out, *counts[dk])
	}
	// Events come in time order, so days do too, except when the clock
	// stepped back across midnight; sort to be sure.
	slices.SortFunc(out, func(a, b DayCount) int { return a.Day.Compare(b.Day) })
	return out, nil
}

// firstEventAtOrAfter positions c on the first event whose time is not
// before from (the first event of all when from is zero): a binary search
// over the sequence numbers, which may have gaps.
func firstEventAtOrAfter(c *bolt.Cursor, from time.Time) ([]byte, []byte) {
	fk, fv := c.First()
	if fk == nil || from.IsZero() {
		return fk, fv
	}
	lk, _ := c.Last()
	lo, hi := beUint64(fk), beUint64(lk)+1
	for lo < hi {
		mid := lo + (hi-lo)/2
		k, v := c.Seek(u64(mid))
		if k == nil {
			hi = mid
			continue
		}
		if eventTime(v).Before(from) {
			lo = beUint64(k) + 1
		} else {
			hi = mid
		}
	}
	return c.Seek(u64(lo))
}

// eventHead is the start of an encoded event (see appendEvent), read in
// place: counting a month of events then allocates nothing per event.
type eventHead struct {
	nanos      int64
	source, id []byte
	kind       []byte
}

func (h eventHead) time() time.Time {
	if h.nanos == 0 {
		return time.Time{}
	}
	return time.Unix(0, h.nanos).UTC()
}

func (h eventHead) raise() bool {
	return string(h.kind) == string(EventRaised) || string(h.kind) == string(EventReRaised)
}

// readEventHead reads version, sequence, time, source, id and kind of an
// encoded event; false if the record is not one.
func readEventHead(v []byte) (eventHead, bool) {
	var h eventHead
	if len(v) == 0 || v[0] != recordVersion {
		return h, false
	}
	v = v[1:]
	if _, n := binary.Uvarint(v); n > 0 {
		v = v[n:]
	} else {
		return h, false
	}
	t, n := binary.Varint(v)
	if n <= 0 {
		return h, false
	}
	h.nanos, v = t, v[n:]
	for _, f := range []*[]byte{&h.source, &h.id, &h.kind} {
		l, n := binary.Uvarint(v)
		if n <= 0 || l > uint64(len(v)-n) {
			return h, false
		}
		*f, v = v[n:n+int(l)], v[n+int(l):]
	}
	return h, true
}

// eventTime reads only the time of an encoded event. An unreadable record
// gives the zero time, so the search moves past it and the forward read
// reports it.
func eventTime(v []byte) time.Time {
	h, ok := readEventHead(v)
	if !ok {
		return time.Time{}
	}
	return h.time()
}

// startOfDay is the first instant of a calendar day in loc. That is
// midnight, except where a daylight saving change skips midnight (as in
// America/Santiago), where time.Date would give 23:00 of the day before
// and the day starts at the end of the gap.
func startOfDay(y int, m time.Month, d int, loc *time.Location) time.Time {
	t := time.Date(y, m, d, 0, 0, 0, 0, loc)
	if ty, tm, td := t.Date(); ty != y || tm != m || td != d {
		_, end := t.ZoneBounds()
		if !end.IsZero() {
			return end
		}
	}
	return t
}
