//go:build !(js && wasm)

package ui

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"margin/app/anchor"
	"margin/app/annotation"
	"margin/app/article"
	"margin/app/local"
)

func TestTrimRange(t *testing.T) {
	text := []rune("  one two \n\n three  ")
	tests := []struct {
		name       string
		s, e       int
		wantS, wnE int
	}{
		{"spaces both ends", 0, 10, 2, 9},
		{"only white space", 9, 13, 13, 13},
		{"out of range", -4, 99, 2, 18},
		{"empty", 5, 5, 5, 5},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, e := trimRange(text, tc.s, tc.e)
			if s != tc.wantS || e != tc.wnE {
				t.Errorf("trimRange(%d, %d) = %d, %d; want %d, %d", tc.s, tc.e, s, e, tc.wantS, tc.wnE)
			}
		})
	}
}

// shownReader is a reader showing a with the annotations in list placed.
func shownReader(t *testing.T, a *article.Article, list ...annotation.Annotation) *Reader {
	t.Helper()
	r := &Reader{notes: local.New(&local.Memory{}, t.Logf), id: a.ID}
	r.show(a)
	r.ann.loaded = true
	r.placeAll(list)
	return r
}

func made(t *testing.T, a *article.Article, s, e int, color annotation.Color, at time.Time) annotation.Annotation {
	t.Helper()
	sel, err := anchor.NewText(a.Text(), a.Meta.Hash).Describe(s, e)
	if err != nil {
		t.Fatal(err)
	}
	return annotation.Annotation{ID: annotation.NewID(), Article: a.ID, Target: sel, Color: color, Created: at, Modified: at}
}

func TestPlaceAllDrawsMarks(t *testing.T) {
	a := sample(t) // "First paragraph with emphasis and a link.\n\nA heading\n\nLast paragraph."
	text := a.Text()
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	first := made(t, a, 0, 5, annotation.Green, at)                               // "First"
	span := made(t, a, strings.Index(text, "link"), strings.Index(text, "A h")+1, // across two blocks
		annotation.Blue, at.Add(time.Second))
	gone := first
	gone.ID = annotation.NewID()
	gone.Target.Exact, gone.Target.Hash = "words that are nowhere in it", "0000000000000000000000000000000000000000000000000000000000000000"
	gone.Target.End = gone.Target.Start + len(gone.Target.Exact)
	r := shownReader(t, a, first, span, gone)

	if !strings.Contains(r.blocks[0], `<mark class="hl hl-green" data-a="`+first.ID+`" id="hl-`+first.ID+`">First</mark>`) {
		t.Errorf("block 0: %s", r.blocks[0])
	}
	if !strings.Contains(r.blocks[0], `data-a="`+span.ID+`" id="hl-`+span.ID+`">link</mark>`) || !strings.Contains(r.blocks[1], `data-a="`+span.ID+`">A</mark>`) {
		t.Errorf("the span's marks are missing:\n%s\n%s", r.blocks[0], r.blocks[1])
	}
	if strings.Contains(r.blocks[2], "<mark") {
		t.Errorf("block 2 got a mark: %s", r.blocks[2])
	}
	// The orphan is kept, listed last, and drawn nowhere.
	if n := len(r.ann.list); n != 3 || !r.ann.list[2].orphan() || r.ann.list[2].a.ID != gone.ID {
		t.Fatalf("list: %+v", r.ann.list)
	}
	for _, b := range r.blocks {
		if strings.Contains(b, gone.ID) {
			t.Errorf("the orphan is drawn: %s", b)
		}
	}
}

func TestMergeOverlapping(t *testing.T) {
	a := sample(t)
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	older := made(t, a, 0, 10, annotation.Pink, at)
	older.Note, older.Tags = "first note", []string{"one"}
	newer := made(t, a, 20, 30, annotation.Blue, at.Add(time.Minute))
	newer.Note, newer.Tags = "second note", []string{"two", "One"}
	r := shownReader(t, a, older, newer)

	fresh := made(t, a, 5, 25, annotation.Yellow, at.Add(time.Hour))
	merged, gone := r.merge(fresh)
	if merged.ID != older.ID || merged.Color != annotation.Pink {
		t.Errorf("merged into %s %s, want the oldest, pink", merged.ID, merged.Color)
	}
	if merged.Target.Start != 0 || merged.Target.End != 30 {
		t.Errorf("merged range %d–%d, want 0–30", merged.Target.Start, merged.Target.End)
	}
	if merged.Note != "first note\n\nsecond note" || strings.Join(merged.Tags, ",") != "one,two" {
		t.Errorf("merged note %q tags %v", merged.Note, merged.Tags)
	}
	if len(gone) != 1 || gone[0] != newer.ID {
		t.Errorf("replaced %v", gone)
	}
	if err := annotation.Validate(&merged); err != nil {
		t.Error(err)
	}
}

func TestHighlightsSearchAndFilters(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	mk := func(exact, note string, c annotation.Color, tags ...string) annotation.Annotation {
		return annotation.Annotation{ID: annotation.NewID(), Article: "a1", Color: c, Note: note, Tags: tags,
			Target: anchor.Selector{Exact: exact, End: len(exact)}, Created: at, Modified: at}
	}
	h := &Highlights{titles: map[string]string{"a1": "NATO and the INF"}}
	list := []annotation.Annotation{
		mk("arms race", "", annotation.Yellow),
		mk("nuclear weapons", "see **this**", annotation.Blue, "Defense"),
		mk("Brussels", "", annotation.Blue),
	}
	tests := []struct {
		name   string
		query  string
		color  annotation.Color
		tag    string
		expect []int
	}{
		{"everything", "", "", "", []int{0, 1, 2}},
		{"words in any order, any case", "WEAPONS nuclear", "", "", []int{1}},
		{"note text without markup", "see this", "", "", []int{1}},
		{"article title", "inf", "", "", []int{0, 1, 2}},
		{"colour", "", annotation.Blue, "", []int{1, 2}},
		{"tag, case folded", "", "", "defense", []int{1}},
		{"nothing", "zebra", "", "", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h.query, h.fColor, h.fTag = tc.query, tc.color, tc.tag
			var got []int
			for i := range list {
				if h.matches(&list[i]) {
					got = append(got, i)
				}
			}
			if !slices.Equal(got, tc.expect) {
				t.Errorf("got %v, want %v", got, tc.expect)
			}
		})
	}
}

func TestNotesStoreRoundTripThroughReader(t *testing.T) {
	a := sample(t)
	store := local.New(&local.Memory{}, t.Logf)
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	x := made(t, a, 0, 5, annotation.Green, at)
	if err := store.PutAnnotation(context.Background(), x); err != nil {
		t.Fatal(err)
	}
	got, err := store.Annotations(context.Background(), a.ID)
	if err != nil || len(got) != 1 {
		t.Fatalf("%v %v", got, err)
	}
	r := shownReader(t, a, got...)
	if r.quote(r.ann.list[0]) != "First" {
		t.Errorf("quote %q", r.quote(r.ann.list[0]))
	}
}
