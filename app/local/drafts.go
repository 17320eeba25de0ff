package local

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
	"unicode/utf8"

	"margin/app/annotation"
)

// draftRecord is a note being written, kept on this device only: it is
// not an edit (nothing syncs until the note is saved), just the text
// typed so far, so that a closed editor, a reload or a crash loses none.
type draftRecord struct {
	ID      string    `json:"id"`      // the annotation's id
	Article string    `json:"article"` // for the store's index
	Text    string    `json:"text"`
	Saved   time.Time `json:"saved"`
}

// maxDraft bounds a draft, in code points: a little past a note's limit,
// so that text typed beyond it is kept for the reader to trim.
const maxDraft = 4 * annotation.MaxNote

// PutDraft keeps text as the draft of the note on annotation id of the
// article; an empty text forgets the draft.
func (s *Store) PutDraft(ctx context.Context, articleID, id, text string) error {
	if id == "" {
		return fmt.Errorf("local: a draft needs its annotation's id")
	}
	if utf8.RuneCountInString(text) > maxDraft {
		return fmt.Errorf("local: the draft on %s is longer than %d characters", id, maxDraft)
	}
	var rec []byte
	if text != "" {
		b, err := json.Marshal(draftRecord{ID: id, Article: articleID, Text: text, Saved: s.now().UTC()})
		if err != nil {
			return fmt.Errorf("local: encode the draft on %s: %w", id, err)
		}
		rec = b
	}
	err := s.update(ctx, []string{storeDrafts}, func(t *tx) error {
		if rec == nil {
			t.del(storeDrafts, id)
		} else {
			t.put(storeDrafts, id, rec)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("local: keep the draft on %s: %w", id, err)
	}
	return nil
}

// Drafts returns the drafts of notes on the article, by annotation id.
func (s *Store) Drafts(ctx context.Context, articleID string) (map[string]string, error) {
	s.prepareForRead(ctx)
	raws, err := s.b.All(ctx, storeDrafts, "article", articleID)
	if err != nil {
		return nil, fmt.Errorf("local: drafts of %s: %w", articleID, err)
	}
	out := make(map[string]string, len(raws))
	for _, raw := range raws {
		var d draftRecord
		if err := json.Unmarshal(raw, &d); err != nil || d.ID == "" || d.Article != articleID {
			s.logf("local: skipping a draft that cannot be read: %s", raw)
			continue
		}
		out[d.ID] = d.Text
	}
	return out, nil
}
