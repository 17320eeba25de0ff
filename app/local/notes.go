package local

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"

	"margin/app/annotation"
	"margin/app/article"
	"margin/app/library"
	msync "margin/app/sync"
)

// Annotations returns the annotations made on the article with the given
// id, oldest first.
func (s *Store) Annotations(ctx context.Context, articleID string) ([]annotation.Annotation, error) {
	s.prepareForRead(ctx)
	raw, err := s.b.All(ctx, Annotations, "article", articleID)
	if err != nil {
		return nil, fmt.Errorf("local: annotations of %s: %w", articleID, err)
	}
	return s.decode(raw, func(a *annotation.Annotation) bool { return a.Article == articleID }), nil
}

// AllAnnotations returns every annotation on this device, newest first.
func (s *Store) AllAnnotations(ctx context.Context) ([]annotation.Annotation, error) {
	s.prepareForRead(ctx)
	raw, err := s.b.All(ctx, Annotations, "", "")
	if err != nil {
		return nil, fmt.Errorf("local: annotations: %w", err)
	}
	out := s.decode(raw, func(*annotation.Annotation) bool { return true })
	slices.Reverse(out)
	return out, nil
}

// prepareForRead prepares the database; reads go on when that fails (the
// device may be full), as they can read records of version 1 too.
func (s *Store) prepareForRead(ctx context.Context) {
	if err := s.prepare(ctx); err != nil {
		s.logf("%v", err)
	}
}

// decode reads annotation records, skipping those it cannot read and the
// deleted ones, overlays the changes waiting for room that keep accepts,
// and sorts oldest first.
func (s *Store) decode(raw []json.RawMessage, keep func(*annotation.Annotation) bool) []annotation.Annotation {
	out := make([]annotation.Annotation, 0, len(raw))
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range raw {
		a, ok, err := readAnnotation(r)
		if err != nil {
			s.logf("local: skipping an annotation record that cannot be read: %v", err)
			continue
		}
		if !ok {
			continue // deleted
		}
		if err := annotation.Validate(&a); err != nil {
			s.logf("local: skipping annotation %q: %v", a.ID, err)
			continue
		}
		if _, ok := s.waiting[a.ID]; ok {
			continue // the waiting version is newer
		}
		out = append(out, a)
	}
	for _, a := range s.waiting {
		if keep(a) {
			out = append(out, *a)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].Created.Equal(out[j].Created) {
			return out[i].Created.Before(out[j].Created)
		}
		return out[i].ID < out[j].ID
	})
	return out
}

// readAnnotation reads a stored annotation record, of version 2 or 1; ok
// is false for a deleted one, or one whose creation is not here yet.
func readAnnotation(r json.RawMessage) (a annotation.Annotation, ok bool, err error) {
	var rec annotationRecord
	if err := json.Unmarshal(r, &rec); err != nil {
		return a, false, err
	}
	switch rec.V {
	case 1:
		return rec.Annotation, true, nil
	case recordVersion:
		if rec.View == nil || rec.View.ID != rec.ID {
			return a, false, fmt.Errorf("record %q has no view of itself", rec.ID)
		}
		if rec.View.Deleted != 0 || rec.Created.IsZero() {
			return a, false, nil
		}
		return rec.Annotation, true, nil
	}
	return a, false, fmt.Errorf("record version %d", rec.V)
}

// PutAnnotation validates a and stores it, as an edit that syncs: only
// the fields that differ from the stored annotation are sent. When the
// device is full it keeps a in memory, where reads still find it, and
// returns an error wrapping ErrQuota; the next write that finds room
// writes it too, as Flush does. An annotation deleted meanwhile (on
// another device, as far as this one has heard) is refused with an error
// wrapping ErrDeleted.
func (s *Store) PutAnnotation(ctx context.Context, a annotation.Annotation) error {
	if err := annotation.Validate(&a); err != nil {
		return fmt.Errorf("local: %w", err)
	}
	if err := s.write(ctx, a); err != nil {
		return err
	}
	// There was room for this one: try those still waiting, too.
	for _, w := range s.waitingList() {
		if s.write(ctx, w) != nil {
			break
		}
	}
	return nil
}

