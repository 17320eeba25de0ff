//go:build js && wasm

package browser

import "syscall/js"

// Online reports whether the browser believes it has a network
// (navigator.onLine). False is reliable; true may still mean a network
// that reaches nothing.
func Online() bool {
	v := js.Global().Get("navigator").Get("onLine")
	return v.Type() != js.TypeBoolean || v.Bool()
}

// OnOnline calls f with the new state each time the browser goes online
// or offline. f must not block. The returned func stops listening.
func OnOnline(f func(online bool)) (stop func()) {
	win := js.Global()
	on := js.FuncOf(func(js.Value, []js.Value) any {
		f(true)
		return nil
	})
	off := js.FuncOf(func(js.Value, []js.Value) any {
		f(false)
		return nil
	})
	win.Call("addEventListener", "online", on)
	win.Call("addEventListener", "offline", off)
	return func() {
		win.Call("removeEventListener", "online", on)
		win.Call("removeEventListener", "offline", off)
		on.Release()
		off.Release()
	}
}

// Visible reports whether the page is shown (document.visibilityState).
func Visible() bool {
	return js.Global().Get("document").Get("visibilityState").String() != "hidden"
}

// OnVisibility calls f with Visible each time the page is shown or
// hidden. f must not block. The returned func stops listening.
func OnVisibility(f func(visible bool)) (stop func()) {
	doc := js.Global().Get("document")
	fn := js.FuncOf(func(js.Value, []js.Value) any {
		f(Visible())
		return nil
	})
	doc.Call("addEventListener", "visibilitychange", fn)
	return func() {
		doc.Call("removeEventListener", "visibilitychange", fn)
		fn.Release()
	}
}
