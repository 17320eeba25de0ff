package local

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"sync"
)

// Memory is a Backend held in memory, for tests and for the server's
// prerendering. Its transactions behave as IndexedDB's: one at a time,
// reads that see the transaction's own writes, all or nothing. Limit,
// when set, is the most bytes it holds before refusing a transaction
// with ErrQuota, as a full browser would.
type Memory struct {
	Limit int

	// mu guards stores and size, and is held for a whole transaction.
	mu     sync.Mutex
	stores map[string]map[string]json.RawMessage
	size   int
}

// PutRaw stores a record as given, readable or not, as a damaged or foreign
// database might hold it.
func (m *Memory) PutRaw(store, id string, record []byte) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.stores == nil {
		m.stores = map[string]map[string]json.RawMessage{}
	}
	if m.stores[store] == nil {
		m.stores[store] = map[string]json.RawMessage{}
	}
	m.size += len(record) - len(m.stores[store][id])
	m.stores[store][id] = record
}

// Size returns how many bytes of records m holds.
func (m *Memory) Size() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.size
}

// All implements Backend, in key order as IndexedDB returns records.
// Records whose field is not a string are not in the index, as in
// IndexedDB.
func (m *Memory) All(ctx context.Context, store, field, value string) ([]json.RawMessage, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []json.RawMessage
	for _, k := range sortedKeys(m.stores[store]) {
		r := m.stores[store][k]
		if field != "" {
			var f map[string]json.RawMessage
			var v string
			if json.Unmarshal(r, &f) != nil || json.Unmarshal(f[field], &v) != nil || v != value {
				continue
			}
		}
		out = append(out, r)
	}
	return out, nil
}

// Get implements Backend.
func (m *Memory) Get(ctx context.Context, store, id string) (json.RawMessage, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.stores[store][id], nil
}

// Update implements Backend.
func (m *Memory) Update(ctx context.Context, stores []string, step func(got []json.RawMessage) ([]Op, error)) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	scope := map[string]bool{}
	for _, s := range stores {
		scope[s] = true
	}
	// The transaction's own copy of the stores it changes.
	work := map[string]map[string]json.RawMessage{}
	store := func(name string) map[string]json.RawMessage {
		if w, ok := work[name]; ok {
			return w
		}
		w := make(map[string]json.RawMessage, len(m.stores[name]))
		for k, v := range m.stores[name] {
			w[k] = v
		}
		work[name] = w
		return w
	}
	read := func(name string) map[string]json.RawMessage {
		if w, ok := work[name]; ok {
			return w
		}
		return m.stores[name]
	}
	var got []json.RawMessage
	for round := 0; ; round++ {
		if round > 100 {
			return fmt.Errorf("local: a transaction over %v never ended", stores)
		}
		ops, err := step(got)
		if err != nil {
			return err
		}
		got = nil
		reads := false
		for _, op := range ops {
			if !scope[op.Store] {
				return fmt.Errorf("local: store %q is not in the transaction's scope %v", op.Store, stores)
			}
			switch op.Kind {
			case OpPut:
				k := recordKey(op.Record)
				if k == "" || !json.Valid(op.Record) {
					return fmt.Errorf("put into %s: record without an id", op.Store)
				}
				store(op.Store)[k] = append(json.RawMessage(nil), op.Record...)
			case OpDelete:
				delete(store(op.Store), op.Key)
			case OpClear:
				work[op.Store] = map[string]json.RawMessage{}
			case OpGet:
				reads = true
				got = append(got, read(op.Store)[op.Key])
			case OpGetAll:
				reads = true
				s := read(op.Store)
				recs := make([]json.RawMessage, 0, len(s))
				for _, k := range sortedKeys(s) {
					recs = append(recs, s[k])
				}
				b, err := json.Marshal(recs)
				if err != nil {
					return fmt.Errorf("read %s: %w", op.Store, err)
				}
				got = append(got, b)
			default:
				return fmt.Errorf("local: unknown request kind %d", op.Kind)
			}
		}
		if !reads {
			break
		}
	}
	size := m.size
	for name, w := range work {
		for _, v := range m.stores[name] {
			size -= len(v)
		}
		for _, v := range w {
			size += len(v)
		}
	}
	if m.Limit > 0 && size > m.Limit && size > m.size {
		return fmt.Errorf("update %v: %w", stores, ErrQuota)
	}
	if m.stores == nil {
		m.stores = map[string]map[string]json.RawMessage{}
	}
	for name, w := range work {
		m.stores[name] = w
	}
	m.size = size
	return nil
}

// Destroy implements Backend.
func (m *Memory) Destroy(ctx context.Context) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.stores, m.size = nil, 0
	return nil
}

func sortedKeys(s map[string]json.RawMessage) []string {
	keys := make([]string, 0, len(s))
	for k := range s {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
