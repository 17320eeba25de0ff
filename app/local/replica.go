package local

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"margin/app/annotation"
	msync "margin/app/sync"
)

// This file holds what the sync engine asks of the replica.
var _ msync.Replica = (*Store)(nil)

// Pending returns how many local edits the server has not yet confirmed.
func (s *Store) Pending(ctx context.Context) (int, error) {
	if err := s.prepare(ctx); err != nil {
		return 0, err
	}
	raw, err := s.b.Get(ctx, storeMeta, metaKey)
	if err != nil {
		return 0, fmt.Errorf("local: read the replica's state: %w", err)
	}
	var me meta
	if raw == nil || json.Unmarshal(raw, &me) != nil {
		return 0, nil
	}
	return int(max(0, me.Next-1-me.Acked)), nil
}

// Outbox returns the client id and the first pending mutations the server
// has not confirmed, in order: at most max of them, and no more than
// maxBytes of JSON in all (but at least one).
func (s *Store) Outbox(ctx context.Context, max, maxBytes int) (clientID string, batch []msync.Mutation, err error) {
	if err := s.prepare(ctx); err != nil {
		return "", nil, err
	}
	err = s.update(ctx, []string{storePending, storeMeta}, func(t *tx) error {
		batch = nil
		t.needAll(storePending)
		me, err := s.loadMeta(t)
		if err != nil {
			return err
		}
		pending, err := s.loadPending(t)
		if err != nil {
			return err
		}
		clientID = me.ClientID
		size := 0
		for _, m := range pending {
			if m.ID <= me.Acked {
				continue
			}
			b, _ := json.Marshal(m)
			if len(batch) >= max || (len(batch) > 0 && size+len(b)+1 > maxBytes) {
				break
			}
			size += len(b) + 1
			batch = append(batch, m)
		}
		return nil
	})
	if err != nil {
		return "", nil, fmt.Errorf("local: read the changes to send: %w", err)
	}
	return clientID, batch, nil
}

// Cursor returns the client id and where the next pull starts.
func (s *Store) Cursor(ctx context.Context) (clientID string, cursor int64, err error) {
	if err := s.prepare(ctx); err != nil {
		return "", 0, err
	}
	err = s.update(ctx, []string{storePending, storeMeta}, func(t *tx) error {
		me, err := s.loadMeta(t)
		if err != nil {
			return err
		}
		clientID, cursor = me.ClientID, me.Cursor
		return nil
	})
	if err != nil {
		return "", 0, fmt.Errorf("local: read the replica's state: %w", err)
	}
	return clientID, cursor, nil
}

// Pushed records the server's answer to a push of batch by clientID: the
// mutations it processed are not sent again (they stay pending until a
// pull brings their effect), and an annotation whose edit was refused
// because it was deleted, or its id is taken, is kept for "restore as
// new"; those are returned. Other refusals are logged and dropped.
func (s *Store) Pushed(ctx context.Context, clientID string, batch []msync.Mutation, resp msync.PushResponse) (rejected []msync.Key, err error) {
	byID := make(map[int64]msync.Mutation, len(batch))
	for _, m := range batch {
		byID[m.ID] = m
	}
	err = s.update(ctx, []string{Annotations, storePending, storeMeta, storeRejected}, func(t *tx) error {
		rejected = nil
		me, err := s.loadMeta(t)
		if err != nil {
			return err
		}
		if me.ClientID != clientID {
			return nil // the client id changed since: the answer is stale
		}
		me.Acked = max(me.Acked, resp.LastMutationID)
		for _, r := range resp.Results {
			m, ok := byID[r.ID]
			if !ok || r.Status != msync.StatusRejected {
				continue
			}
			if r.Reason == msync.ReasonInvalid || m.Kind != msync.KindAnnotation || m.Op != msync.OpUpsert {
				t.warnf("local: the server refused change %d (%s %s %s): %s %s", m.ID, m.Op, m.Kind, m.Object, r.Reason, r.Message)
				continue
			}
			o, err := s.getObject(t, m.Kind, m.Object)
			if err != nil {
				return err
			}
			if o.live() {
				if err := s.keepRejected(t, o.View, r.Reason); err != nil {
					return err
				}
				rejected = append(rejected, m.Key())
			}
		}
		return s.saveMeta(t, me)
	})
	if err != nil {
		return nil, fmt.Errorf("local: record the server's answer: %w", err)
	}
	return rejected, nil
}

// keepRejected keeps the annotation view holds for "restore as new".
func (s *Store) keepRejected(t *tx, view *msync.Record, reason string) error {
	a, err := msync.ToAnnotation(view)
	if err != nil {
		t.warnf("local: the refused annotation %s cannot be kept: %v", view.ID, err)
		return nil
	}
	b, err := json.Marshal(rejectedRecord{V: recordVersion, ID: a.ID, Reason: reason, At: s.now().UnixMilli(), Annotation: a})
	if err != nil {
		return err
	}
	t.put(storeRejected, a.ID, b)
	return nil
}