// write stores a, keeping it in memory when the device is full.
func (s *Store) write(ctx context.Context, a annotation.Annotation) error {
	err := s.edit(ctx, msync.KindAnnotation, a.ID, annotationEdit(a))
	s.mu.Lock()
	defer s.mu.Unlock()
	if err != nil {
		if errors.Is(err, ErrQuota) {
			s.waiting[a.ID] = &a
		} else if errors.Is(err, ErrDeleted) {
			delete(s.waiting, a.ID)
		}
		return fmt.Errorf("local: save annotation %s: %w", a.ID, err)
	}
	if w := s.waiting[a.ID]; w != nil && !w.Modified.After(a.Modified) {
		delete(s.waiting, a.ID)
	}
	return nil
}

// annotationEdit decides the upsert that makes the stored annotation a,
// if it differs.
func annotationEdit(a annotation.Annotation) func(o *object) (*msync.Mutation, error) {
	return func(o *object) (*msync.Mutation, error) {
		var old *annotation.Annotation
		if o != nil {
			if o.View.Deleted != 0 {
				return nil, fmt.Errorf("%w: annotation %s", ErrDeleted, a.ID)
			}
			if cur, err := msync.ToAnnotation(o.View); err == nil {
				old = &cur
			}
		}
		fields := msync.AnnotationFields(&a, old)
		if len(fields) == 0 {
			return nil, nil
		}
		return &msync.Mutation{Op: msync.OpUpsert, Kind: msync.KindAnnotation, Object: a.ID, Fields: fields}, nil
	}
}

// edit makes one local edit of the object of kind with id, in one
// transaction (see editTx), and calls the OnEdit function when it logged
// a mutation.
func (s *Store) edit(ctx context.Context, kind msync.Kind, id string, decide func(o *object) (*msync.Mutation, error)) error {
	if err := s.prepare(ctx); err != nil {
		return err
	}
	var changed bool
	err := s.update(ctx, []string{kindStores[kind], storePending, storeMeta}, func(t *tx) error {
		var err error
		changed, err = s.editTx(t, kind, id, decide)
		return err
	})
	if err == nil && changed {
		s.edited()
	}
	return err
}

// editTx logs the mutation that decide asks of the stored object of kind
// with id (nil when there is none), if it asks for one.
func (s *Store) editTx(t *tx, kind msync.Kind, id string, decide func(o *object) (*msync.Mutation, error)) (changed bool, err error) {
	t.need(kindStores[kind], id)
	me, err := s.loadMeta(t)
	if err != nil {
		return false, err
	}
	o, err := s.getObject(t, kind, id)
	if err != nil {
		return false, err
	}
	m, err := decide(o)
	if err != nil || m == nil {
		return false, err
	}
	if o == nil {
		o = &object{ID: id}
	}
	if err := s.log(t, me, o, *m); err != nil {
		return false, err
	}
	return true, s.saveMeta(t, me)
}

// waitingList returns the annotations kept in memory for lack of room.
func (s *Store) waitingList() []annotation.Annotation {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]annotation.Annotation, 0, len(s.waiting))
	for _, a := range s.waiting {
		out = append(out, *a)
	}
	return out
}

// DeleteAnnotation deletes the annotation with the given id, as an edit
// that syncs. Deleting one that is not here, or already deleted, does
// nothing.
func (s *Store) DeleteAnnotation(ctx context.Context, id string) error {
	s.mu.Lock()
	delete(s.waiting, id)
	s.mu.Unlock()
	err := s.edit(ctx, msync.KindAnnotation, id, func(o *object) (*msync.Mutation, error) {
		if !o.live() {
			return nil, nil
		}
		return &msync.Mutation{Op: msync.OpDelete, Kind: msync.KindAnnotation, Object: id}, nil
	})
	if err != nil {
		return fmt.Errorf("local: delete annotation %s: %w", id, err)
	}
	return nil
}

// Waiting returns how many annotations wait in memory for room.
func (s *Store) Waiting() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.waiting)
}

// Flush tries again to write the annotations waiting in memory.
func (s *Store) Flush(ctx context.Context) error {
	for _, a := range s.waitingList() {
		if err := s.write(ctx, a); err != nil {
			return err
		}
	}
	return nil
}

