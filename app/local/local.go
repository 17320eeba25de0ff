// Package local keeps the reader's annotations, and copies of the
// articles they were made on, on this device: in IndexedDB in the browser,
// in memory elsewhere. Everything is written here first, before any
// network, so a mark survives a reload, a closed tab and a lost
// connection.
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
	"slices"
	"sort"
	"sync"

	"margin/app/annotation"
	"margin/app/article"
	"margin/app/library"
)

// The backend's stores and the version of the records written to them.
const (
	Annotations   = "annotations"
	Articles      = "articles"
	recordVersion = 1
)

// ErrQuota reports that the device's storage is full: the change is kept
// in memory until it can be written.
var ErrQuota = errors.New("local: this device's storage is full")

// Backend keeps JSON records in named stores, keyed by their "id" field;
// the annotations store is also indexed by "article". The browser's is
// IndexedDB; Memory serves tests and the server.
type Backend interface {
	// Put writes records into store atomically. A full quota is an error
	// wrapping ErrQuota.
	Put(ctx context.Context, store string, records ...[]byte) error
	// Delete removes the records with the given ids.
	Delete(ctx context.Context, store string, ids ...string) error
	// All returns every record of store, or with field set only those
	// whose field equals value.
	All(ctx context.Context, store, field, value string) ([]json.RawMessage, error)
	// Get returns the record with the given id, or nil when there is none.
	Get(ctx context.Context, store, id string) (json.RawMessage, error)
}

// Store is the device's copy of the reader's annotations and articles.
// It is safe for concurrent use.
type Store struct {
	b    Backend
	logf func(format string, args ...any)

	// mu guards pending.
	mu sync.Mutex
	// pending holds the annotations that could not be written for lack
	// of room, by id.
	pending map[string]*annotation.Annotation
}

// New returns a store over b; logf receives warnings about records it
// skips.
func New(b Backend, logf func(format string, args ...any)) *Store {
	if logf == nil {
		logf = func(string, ...any) {}
	}
	return &Store{b: b, logf: logf, pending: map[string]*annotation.Annotation{}}
}

// annotationRecord is an annotation as stored: the annotation's fields
// plus the record's version.
type annotationRecord struct {
	V int `json:"v"`
	annotation.Annotation
}

// articleRecord is an article as stored.
type articleRecord struct {
	V       int              `json:"v"`
	ID      string           `json:"id"`
	Article *article.Article `json:"article"`
}

// Annotations returns the annotations made on the article with the given
// id, oldest first.
func (s *Store) Annotations(ctx context.Context, articleID string) ([]annotation.Annotation, error) {
	raw, err := s.b.All(ctx, Annotations, "article", articleID)
	if err != nil {
		return nil, fmt.Errorf("local: annotations of %s: %w", articleID, err)
	}
	return s.decode(raw, func(a *annotation.Annotation) bool { return a.Article == articleID }), nil
}

// AllAnnotations returns every annotation on this device, newest first.
func (s *Store) AllAnnotations(ctx context.Context) ([]annotation.Annotation, error) {
	raw, err := s.b.All(ctx, Annotations, "", "")
	if err != nil {
		return nil, fmt.Errorf("local: annotations: %w", err)
	}
	out := s.decode(raw, func(*annotation.Annotation) bool { return true })
	slices.Reverse(out)
	return out, nil
}

