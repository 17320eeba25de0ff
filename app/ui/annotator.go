package ui

import (
	"context"
	"encoding/json"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"margin/app/anchor"
	"margin/app/annotation"
	"margin/app/article"
	"margin/app/browser"
	"margin/app/local"
)

// bodySel finds the article's text, the only place a selection counts.
const bodySel = articleSel + " .article-body"

// bulkBlocks is the most blocks drawn again one by one; beyond it the
// article's body is written in one piece.
const bulkBlocks = 24

// undoFor is how long a deleted highlight can be brought back.
const undoFor = 6 * time.Second

// placed is an annotation and where it sits in the article shown.
type placed struct {
	a   annotation.Annotation
	res anchor.Result
}

func (p *placed) orphan() bool { return p.res.Status == anchor.Orphaned }

// annotations is the reader's annotation layer: the article's highlights
// and notes, the selection toolbar, the popover and the side panel.
type annotations struct {
	loaded bool      // the device's annotations for this article were read
	list   []*placed // placed first in document order, then orphans
	byID   map[string]*placed
	text   *anchor.Text // the article's canonical text, for anchoring
	runes  []rune       // the same, for trimming and sentences

	// The selection toolbar, shown while text in the article is selected.
	sel     browser.Selection
	selOn   bool
	selTop  float64 // where the toolbar goes, in page coordinates
	selLeft float64

	// The popover of one annotation, opened by clicking its mark.
	pop      string       // its id, or ""
	popIDs   []string     // every annotation at the clicked point
	popAt    browser.Rect // the clicked mark's box, in the viewport
	popLeft  float64
	editing  bool
	draft    string
	tagDraft string

	panel  bool
	fColor annotation.Color
	fTag   string
	cursor string // the highlight j and k moved to last

	toast    string
	toastSeq int
	undo     []annotation.Annotation
	warn     string // a lasting problem, such as a full storage

	channel *browser.Channel
	stops   []func()
}

// startAnnotating runs once the reader is mounted in the browser: it
// listens to the selection, keys, clicks on marks and the other tabs.
func (r *Reader) startAnnotating(ctx app.Context) {
	if r.notes == nil {
		return
	}
	last := browser.Selection{}
	lastOn := false
	r.ann.stops = append(r.ann.stops,
		browser.OnSelectionChange(func() {
			sel, ok := browser.ArticleSelection(bodySel)
			if ok == lastOn && sel == last {
				return
			}
			last, lastOn = sel, ok
			scrollY := browser.ScrollY()
			ctx.Dispatch(func(ctx app.Context) { r.selected(ctx, sel, ok, scrollY) })
		}),
		browser.OnKey(func(k browser.Key) bool { return r.key(ctx, k) }),
		browser.OnMarkClick(bodySel, func(ids []string, at browser.Rect) {
			ctx.Dispatch(func(ctx app.Context) { r.openPopover(ctx, ids, at) })
		}),
	)
	r.ann.channel = browser.Listen(notesChannel, func(msg string) {
		var c notesChange
		if json.Unmarshal([]byte(msg), &c) != nil {
			return
		}
		ctx.Dispatch(func(ctx app.Context) {
			if c.Article == r.id {
				r.loadAnnotations(ctx)
			}
		})
	})
}

// stopAnnotating undoes startAnnotating.
func (r *Reader) stopAnnotating() {
	for _, stop := range r.ann.stops {
		stop()
	}
	r.ann.stops = nil
	r.ann.channel.Close()
	r.ann.channel = nil
}

// resetAnnotations forgets the annotations of the previous article.
func (r *Reader) resetAnnotations() {
	stops, ch := r.ann.stops, r.ann.channel
	r.ann = annotations{stops: stops, channel: ch}
}

// loadAnnotations reads the article's annotations from the device and
// places them once the article's model is there.
func (r *Reader) loadAnnotations(ctx app.Context) {
	if r.notes == nil || r.id == "" {
		return
	}
	id := r.id
	ctx.Async(func() {
		c, cancel := context.WithTimeout(ctx, loadTimeout)
		list, err := r.notes.Annotations(c, id)
		cancel()
		ctx.Dispatch(func(ctx app.Context) {
			if id != r.id {
				return
			}
			if err != nil {
				app.Logf("ui: annotations of %s: %v", id, err)
				r.ann.warn = "Your highlights could not be read from this device. Reload the page to try again."
				return
			}
			browser.Mark("margin-annotations-read")
			r.ann.loaded = true
			r.placeAll(list)
		})
	})
}

// placeAll anchors list in the article shown and draws every mark.
func (r *Reader) placeAll(list []annotation.Annotation) {
	if r.art == nil || !r.ann.loaded {
		r.ann.pendingList(list)
		return
	}
	r.prepareText()
	sels := make([]anchor.Selector, len(list))
	for i := range list {
		sels[i] = list[i].Target
	}
	res := r.ann.text.ResolveAll(sels)
	r.ann.list = r.ann.list[:0]
	r.ann.byID = make(map[string]*placed, len(list))
	for i := range list {
		p := &placed{a: list[i], res: res[i]}
		r.ann.list = append(r.ann.list, p)
		r.ann.byID[p.a.ID] = p
	}
	r.sortAnnotations()
	r.drawBlocks(nil)
	if r.ann.pop != "" && r.ann.byID[r.ann.pop] == nil {
		r.closePopover()
	}
	browser.MarkAfterPaint("margin-annotations-painted")
	if h := browser.Hash(); !r.hashDone && strings.HasPrefix(h, "h=") {
		// A link to one highlight: show it once it is drawn.
		r.hashDone = true
		id := strings.TrimPrefix(h, "h=")
		browser.AfterPaint(func() { browser.FlashMark(id, false) })
	}
}

