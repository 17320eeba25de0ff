package ui

import (
	"context"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"margin/app/anchor"
	"margin/app/annotation"
	"margin/app/browser"
	"margin/app/local"
)

// undoFor is how long a deleted highlight can be brought back.
const undoFor = 6 * time.Second

// selected records the article's selection and where its toolbar goes.
func (r *Reader) selected(ctx app.Context, sel browser.Selection, ok bool, scrollY float64) {
	if ok && r.art != nil {
		r.prepareText()
		s, e := trimRange(r.ann.runes, sel.Start, sel.End)
		ok = e > s
	}
	r.ann.sel, r.ann.selOn = sel, ok
	if !ok {
		return
	}
	r.closePopover()
	const barW, barH = 312.0, 44.0
	vw := browser.ViewportWidth()
	left := sel.Rect.X + sel.Rect.W/2 - barW/2
	left = max(8, min(left, vw-barW-8))
	top := sel.First.Y + scrollY - barH - 10
	if browser.Coarse() || sel.First.Y < 72 {
		// Phones show their own menu above the selection: go below it.
		top = sel.Last.Y + sel.Last.H + scrollY + 12
	}
	r.ann.selTop, r.ann.selLeft = top, left
	ctx.Defer(func(app.Context) { browser.Place("#hl-toolbar", top, left) })
}

// trimRange narrows [s, e) of text to leave out white space at its ends.
func trimRange(text []rune, s, e int) (int, int) {
	s, e = max(0, s), min(len(text), e)
	for s < e && unicode.IsSpace(text[s]) {
		s++
	}
	for e > s && unicode.IsSpace(text[e-1]) {
		e--
	}
	return s, e
}

// highlight marks the selected text in color, optionally opening its note.
func (r *Reader) highlight(ctx app.Context, color annotation.Color, note bool) (string, bool) {
	start, end, ok := browser.ArticleRange(bodySel)
	if !ok {
		return "", false
	}
	return r.highlightRange(ctx, start, end, color, note)
}

// highlightRange marks [start, end) of the canonical text, the article's
// selection, in color, optionally opening its note.
func (r *Reader) highlightRange(ctx app.Context, start, end int, color annotation.Color, note bool) (string, bool) {
	if r.art == nil || r.notes == nil {
		return "", false
	}
	r.prepareText()
	s, e := trimRange(r.ann.runes, start, end)
	if e <= s {
		return "", false
	}
	if e-s > annotation.MaxExact {
		browser.ClearSelection()
		r.ann.selOn = false
		r.flashToast(ctx, "That passage is too long to highlight: select at most 20,000 characters.")
		return "", false
	}
	target, err := r.ann.text.Describe(s, e)
	if err != nil {
		return "", false
	}
	now := time.Now().UTC().Truncate(time.Millisecond)
	a := annotation.Annotation{
		ID: annotation.NewID(), Article: r.id, Source: r.art.Meta.URL,
		Target: target, Color: color, Created: now, Modified: now,
	}
	touched := [][2]int{{s, e}}
	var gone []string
	if browser.Pref(prefOverlap) == "merge" {
		a, gone = r.merge(a)
		touched = append(touched, [2]int{a.Target.Start, a.Target.End})
	}
	for _, id := range gone {
		r.removePlaced(id)
	}
	p := &placed{a: a, res: anchor.Result{Match: anchor.Match{Start: a.Target.Start, End: a.Target.End, Score: 1}, Status: anchor.Anchored}}
	r.ann.list = append(r.ann.list, p)
	if r.ann.byID == nil {
		r.ann.byID = map[string]*placed{}
	}
	r.ann.byID[a.ID] = p
	r.sortAnnotations()
	// The selection goes first: cleared after the block is replaced, it
	// would make the browser lay the page out again at once.
	browser.ClearSelection()
	r.ann.selOn = false
	r.drawBlocks(r.blocksOf(touched...))
	browser.Mark("margin-highlight-drawn")
	browser.MarkAfterPaint("margin-highlight-painted")
	r.save(ctx, a, gone...)
	if note {
		r.openEditor(ctx, a.ID)
	}
	return a.ID, true
}

