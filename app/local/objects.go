package local

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"margin/app/annotation"
	msync "margin/app/sync"
)

// Position is where the reader is in an article: the block at the top of
// the screen and how far into it, from 0 to 1.
type Position struct {
	Block    int     `json:"b"`
	Fraction float64 `json:"f"`
}

// PutPosition keeps the reader's position in an article, as an edit that
// syncs (when it moved).
func (s *Store) PutPosition(ctx context.Context, articleID string, p Position) error {
	at, err := json.Marshal(p)
	if err != nil {
		return fmt.Errorf("local: encode position: %w", err)
	}
	if err := s.putField(ctx, msync.KindPosition, articleID, "at", at); err != nil {
		return fmt.Errorf("local: save the position in %s: %w", articleID, err)
	}
	return nil
}

// Position returns the reader's position in an article, and whether there
// is one.
func (s *Store) Position(ctx context.Context, articleID string) (Position, bool, error) {
	var p Position
	o, err := s.readObject(ctx, storePositions, articleID)
	if err != nil || !o.live() {
		return p, false, err
	}
	f, ok := o.View.Fields["at"]
	if !ok || json.Unmarshal(f.Value, &p) != nil {
		return p, false, nil
	}
	return p, true, nil
}

// PutSetting keeps one of the reader's settings, as an edit that syncs
// (when it changed). Names are letters, digits, '_' and '-'; values are
// strings of at most 1024 bytes.
func (s *Store) PutSetting(ctx context.Context, name, value string) error {
	v, err := json.Marshal(value)
	if err != nil {
		return fmt.Errorf("local: encode setting: %w", err)
	}
	if err := s.putField(ctx, msync.KindSetting, name, "value", v); err != nil {
		return fmt.Errorf("local: save setting %s: %w", name, err)
	}
	return nil
}

// putField sets the field name of the object of kind with id to v, as an
// edit that syncs (when the live object holds another value).
func (s *Store) putField(ctx context.Context, kind msync.Kind, id, name string, v json.RawMessage) error {
	fields := func() (map[string]json.RawMessage, error) { return map[string]json.RawMessage{name: v}, nil }
	return s.upsert(ctx, kind, id, fields, func(o *object) bool {
		f, ok := o.View.Fields[name]
		return ok && string(f.Value) == string(v)
	})
}

// Settings returns the reader's settings, by name.
func (s *Store) Settings(ctx context.Context) (map[string]string, error) {
	s.prepareForRead(ctx)
	raws, err := s.b.All(ctx, storeSettings, "", "")
	if err != nil {
		return nil, fmt.Errorf("local: settings: %w", err)
	}
	out := map[string]string{}
	for _, raw := range raws {
		o, err := decodeObject(raw)
		if err != nil {
			s.logf("local: skipping a setting that cannot be read: %v", err)
			continue
		}
		var v string
		if f, ok := o.View.Fields["value"]; ok && o.live() && json.Unmarshal(f.Value, &v) == nil {
			out[o.ID] = v
		}
	}
	return out, nil
}

// readObject reads one object outside a transaction: nil when there is
// none or it cannot be read.
func (s *Store) readObject(ctx context.Context, store, id string) (*object, error) {
	s.prepareForRead(ctx)
	raw, err := s.b.Get(ctx, store, id)
	if err != nil {
		return nil, fmt.Errorf("local: read %s %s: %w", store, id, err)
	}
	if raw == nil {
		return nil, nil
	}
	o, err := decodeObject(raw)
	if err != nil {
		s.logf("local: the record of %s %q cannot be read: %v", store, id, err)
		return nil, nil
	}
	return o, nil
}

// Records returns the views of every object of kind, deleted ones
// included: what the device shows, with each field's clock, for tests and
// diagnostics.
func (s *Store) Records(ctx context.Context, kind msync.Kind) ([]msync.Record, error) {
	store, ok := kindStores[kind]
	if !ok {
		return nil, fmt.Errorf("local: %q is not a kind of object kept here", kind)
	}
	s.prepareForRead(ctx)
	raws, err := s.b.All(ctx, store, "", "")
	if err != nil {
		return nil, fmt.Errorf("local: read %s: %w", store, err)
	}
	var out []msync.Record
	for _, raw := range raws {
		if o, err := decodeObject(raw); err == nil {
			out = append(out, *o.View)
		}
	}
	return out, nil
}