// decode reads records, skipping those it cannot read, overlays the
// pending changes that keep must accept, and sorts oldest first.
func (s *Store) decode(raw []json.RawMessage, keep func(*annotation.Annotation) bool) []annotation.Annotation {
	out := make([]annotation.Annotation, 0, len(raw))
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range raw {
		var rec annotationRecord
		if err := json.Unmarshal(r, &rec); err != nil || rec.V != recordVersion {
			s.logf("local: skipping an annotation record that cannot be read (version %d): %v", rec.V, err)
			continue
		}
		if err := annotation.Validate(&rec.Annotation); err != nil {
			s.logf("local: skipping annotation %q: %v", rec.ID, err)
			continue
		}
		if _, ok := s.pending[rec.ID]; ok {
			continue // the pending version is newer
		}
		out = append(out, rec.Annotation)
	}
	for _, a := range s.pending {
		if a != nil && keep(a) {
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

// PutAnnotation validates a and writes it. When the device is full it
// keeps a in memory, where reads still find it, and returns an error
// wrapping ErrQuota; the next write that finds room writes it too, as
// Flush does.
func (s *Store) PutAnnotation(ctx context.Context, a annotation.Annotation) error {
	if err := annotation.Validate(&a); err != nil {
		return fmt.Errorf("local: %w", err)
	}
	if err := s.write(ctx, a); err != nil {
		return err
	}
	// There was room for this one: try those still waiting, too.
	for _, w := range s.waiting() {
		if s.write(ctx, w) != nil {
			break
		}
	}
	return nil
}

// write stores a, keeping it in memory when the device is full.
func (s *Store) write(ctx context.Context, a annotation.Annotation) error {
	rec, err := json.Marshal(annotationRecord{V: recordVersion, Annotation: a})
	if err != nil {
		return fmt.Errorf("local: encode annotation %s: %w", a.ID, err)
	}
	err = s.b.Put(ctx, Annotations, rec)
	s.mu.Lock()
	defer s.mu.Unlock()
	if err != nil {
		if errors.Is(err, ErrQuota) {
			s.pending[a.ID] = &a
		}
		return fmt.Errorf("local: save annotation %s: %w", a.ID, err)
	}
	if p := s.pending[a.ID]; p != nil && !p.Modified.After(a.Modified) {
		delete(s.pending, a.ID)
	}
	return nil
}

// waiting returns the annotations kept in memory for lack of room.
func (s *Store) waiting() []annotation.Annotation {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]annotation.Annotation, 0, len(s.pending))
	for _, a := range s.pending {
		out = append(out, *a)
	}
	return out
}

// DeleteAnnotation removes the annotation with the given id.
func (s *Store) DeleteAnnotation(ctx context.Context, id string) error {
	s.mu.Lock()
	delete(s.pending, id)
	s.mu.Unlock()
	if err := s.b.Delete(ctx, Annotations, id); err != nil {
		return fmt.Errorf("local: delete annotation %s: %w", id, err)
	}
	return nil
}

// Pending returns how many annotations wait in memory for room.
func (s *Store) Pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.pending)
}

// Flush tries again to write the annotations waiting in memory.
func (s *Store) Flush(ctx context.Context) error {
	for _, a := range s.waiting() {
		if err := s.write(ctx, a); err != nil {
			return err
		}
	}
	return nil
}

// PutArticle keeps a copy of a, so it opens without the network.
func (s *Store) PutArticle(ctx context.Context, a *article.Article) error {
	rec, err := json.Marshal(articleRecord{V: recordVersion, ID: a.ID, Article: a})
	if err != nil {
		return fmt.Errorf("local: encode article %s: %w", a.ID, err)
	}
	if err := s.b.Put(ctx, Articles, rec); err != nil {
		return fmt.Errorf("local: save article %s: %w", a.ID, err)
	}
	return nil
}

// Article returns the copy of the article with the given id, or an error
// wrapping library.ErrNotFound when this device has none.
func (s *Store) Article(ctx context.Context, id string) (*article.Article, error) {
	raw, err := s.b.Get(ctx, Articles, id)
	if err != nil {
		return nil, fmt.Errorf("local: article %s: %w", id, err)
	}
	if raw == nil {
		return nil, fmt.Errorf("local: article %s: %w", id, library.ErrNotFound)
	}
	var rec articleRecord
	if err := json.Unmarshal(raw, &rec); err != nil || rec.V != recordVersion || rec.Article == nil {
		s.logf("local: the copy of article %q cannot be read: %v", id, err)
		return nil, fmt.Errorf("local: article %s: %w", id, library.ErrNotFound)
	}
	rec.Article.ID = rec.ID
	return rec.Article, nil
}

// Titles returns the titles of the articles kept on this device, by id.
func (s *Store) Titles(ctx context.Context) (map[string]string, error) {
	raw, err := s.b.All(ctx, Articles, "", "")
	if err != nil {
		return nil, fmt.Errorf("local: articles: %w", err)
	}
	out := make(map[string]string, len(raw))
	for _, r := range raw {
		var rec struct {
			V       int    `json:"v"`
			ID      string `json:"id"`
			Article struct {
				Meta struct {
					Title string `json:"title"`
				} `json:"meta"`
			} `json:"article"`
		}
		if err := json.Unmarshal(r, &rec); err != nil || rec.V != recordVersion {
			s.logf("local: skipping an article record that cannot be read: %v", err)
			continue
		}
		out[rec.ID] = rec.Article.Meta.Title
	}
	return out, nil
}
