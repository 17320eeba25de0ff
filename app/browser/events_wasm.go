//go:build js && wasm

package browser

import (
	"strconv"
	"strings"
	"syscall/js"
	"unicode/utf8"
)

// OnKey calls f for every key pressed outside a text field, an editable
// element or a focused button that would use it; when f returns true the
// key's default action is prevented. f runs inside the browser's event
// dispatch: it must not block. The returned func stops listening.
func OnKey(f func(Key) bool) (stop func()) {
	doc := js.Global().Get("document")
	fn := js.FuncOf(func(_ js.Value, args []js.Value) any {
		e := args[0]
		if e.Get("isComposing").Bool() || e.Get("defaultPrevented").Bool() {
			return nil
		}
		t := e.Get("target")
		if t.Truthy() && t.Get("closest").Truthy() && t.Call("closest", "input, textarea, select, [contenteditable]").Truthy() {
			return nil
		}
		k := Key{
			Key:   e.Get("key").String(),
			Shift: e.Get("shiftKey").Bool(),
			Mod:   e.Get("ctrlKey").Bool() || e.Get("metaKey").Bool() || e.Get("altKey").Bool(),
		}
		if f(k) {
			e.Call("preventDefault")
		}
		return nil
	})
	doc.Call("addEventListener", "keydown", fn)
	return func() {
		doc.Call("removeEventListener", "keydown", fn)
		fn.Release()
	}
}

// OnSelectionChange calls f whenever the page's selection changes, from
// mouse, keyboard or touch alike. f must not block.
func OnSelectionChange(f func()) (stop func()) {
	doc := js.Global().Get("document")
	fn := js.FuncOf(func(js.Value, []js.Value) any {
		f()
		return nil
	})
	doc.Call("addEventListener", "selectionchange", fn)
	return func() {
		doc.Call("removeEventListener", "selectionchange", fn)
		fn.Release()
	}
}

// OnMarkClick calls f when a highlight (a mark with data-a) inside the
// element matching root is clicked or tapped, with the ids of every mark
// at that point, innermost first, and the clicked mark's box. A click
// that ends a text selection is not a click on a mark.
func OnMarkClick(root string, f func(ids []string, at Rect)) (stop func()) {
	doc := js.Global().Get("document")
	fn := js.FuncOf(func(_ js.Value, args []js.Value) any {
		e := args[0]
		t := e.Get("target")
		if !t.Truthy() || !t.Get("closest").Truthy() {
			return nil
		}
		m := t.Call("closest", "mark[data-a]")
		if !m.Truthy() || !m.Call("closest", root).Truthy() {
			return nil
		}
		if s := js.Global().Call("getSelection"); s.Truthy() && !s.Get("isCollapsed").Bool() {
			return nil
		}
		var ids []string
		for el := m; el.Truthy(); el = el.Get("parentElement").Call("closest", "mark[data-a]") {
			ids = append(ids, el.Call("getAttribute", "data-a").String())
			if !el.Get("parentElement").Truthy() {
				break
			}
		}
		f(ids, rectOf(m.Call("getBoundingClientRect")))
		return nil
	})
	doc.Call("addEventListener", "click", fn)
	return func() {
		doc.Call("removeEventListener", "click", fn)
		fn.Release()
	}
}

// FlashMark scrolls the first mark of annotation id into the middle of the
// view and makes all its marks flash briefly. It reports whether there is
// such a mark.
func FlashMark(id string, smooth bool) bool {
	marks := js.Global().Get("document").Call("querySelectorAll", `mark[data-a="`+cssString(id)+`"]`)
	if marks.Length() == 0 {
		return false
	}
	behavior := "auto"
	if smooth && !ReducedMotion() {
		behavior = "smooth"
	}
	marks.Index(0).Call("scrollIntoView", map[string]any{"block": "center", "behavior": behavior})
	for i := 0; i < marks.Length(); i++ {
		cl := marks.Index(i).Get("classList")
		cl.Call("remove", "hl-flash")
		marks.Index(i).Get("offsetWidth") // restart the animation
		cl.Call("add", "hl-flash")
	}
	return true
}

// MarkRect returns the box of the first mark of annotation id.
func MarkRect(id string) (Rect, bool) {
	m := js.Global().Get("document").Call("querySelector", `mark[data-a="`+cssString(id)+`"]`)
	if !m.Truthy() {
		return Rect{}, false
	}
	return rectOf(m.Call("getBoundingClientRect")), true
}

