//go:build !(js && wasm)

package local

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"margin/app/anchor"
	"margin/app/annotation"
	"margin/app/article"
	"margin/app/library"
)

func sample(article string, i int) annotation.Annotation {
	at := time.Date(2026, 11, 27, 10, 0, i, 0, time.UTC)
	exact := fmt.Sprintf("passage %d", i)
	return annotation.Annotation{
		ID:      annotation.NewID(),
		Article: article,
		Target:  anchor.Selector{Exact: exact, Start: i * 100, End: i*100 + len(exact)},
		Color:   annotation.Yellow,
		Created: at, Modified: at,
	}
}

func TestAnnotationsRoundTrip(t *testing.T) {
	ctx := context.Background()
	s := New(&Memory{}, t.Logf)
	var want []annotation.Annotation
	for i := range 3 {
		a := sample("art1", i)
		if err := s.PutAnnotation(ctx, a); err != nil {
			t.Fatal(err)
		}
		want = append(want, a)
	}
	if err := s.PutAnnotation(ctx, sample("art2", 9)); err != nil {
		t.Fatal(err)
	}
	got, err := s.Annotations(ctx, "art1")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 {
		t.Fatalf("got %d annotations, want 3", len(got))
	}
	for i := range want {
		if got[i].ID != want[i].ID || got[i].Target != want[i].Target || !got[i].Created.Equal(want[i].Created) {
			t.Errorf("annotation %d: got %+v, want %+v", i, got[i], want[i])
		}
	}
	all, err := s.AllAnnotations(ctx)
	if err != nil || len(all) != 4 || all[0].Article != "art2" {
		t.Fatalf("all (newest first): %v %v", all, err)
	}
	// Edit and delete.
	want[1].Note = "changed"
	if err := s.PutAnnotation(ctx, want[1]); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteAnnotation(ctx, want[0].ID); err != nil {
		t.Fatal(err)
	}
	got, _ = s.Annotations(ctx, "art1")
	if len(got) != 2 || got[0].Note != "changed" {
		t.Errorf("after edit and delete: %+v", got)
	}
}

func TestInvalidAnnotationRefused(t *testing.T) {
	s := New(&Memory{}, t.Logf)
	a := sample("art1", 1)
	a.Note = strings.Repeat("x", annotation.MaxNote+1)
	if err := s.PutAnnotation(context.Background(), a); !errors.Is(err, annotation.ErrInvalid) {
		t.Fatalf("oversized note: %v", err)
	}
	if got, _ := s.Annotations(context.Background(), "art1"); len(got) != 0 {
		t.Errorf("an invalid annotation was kept: %v", got)
	}
}

func TestCorruptAndForeignRecordsSkipped(t *testing.T) {
	ctx := context.Background()
	m := &Memory{}
	var warnings []string
	s := New(m, func(f string, args ...any) { warnings = append(warnings, fmt.Sprintf(f, args...)) })
	good := sample("art1", 1)
	if err := s.PutAnnotation(ctx, good); err != nil {
		t.Fatal(err)
	}
	for id, rec := range map[string]string{
		"bad-json":    `{"v":1,"id":"bad-json","article":"art1",`,
		"old-version": `{"v":0,"id":"old-version","article":"art1"}`,
		"future":      `{"v":3,"id":"future","article":"art1"}`,
		"foreign":     `{"id":"foreign","article":"art1","text":"someone else's"}`,
		"invalid":     `{"v":1,"id":"invalid","article":"art1","target":{"exact":"","start":5,"end":1},"color":"red"}`,
		"not-object":  `["v",1]`,
		"huge-number": `{"v":1e999,"id":"huge-number","article":"art1"}`,
	} {
		m.PutRaw(Annotations, id, []byte(rec))
	}
	got, err := s.Annotations(ctx, "art1")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].ID != good.ID {
		t.Fatalf("got %+v, want only the good record", got)
	}
	// Records without a readable article field are not in the index (as
	// in IndexedDB), so only the five others reach the store to be warned of.
	if len(warnings) != 5 {
		t.Errorf("%d warnings, want 5: %q", len(warnings), warnings)
	}
	// The bad records are left in place: nothing is deleted behind the reader's back.
	raw, _ := m.All(ctx, Annotations, "", "")
	if len(raw) != 8 {
		t.Errorf("%d records left, want 8", len(raw))
	}
}