// MoveInto moves this store's objects into dst, the replica of the
// account a guest just signed up for or into: every live object becomes
// an edit in dst (an article dst already holds unchanged is left alone),
// all in one transaction, and then this store is emptied. It returns how
// many objects moved.
func (s *Store) MoveInto(ctx context.Context, dst *Store) (int, error) {
	s.prepareForRead(ctx)
	var live []msync.Record
	recordOf := func(a *annotation.Annotation) msync.Record {
		r := msync.Record{Kind: msync.KindAnnotation, ID: a.ID, Fields: map[string]msync.Field{}}
		for name, v := range msync.AnnotationFields(a, nil) {
			r.Fields[name] = msync.Field{Value: v}
		}
		return r
	}
	for _, kind := range []msync.Kind{msync.KindArticle, msync.KindAnnotation, msync.KindPosition, msync.KindSetting} {
		raws, err := s.b.All(ctx, kindStores[kind], "", "")
		if err != nil {
			return 0, fmt.Errorf("local: read %s: %w", kindStores[kind], err)
		}
		for _, raw := range raws {
			o, err := decodeObject(raw)
			switch {
			case err == nil && o.live() && len(o.View.Fields) > 0:
				live = append(live, *o.View)
			case errors.Is(err, errOldFormat) && kind == msync.KindAnnotation:
				// Written by an older version after the conversion.
				if a, ok, _ := readAnnotation(raw); ok && annotation.Validate(&a) == nil {
					live = append(live, recordOf(&a))
				}
			}
		}
	}
	// Annotations waiting in memory for room move too.
	for _, a := range s.waitingList() {
		live = append(live, recordOf(&a))
	}
	if err := dst.prepare(ctx); err != nil {
		return 0, err
	}
	moved := 0
	err := dst.update(ctx, allStores, func(t *tx) error {
		moved = 0
		for _, r := range live {
			t.need(kindStores[r.Kind], r.ID)
		}
		me, err := dst.loadMeta(t)
		if err != nil {
			return err
		}
		for _, r := range live {
			o, err := dst.getObject(t, r.Kind, r.ID)
			if err != nil {
				return err
			}
			if r.Kind == msync.KindArticle && o.live() {
				if cur, err := docOf(o.View); err == nil {
					if doc, err := docOf(&r); err == nil && doc.Meta.Hash == cur.Meta.Hash {
						continue
					}
				}
			}
			if o == nil {
				o = &object{ID: r.ID}
			}
			m := msync.Mutation{Op: msync.OpUpsert, Kind: r.Kind, Object: r.ID, Fields: map[string]json.RawMessage{}}
			for name, f := range r.Fields {
				m.Fields[name] = f.Value
			}
			if err := dst.log(t, me, o, m); err != nil {
				// Deleted in the account, or no longer valid: the
				// guest's copy is not worth failing the rest for.
				t.warnf("local: %s %s does not move into the account: %v", r.Kind, r.ID, err)
				continue
			}
			moved++
		}
		return dst.saveMeta(t, me)
	})
	if err != nil {
		return 0, fmt.Errorf("local: move the guest's data: %w", err)
	}
	err = s.update(ctx, allStores, func(t *tx) error {
		for _, st := range allStores {
			t.clear(st)
		}
		return nil
	})
	if err != nil {
		return moved, fmt.Errorf("local: empty the guest's database: %w", err)
	}
	s.mu.Lock()
	s.ready, s.offset = false, nil
	s.waiting = map[string]*annotation.Annotation{}
	s.mu.Unlock()
	if moved > 0 {
		dst.edited()
	}
	return moved, nil
}

// Erase deletes this store's database and everything in it, for "sign out
// and erase this device's data".
func (s *Store) Erase(ctx context.Context) error {
	if err := s.b.Destroy(ctx); err != nil {
		return fmt.Errorf("local: erase the device's data: %w", err)
	}
	s.mu.Lock()
	s.ready, s.offset = false, nil
	s.waiting = map[string]*annotation.Annotation{}
	s.mu.Unlock()
	return nil
}