// MarksInView returns the ids of the marks in document order, and the
// index of the first one at or below the top of the view (len when none).
func MarksInView() (ids []string, first int) {
	marks := js.Global().Get("document").Call("querySelectorAll", "article mark[data-a]")
	first = -1
	seen := map[string]bool{}
	for i := 0; i < marks.Length(); i++ {
		m := marks.Index(i)
		id := m.Call("getAttribute", "data-a").String()
		if seen[id] {
			continue
		}
		seen[id] = true
		if first < 0 && m.Call("getBoundingClientRect").Get("bottom").Float() > 64 {
			first = len(ids)
		}
		ids = append(ids, id)
	}
	if first < 0 {
		first = len(ids)
	}
	return ids, first
}

// ReducedMotion reports whether the reader asked the system for less motion.
func ReducedMotion() bool {
	mm := js.Global().Get("matchMedia")
	return mm.Truthy() && js.Global().Call("matchMedia", "(prefers-reduced-motion: reduce)").Get("matches").Bool()
}

// Coarse reports whether the main pointer is a finger, as on phones.
func Coarse() bool {
	mm := js.Global().Get("matchMedia")
	return mm.Truthy() && js.Global().Call("matchMedia", "(pointer: coarse)").Get("matches").Bool()
}

// ViewportWidth returns the width of the viewport in CSS pixels.
func ViewportWidth() float64 { return js.Global().Get("innerWidth").Float() }

// CopyText puts text on the clipboard. It must run while handling the
// user's gesture. When the asynchronous clipboard is refused it falls back
// on a hidden text area and the copy command.
func CopyText(text string) {
	fallback := func() {
		doc := js.Global().Get("document")
		ta := doc.Call("createElement", "textarea")
		ta.Set("value", text)
		ta.Call("setAttribute", "readonly", "")
		ta.Get("style").Set("cssText", "position:fixed;top:0;left:0;opacity:0")
		doc.Get("body").Call("appendChild", ta)
		ta.Call("select")
		doc.Call("execCommand", "copy")
		ta.Call("remove")
	}
	cb := js.Global().Get("navigator").Get("clipboard")
	if !cb.Truthy() {
		fallback()
		return
	}
	var onOK, onErr js.Func
	release := func() {
		onOK.Release()
		onErr.Release()
	}
	onOK = js.FuncOf(func(js.Value, []js.Value) any {
		release()
		return nil
	})
	onErr = js.FuncOf(func(js.Value, []js.Value) any {
		release()
		fallback()
		return nil
	})
	cb.Call("writeText", text).Call("then", onOK, onErr)
}

// PersistStorage asks the browser to keep the site's storage under storage
// pressure rather than evict it; the browser may say no, silently.
func PersistStorage() {
	st := js.Global().Get("navigator").Get("storage")
	if st.Truthy() && st.Get("persist").Truthy() {
		st.Call("persist")
	}
}

// Origin returns the page's origin, like "https://margin.example".
func Origin() string { return js.Global().Get("location").Get("origin").String() }

// Hash returns the page address's fragment without its "#".
func Hash() string {
	return strings.TrimPrefix(js.Global().Get("location").Get("hash").String(), "#")
}

// Sentences returns where the sentences of text begin, in code points, as
// the browser's Intl.Segmenter cuts them for language lang ("" for the
// page's). Without a segmenter the whole text is one sentence.
func Sentences(text, lang string) []int {
	intl := js.Global().Get("Intl")
	if !intl.Truthy() || !intl.Get("Segmenter").Truthy() {
		return []int{0}
	}
	var locale any = js.Undefined()
	if lang != "" {
		locale = lang
	}
	seg := intl.Get("Segmenter").New(locale, map[string]any{"granularity": "sentence"})
	// One crossing: the segment starts, in UTF-16 units, joined.
	arr := js.Global().Get("Array").Call("from", seg.Call("segment", text))
	units := make([]int, arr.Length())
	for i := range units {
		units[i] = arr.Index(i).Get("index").Int()
	}
	// Convert UTF-16 indexes to code points by walking the text once.
	out := make([]int, 0, len(units))
	u, cp, k := 0, 0, 0
	for _, r := range text {
		for k < len(units) && units[k] <= u {
			out = append(out, cp)
			k++
		}
		u++
		if r > 0xFFFF {
			u++
		}
		cp++
	}
	for ; k < len(units); k++ {
		out = append(out, cp)
	}
	return out
}

