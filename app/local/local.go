// Package local keeps the reader's objects on this device: annotations,
// copies of the articles they were made on, reading positions and
// settings. In the browser they live in IndexedDB, one database per
// account (and one for a guest); elsewhere in memory. Everything is
// written here first, before any network, so a mark survives a reload, a
// closed tab and a lost connection.
//
// A Store is also the device's replica for sync (margin/app/sync): each
// object is kept as the server's record with its per-field clocks, plus
// the view the reader sees, which is that record with the edits not yet
// on the server applied. A local edit is one transaction over the
// object, the log of pending mutations and the replica's state: it takes
// the next mutation id, logs the mutation and applies it to the view, so
// two tabs never reuse an id and an edit is never half made. What the
// server sends back is applied the same way (Pulled), in one transaction
// per page, with the edits still pending applied again on top.
//
// Records carry a format version. A record this package cannot read (a
// corrupt one, or one written by something else) is skipped with a
// logged warning and left in place; it never stops the others from
// loading. When the browser's storage is full, an annotation stays in
// memory, is served from there, and is written when there is room again.
package local

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sync"
	"time"

	"margin/app/annotation"
	msync "margin/app/sync"
)

// ErrQuota reports that the device's storage is full: the change is kept
// in memory until it can be written.
var ErrQuota = errors.New("local: this device's storage is full")

// ErrDeleted reports an edit of an annotation that is deleted, here or,
// as this device has heard, on another device.
var ErrDeleted = errors.New("local: this highlight was deleted")

// Backend keeps JSON records in named stores, keyed by their "id" field;
// the annotations store is also indexed by "article". The browser's is
// IndexedDB; Memory serves tests and the server.
type Backend interface {
	// All returns every record of store, in key order, or with field set
	// only those whose field equals value.
	All(ctx context.Context, store, field, value string) ([]json.RawMessage, error)
	// Get returns the record with the given id, or nil when there is none.
	Get(ctx context.Context, store, id string) (json.RawMessage, error)
	// Update runs one readwrite transaction over stores, in rounds: step
	// is called with nil first and returns the round's requests; the
	// writes are made and the reads awaited, and step is called again
	// with the reads' results in order (OpGet: the record or nil;
	// OpGetAll: a JSON array). The transaction commits after a round
	// without reads. Readwrite transactions over overlapping stores run
	// one at a time. All or nothing: an error from step aborts and is
	// returned; a full quota is an error wrapping ErrQuota. step must not
	// block: in the browser it runs inside IndexedDB's callbacks.
	Update(ctx context.Context, stores []string, step func(got []json.RawMessage) ([]Op, error)) error
	// Destroy deletes the database and everything in it.
	Destroy(ctx context.Context) error
}

// Store is the device's copy of the reader's objects and its replica for
// sync. It is safe for concurrent use, and several Stores (in several
// tabs) may share one database.
type Store struct {
	b     Backend
	logf  func(format string, args ...any)
	clock *msync.Clock
	now   func() time.Time

	// mu guards the fields below.
	mu sync.Mutex
	// ready is set once the database is known to hold the replica's
	// state and no records of an older format.
	ready bool
	// offset is the server offset this store last read from or wrote to
	// the database, to notice when another tab learns a new one.
	offset *int64
	// waiting holds the annotations that could not be written for lack
	// of room, by id.
	waiting map[string]*annotation.Annotation
	// onEdit is called after each local edit is stored.
	onEdit func()
}

// Option configures a Store.
type Option func(*Store)

// WithClock makes the store read the time from now, for tests.
func WithClock(now func() time.Time) Option { return func(s *Store) { s.now = now } }

// New returns a store over b; logf receives warnings about records it
// skips. They are warnings, not failures: errors among their arguments
// are passed as text, so that a logger that raises the level of messages
// holding errors (go-app's does) does not.
func New(b Backend, logf func(format string, args ...any), opts ...Option) *Store {
	warn := func(string, ...any) {}
	if logf != nil {
		warn = func(format string, args ...any) {
			for i, a := range args {
				if err, ok := a.(error); ok {
					args[i] = err.Error()
				}
			}
			logf(format, args...)
		}
	}
	s := &Store{b: b, logf: warn, now: time.Now, waiting: map[string]*annotation.Annotation{}}
	for _, o := range opts {
		o(s)
	}
	s.clock = msync.NewClock(s.now, 0)
	return s
}

// Clock returns the clock that stamps this store's edits. The sync engine
// teaches it the server's time.
func (s *Store) Clock() *msync.Clock { return s.clock }

// OnEdit sets f to be called after each local edit is stored, so the sync
// engine can push it soon.
func (s *Store) OnEdit(f func()) {
	s.mu.Lock()
	s.onEdit = f
	s.mu.Unlock()
}

// edited calls the OnEdit function.
func (s *Store) edited() {
	s.mu.Lock()
	f := s.onEdit
	s.mu.Unlock()
	if f != nil {
		f()
	}
}