// Pulled applies one page of a pull made by clientID, in one transaction:
// the server's records replace the bases of their objects; on the last
// page the mutations the server has processed leave the log; the views
// of the objects touched are made again from their bases and the
// mutations still pending; the cursor moves on. It returns the objects
// whose views changed. An annotation shown here that the page deletes
// while this device's edits of it are pending or unconfirmed is kept for
// "restore as new".
func (s *Store) Pulled(ctx context.Context, clientID string, page msync.PullResponse) (changed []msync.Key, err error) {
	err = s.update(ctx, allStores, func(t *tx) error {
		changed = nil
		t.needAll(storePending)
		for _, r := range page.Changes {
			if store, ok := kindStores[r.Kind]; ok {
				t.need(store, r.ID)
			}
		}
		me, err := s.loadMeta(t)
		if err != nil {
			return err
		}
		pending, err := s.loadPending(t)
		if err != nil {
			return err
		}
		var drop int64
		if page.LastMutationID != nil && clientID == me.ClientID {
			drop = *page.LastMutationID
		}
		var keep []msync.Mutation
		unconfirmed := map[msync.Key]bool{} // upserts dropped whose answer was never heard
		var keys []msync.Key
		seen := map[msync.Key]bool{}
		touch := func(k msync.Key) {
			if !seen[k] {
				seen[k] = true
				keys = append(keys, k)
			}
		}
		for _, r := range page.Changes {
			if _, ok := kindStores[r.Kind]; !ok {
				t.warnf("local: skipping a change to a %q, a kind of object this version does not know", r.Kind)
				continue
			}
			touch(r.Key())
		}
		for _, m := range pending {
			if m.ID > drop {
				keep = append(keep, m)
				continue
			}
			t.del(storePending, pendingKey(m.ID))
			if m.Op == msync.OpUpsert && m.ID > me.Acked {
				unconfirmed[m.Key()] = true
			}
			touch(m.Key())
			t.need(kindStores[m.Kind], m.Object)
		}
		objects := map[msync.Key]*object{}
		for _, k := range keys {
			o, err := s.getObject(t, k.Kind, k.ID)
			if err != nil {
				return err
			}
			if o == nil {
				o = &object{ID: k.ID}
			}
			objects[k] = o
		}
		bases := map[msync.Key]*msync.Record{}
		for i := range page.Changes {
			r := page.Changes[i]
			if _, ok := kindStores[r.Kind]; !ok {
				continue
			}
			s.observe(&r)
			bases[r.Key()] = &r
		}
		byKey := groupByKey(keep)
		for _, k := range keys {
			o := objects[k]
			old := o.View
			base, ok := bases[k]
			if !ok {
				base = o.base()
			}
			o.rebase(base, byKey[k], me.ClientID)
			if k.Kind == msync.KindAnnotation && old != nil && old.Deleted == 0 && o.View != nil && o.View.Deleted != 0 {
				if unconfirmed[k] || hasUpsert(byKey[k]) {
					if err := s.keepRejected(t, old, msync.ReasonDeleted); err != nil {
						return err
					}
				}
			}
			if !sameRecord(old, o.View) {
				changed = append(changed, k)
			}
			if err := putObject(t, k.Kind, o); err != nil {
				return err
			}
		}
		me.Acked = max(me.Acked, drop)
		me.Cursor = max(me.Cursor, page.Cursor)
		return s.saveMeta(t, me)
	})
	if err != nil {
		return nil, fmt.Errorf("local: apply the server's changes: %w", err)
	}
	return changed, nil
}

// observe moves the clock past every clock value in r.
func (s *Store) observe(r *msync.Record) {
	s.clock.Observe(r.Deleted)
	for _, f := range r.Fields {
		s.clock.Observe(f.HLC)
	}
}

// hasUpsert reports whether ms holds an upsert.
func hasUpsert(ms []msync.Mutation) bool {
	for _, m := range ms {
		if m.Op == msync.OpUpsert {
			return true
		}
	}
	return false
}

// NewClientID gives the replica a new client id, after the server said
// the old one reused a mutation number or belongs to someone else: the
// mutations the server confirmed leave the log and the others are
// numbered again from 1, to be sent again.
func (s *Store) NewClientID(ctx context.Context) (string, error) {
	if err := s.prepare(ctx); err != nil {
		return "", err
	}
	var id string
	err := s.update(ctx, allStores, func(t *tx) error {
		t.needAll(storePending)
		me, err := s.loadMeta(t)
		if err != nil {
			return err
		}
		id = newClientID()
		drop := me.Acked
		me.ClientID = id
		if err := s.renumber(t, me, drop); err != nil {
			return err
		}
		return s.saveMeta(t, me)
	})
	if err != nil {
		return "", fmt.Errorf("local: take a new client id: %w", err)
	}
	return id, nil
}

