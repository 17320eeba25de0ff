package local

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"

	"margin/app/browser"
)

// OpKind is what one request of a transaction does: the browser's kinds
// of request, which IndexedDB passes on as they are.
type OpKind = browser.TxKind

// The requests a Backend's transaction makes.
const (
	OpGet    = browser.TxGet    // read the record with Key (nil when there is none)
	OpGetAll = browser.TxGetAll // read every record of Store, as one JSON array in key order
	OpPut    = browser.TxPut    // write Record, a JSON object whose "id" is Key
	OpDelete = browser.TxDelete // remove the record with Key, if any
	OpClear  = browser.TxClear  // remove every record of Store
)

// Op is one request of a transaction that Backend.Update runs.
type Op struct {
	Kind   OpKind
	Store  string
	Key    string
	Record []byte
}

// maxRounds bounds the rounds of reads one transaction makes: each of
// this package's transactions needs three at most.
const maxRounds = 8

// errMiss says a transaction function read something not fetched yet; the
// function is run again once it is.
var errMiss = errors.New("local: read not fetched yet")

// readKey names one read: a record, or (all) a whole store.
type readKey struct {
	store, key string
	all        bool
}

// tx is a transaction as this package's code sees it: reads that return
// the stored records, as changed by the transaction's own writes, and
// writes that are made only when the function deciding them returns.
//
// A function given to update reads what it needs; a read not fetched yet
// fails with errMiss, and the function runs again once the backend has
// fetched everything it asked for. So a function must decide only from
// what it reads, and leave side effects (other than the clock's) until
// update returns; it warns with warnf, whose messages update logs once
// the transaction has committed.
type tx struct {
	fetched map[readKey]json.RawMessage
	want    []Op
	wanted  map[readKey]bool

	writes  []Op
	over    map[string]map[string][]byte // store → key → record written (nil: deleted)
	cleared map[string]bool

	warnings []warning
}

// warning is a message of tx.warnf, kept to be logged.
type warning struct {
	format string
	args   []any
}

// update runs fn in one readwrite transaction over stores, and then logs
// the warnings of fn's last run if the transaction committed.
func (s *Store) update(ctx context.Context, stores []string, fn func(t *tx) error) error {
	fetched := map[readKey]json.RawMessage{}
	var asked []Op
	var warnings []warning
	rounds := 0
	err := s.b.Update(ctx, stores, func(got []json.RawMessage) ([]Op, error) {
		if len(got) != len(asked) {
			return nil, fmt.Errorf("local: asked for %d reads, got %d", len(asked), len(got))
		}
		for i, op := range asked {
			fetched[readKey{op.Store, op.Key, op.Kind == OpGetAll}] = got[i]
		}
		rounds++
		t := &tx{fetched: fetched, wanted: map[readKey]bool{}, over: map[string]map[string][]byte{}, cleared: map[string]bool{}}
		err := fn(t)
		if len(t.want) > 0 {
			if rounds >= maxRounds {
				return nil, errors.New("local: a transaction kept asking for more to read")
			}
			asked = t.want
			return asked, nil
		}
		if err != nil {
			return nil, err
		}
		asked = nil
		warnings = t.warnings
		return t.writes, nil
	})
	if err == nil {
		for _, w := range warnings {
			s.logf(w.format, w.args...)
		}
	}
	return err
}

// warnf keeps a warning for update to log once the transaction commits:
// the function deciding the transaction may run several times, and only
// its last run's warnings are logged.
func (t *tx) warnf(format string, args ...any) {
	t.warnings = append(t.warnings, warning{format, args})
}

// need asks for records to be fetched, without failing when they are not
// yet: a function names what it will read first, so that it is fetched in
// one round.
func (t *tx) need(store string, keys ...string) {
	for _, k := range keys {
		t.ask(readKey{store: store, key: k})
	}
}

// needAll asks for whole stores to be fetched.
func (t *tx) needAll(stores ...string) {
	for _, s := range stores {
		t.ask(readKey{store: s, all: true})
	}
}

// ask adds r to the reads of the next round unless it is fetched.
func (t *tx) ask(r readKey) bool {
	if _, ok := t.fetched[r]; ok {
		return true
	}
	if !t.wanted[r] {
		t.wanted[r] = true
		op := Op{Kind: OpGet, Store: r.store, Key: r.key}
		if r.all {
			op = Op{Kind: OpGetAll, Store: r.store}
		}
		t.want = append(t.want, op)
	}
	return false
}

// get returns the record with key in store, or nil when there is none.
func (t *tx) get(store, key string) (json.RawMessage, error) {
	if rec, ok := t.over[store][key]; ok {
		return rec, nil
	}
	if t.cleared[store] {
		return nil, nil
	}
	r := readKey{store: store, key: key}
	if !t.ask(r) {
		return nil, errMiss
	}
	return t.fetched[r], nil
}

// all returns every record of store, in key order.
func (t *tx) all(store string) ([]json.RawMessage, error) {
	var recs []json.RawMessage
	if !t.cleared[store] {
		r := readKey{store: store, all: true}
		if !t.ask(r) {
			return nil, errMiss
		}
		if raw := t.fetched[r]; raw != nil {
			if err := json.Unmarshal(raw, &recs); err != nil {
				return nil, fmt.Errorf("local: read %s: %w", store, err)
			}
		}
	}
	over := t.over[store]
	if len(over) == 0 {
		return recs, nil
	}
	type keyed struct {
		key string
		rec json.RawMessage
	}
	var out []keyed
	for _, rec := range recs {
		k := recordKey(rec)
		if _, ok := over[k]; !ok {
			out = append(out, keyed{k, rec})
		}
	}
	for k, rec := range over {
		if rec != nil {
			out = append(out, keyed{k, rec})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].key < out[j].key })
	recs = recs[:0]
	for _, k := range out {
		recs = append(recs, k.rec)
	}
	return recs, nil
}

// put writes rec, whose "id" is key, into store.
func (t *tx) put(store, key string, rec []byte) {
	t.writes = append(t.writes, Op{Kind: OpPut, Store: store, Key: key, Record: rec})
	if t.over[store] == nil {
		t.over[store] = map[string][]byte{}
	}
	t.over[store][key] = rec
}

// del removes the record with key from store.
func (t *tx) del(store, key string) {
	t.writes = append(t.writes, Op{Kind: OpDelete, Store: store, Key: key})
	if t.over[store] == nil {
		t.over[store] = map[string][]byte{}
	}
	t.over[store][key] = nil
}

// clear removes every record of store.
func (t *tx) clear(store string) {
	t.writes = append(t.writes, Op{Kind: OpClear, Store: store})
	t.over[store] = nil
	t.cleared[store] = true
}

// recordKey returns a stored record's "id", or "" when it has none.
func recordKey(rec json.RawMessage) string {
	var k struct {
		ID string `json:"id"`
	}
	if json.Unmarshal(rec, &k) != nil {
		return ""
	}
	return k.ID
}