func TestFullQuotaKeepsInMemory(t *testing.T) {
	ctx := context.Background()
	m := &Memory{}
	s := New(m, t.Logf)
	first := sample("art1", 1)
	if err := s.PutAnnotation(ctx, first); err != nil {
		t.Fatal(err)
	}
	m.Limit = m.Size() + 300 // less than another annotation and its change take
	second := sample("art1", 2)
	second.Note = strings.Repeat("note ", 40)
	err := s.PutAnnotation(ctx, second)
	if !IsQuota(err) {
		t.Fatalf("over the quota: %v", err)
	}
	if s.Waiting() != 1 {
		t.Fatalf("waiting %d", s.Waiting())
	}
	if n, _ := s.Pending(ctx); n != 1 {
		t.Fatalf("%d changes logged, want the first only", n)
	}
	// Reads still see it.
	got, _ := s.Annotations(ctx, "art1")
	if len(got) != 2 || got[1].ID != second.ID || got[1].Note != second.Note {
		t.Fatalf("reads miss the waiting annotation: %+v", got)
	}
	// Room again: the next write takes the waiting one along.
	m.Limit = 0
	if err := s.PutAnnotation(ctx, sample("art1", 3)); err != nil {
		t.Fatal(err)
	}
	if s.Waiting() != 0 {
		t.Errorf("still waiting after the next write")
	}
	if err := s.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	fresh := New(m, t.Logf)
	if got, _ := fresh.Annotations(ctx, "art1"); len(got) != 3 {
		t.Errorf("after flush the database holds %d", len(got))
	}
	if n, _ := fresh.Pending(ctx); n != 3 {
		t.Errorf("%d changes logged, want 3", n)
	}
}

func TestArticleCopies(t *testing.T) {
	ctx := context.Background()
	m := &Memory{}
	s := New(m, t.Logf)
	a, err := article.FromText("First paragraph.\n\nSecond one.")
	if err != nil {
		t.Fatal(err)
	}
	a.ID = "abc"
	a.Meta.Title = "A title"
	if err := s.PutArticle(ctx, a); err != nil {
		t.Fatal(err)
	}
	got, err := s.Article(ctx, "abc")
	if err != nil {
		t.Fatal(err)
	}
	if got.Text() != a.Text() || got.Meta.Hash != a.Meta.Hash || got.ID != "abc" {
		t.Errorf("copy differs: %q %q", got.Text(), got.ID)
	}
	if _, err := s.Article(ctx, "missing"); !errors.Is(err, library.ErrNotFound) {
		t.Errorf("missing article: %v", err)
	}
	for id, rec := range map[string]string{
		"broken":  `{"v":1,"id":"broken","article":{"blocks":"nope"}}`,
		"broken2": `{"v":2,"id":"broken2","view":{"kind":"article","id":"broken2","fields":{"doc":{"value":{"blocks":"nope"}}}}}`,
		"noview":  `{"v":2,"id":"noview"}`,
	} {
		m.PutRaw(Articles, id, []byte(rec))
		if _, err := s.Article(ctx, id); !errors.Is(err, library.ErrNotFound) {
			t.Errorf("%s copy: %v", id, err)
		}
	}
	// The same article again logs nothing; a changed one does.
	before, _ := s.Pending(ctx)
	if err := s.PutArticle(ctx, a); err != nil {
		t.Fatal(err)
	}
	if n, _ := s.Pending(ctx); n != before {
		t.Errorf("putting the same article again logged a change")
	}
	b, _ := article.FromText("First paragraph, edited.\n\nSecond one.")
	b.ID, b.Meta.Title = "abc", "A title"
	if err := s.PutArticle(ctx, b); err != nil {
		t.Fatal(err)
	}
	if n, _ := s.Pending(ctx); n != before+1 {
		t.Errorf("a changed article logged %d changes", n-before)
	}
	titles, err := s.Titles(ctx)
	if err != nil || titles["abc"] != "A title" {
		t.Errorf("titles %v %v", titles, err)
	}
}
