//go:build js && wasm

package browser

import (
	"strconv"
	"syscall/js"
)

// markAnchor is the id prefix of the first piece of each highlight (see
// article.Mark), which lets a note find its passage without a search.
const markAnchor = "hl-"

// MarginRoom measures the room beside the article's column (the element
// matching articleSel) for a note column between minWidth and maxWidth
// wide, gap away from the column and from the window's edge (or the
// open panel matching panelSel). A right-to-left article (rtl) has its
// room on the left.
func MarginRoom(articleSel, panelSel string, rtl bool, minWidth, maxWidth, gap float64) Room {
	doc := js.Global().Get("document")
	el := doc.Call("querySelector", articleSel)
	if !el.Truthy() {
		return Room{}
	}
	r := rectOf(el.Call("getBoundingClientRect"))
	sx, sy := js.Global().Get("scrollX").Float(), js.Global().Get("scrollY").Float()
	right := doc.Get("documentElement").Get("clientWidth").Float()
	if p := doc.Call("querySelector", panelSel); p.Truthy() {
		right = min(right, p.Call("getBoundingClientRect").Get("left").Float())
	}
	room := Room{RTL: rtl, Top: r.Y + sy}
	if rtl {
		room.Width = min(maxWidth, r.X-2*gap)
		room.Left = r.X - gap - room.Width + sx
	} else {
		room.Width = min(maxWidth, right-(r.X+r.W)-2*gap)
		room.Left = r.X + r.W + gap + sx
	}
	room.OK = room.Width >= minWidth
	return room
}

// PlaceSheet marks the element matching sel as a bottom sheet and, when
// it would cover the first line of highlight markID, scrolls the page
// just enough to show that line above it.
func PlaceSheet(sel, markID string) {
	doc := js.Global().Get("document")
	el := doc.Call("querySelector", sel)
	if !el.Truthy() {
		return
	}
	el.Get("dataset").Set("place", "sheet")
	m := doc.Call("getElementById", markAnchor+markID)
	if !m.Truthy() {
		return
	}
	sheetTop := el.Call("getBoundingClientRect").Get("top").Float()
	line := m.Call("getClientRects")
	if line.Length() == 0 {
		return
	}
	bottom := line.Index(0).Get("bottom").Float()
	if over := bottom - (sheetTop - 12); over > 0 {
		js.Global().Call("scrollBy", map[string]any{"top": over, "behavior": "instant"})
	}
}

// FocusText focuses the text field matching sel without scrolling the
// page, the caret at the end of its text: what the reader types next
// lands there, every time (autofocus works once per page only).
func FocusText(sel string) {
	el := js.Global().Get("document").Call("querySelector", sel)
	if !el.Truthy() {
		return
	}
	el.Call("focus", map[string]any{"preventScroll": true})
	n := el.Get("textLength").Int() // the value's length in UTF-16 units
	el.Call("setSelectionRange", n, n)
}

// KeepFocus focuses the text field matching sel as FocusText does, once
// the page is painted, unless something else took the focus meanwhile:
// a click that opened the field may still be ending, and its mouse up
// leaves the focus on the page's body.
func KeepFocus(sel string) {
	AfterPaint(func() {
		a := js.Global().Get("document").Get("activeElement")
		if !a.Truthy() || a.Get("tagName").String() == "BODY" {
			FocusText(sel)
		}
	})
}

// FocusQuietly focuses the element matching sel without scrolling.
func FocusQuietly(sel string) {
	if el := js.Global().Get("document").Call("querySelector", sel); el.Truthy() {
		el.Call("focus", map[string]any{"preventScroll": true})
	}
}

// MeasureNotes measures the notes of the element matching containerSel,
// its children in order, whose highlights' ids are ids, and the first
// line of each one's passage. The container takes the room's place and
// width first (a note's height depends on its width), unless it has them
// already: a change would lay the page out again before measuring.
// Each note costs a few calls into the browser, so it takes the ids from
// the caller rather than reading them from the page.
func MeasureNotes(containerSel string, room Room, ids []string) []NoteBox {
	doc := js.Global().Get("document")
	c := doc.Call("querySelector", containerSel)
	if !c.Truthy() {
		return nil
	}
	st := c.Get("style")
	if l, w := px(room.Left), px(room.Width); st.Get("left").String() != l || st.Get("width").String() != w {
		st.Set("left", l)
		st.Set("width", w)
	}
	kids := c.Get("children")
	n := min(kids.Length(), len(ids))
	out := make([]NoteBox, 0, n)
	sy := js.Global().Get("scrollY").Float()
	for i := 0; i < n; i++ {
		b := NoteBox{ID: ids[i], Height: kids.Index(i).Get("offsetHeight").Float()}
		// The box of the passage's first mark starts at its first line, and
		// is empty when the mark is not laid out: fewer calls into the
		// browser than reading its line boxes, for each of hundreds of notes.
		if m := doc.Call("getElementById", markAnchor+b.ID); m.Truthy() {
			if r := m.Call("getBoundingClientRect"); r.Get("height").Float() > 0 {
				b.Want, b.Found = r.Get("top").Float()+sy, true
			}
		}
		out = append(out, b)
	}
	return out
}