// Discard drops the pending mutation id, which the server cannot take (it
// is too large to send), numbering the later ones down by one: the server
// has seen none of them, as it stops at the first it lacks.
func (s *Store) Discard(ctx context.Context, id int64) error {
	err := s.update(ctx, allStores, func(t *tx) error {
		t.needAll(storePending)
		me, err := s.loadMeta(t)
		if err != nil {
			return err
		}
		if id <= me.Acked {
			return fmt.Errorf("local: change %d is on the server already", id)
		}
		pending, err := s.loadPending(t)
		if err != nil {
			return err
		}
		var keep []msync.Mutation
		touched := map[msync.Key]bool{}
		for _, m := range pending {
			switch {
			case m.ID == id:
				touched[m.Key()] = true
				t.del(storePending, pendingKey(m.ID))
				t.warnf("local: dropping change %d (%s %s %s): the server cannot take it", m.ID, m.Op, m.Kind, m.Object)
			case m.ID > id:
				t.del(storePending, pendingKey(m.ID))
				m.ID--
				if err := putPending(t, m); err != nil {
					return err
				}
				keep = append(keep, m)
			default:
				keep = append(keep, m)
			}
		}
		if len(touched) == 0 {
			return nil
		}
		me.Next--
		if err := s.rebaseKeys(t, touched, keep, me.ClientID); err != nil {
			return err
		}
		return s.saveMeta(t, me)
	})
	if err != nil {
		return fmt.Errorf("local: drop change %d: %w", id, err)
	}
	return nil
}

// Reset forgets everything the server sent, after it said the cursor is
// too old to go on from: the views become the pending mutations alone,
// and the next pull starts from 0 and brings the rest back.
func (s *Store) Reset(ctx context.Context) error {
	if err := s.prepare(ctx); err != nil {
		return err
	}
	err := s.update(ctx, allStores, func(t *tx) error {
		t.needAll(storePending)
		me, err := s.loadMeta(t)
		if err != nil {
			return err
		}
		pending, err := s.loadPending(t)
		if err != nil {
			return err
		}
		for _, st := range objectStores {
			t.clear(st)
		}
		for k, ms := range groupByKey(pending) {
			o := &object{ID: k.ID}
			o.rebase(nil, ms, me.ClientID)
			if err := putObject(t, k.Kind, o); err != nil {
				return err
			}
		}
		me.Cursor = 0
		return s.saveMeta(t, me)
	})
	if err != nil {
		return fmt.Errorf("local: start again from the server's copy: %w", err)
	}
	return nil
}

// Rejected returns the annotations whose edits the server refused, kept
// for "restore as new", oldest first.
func (s *Store) Rejected(ctx context.Context) ([]Rejection, error) {
	raws, err := s.b.All(ctx, storeRejected, "", "")
	if err != nil {
		return nil, fmt.Errorf("local: refused annotations: %w", err)
	}
	var out []Rejection
	for _, raw := range raws {
		var r rejectedRecord
		if err := json.Unmarshal(raw, &r); err != nil || r.V != recordVersion {
			s.logf("local: skipping a refused annotation that cannot be read: %v", err)
			continue
		}
		out = append(out, Rejection{Annotation: r.Annotation, Reason: r.Reason, At: time.UnixMilli(r.At)})
	}
	return out, nil
}

// RestoreAsNew makes a refused annotation again, under a new id, and
// forgets the refusal; it returns the new annotation.
func (s *Store) RestoreAsNew(ctx context.Context, id string) (annotation.Annotation, error) {
	if err := s.prepare(ctx); err != nil {
		return annotation.Annotation{}, err
	}
	var a annotation.Annotation
	newID := annotation.NewID() // made once: the function below may run more than once
	err := s.update(ctx, []string{Annotations, storePending, storeMeta, storeRejected}, func(t *tx) error {
		raw, err := t.get(storeRejected, id)
		if err != nil {
			return err
		}
		var r rejectedRecord
		if raw == nil || json.Unmarshal(raw, &r) != nil {
			return fmt.Errorf("local: no refused annotation %s", id)
		}
		a = r.Annotation
		a.ID = newID
		a.Modified = s.now().UTC()
		t.del(storeRejected, id)
		_, err = s.editTx(t, msync.KindAnnotation, a.ID, annotationEdit(a))
		return err
	})
	if err != nil {
		return annotation.Annotation{}, fmt.Errorf("local: restore annotation %s: %w", id, err)
	}
	s.edited()
	return a, nil
}

// DismissRejected forgets a refused annotation.
func (s *Store) DismissRejected(ctx context.Context, id string) error {
	err := s.update(ctx, []string{storeRejected}, func(t *tx) error {
		t.del(storeRejected, id)
		return nil
	})
	if err != nil {
		return fmt.Errorf("local: forget refused annotation %s: %w", id, err)
	}
	return nil
}
