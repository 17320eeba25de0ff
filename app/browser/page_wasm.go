//go:build js && wasm

package browser

import (
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

// RootData returns data-<name> of the <html> element.
func RootData(name string) string {
	v := js.Global().Get("document").Get("documentElement").Call("getAttribute", "data-"+name)
	if v.IsNull() {
		return ""
	}
	return v.String()
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

// MarkAfterPaint records name once the browser has painted the current
// DOM: the callback of the next animation frame runs before that frame's
// paint, so the mark goes in a task queued from it.
func MarkAfterPaint(name string) {
	var frame js.Func
	frame = js.FuncOf(func(js.Value, []js.Value) any {
		frame.Release()
		var after js.Func
		after = js.FuncOf(func(js.Value, []js.Value) any {
			after.Release()
			Mark(name)
			return nil
		})
		js.Global().Call("setTimeout", after, 0)
		return nil
	})
	js.Global().Call("requestAnimationFrame", frame)
}

// EmbeddedData returns the text of the element with the given id, which the
// server fills with the data a page was prerendered from.
func EmbeddedData(id string) string {
	el := js.Global().Get("document").Call("getElementById", id)
	if !el.Truthy() {
		return ""
	}
	return el.Get("textContent").String()
}

// SetTitle sets the document title.
func SetTitle(title string) {
	js.Global().Get("document").Set("title", title)
}

// ScrollToTop scrolls the window to the top, for a page that replaces another.
func ScrollToTop() {
	js.Global().Call("scrollTo", 0, 0)
}

// Online reports whether the browser believes it has a network connection.
func Online() bool {
	return js.Global().Get("navigator").Get("onLine").Bool()
}

// Path returns the path of the page's address.
func Path() string {
	return js.Global().Get("location").Get("pathname").String()
}

// ScrollY returns how far the window is scrolled down, in CSS pixels.
func ScrollY() float64 {
	return js.Global().Get("scrollY").Float()
}