// merge folds the annotations that overlap a into one: the earliest made
// keeps its id, colour and note, stretched over the union of the ranges;
// the others' notes and tags join it. It returns the merged annotation
// and the ids it replaces.
func (r *Reader) merge(a annotation.Annotation) (annotation.Annotation, []string) {
	var over []*placed
	for _, p := range r.ann.list {
		if !p.orphan() && p.res.Start < a.Target.End && p.res.End > a.Target.Start {
			over = append(over, p)
		}
	}
	if len(over) == 0 {
		return a, nil
	}
	s, e := a.Target.Start, a.Target.End
	keep := over[0]
	for _, p := range over {
		s, e = min(s, p.res.Start), max(e, p.res.End)
		if p.a.Created.Before(keep.a.Created) {
			keep = p
		}
	}
	out := keep.a
	var gone []string
	tags := slices.Clone(out.Tags)
	for _, p := range over {
		if p == keep {
			continue
		}
		gone = append(gone, p.a.ID)
		if n := strings.TrimSpace(p.a.Note); n != "" {
			if out.Note != "" {
				out.Note += "\n\n"
			}
			out.Note += n
		}
		tags = append(tags, p.a.Tags...)
	}
	out.Tags = annotation.NormalizeTags(tags)
	if target, err := r.ann.text.Describe(s, e); err == nil {
		out.Target = target
	}
	out.Modified = a.Modified
	r.removePlaced(out.ID)
	return out, gone
}

// removePlaced takes an annotation off the page (not off the device).
func (r *Reader) removePlaced(id string) *placed {
	p := r.ann.byID[id]
	if p == nil {
		return nil
	}
	delete(r.ann.byID, id)
	r.ann.list = slices.DeleteFunc(r.ann.list, func(q *placed) bool { return q == p })
	return p
}

// save writes a to the device (and deletes the ids in gone), then tells
// the other tabs. A full storage keeps a in memory and says so.
func (r *Reader) save(ctx app.Context, a annotation.Annotation, gone ...string) {
	notes, channel := r.notes, r.ann.channel
	// Started in the task right after the mark is painted: a write to
	// the device is one transaction over the objects, the outbox and the
	// sync state, whose callbacks, run before the paint, made a new mark
	// show a frame late. A tab closed within that frame can lose the
	// mark; the write runs in order with the other edits all the same.
	browser.AfterPaint(func() {
		c, cancel := context.WithTimeout(ctx, loadTimeout)
		defer cancel()
		err := notes.PutAnnotation(c, a)
		for _, id := range gone {
			if derr := notes.DeleteAnnotation(c, id); derr != nil && err == nil {
				err = derr
			}
		}
		ctx.Dispatch(func(ctx app.Context) { r.saved(a, err) })
		if err == nil {
			announce(channel, a.Article, a.ID)
			if browser.Pref(prefPersist) == "" {
				browser.PersistStorage()
				browser.SetPref(prefPersist, "asked")
			}
		}
	})
}

// saved reports the outcome of a save to the reader when it failed.
func (r *Reader) saved(a annotation.Annotation, err error) {
	switch {
	case err == nil:
		if strings.HasPrefix(r.ann.warn, "This device's storage is full") {
			r.ann.warn = ""
		}
	case local.IsQuota(err):
		app.Logf("ui: %v", err)
		r.ann.warn = "This device's storage is full. Your highlight is kept only while this page is open: free some space, then make any change to save it."
	default:
		app.Logf("ui: %v", err)
		r.ann.warn = "Your highlight could not be saved on this device. It is kept while this page is open; try again in a moment."
	}
}

// update changes an annotation through f, redraws it and saves it.
func (r *Reader) update(ctx app.Context, id string, f func(a *annotation.Annotation)) {
	p := r.ann.byID[id]
	if p == nil {
		return
	}
	before := p.span()
	f(&p.a)
	p.a.Modified = time.Now().UTC().Truncate(time.Millisecond)
	if p.a.Modified.Before(p.a.Created) {
		p.a.Modified = p.a.Created
	}
	r.drawBlocks(r.blocksOf(before, p.span()))
	r.save(ctx, p.a)
}