// prepare makes sure the database holds the replica's state and no
// records of version 1, converting them in one transaction the first time.
func (s *Store) prepare(ctx context.Context) error {
	s.mu.Lock()
	done := s.ready
	s.mu.Unlock()
	if done {
		return nil
	}
	err := s.update(ctx, allStores, func(t *tx) error {
		raw, err := t.get(storeMeta, metaKey)
		if err != nil {
			return err
		}
		if raw != nil {
			var m meta
			if json.Unmarshal(raw, &m) == nil && m.V == recordVersion && msync.ValidClientID(m.ClientID) {
				return nil
			}
			t.warnf("local: the replica's state cannot be read; starting it again: %s", raw)
		}
		return s.start(t)
	})
	if err != nil {
		return fmt.Errorf("local: prepare the database: %w", err)
	}
	s.mu.Lock()
	s.ready = true
	s.mu.Unlock()
	return nil
}

// start makes the replica's state in a database that has none: a new
// client id, the mutations still pending (if the state was lost)
// renumbered from 1, and the records of version 1 converted, each with a
// mutation that creates it.
func (s *Store) start(t *tx) error {
	t.needAll(storePending, Annotations, Articles)
	me, err := s.freshMeta(t)
	if err != nil {
		return err
	}
	anns, err := t.all(Annotations)
	if err != nil {
		return err
	}
	arts, err := t.all(Articles)
	if err != nil {
		return err
	}
	for _, raw := range anns {
		var old v1Annotation
		if json.Unmarshal(raw, &old) != nil || old.V != 1 || annotation.Validate(&old.Annotation) != nil {
			continue // left in place; reads warn about it
		}
		m := msync.Mutation{Op: msync.OpUpsert, Kind: msync.KindAnnotation, Object: old.ID, Fields: msync.AnnotationFields(&old.Annotation, nil)}
		s.clock.Observe(msync.At(old.Modified))
		if err := s.log(t, me, &object{ID: old.ID}, m); err != nil {
			t.warnf("local: annotation %q is kept as it was: %v", old.ID, err)
		}
	}
	for _, raw := range arts {
		var old v1Article
		if json.Unmarshal(raw, &old) != nil || old.V != 1 || old.Article == nil {
			continue
		}
		old.Article.ID = old.ID
		doc, err := json.Marshal(old.Article)
		if err != nil {
			continue
		}
		m := msync.Mutation{Op: msync.OpUpsert, Kind: msync.KindArticle, Object: old.ID, Fields: map[string]json.RawMessage{"doc": doc}}
		if err := s.log(t, me, &object{ID: old.ID}, m); err != nil {
			t.warnf("local: article %q is kept as it was: %v", old.ID, err)
		}
	}
	return s.saveMeta(t, me)
}

// loadMeta reads the replica's state, making a new one if there is none
// (the database was cleared since this store prepared it).
func (s *Store) loadMeta(t *tx) (*meta, error) {
	raw, err := t.get(storeMeta, metaKey)
	if err != nil {
		return nil, err
	}
	me := &meta{}
	if raw == nil || json.Unmarshal(raw, me) != nil || me.V != recordVersion || !msync.ValidClientID(me.ClientID) {
		if me, err = s.freshMeta(t); err != nil {
			return nil, err
		}
	}
	s.syncClock(me)
	return me, nil
}

// freshMeta makes a new replica's state: a new client id, and the
// mutations still pending renumbered from 1 under it. Pending mutations
// cannot outlive their state; if some did, they go out under the new id.
func (s *Store) freshMeta(t *tx) (*meta, error) {
	me := &meta{ID: metaKey, ClientID: newClientID(), Next: 1}
	if err := s.renumber(t, me, 0); err != nil {
		return nil, err
	}
	return me, nil
}

// syncClock takes the server's offset when another tab learned a newer
// one, and moves the clock past the last value any tab stamped; once the
// server's time is known, not beyond what the server would clamp it to:
// a value stamped before the device learned that its clock runs ahead
// must not pull every later one ahead too.
func (s *Store) syncClock(me *meta) {
	s.mu.Lock()
	if me.Offset != nil && (s.offset == nil || *s.offset != *me.Offset) {
		off := *me.Offset
		s.offset = &off
		s.clock.Learn(s.now().UnixMilli()+off, 0)
	}
	learned := s.offset != nil
	s.mu.Unlock()
	h := me.HLC
	if off := s.clock.Offset(); learned || off != 0 {
		limit, _ := msync.Clamp(msync.HLC(math.MaxInt64), s.now().Add(off))
		h = min(h, limit)
	}
	s.clock.Observe(h)
}

// putMeta writes the replica's state, with the clock's.
func putMeta(t *tx, me *meta) error {
	me.V, me.ID = recordVersion, metaKey
	b, err := json.Marshal(me)
	if err != nil {
		return err
	}
	t.put(storeMeta, metaKey, b)
	return nil
}

// saveMeta writes me with this store's clock.
func (s *Store) saveMeta(t *tx, me *meta) error {
	me.HLC = s.clock.Last()
	off := s.clock.Offset().Milliseconds()
	s.mu.Lock()
	if s.offset != nil || off != 0 {
		me.Offset = &off
		s.offset = &off
	}
	s.mu.Unlock()
	return putMeta(t, me)
}