// pendingList keeps annotations read before the article's model arrived.
func (a *annotations) pendingList(list []annotation.Annotation) {
	a.list = a.list[:0]
	a.byID = map[string]*placed{}
	for i := range list {
		p := &placed{a: list[i], res: anchor.Result{Status: anchor.Orphaned}}
		a.list = append(a.list, p)
		a.byID[p.a.ID] = p
	}
}

// modelReady places annotations that were waiting for the model.
func (r *Reader) modelReady() {
	r.ann.text, r.ann.runes = nil, nil
	if !r.ann.loaded {
		return
	}
	list := make([]annotation.Annotation, len(r.ann.list))
	for i, p := range r.ann.list {
		list[i] = p.a
	}
	r.placeAll(list)
}

func (r *Reader) prepareText() {
	if r.ann.text == nil {
		r.ann.text = anchor.NewText(r.art.Text(), r.art.Meta.Hash)
		r.ann.runes = []rune(r.art.Text())
	}
}

// sortAnnotations puts placed annotations in document order, orphans last.
func (r *Reader) sortAnnotations() {
	sort.SliceStable(r.ann.list, func(i, j int) bool {
		a, b := r.ann.list[i], r.ann.list[j]
		if a.orphan() != b.orphan() {
			return !a.orphan()
		}
		if a.res.Start != b.res.Start {
			return a.res.Start < b.res.Start
		}
		return a.res.End > b.res.End
	})
}

// drawBlocks draws again, with their marks, the blocks in touched, or all
// of them when touched is nil: only those whose HTML changed are replaced
// on the page.
func (r *Reader) drawBlocks(touched map[int]bool) {
	if r.art == nil {
		return
	}
	buckets := make(map[int][]article.Mark)
	for _, p := range r.ann.list {
		if p.orphan() || p.res.End <= p.res.Start {
			continue
		}
		m := article.Mark{Start: p.res.Start, End: p.res.End, ID: p.a.ID, Color: string(p.a.Color)}
		last := r.art.BlockAt(m.End - 1)
		for b := r.art.BlockAt(m.Start); b <= last && b < len(r.art.Blocks); b++ {
			if touched == nil || touched[b] {
				buckets[b] = append(buckets[b], m)
			}
		}
	}
	var changed []int
	for i := range r.blocks {
		if touched != nil && !touched[i] {
			continue
		}
		h := r.art.MarkedBlockHTML(i, buckets[i])
		if h != r.blocks[i] {
			r.blocks[i] = h
			changed = append(changed, i)
		}
	}
	if len(changed) == 0 || r.whole == "" {
		return
	}
	body := articleSel + `[data-id="` + r.id + `"] .article-body`
	stale := false
	if len(changed) > bulkBlocks {
		// Many blocks: the browser parses one piece of HTML faster than
		// it replaces them one by one.
		stale = !browser.SetInnerHTML(body, strings.Join(r.blocks, ""))
	} else {
		for _, i := range changed {
			if !browser.SetBlockHTML(body, i, r.blocks[i]) {
				stale = true
				break
			}
		}
	}
	if stale {
		// The article is not on the page yet (or not this one): the next
		// render brings it with every mark.
		r.whole = articleHTML(r.art, r.blocks)
	}
}

// blocksOf returns the top-level blocks that ranges cover.
func (r *Reader) blocksOf(ranges ...[2]int) map[int]bool {
	out := map[int]bool{}
	for _, rg := range ranges {
		if rg[1] <= rg[0] {
			continue
		}
		last := r.art.BlockAt(rg[1] - 1)
		for b := r.art.BlockAt(rg[0]); b <= last && b < len(r.art.Blocks); b++ {
			out[b] = true
		}
	}
	return out
}

func (p *placed) span() [2]int {
	if p.orphan() {
		return [2]int{}
	}
	return [2]int{p.res.Start, p.res.End}
}

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
	if r.art == nil || r.notes == nil {
		return "", false
	}
	start, end, ok := browser.ArticleRange(bodySel)
	if !ok {
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
	browser.MarkAfterPaint("margin-highlight-painted")
	r.save(ctx, a, gone...)
	if note {
		ctx.Defer(func(ctx app.Context) {
			if rect, ok := browser.MarkRect(a.ID); ok {
				r.openPopover(ctx, []string{a.ID}, rect)
				r.startEditing()
			}
		})
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
	// Started now, not after the paint: a tab closed in the next frame
	// must not lose the mark.
	ctx.Async(func() {
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
	ctx.Async(func() {
		c, cancel := context.WithTimeout(ctx, loadTimeout)
		defer cancel()
		if err := notes.DeleteAnnotation(c, a.ID); err != nil {
			app.Logf("ui: %v", err)
			return
		}
		announce(channel, a.Article, a.ID)
	})
}

// restore brings back the most recently deleted annotation.
func (r *Reader) restore(ctx app.Context, e app.Event) {
	if len(r.ann.undo) == 0 {
		return
	}
	a := r.ann.undo[len(r.ann.undo)-1]
	r.ann.undo = r.ann.undo[:len(r.ann.undo)-1]
	r.ann.toast = ""
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
	seen := map[string]bool{}
	var out []string
	for _, p := range r.ann.list {
		for _, t := range p.a.Tags {
			if k := strings.ToLower(t); !seen[k] {
				seen[k] = true
				out = append(out, t)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return strings.ToLower(out[i]) < strings.ToLower(out[j]) })
	return out
}
