//go:build !(js && wasm)

package ui

import (
	"strings"
	"testing"
	"time"

	"margin/app/annotation"
)

func TestRightToLeft(t *testing.T) {
	for lang, want := range map[string]bool{"he": true, "ar-EG": true, "FA": true, "en": false, "": false, "hej": false, "de-AT": false} {
		if got := rightToLeft(lang); got != want {
			t.Errorf("rightToLeft(%q) = %v", lang, got)
		}
	}
	a := sample(t)
	a.Meta.Lang = "he"
	if h := ArticleHTML(a); !strings.Contains(h, ` lang="he" dir="rtl"`) {
		t.Errorf("a Hebrew article is not marked right to left: %.120s", h)
	}
}

func TestNoteMarkersAndDrafts(t *testing.T) {
	a := sample(t)
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	noted := made(t, a, 0, 5, annotation.Green, at)
	noted.Note = "A **note** with <b>markup</b> and " + strings.Repeat("x", 200)
	bare := made(t, a, 6, 15, annotation.Blue, at)
	r := shownReader(t, a, noted, bare)

	// The marker is named for the note, clipped; a highlight without a
	// note has none.
	if !strings.Contains(r.blocks[0], `class="note-marker" data-note="`+noted.ID+`" aria-label="Note: A **note** with &lt;b&gt;markup&lt;/b&gt;`) {
		t.Errorf("no marker named for the note: %s", r.blocks[0])
	}
	if strings.Count(r.blocks[0], "note-marker") != 1 {
		t.Errorf("want one marker: %s", r.blocks[0])
	}
	if got := r.markerLabel(r.ann.byID[noted.ID]); len([]rune(got)) > len("Note: ")+noteLabelRunes {
		t.Errorf("the marker's name is %d long", len([]rune(got)))
	}
	// A draft on the bare highlight: kept, and its marker says draft.
	r.keepDraft(bare.ID, "half a thought")
	r.drawBlocks(nil)
	if !strings.Contains(r.blocks[0], `aria-label="Draft note: half a thought"`) {
		t.Errorf("the draft has no marker: %s", r.blocks[0])
	}
	if !r.hasNote(r.ann.byID[bare.ID]) {
		t.Error("a draft does not count as a note to show")
	}
	r.forgetDraft(bare.ID)
	if r.hasNote(r.ann.byID[bare.ID]) {
		t.Error("a forgotten draft still shows")
	}
	if isLong("short") || !isLong(strings.Repeat("y", noteLongRunes+1)) || !isLong(strings.Repeat("line\n", noteLongLines)) {
		t.Error("isLong misjudges")
	}
}
