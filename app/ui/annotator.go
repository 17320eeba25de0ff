package ui

import (
	"context"
	"encoding/json"
	"sort"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"margin/app/anchor"
	"margin/app/annotation"
	"margin/app/article"
	"margin/app/browser"
)

// bodySel finds the article's text, the only place a selection counts.
const bodySel = articleSel + " .article-body"

// bulkBlocks is the most blocks drawn again one by one; beyond it the
// article's body is written in one piece.
const bulkBlocks = 24

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
	tagDraft string

	// The note editor, one at a time: in the margin beside its passage
	// where there is room, a bottom sheet otherwise (see editor.go).
	edit     string            // the annotation whose note is being written, or ""
	editText string            // what the editor holds
	drafts   map[string]string // notes closed unsaved, by annotation id, as kept on the device
	drafter  *drafter
	sheet    string // the annotation whose note the bottom sheet shows, or ""

	// The notes in the margin (see margin.go).
	room    browser.Room      // the room beside the column, as last measured
	selNote string            // the note that stands level with its passage
	more    map[string]bool   // long notes shown whole
	shown   map[string]string // each note's text → its HTML, rendered once
	// marginIDs are the ids of the notes in the margin, in the order the
	// last render put them on the page.
	marginIDs []string
	// notesShown is set once notes of this article were placed.
	notesShown bool

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
			ctx.Dispatch(func(ctx app.Context) {
				if p := r.ann.byID[ids[0]]; p != nil && r.hasNote(p) {
					r.selectNote(ctx, ids[0])
				}
				r.openPopover(ctx, ids, at)
			})
		}),
		browser.OnNoteMarker(bodySel, func(id string) {
			ctx.Dispatch(func(ctx app.Context) { r.openSheet(ctx, id) })
		}),
	)
	r.ann.channel = browser.Listen(notesChannel, func(msg string) {
		var c notesChange
		if json.Unmarshal([]byte(msg), &c) != nil {
			return
		}
		ctx.Dispatch(func(ctx app.Context) {
			if c.Article == r.id || c.Article == "" {
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
	stops, ch, dr, room := r.ann.stops, r.ann.channel, r.ann.drafter, r.ann.room
	r.ann = annotations{stops: stops, channel: ch, drafter: dr, room: room}
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
		drafts, derr := r.notes.Drafts(c, id)
		cancel()
		if derr != nil {
			app.Logf("ui: drafts of %s: %v", id, derr)
		}
		ctx.Dispatch(func(ctx app.Context) {
			if id != r.id {
				return
			}
			if derr == nil {
				r.ann.drafts = drafts
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
		m := article.Mark{Start: p.res.Start, End: p.res.End, ID: p.a.ID, Color: string(p.a.Color), Note: r.markerLabel(p)}
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
