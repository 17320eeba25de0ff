//go:build js && wasm

package browser

import (
	"strconv"
	"syscall/js"
)

// readingLine is how far below the top of the window, in CSS pixels, the
// line sits that decides which block is being read: just under the top bar.
const readingLine = 72

// TrackReading follows the window's scrolling through the element matched
// by articleSel, whose top-level blocks carry data-b. On every frame that
// scrolled it sets the CSS variable --read (0 to 1) on <html> for the
// progress bar, and shortly after scrolling stops it stores the reading
// position of articleID and calls saved with it (leaving is set when the
// page is going away); saved must not block. The returned function stops
// tracking.
func TrackReading(articleID, articleSel string, saved func(p Position, leaving bool)) (stop func()) {
	doc := js.Global().Get("document")
	win := js.Global()
	root := doc.Get("documentElement")
	var (
		scheduled bool
		saveTimer js.Value
		frame     js.Func
		onScroll  js.Func
		onSave    js.Func
		onHide    js.Func
	)
	measure := func() {
		el := doc.Call("querySelector", articleSel)
		if !el.Truthy() {
			return
		}
		rect := el.Call("getBoundingClientRect")
		top, height := rect.Get("top").Float(), rect.Get("height").Float()
		view := win.Get("innerHeight").Float()
		progress := 1.0
		if span := height - view; span > 0 {
			progress = -top / span
		}
		progress = max(0, min(1, progress))
		root.Get("style").Call("setProperty", "--read", itoaFloat(progress))
	}
	onSave = js.FuncOf(func(js.Value, []js.Value) any {
		saveTimer = js.Undefined()
		if p, ok := currentPosition(doc, articleSel); ok {
			savePosition(articleID, p)
			saved(p, false)
		}
		return nil
	})
	frame = js.FuncOf(func(js.Value, []js.Value) any {
		scheduled = false
		measure()
		return nil
	})
	onScroll = js.FuncOf(func(js.Value, []js.Value) any {
		if !scheduled {
			scheduled = true
			win.Call("requestAnimationFrame", frame)
		}
		if saveTimer.Truthy() {
			win.Call("clearTimeout", saveTimer)
		}
		saveTimer = win.Call("setTimeout", onSave, 400)
		return nil
	})
	onHide = js.FuncOf(func(js.Value, []js.Value) any {
		if p, ok := currentPosition(doc, articleSel); ok {
			savePosition(articleID, p)
			saved(p, true)
		}
		return nil
	})
	passive := map[string]any{"passive": true}
	win.Call("addEventListener", "scroll", onScroll, passive)
	win.Call("addEventListener", "resize", onScroll, passive)
	win.Call("addEventListener", "pagehide", onHide)
	// The first measure waits for the next frame, so that it reads the
	// layout the browser makes for painting instead of forcing one early.
	scheduled = true
	win.Call("requestAnimationFrame", frame)
	return func() {
		win.Call("removeEventListener", "scroll", onScroll, passive)
		win.Call("removeEventListener", "resize", onScroll, passive)
		win.Call("removeEventListener", "pagehide", onHide)
		if saveTimer.Truthy() {
			win.Call("clearTimeout", saveTimer)
		}
		onScroll.Release()
		frame.Release()
		onSave.Release()
		onHide.Release()
	}
}

// currentPosition finds the block under the reading line by binary search
// over the blocks' rectangles, which are in document order.
func currentPosition(doc js.Value, articleSel string) (Position, bool) {
	blocks := doc.Call("querySelectorAll", articleSel+" [data-b]")
	n := blocks.Get("length").Int()
	if n == 0 {
		return Position{}, false
	}
	lo, hi := 0, n-1
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if blockTop(blocks, mid) <= readingLine {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	top, span := blockSlot(blocks, lo)
	frac := 0.0
	if span > 0 {
		frac = max(0, min(1, (readingLine-top)/span))
	}
	idx := blocks.Index(lo).Call("getAttribute", "data-b")
	if idx.IsNull() {
		return Position{}, false
	}
	b, err := strconv.Atoi(idx.String())
	if err != nil {
		return Position{}, false
	}
	return Position{Block: b, Frac: frac}, true
}

func blockTop(blocks js.Value, i int) float64 {
	return blocks.Index(i).Call("getBoundingClientRect").Get("top").Float()
}

// blockSlot returns where block i starts in the viewport and how far it is
// to the next block, margins included, so that a position at the end of
// one block and one at the start of the next are the same place.
func blockSlot(blocks js.Value, i int) (top, span float64) {
	rect := blocks.Index(i).Call("getBoundingClientRect")
	top = rect.Get("top").Float()
	if i+1 < blocks.Get("length").Int() {
		return top, blockTop(blocks, i+1) - top
	}
	return top, rect.Get("height").Float()
}

// RestorePosition scrolls back to the position stored for articleID and
// reports whether there was one.
func RestorePosition(articleID, articleSel string) bool {
	p, ok := SavedPosition(articleID)
	if !ok {
		return false
	}
	// Blocks carry their index as data-b, in order.
	blocks := js.Global().Get("document").Call("querySelectorAll", articleSel+" [data-b]")
	n := blocks.Length()
	if p.Block >= n ||
		blocks.Index(p.Block).Call("getAttribute", "data-b").String() != strconv.Itoa(p.Block) {
		return false
	}
	// Blocks out of view may stand in at a guessed height until drawn
	// (content-visibility); those up to the target are drawn now, so the
	// target's place is its real one from the first jump.
	for i := 0; i <= p.Block+1 && i < n; i++ {
		blocks.Index(i).Get("style").Set("contentVisibility", "visible")
	}
	settle(func() float64 {
		top, span := blockSlot(blocks, p.Block)
		return top + p.Frac*span - readingLine
	}, 12)
	return true
}

// settle scrolls by offset() until it is (almost) zero, over at most
// frames animation frames: images still arriving above the target change
// its place, so the first jump can land a little off.
func settle(offset func() float64, frames int) {
	win := js.Global()
	jump := func() bool {
		d := offset()
		if d > -1 && d < 1 {
			return false
		}
		win.Call("scrollTo", map[string]any{"top": max(0, win.Get("scrollY").Float()+d), "behavior": "instant"})
		return true
	}
	if !jump() {
		return
	}
	var frame js.Func
	frame = js.FuncOf(func(js.Value, []js.Value) any {
		frames--
		if frames <= 0 || !jump() {
			frame.Release()
			return nil
		}
		win.Call("requestAnimationFrame", frame)
		return nil
	})
	win.Call("requestAnimationFrame", frame)
}

func itoaFloat(f float64) string {
	return strconv.FormatFloat(f, 'f', 4, 64)
}