// remove deletes an annotation, offering to undo it for a while.
func (r *Reader) remove(ctx app.Context, id string) {
	p := r.removePlaced(id)
	if p == nil {
		return
	}
	r.closePopover()
	r.drawBlocks(r.blocksOf(p.span()))
	r.ann.undo = append(r.ann.undo, p.a)
	r.showToast(ctx, "Highlight deleted.")
	notes, channel, a := r.notes, r.ann.channel, p.a
	// After the paint, as save is: started at once, the deletion would
	// overtake a save of the same highlight still waiting for the paint,
	// which would then bring it back.
	browser.AfterPaint(func() {
		c, cancel := context.WithTimeout(ctx, loadTimeout)
		defer cancel()
		if err := notes.DeleteAnnotation(c, a.ID); err != nil {
			app.Logf("ui: %v", err)
			return
		}
		announce(channel, a.Article, a.ID)
	})
}

// restore brings back the most recently deleted annotation, under a new
// id: deletions are for good (the deletion may have reached the reader's
// other devices already), so what comes back is a new highlight with the
// same passage, colour, note and tags.
func (r *Reader) restore(ctx app.Context, e app.Event) {
	if len(r.ann.undo) == 0 {
		return
	}
	a := r.ann.undo[len(r.ann.undo)-1]
	r.ann.undo = r.ann.undo[:len(r.ann.undo)-1]
	r.ann.toast = ""
	a.ID = annotation.NewID()
	a.Modified = time.Now().UTC().Truncate(time.Millisecond)
	if a.Modified.Before(a.Created) {
		a.Modified = a.Created
	}
	r.prepareText()
	res := r.ann.text.Resolve(a.Target)
	p := &placed{a: a, res: res}
	r.ann.list = append(r.ann.list, p)
	r.ann.byID[a.ID] = p
	r.sortAnnotations()
	r.drawBlocks(r.blocksOf(p.span()))
	r.save(ctx, a)
}

// showToast shows a short message with an undo button for undoFor.
func (r *Reader) showToast(ctx app.Context, msg string) {
	r.ann.toast = msg
	r.ann.toastSeq++
	seq := r.ann.toastSeq
	ctx.After(undoFor, func(ctx app.Context) {
		if r.ann.toastSeq == seq {
			r.ann.toast = ""
			r.ann.undo = nil
		}
	})
}

// reattach moves an orphan to a place the reader chose.
func (r *Reader) reattach(ctx app.Context, id string, m anchor.Match) {
	p := r.ann.byID[id]
	if p == nil {
		return
	}
	r.prepareText()
	target, err := r.ann.text.Describe(m.Start, m.End)
	if err != nil {
		return
	}
	p.a.Target = target
	p.res = anchor.Result{Match: anchor.Match{Start: m.Start, End: m.End, Score: 1}, Status: anchor.Anchored}
	r.sortAnnotations()
	r.update(ctx, id, func(*annotation.Annotation) {})
	ctx.Defer(func(app.Context) { browser.FlashMark(id, true) })
}

// quote returns the text an annotation holds now, paragraph breaks kept.
func (r *Reader) quote(p *placed) string {
	if p.orphan() || r.ann.text == nil {
		return p.a.Target.Exact
	}
	return r.ann.text.Slice(p.res.Start, p.res.End)
}

// link is the address that opens the article at an annotation.
func (r *Reader) link(id string) string {
	return browser.Origin() + articleHref(r.id) + "#h=" + id
}

// usedTags returns every tag on the article's annotations, sorted.
func (r *Reader) usedTags() []string {
	var out []string
	for _, p := range r.ann.list {
		out = addTags(out, p.a.Tags...)
	}
	sort.Slice(out, func(i, j int) bool { return strings.ToLower(out[i]) < strings.ToLower(out[j]) })
	return out
}
