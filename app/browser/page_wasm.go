//go:build js && wasm

package browser

import (
	"runtime"
	"strconv"
	"strings"
	"syscall/js"
)

// Pref returns the value stored under key in localStorage, or "" when there
// is none or storage is unavailable (private modes may refuse it).
func Pref(key string) (v string) {
	defer func() {
		if recover() != nil {
			v = ""
		}
	}()
	s := js.Global().Get("localStorage")
	if !s.Truthy() {
		return ""
	}
	got := s.Call("getItem", key)
	if got.IsNull() || got.IsUndefined() {
		return ""
	}
	return got.String()
}

// SetPref stores value under key in localStorage; an empty value removes
// the key. It reports whether the browser kept it.
func SetPref(key, value string) (ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	s := js.Global().Get("localStorage")
	if !s.Truthy() {
		return false
	}
	if value == "" {
		s.Call("removeItem", key)
	} else {
		s.Call("setItem", key, value)
	}
	return true
}

// SetRootData sets data-<name> on the <html> element, or removes it when
// value is empty. The stylesheet keys theme, font and size off these.
func SetRootData(name, value string) {
	root := js.Global().Get("document").Get("documentElement")
	if value == "" {
		root.Call("removeAttribute", "data-"+name)
		return
	}
	root.Call("setAttribute", "data-"+name, value)
}

// PrefersDark reports whether the system asks for a dark theme.
func PrefersDark() bool {
	mm := js.Global().Get("matchMedia")
	if !mm.Truthy() {
		return false
	}
	return js.Global().Call("matchMedia", "(prefers-color-scheme: dark)").Get("matches").Bool()
}

// Mark records a named moment on the performance timeline, so benchmarks
// and tests can see when the app reached it.
func Mark(name string) {
	if p := js.Global().Get("performance"); p.Truthy() && p.Get("mark").Truthy() {
		p.Call("mark", name)
	}
}

// AfterPaint runs f in a goroutine once the browser has painted the
// current DOM: an animation frame callback runs just before the paint, so
// f waits for a task queued from it. The goroutine starts inside that
// task: left alone, it would run only when Go next gets the browser's
// attention, which can be a frame or more later. A hidden page paints
// nothing and runs no animation frames: f then waits only for the task,
// so a write deferred to the paint is not held until the page is shown.
func AfterPaint(f func()) {
	var after js.Func
	after = js.FuncOf(func(js.Value, []js.Value) any {
		after.Release()
		go f()
		runtime.Gosched() // f runs now, until it finishes or waits
		return nil
	})
	if !Visible() {
		js.Global().Call("setTimeout", after, 0)
		return
	}
	var frame js.Func
	frame = js.FuncOf(func(js.Value, []js.Value) any {
		frame.Release()
		js.Global().Call("setTimeout", after, 0)
		return nil
	})
	js.Global().Call("requestAnimationFrame", frame)
}

// MarkAfterPaint records name once the browser has painted the current DOM.
func MarkAfterPaint(name string) {
	AfterPaint(func() { Mark(name) })
}

// EmbeddedData returns the text of the element with the given id, which the
// server fills with the data a page was prerendered from, and the element's
// data-path: the address of the page the data belongs to.
func EmbeddedData(id string) (text, path string) {
	el := js.Global().Get("document").Call("getElementById", id)
	if !el.Truthy() {
		return "", ""
	}
	p := el.Call("getAttribute", "data-path")
	if p.IsNull() {
		return "", ""
	}
	return el.Get("textContent").String(), p.String()
}

// OuterHTML returns the markup of the first element matching sel, or "".
func OuterHTML(sel string) string {
	el := js.Global().Get("document").Call("querySelector", sel)
	if !el.Truthy() {
		return ""
	}
	return el.Get("outerHTML").String()
}

// SetTitle sets the document title.
func SetTitle(title string) {
	js.Global().Get("document").Set("title", title)
}

// ScrollToTop scrolls the window to the top, for a page that replaces another.
func ScrollToTop() {
	js.Global().Call("scrollTo", 0, 0)
}

// Path returns the path of the page's address.
func Path() string {
	return js.Global().Get("location").Get("pathname").String()
}

// ScrollY returns how far the window is scrolled down, in CSS pixels.
func ScrollY() float64 {
	return js.Global().Get("scrollY").Float()
}

// Cookie returns the value of the named cookie, or "".
func Cookie(name string) string {
	for _, c := range strings.Split(js.Global().Get("document").Get("cookie").String(), ";") {
		if k, v, ok := strings.Cut(strings.TrimSpace(c), "="); ok && k == name {
			return v
		}
	}
	return ""
}

// SetCookie stores a cookie for the whole site that the server may read
// (it is not HttpOnly) but that is never sent to other sites. An empty
// value removes it.
func SetCookie(name, value string, maxAge int) {
	if value == "" {
		maxAge = 0
	}
	secure := ""
	if js.Global().Get("location").Get("protocol").String() == "https:" {
		secure = "; Secure"
	}
	js.Global().Get("document").Set("cookie", name+"="+value+"; Path=/; Max-Age="+strconv.Itoa(maxAge)+"; SameSite=Lax"+secure)
}

// Focus moves the focus to the first element matching sel.
func Focus(sel string) {
	if el := js.Global().Get("document").Call("querySelector", sel); el.Truthy() {
		el.Call("focus")
	}
}

// Reload loads the page again from the server.
func Reload() { js.Global().Get("location").Call("reload") }

// Replace loads the page at url in place of this one, with nothing of
// this page kept in memory and no entry left in the history.
func Replace(url string) { js.Global().Get("location").Call("replace", url) }

// StartWorker asks the page's script to register the service worker,
// which it does once the page is idle. The app calls it after its first
// paint: the worker's precaching would compete with the start-up.
func StartWorker() {
	if f := js.Global().Get("marginStartWorker"); f.Type() == js.TypeFunction {
		f.Invoke()
	}
}