// PlaceNotes puts the element matching containerSel's children, the notes
// MeasureNotes measured, in order: the i-th at tops[i] (page coordinates),
// or far above the page, out of sight, when that is NaN.
func PlaceNotes(containerSel string, tops []float64) {
	c := js.Global().Get("document").Call("querySelector", containerSel)
	if !c.Truthy() {
		return
	}
	kids := c.Get("children")
	n := min(kids.Length(), len(tops))
	for i := 0; i < n; i++ {
		top := tops[i]
		if top != top {
			top = -1e5
		}
		kids.Index(i).Get("style").Set("top", px(top))
	}
}

func px(f float64) string { return strconv.FormatFloat(f, 'f', 1, 64) + "px" }

// LinkNotes lights a highlight while its note (a child with data-id of
// the element matching containerSel) is hovered or focused, and the note
// while its highlight is hovered, by the class "lit" on both. The
// returned func stops it.
func LinkNotes(articleSel, containerSel string) (stop func()) {
	doc := js.Global().Get("document")
	current := ""
	light := func(id string) {
		if id == current {
			return
		}
		for _, x := range []string{current, id} {
			if x == "" {
				continue
			}
			on := x == id
			q := cssString(x)
			els := doc.Call("querySelectorAll", articleSel+` mark[data-a="`+q+`"], `+containerSel+` > [data-id="`+q+`"]`)
			for i := 0; i < els.Length(); i++ {
				els.Index(i).Get("classList").Call("toggle", "lit", on)
			}
		}
		current = id
	}
	idAt := func(t js.Value) string {
		if !t.Truthy() || !t.Get("closest").Truthy() {
			return ""
		}
		if n := t.Call("closest", containerSel+" > [data-id]"); n.Truthy() {
			return n.Get("dataset").Get("id").String()
		}
		if m := t.Call("closest", "mark[data-a]"); m.Truthy() && m.Call("closest", articleSel).Truthy() {
			return m.Call("getAttribute", "data-a").String()
		}
		return ""
	}
	over := js.FuncOf(func(_ js.Value, args []js.Value) any {
		light(idAt(args[0].Get("target")))
		return nil
	})
	out := js.FuncOf(func(_ js.Value, args []js.Value) any {
		light(idAt(args[0].Get("relatedTarget")))
		return nil
	})
	events := [][2]any{{"mouseover", over}, {"focusin", over}, {"mouseout", out}, {"focusout", out}}
	for _, e := range events {
		doc.Call("addEventListener", e[0], e[1])
	}
	return func() {
		for _, e := range events {
			doc.Call("removeEventListener", e[0], e[1])
		}
		over.Release()
		out.Release()
	}
}

// OnNoteMarker calls f with the highlight's id when a note marker (a
// .note-marker button with data-note) inside the element matching root is
// clicked, tapped or pressed. f must not block.
func OnNoteMarker(root string, f func(id string)) (stop func()) {
	doc := js.Global().Get("document")
	fn := js.FuncOf(func(_ js.Value, args []js.Value) any {
		e := args[0]
		t := e.Get("target")
		if !t.Truthy() || !t.Get("closest").Truthy() {
			return nil
		}
		b := t.Call("closest", ".note-marker[data-note]")
		if !b.Truthy() || !b.Call("closest", root).Truthy() {
			return nil
		}
		e.Call("preventDefault")
		e.Call("stopPropagation")
		f(b.Call("getAttribute", "data-note").String())
		return nil
	})
	doc.Call("addEventListener", "click", fn, true)
	return func() {
		doc.Call("removeEventListener", "click", fn, true)
		fn.Release()
	}
}

// ObserveLayout calls f when the element matching sel changes size (a
// new text size, a font, images arriving), when the window is resized,
// and when the children of the element matching containerSel change (or
// their data-sel or data-clamp). The observers call it after the page's
// change and before the paint, so what f places is painted in the same
// frame. f must not block.
func ObserveLayout(sel, containerSel string, f func()) (stop func()) {
	win := js.Global()
	doc := win.Get("document")
	kick := js.FuncOf(func(js.Value, []js.Value) any {
		f()
		return nil
	})
	var ro, mo js.Value
	if ctor := win.Get("ResizeObserver"); ctor.Truthy() {
		ro = ctor.New(kick)
		if el := doc.Call("querySelector", sel); el.Truthy() {
			ro.Call("observe", el)
		}
	}
	if ctor := win.Get("MutationObserver"); ctor.Truthy() {
		mo = ctor.New(kick)
		if el := doc.Call("querySelector", containerSel); el.Truthy() {
			mo.Call("observe", el, map[string]any{
				"childList": true, "subtree": true, "characterData": true,
				"attributes": true, "attributeFilter": []any{"data-sel", "data-clamp"},
			})
		}
	}
	win.Call("addEventListener", "resize", kick)
	return func() {
		if ro.Truthy() {
			ro.Call("disconnect")
		}
		if mo.Truthy() {
			mo.Call("disconnect")
		}
		win.Call("removeEventListener", "resize", kick)
		kick.Release()
	}
}
