package local

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"sync"
)

// Memory is a Backend held in memory, for tests and for the server's
// prerendering. Limit, when set, is the most bytes it holds before
// refusing writes with ErrQuota, as a full browser would.
type Memory struct {
	Limit int

	// mu guards stores and size.
	mu     sync.Mutex
	stores map[string]map[string]json.RawMessage
	size   int
}

// Put implements Backend.
func (m *Memory) Put(ctx context.Context, store string, records ...[]byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.stores == nil {
		m.stores = map[string]map[string]json.RawMessage{}
	}
	ids := make([]string, len(records))
	grow := 0
	for i, r := range records {
		var k struct {
			ID string `json:"id"`
		}
		if err := json.Unmarshal(r, &k); err != nil || k.ID == "" {
			return fmt.Errorf("put into %s: record without an id", store)
		}
		ids[i] = k.ID
		grow += len(r) - len(m.stores[store][k.ID])
	}
	if m.Limit > 0 && m.size+grow > m.Limit {
		return fmt.Errorf("put into %s: %w", store, ErrQuota)
	}
	s := m.stores[store]
	if s == nil {
		s = map[string]json.RawMessage{}
		m.stores[store] = s
	}
	for i, r := range records {
		s[ids[i]] = append(json.RawMessage(nil), r...)
	}
	m.size += grow
	return nil
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
	m.stores[store][id] = record
}

// Delete implements Backend.
func (m *Memory) Delete(ctx context.Context, store string, ids ...string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, id := range ids {
		m.size -= len(m.stores[store][id])
		delete(m.stores[store], id)
	}
	return nil
}

// All implements Backend, in key order as IndexedDB returns records.
func (m *Memory) All(ctx context.Context, store, field, value string) ([]json.RawMessage, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	keys := make([]string, 0, len(m.stores[store]))
	for k := range m.stores[store] {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out []json.RawMessage
	for _, k := range keys {
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