// Channel is a BroadcastChannel: messages posted reach every other tab and
// window of the site listening on the same name.
type Channel struct {
	bc js.Value
	fn js.Func
}

// Listen opens the named channel and calls f with each message another
// tab posts on it. f must not block. Without BroadcastChannel it returns a
// channel that posts nowhere.
func Listen(name string, f func(msg string)) *Channel {
	ctor := js.Global().Get("BroadcastChannel")
	if !ctor.Truthy() {
		return &Channel{}
	}
	c := &Channel{bc: ctor.New(name)}
	c.fn = js.FuncOf(func(_ js.Value, args []js.Value) any {
		if d := args[0].Get("data"); d.Type() == js.TypeString {
			f(d.String())
		}
		return nil
	})
	c.bc.Set("onmessage", c.fn)
	return c
}

// Post sends msg to the other tabs.
func (c *Channel) Post(msg string) {
	if c != nil && c.bc.Truthy() {
		c.bc.Call("postMessage", msg)
	}
}

// Close stops listening.
func (c *Channel) Close() {
	if c == nil || !c.bc.Truthy() {
		return
	}
	c.bc.Call("close")
	c.fn.Release()
	c.bc = js.Value{}
}

// Warn writes a warning to the browser console.
func Warn(msg string) { js.Global().Get("console").Call("warn", "margin: "+msg) }

// cssString escapes s for use inside a double-quoted CSS string.
func cssString(s string) string {
	if !strings.ContainsAny(s, `"\`) && utf8.ValidString(s) {
		return s
	}
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s)
}

// FirstVisibleBlock returns the index (data-b) of the first block inside
// root whose bottom is below the top bar, or 0.
func FirstVisibleBlock(root string) int {
	blocks := js.Global().Get("document").Call("querySelectorAll", root+" > [data-b]")
	for i := 0; i < blocks.Length(); i++ {
		b := blocks.Index(i)
		if b.Call("getBoundingClientRect").Get("bottom").Float() > 72 {
			if n, ok := intAttr(b, "data-b"); ok {
				return n
			}
		}
	}
	return 0
}

// Place moves the element matching sel to top and left, in CSS pixels of
// the page. It goes through the element's style object, which the page's
// Content-Security-Policy allows, unlike a style attribute.
func Place(sel string, top, left float64) {
	el := js.Global().Get("document").Call("querySelector", sel)
	if !el.Truthy() {
		return
	}
	st := el.Get("style")
	st.Set("top", strconv.FormatFloat(top, 'f', 0, 64)+"px")
	st.Set("left", strconv.FormatFloat(left, 'f', 0, 64)+"px")
}

// PlaceNear moves the element matching sel just below the box at (in the
// viewport), or just above it when it would not fit below, at left.
func PlaceNear(sel string, at Rect, left float64) {
	el := js.Global().Get("document").Call("querySelector", sel)
	if !el.Truthy() {
		return
	}
	h := el.Get("offsetHeight").Float()
	vh := js.Global().Get("innerHeight").Float()
	y := js.Global().Get("scrollY").Float()
	top := at.Y + at.H + 10
	if top+h > vh-8 && at.Y-10-h > 56 {
		top = at.Y - 10 - h
	}
	Place(sel, top+y, left)
}

// SetValue sets the current value of the form field matching sel, which
// its value attribute no longer governs once the reader typed in it.
func SetValue(sel, value string) {
	if el := js.Global().Get("document").Call("querySelector", sel); el.Truthy() {
		el.Set("value", value)
	}
}

// SetBlockHTML replaces the block with data-b="i" directly inside the
// element matching root by the element h describes. It reports whether
// the block was there.
func SetBlockHTML(root string, i int, h string) bool {
	el := js.Global().Get("document").Call("querySelector", root+` > [data-b="`+strconv.Itoa(i)+`"]`)
	if !el.Truthy() {
		return false
	}
	el.Set("outerHTML", h)
	return true
}

// SetInnerHTML replaces the content of the element matching sel by h. It
// reports whether the element was there.
func SetInnerHTML(sel, h string) bool {
	el := js.Global().Get("document").Call("querySelector", sel)
	if !el.Truthy() {
		return false
	}
	el.Set("innerHTML", h)
	return true
}
