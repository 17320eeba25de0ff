//go:build js && wasm

package browser

import (
	"fmt"
	"strconv"
	"syscall/js"
	"unicode/utf8"
)

// The DOM counts text in UTF-16 units, the canonical text in code points.
// Everything here converts at this edge: a leaf element (one carrying
// data-o, its offset in the canonical text) has as text its text nodes in
// order, each <br> counting as one "\n".

const nodeText, nodeElement = 3, 1

// ArticleSelection returns the page's selection as a range of the
// canonical text when both its ends lie inside the element matching root;
// ok is false when nothing is selected, the selection is collapsed, or it
// reaches outside root (a selection that crosses the article's edge does
// nothing). The range may include white space at its ends; callers trim.
func ArticleSelection(root string) (sel Selection, ok bool) {
	return articleSelection(root, true)
}

// ArticleRange is ArticleSelection without the boxes, which cost the
// browser a layout when the page has just changed.
func ArticleRange(root string) (start, end int, ok bool) {
	sel, ok := articleSelection(root, false)
	return sel.Start, sel.End, ok
}

func articleSelection(root string, boxes bool) (sel Selection, ok bool) {
	defer func() {
		if e := recover(); e != nil {
			Warn(fmt.Sprint("reading the selection: ", e))
			ok = false
		}
	}()
	doc := js.Global().Get("document")
	s := js.Global().Call("getSelection")
	if !s.Truthy() || s.Get("rangeCount").Int() == 0 || s.Get("isCollapsed").Bool() {
		return Selection{}, false
	}
	el := doc.Call("querySelector", root)
	if !el.Truthy() {
		return Selection{}, false
	}
	r := s.Call("getRangeAt", 0)
	sc, ec := r.Get("startContainer"), r.Get("endContainer")
	if !el.Call("contains", sc).Bool() || !el.Call("contains", ec).Bool() {
		return Selection{}, false
	}
	start, ok1 := boundary(el, sc, r.Get("startOffset").Int(), true)
	end, ok2 := boundary(el, ec, r.Get("endOffset").Int(), false)
	if !ok1 || !ok2 || end <= start {
		return Selection{}, false
	}
	sel = Selection{Start: start, End: end}
	if !boxes {
		return sel, true
	}
	sel.Rect = rectOf(r.Call("getBoundingClientRect"))
	if rects := r.Call("getClientRects"); rects.Length() > 0 {
		sel.First = rectOf(rects.Index(0))
		sel.Last = rectOf(rects.Index(rects.Length() - 1))
	} else {
		sel.First, sel.Last = sel.Rect, sel.Rect
	}
	return sel, true
}

// boundary converts a DOM boundary point inside root to a canonical
// offset. A point between leaves moves to the next leaf's start (isStart)
// or the previous leaf's end.
func boundary(root, node js.Value, offset int, isStart bool) (int, bool) {
	var leaf js.Value
	if node.Get("nodeType").Int() == nodeText {
		leaf = node.Get("parentElement").Call("closest", "[data-o]")
	} else {
		leaf = node.Call("closest", "[data-o]")
	}
	if leaf.Truthy() && root.Call("contains", leaf).Bool() {
		base, ok := offsetOf(leaf)
		if !ok {
			return 0, false
		}
		return base + countBefore(leaf, node, offset), true
	}
	// Between leaves: find the leaf after the point (or before it).
	if node.Get("nodeType").Int() != nodeText {
		kids := node.Get("childNodes")
		if offset >= kids.Length() {
			// The point is at the end of node.
			if isStart {
				return leafStartAfter(root, node, false)
			}
			return leafEndBefore(root, node, true)
		}
		node = kids.Index(offset)
	}
	if isStart {
		return leafStartAfter(root, node, true)
	}
	return leafEndBefore(root, node, false)
}

// countBefore counts the code points of leaf's text that come before the
// boundary point (node, offset).
func countBefore(leaf, node js.Value, offset int) int {
	doc := js.Global().Get("document")
	w := doc.Call("createTreeWalker", leaf, 1|4) // elements and text
	n := 0
	isText := node.Get("nodeType").Int() == nodeText
	var stop js.Value // for an element point: the child the point sits before
	if !isText {
		if kids := node.Get("childNodes"); offset < kids.Length() {
			stop = kids.Index(offset)
		}
	}
	for cur := w.Call("nextNode"); cur.Truthy(); cur = w.Call("nextNode") {
		if isText && cur.Equal(node) {
			return n + codePoints(cur.Get("data").String(), offset)
		}
		if !isText {
			if stop.Truthy() && cur.Equal(stop) {
				return n
			}
			if !stop.Truthy() && !node.Call("contains", cur).Bool() {
				return n // past the end of node
			}
		}
		n += nodeLen(cur)
	}
	return n
}

// nodeLen is a node's own share of its leaf's text: a text node's code
// points, or 1 for a <br>.
func nodeLen(n js.Value) int {
	switch n.Get("nodeType").Int() {
	case nodeText:
		return utf8.RuneCountInString(n.Get("data").String())
	case nodeElement:
		if n.Get("nodeName").String() == "BR" {
			return 1
		}
	}
	return 0
}

// leafStartAfter returns the offset of the first leaf after node, or at or
// inside it when within is set.
func leafStartAfter(root, node js.Value, within bool) (int, bool) {
	leaves := root.Call("querySelectorAll", "[data-o]")
	for i := 0; i < leaves.Length(); i++ {
		l := leaves.Index(i)
		// DOCUMENT_POSITION_FOLLOWING (4) is also set for descendants,
		// which CONTAINED_BY (16) tells apart.
		pos := node.Call("compareDocumentPosition", l).Int()
		if l.Equal(node) || pos&16 != 0 {
			if within {
				return offsetOf(l)
			}
			continue
		}
		if pos&4 != 0 {
			return offsetOf(l)
		}
	}
	return 0, false
}

