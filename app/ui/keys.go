package ui

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"margin/app/browser"
)

// key handles the reader's shortcuts. It runs inside the browser's key
// event, so it only decides whether the key is the reader's (to prevent
// its default) and hands the work to the UI loop.
//
//	h        highlight the selection in the current colour
//	n        highlight it and open its note
//	Escape   close the toolbar, popover or panel; clear the selection
//	[ ]      select the previous or next sentence; with Shift, extend
//	j k      go to the next or previous highlight
//	Enter    open the card of the highlight j or k went to
func (r *Reader) key(ctx app.Context, k browser.Key) bool {
	if k.Mod {
		return false
	}
	var do func(ctx app.Context)
	switch k.Key {
	case "h", "H", "n", "N":
		if k.Shift {
			return false
		}
		start, end, ok := browser.ArticleRange(bodySel)
		if !ok {
			return false
		}
		note := k.Key == "n" || k.Key == "N"
		do = func(ctx app.Context) { r.highlightRange(ctx, start, end, currentColor(), note) }
	case "Escape":
		if r.ann.pop == "" && !r.ann.selOn && !r.ann.panel && r.ann.sheet == "" && r.ann.edit == "" {
			return false // nothing of the reader's to close
		}
		do = func(ctx app.Context) {
			switch {
			case r.ann.edit != "":
				r.closeEditor(ctx)
			case r.ann.sheet != "":
				r.ann.sheet = ""
			case r.ann.pop != "":
				r.closePopover()
			case r.ann.selOn:
				browser.ClearSelection()
				r.ann.selOn = false
			case r.ann.panel:
				r.ann.panel = false
			}
		}
	case "]", "}":
		do = func(ctx app.Context) { r.moveSentence(+1, k.Shift || k.Key == "}") }
	case "[", "{":
		do = func(ctx app.Context) { r.moveSentence(-1, k.Shift || k.Key == "{") }
	case "Enter":
		if r.ann.cursor == "" || r.ann.pop != "" || r.ann.selOn {
			return false
		}
		id := r.ann.cursor
		do = func(ctx app.Context) {
			if at, ok := browser.MarkRect(id); ok {
				r.openPopover(ctx, []string{id}, at)
			}
		}
	case "j", "k":
		dir := 1
		if k.Key == "k" {
			dir = -1
		}
		do = func(ctx app.Context) { r.stepHighlight(dir) }
	default:
		return false
	}
	if r.art == nil && k.Key != "Escape" {
		return false
	}
	ctx.Dispatch(do)
	return true
}

// stepHighlight moves to the next (dir 1) or previous (-1) highlight in the
// text, from the one last moved to or from the top of the view.
func (r *Reader) stepHighlight(dir int) {
	ids, first := browser.MarksInView()
	if len(ids) == 0 {
		return
	}
	i := -1
	for k, id := range ids {
		if id == r.ann.cursor {
			i = k + dir
			break
		}
	}
	if i < 0 {
		i = first
		if dir < 0 {
			i = first - 1
		}
	}
	i = max(0, min(i, len(ids)-1))
	r.ann.cursor = ids[i]
	if p := r.ann.byID[ids[i]]; p != nil && r.hasNote(p) {
		r.ann.selNote = ids[i] // its note in the margin comes level with it
	}
	browser.FlashMark(ids[i], true)
}

// moveSentence selects the next (dir 1) or previous (-1) sentence after or
// before the selection, or extends the selection by one sentence.
func (r *Reader) moveSentence(dir int, extend bool) {
	if r.art == nil {
		return
	}
	r.prepareText()
	text := r.ann.runes
	sel, ok := browser.ArticleSelection(bodySel)
	var s, e int
	switch {
	case ok:
		s, e = trimRange(text, sel.Start, sel.End)
	default:
		b := browser.FirstVisibleBlock(bodySel)
		start, _ := r.art.BlockRange(b)
		// Nothing selected: the first sentence in view is "next".
		s, e = start, start
		extend = false
		if dir < 0 {
			dir = 1
		}
	}
	var ns, ne int
	var found bool
	if dir > 0 {
		ns, ne, found = r.sentenceAfter(e, !ok)
	} else {
		ns, ne, found = r.sentenceBefore(s)
	}
	if !found {
		return
	}
	if extend && ok {
		if dir > 0 {
			ns = s
		} else {
			ne = e
		}
	}
	browser.Select(bodySel, r.art.BlockAt(ns), ns, r.art.BlockAt(ne-1), ne)
}

// paragraphStart returns where the paragraph (the text between blank
// lines) that holds offset p begins.
func paragraphStart(text []rune, p int) int {
	for p > 0 && !(text[p-1] == '\n' && p > 1 && text[p-2] == '\n') {
		p--
	}
	return p
}

// paragraphEnd returns where the paragraph that holds offset p ends.
func paragraphEnd(text []rune, p int) int {
	for p < len(text) && !(text[p] == '\n' && p+1 < len(text) && text[p+1] == '\n') {
		p++
	}
	return p
}

// sentences returns the sentences of the paragraph that holds offset p,
// as trimmed ranges.
func (r *Reader) sentences(p int) [][2]int {
	text := r.ann.runes
	cs, ce := paragraphStart(text, p), paragraphEnd(text, p)
	starts := browser.Sentences(string(text[cs:ce]), r.art.Meta.Lang)
	var out [][2]int
	for i, b := range starts {
		end := ce - cs
		if i+1 < len(starts) {
			end = starts[i+1]
		}
		s, e := trimRange(text, cs+b, cs+end)
		if e > s {
			out = append(out, [2]int{s, e})
		}
	}
	return out
}

// sentenceAfter finds the first sentence that starts at or after p, or
// holds p when holding is set.
func (r *Reader) sentenceAfter(p int, holding bool) (int, int, bool) {
	text := r.ann.runes
	for p < len(text) {
		for _, sn := range r.sentences(p) {
			if sn[0] >= p || holding && sn[1] > p {
				return sn[0], sn[1], true
			}
		}
		// On to the next paragraph, past the blank line.
		p = paragraphEnd(text, p) + 2
		holding = false
	}
	return 0, 0, false
}

// sentenceBefore finds the last sentence that ends at or before p.
func (r *Reader) sentenceBefore(p int) (int, int, bool) {
	text := r.ann.runes
	look, bound := min(p, len(text)-1), p
	for look >= 0 {
		ss := r.sentences(look)
		for i := len(ss) - 1; i >= 0; i-- {
			if ss[i][1] <= bound {
				return ss[i][0], ss[i][1], true
			}
		}
		// Back to the end of the previous paragraph.
		cs := paragraphStart(text, look)
		bound, look = cs-2, cs-3
	}
	return 0, 0, false
}