// PutArticle keeps a copy of a, so it opens without the network, and
// syncs it: an edit is logged only when the article's content (its hash)
// differs from the copy kept.
func (s *Store) PutArticle(ctx context.Context, a *article.Article) error {
	if err := article.Check(a); err != nil {
		return fmt.Errorf("local: article %s: %w", a.ID, err)
	}
	// The article is encoded only when the kept copy differs, and the
	// kept copy is compared by its metadata alone: a long article's model
	// is megabytes of JSON that opening it must not spend time on twice.
	var doc json.RawMessage
	fields := func() (map[string]json.RawMessage, error) {
		if doc == nil {
			b, err := json.Marshal(a)
			if err != nil {
				return nil, fmt.Errorf("encode article %s: %w", a.ID, err)
			}
			doc = b
		}
		return map[string]json.RawMessage{"doc": doc}, nil
	}
	err := s.upsert(ctx, msync.KindArticle, a.ID, fields, func(o *object) bool {
		f, ok := o.View.Fields["doc"]
		if !ok {
			return false
		}
		var cur struct {
			Meta struct {
				Title string `json:"title"`
				Hash  string `json:"hash"`
			} `json:"meta"`
		}
		return json.Unmarshal(f.Value, &cur) == nil && cur.Meta.Hash == a.Meta.Hash && cur.Meta.Title == a.Meta.Title
	})
	if err != nil {
		return fmt.Errorf("local: save article %s: %w", a.ID, err)
	}
	return nil
}

// upsert logs an upsert of the fields of an object, unless same says the
// live object already holds them; fields is called only then.
func (s *Store) upsert(ctx context.Context, kind msync.Kind, id string, fields func() (map[string]json.RawMessage, error), same func(o *object) bool) error {
	return s.edit(ctx, kind, id, func(o *object) (*msync.Mutation, error) {
		if o.live() && same(o) {
			return nil, nil
		}
		f, err := fields()
		if err != nil {
			return nil, err
		}
		return &msync.Mutation{Op: msync.OpUpsert, Kind: kind, Object: id, Fields: f}, nil
	})
}

// docOf returns the article a record of KindArticle holds.
func docOf(r *msync.Record) (*article.Article, error) {
	f, ok := r.Fields["doc"]
	if !ok || r.Deleted != 0 {
		return nil, fmt.Errorf("local: article %s has no content", r.ID)
	}
	var a article.Article
	if err := json.Unmarshal(f.Value, &a); err != nil {
		return nil, fmt.Errorf("local: article %s: %w", r.ID, err)
	}
	a.ID = r.ID
	return &a, nil
}

// Article returns the copy of the article with the given id, or an error
// wrapping library.ErrNotFound when this device has none.
func (s *Store) Article(ctx context.Context, id string) (*article.Article, error) {
	s.prepareForRead(ctx)
	raw, err := s.b.Get(ctx, Articles, id)
	if err != nil {
		return nil, fmt.Errorf("local: article %s: %w", id, err)
	}
	if raw == nil {
		return nil, fmt.Errorf("local: article %s: %w", id, library.ErrNotFound)
	}
	a, err := readArticle(raw)
	if err != nil {
		s.logf("local: the copy of article %q cannot be read: %v", id, err)
		return nil, fmt.Errorf("local: article %s: %w", id, library.ErrNotFound)
	}
	if a == nil {
		return nil, fmt.Errorf("local: article %s: %w", id, library.ErrNotFound)
	}
	return a, nil
}

// readArticle reads a stored article record, of version 2 or 1: nil for
// a deleted one.
func readArticle(raw json.RawMessage) (*article.Article, error) {
	var v struct {
		V int `json:"v"`
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, err
	}
	switch v.V {
	case 1:
		var old v1Article
		if err := json.Unmarshal(raw, &old); err != nil {
			return nil, err
		}
		if old.Article == nil {
			return nil, errors.New("no article in the record")
		}
		old.Article.ID = old.ID
		return old.Article, nil
	case recordVersion:
		o, err := decodeObject(raw)
		if err != nil {
			return nil, err
		}
		if !o.live() {
			return nil, nil
		}
		return docOf(o.View)
	}
	return nil, fmt.Errorf("record version %d", v.V)
}

// Titles returns the titles of the articles kept on this device, by id.
func (s *Store) Titles(ctx context.Context) (map[string]string, error) {
	s.prepareForRead(ctx)
	raw, err := s.b.All(ctx, Articles, "", "")
	if err != nil {
		return nil, fmt.Errorf("local: articles: %w", err)
	}
	out := make(map[string]string, len(raw))
	for _, r := range raw {
		a, err := readArticle(r)
		if err != nil {
			s.logf("local: skipping an article record that cannot be read: %v", err)
			continue
		}
		if a != nil {
			out[a.ID] = a.Meta.Title
		}
	}
	return out, nil
}