// leafEndBefore returns the end offset of the last leaf before node, or
// of the last leaf inside node when inside is set.
func leafEndBefore(root, node js.Value, inside bool) (int, bool) {
	leaves := root.Call("querySelectorAll", "[data-o]")
	for i := leaves.Length() - 1; i >= 0; i-- {
		l := leaves.Index(i)
		pos := node.Call("compareDocumentPosition", l).Int()
		// DOCUMENT_POSITION_PRECEDING (2), or contained by node (16).
		if pos&2 != 0 && pos&8 == 0 || inside && pos&16 != 0 {
			start, ok := offsetOf(l)
			if !ok {
				return 0, false
			}
			return start + leafLen(l), true
		}
	}
	return 0, false
}

// offsetOf reads a leaf's offset in the canonical text (data-o).
func offsetOf(leaf js.Value) (int, bool) { return intAttr(leaf, "data-o") }

// intAttr reads an element's attribute as a whole number.
func intAttr(el js.Value, name string) (int, bool) {
	v := el.Call("getAttribute", name)
	if v.IsNull() {
		return 0, false
	}
	n, err := strconv.Atoi(v.String())
	return n, err == nil
}

// leafLen is the length of a leaf's text in code points.
func leafLen(leaf js.Value) int {
	w := js.Global().Get("document").Call("createTreeWalker", leaf, 1|4)
	n := 0
	for cur := w.Call("nextNode"); cur.Truthy(); cur = w.Call("nextNode") {
		n += nodeLen(cur)
	}
	return n
}

// Select sets the page's selection to the canonical range [start, end)
// inside root. startBlock and endBlock are the top-level blocks (data-b)
// that hold start and end. It reports whether the range was found.
func Select(root string, startBlock, start, endBlock, end int) (ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	el := js.Global().Get("document").Call("querySelector", root)
	if !el.Truthy() {
		return false
	}
	sn, so, ok1 := point(el, startBlock, start, true)
	en, eo, ok2 := point(el, endBlock, end, false)
	if !ok1 || !ok2 {
		return false
	}
	r := js.Global().Get("document").Call("createRange")
	r.Call("setStart", sn, so)
	r.Call("setEnd", en, eo)
	s := js.Global().Call("getSelection")
	s.Call("removeAllRanges")
	s.Call("addRange", r)
	// Bring the selection into view, as a caret move would.
	var target js.Value
	if sn.Get("nodeType").Int() == nodeText {
		target = sn.Get("parentElement")
	} else {
		target = sn
	}
	if target.Truthy() {
		target.Call("scrollIntoView", map[string]any{"block": "nearest"})
	}
	return true
}

// point finds the DOM boundary point for canonical offset off inside top-
// level block b. A start prefers the beginning of a text node, an end the
// end of one, so the range holds no empty edges.
func point(root js.Value, b, off int, isStart bool) (js.Value, int, bool) {
	block := root.Call("querySelector", `[data-b="`+strconv.Itoa(b)+`"]`)
	if !block.Truthy() {
		return js.Value{}, 0, false
	}
	leaves := block.Call("querySelectorAll", "[data-o]")
	if block.Call("hasAttribute", "data-o").Bool() {
		leaves = js.Global().Get("Array").Call("from", leaves)
		leaves.Call("unshift", block)
	}
	// The last leaf that starts at or before off.
	var leaf js.Value
	base := 0
	for i := 0; i < leaves.Length(); i++ {
		l := leaves.Index(i)
		o, ok := offsetOf(l)
		if !ok || o > off {
			break
		}
		leaf, base = l, o
	}
	if !leaf.Truthy() {
		return js.Value{}, 0, false
	}
	left := off - base
	w := js.Global().Get("document").Call("createTreeWalker", leaf, 4) // text only
	var last js.Value
	for cur := w.Call("nextNode"); cur.Truthy(); cur = w.Call("nextNode") {
		data := cur.Get("data").String()
		n := utf8.RuneCountInString(data)
		if left < n || (left == n && !isStart) {
			return cur, utf16Len(data, left), true
		}
		left -= n
		last = cur
	}
	if last.Truthy() {
		return last, last.Get("length").Int(), true
	}
	return leaf, 0, true
}

// utf16Len returns how many UTF-16 units the first n code points of s take.
func utf16Len(s string, n int) int {
	units := 0
	for _, r := range s {
		if n == 0 {
			break
		}
		units++
		if r > 0xFFFF {
			units++
		}
		n--
	}
	return units
}

// codePoints returns how many code points the first units UTF-16 units
// of s hold. A unit count that splits a surrogate pair counts the pair.
func codePoints(s string, units int) int {
	n := 0
	for _, r := range s {
		if units <= 0 {
			break
		}
		units--
		if r > 0xFFFF {
			units--
		}
		n++
	}
	return n
}

// ClearSelection empties the page's selection.
func ClearSelection() {
	if s := js.Global().Call("getSelection"); s.Truthy() {
		s.Call("removeAllRanges")
	}
}

func rectOf(r js.Value) Rect {
	return Rect{X: r.Get("left").Float(), Y: r.Get("top").Float(), W: r.Get("width").Float(), H: r.Get("height").Float()}
}
