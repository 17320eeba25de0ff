package local

import (
	"encoding/json"
	"errors"
	"fmt"

	msync "margin/app/sync"
)

// getObject returns the stored object of kind with id: nil when there is
// none, or when the record cannot be read (it is then overwritten by
// whatever the transaction writes in its place).
func (s *Store) getObject(t *tx, kind msync.Kind, id string) (*object, error) {
	store, ok := kindStores[kind]
	if !ok {
		return nil, fmt.Errorf("local: %q is not a kind of object kept here", kind)
	}
	raw, err := t.get(store, id)
	if err != nil || raw == nil {
		return nil, err
	}
	o, err := decodeObject(raw)
	if errors.Is(err, errOldFormat) {
		return nil, nil // an annotation of version 1: the edit sets all its fields
	}
	if err != nil {
		t.warnf("local: the record of %s %q cannot be read and will be replaced: %v", kind, id, err)
		return nil, nil
	}
	if o.View.Kind != kind {
		t.warnf("local: the record of %s %q holds a %s and will be replaced", kind, id, o.View.Kind)
		return nil, nil
	}
	return o, nil
}

// putObject writes o into the store of kind, or removes it when it holds
// nothing.
func putObject(t *tx, kind msync.Kind, o *object) error {
	store := kindStores[kind]
	if o.View == nil && o.Base == nil {
		t.del(store, o.ID)
		return nil
	}
	b, err := o.encode()
	if err != nil {
		return fmt.Errorf("local: encode %s %s: %w", kind, o.ID, err)
	}
	t.put(store, o.ID, b)
	return nil
}

// log makes m, a change of the object o, a local edit: it takes the next
// mutation id, stamps m with the clock, checks it, applies it to o's
// view, and writes o and the mutation. The caller writes me. An upsert
// of a deleted object is refused with ErrDeleted.
func (s *Store) log(t *tx, me *meta, o *object, m msync.Mutation) error {
	m.ID = me.Next
	m.HLC = s.clock.Now()
	if err := msync.CheckMutation(&m); err != nil {
		return fmt.Errorf("local: %w", err)
	}
	view, out := msync.Apply(o.View, m, me.ClientID)
	if out.Status == msync.StatusRejected {
		return fmt.Errorf("%w: %s %s", ErrDeleted, m.Kind, m.Object)
	}
	me.Next++
	o.Base, o.Synced = o.base(), false
	o.View = &view
	if err := putObject(t, m.Kind, o); err != nil {
		return err
	}
	return putPending(t, m)
}

// putPending writes m into the log of pending mutations.
func putPending(t *tx, m msync.Mutation) error {
	b, err := json.Marshal(pendingRecord{V: recordVersion, ID: pendingKey(m.ID), M: m})
	if err != nil {
		return fmt.Errorf("local: encode mutation %d: %w", m.ID, err)
	}
	t.put(storePending, pendingKey(m.ID), b)
	return nil
}

// loadPending returns the pending mutations, in order. Records that
// cannot be read are left alone, with a warning.
func (s *Store) loadPending(t *tx) ([]msync.Mutation, error) {
	raws, err := t.all(storePending)
	if err != nil {
		return nil, err
	}
	out := make([]msync.Mutation, 0, len(raws))
	for _, raw := range raws {
		var p pendingRecord
		if err := json.Unmarshal(raw, &p); err != nil || p.V != recordVersion || p.ID != pendingKey(p.M.ID) {
			t.warnf("local: skipping a pending change that cannot be read: %v", err)
			continue
		}
		out = append(out, p.M)
	}
	return out, nil
}

// renumber drops the pending mutations numbered up to drop (the server
// has them) and numbers the others from 1 under me's client id, which is
// new; the views of the objects they change are made again.
func (s *Store) renumber(t *tx, me *meta, drop int64) error {
	pending, err := s.loadPending(t)
	if err != nil {
		return err
	}
	var keep []msync.Mutation
	touched := map[msync.Key]bool{}
	for _, m := range pending {
		touched[m.Key()] = true
		t.del(storePending, pendingKey(m.ID))
		if m.ID > drop {
			keep = append(keep, m)
		}
	}
	for i := range keep {
		keep[i].ID = int64(i + 1)
		if err := putPending(t, keep[i]); err != nil {
			return err
		}
	}
	me.Next, me.Acked = int64(len(keep))+1, 0
	return s.rebaseKeys(t, touched, keep, me.ClientID)
}

// rebaseKeys makes the views of the objects keys name again from their
// bases and the pending mutations, which it returns grouped by key.
func (s *Store) rebaseKeys(t *tx, keys map[msync.Key]bool, pending []msync.Mutation, client string) error {
	for k := range keys {
		if store, ok := kindStores[k.Kind]; ok {
			t.need(store, k.ID)
		}
	}
	byKey := groupByKey(pending)
	for k := range keys {
		o, err := s.getObject(t, k.Kind, k.ID)
		if err != nil {
			return err
		}
		if o == nil {
			o = &object{ID: k.ID}
		}
		o.rebase(o.base(), byKey[k], client)
		if err := putObject(t, k.Kind, o); err != nil {
			return err
		}
	}
	return nil
}

// groupByKey returns ms grouped by the object they change, each group in
// order.
func groupByKey(ms []msync.Mutation) map[msync.Key][]msync.Mutation {
	out := map[msync.Key][]msync.Mutation{}
	for _, m := range ms {
		out[m.Key()] = append(out[m.Key()], m)
	}
	return out
}
