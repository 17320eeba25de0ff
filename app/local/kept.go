package local

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"margin/app/article"
	"margin/app/library"
	msync "margin/app/sync"
)

// Kept is an article this device keeps a copy of, as the library lists it.
type Kept struct {
	Summary library.Summary
	// Added is when the copy's content was written: here for an article
	// made on this device, on the device that wrote it otherwise.
	Added time.Time

	at msync.HLC // Added, with the order of edits within a millisecond
}

// Kept returns the articles kept on this device, the most recently added
// first. It reads only their details, not their text: the library lists
// every one of them.
func (s *Store) Kept(ctx context.Context) ([]Kept, error) {
	s.prepareForRead(ctx)
	raw, err := s.b.All(ctx, Articles, "", "")
	if err != nil {
		return nil, fmt.Errorf("local: articles: %w", err)
	}
	out := make([]Kept, 0, len(raw))
	for _, r := range raw {
		o, err := decodeObject(r)
		if err != nil {
			s.logf("local: skipping an article record that cannot be read: %v", err)
			continue
		}
		if !o.live() {
			continue
		}
		f, ok := o.View.Fields["doc"]
		if !ok {
			continue
		}
		var doc struct {
			Meta article.Meta `json:"meta"`
		}
		if err := json.Unmarshal(f.Value, &doc); err != nil {
			s.logf("local: skipping article %q, whose details cannot be read: %v", o.ID, err)
			continue
		}
		out = append(out, Kept{Summary: library.Summary{ID: o.ID, Meta: doc.Meta}, Added: f.HLC.Time(), at: f.HLC})
	}
	slices.SortStableFunc(out, func(a, b Kept) int {
		if c := cmp.Compare(b.at, a.at); c != 0 {
			return c
		}
		return cmp.Compare(a.Summary.ID, b.Summary.ID)
	})
	return out, nil
}
