package local

import (
	"context"
	"strings"
	"testing"
)

func TestDrafts(t *testing.T) {
	ctx := context.Background()
	m := &Memory{}
	s := New(m, t.Logf)
	if err := s.PutDraft(ctx, "art1", "a1", "half a thought"); err != nil {
		t.Fatal(err)
	}
	if err := s.PutDraft(ctx, "art1", "a2", "another"); err != nil {
		t.Fatal(err)
	}
	if err := s.PutDraft(ctx, "art2", "b1", "elsewhere"); err != nil {
		t.Fatal(err)
	}
	// Another store over the same database (a reload) reads them back.
	got, err := New(m, t.Logf).Drafts(ctx, "art1")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got["a1"] != "half a thought" || got["a2"] != "another" {
		t.Errorf("drafts of art1: %v", got)
	}
	// Typed on: the latest text wins; emptied: forgotten.
	if err := s.PutDraft(ctx, "art1", "a1", "half a thought, finished"); err != nil {
		t.Fatal(err)
	}
	if err := s.PutDraft(ctx, "art1", "a2", ""); err != nil {
		t.Fatal(err)
	}
	got, _ = s.Drafts(ctx, "art1")
	if len(got) != 1 || got["a1"] != "half a thought, finished" {
		t.Errorf("after edits: %v", got)
	}
	// Bad input: no id, an endless text, a record someone else wrote.
	if err := s.PutDraft(ctx, "art1", "", "x"); err == nil {
		t.Error("a draft without an annotation id was kept")
	}
	if err := s.PutDraft(ctx, "art1", "a3", strings.Repeat("y", maxDraft+1)); err == nil {
		t.Error("a draft past the limit was kept")
	}
	m.PutRaw(storeDrafts, "junk", []byte(`{"id":"junk","article":"art1","text":7}`))
	got, err = s.Drafts(ctx, "art1")
	if err != nil || len(got) != 1 {
		t.Errorf("with a junk record: %v, %v", got, err)
	}
	// Drafts never become edits to sync.
	if n, err := s.Pending(ctx); err != nil || n != 0 {
		t.Errorf("drafts made %d pending mutations (%v)", n, err)
	}
}
