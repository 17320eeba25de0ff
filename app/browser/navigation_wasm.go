//go:build js && wasm

package browser

import "syscall/js"

// OnNavigate calls f with the address (an absolute URL) of every
// navigation the app is about to make on its own: a click on a link, the
// history's back or forward, or a call of goappNav. Call it before the app
// starts: it must see these events before go-app does.
//
// go-app routes a navigation in a dispatch that its own handlers of these
// events queue; f runs synchronously inside the event, so whatever f sets
// up is there when the navigation is routed.
func OnNavigate(f func(url string)) {
	win := js.Global()
	// A capturing listener on the window runs before any other listener of
	// the click, go-app's included.
	click := js.FuncOf(func(_ js.Value, args []js.Value) any {
		t := args[0].Get("target")
		if t.Truthy() && t.Get("closest").Truthy() {
			if a := t.Call("closest", "a[href]"); a.Truthy() {
				f(a.Get("href").String())
			}
		}
		return nil
	})
	win.Call("addEventListener", "click", click, map[string]any{"capture": true})
	// Added before go-app sets its onpopstate, so it runs first.
	pop := js.FuncOf(func(js.Value, []js.Value) any {
		f(win.Get("location").Get("href").String())
		return nil
	})
	win.Call("addEventListener", "popstate", pop)
	// go-app replaces app.js's goappNav when it starts, before it first
	// waits; this goroutine runs once it waits, and wraps go-app's.
	go func() {
		target := win.Get("goappNav")
		base := win.Get("location")
		nav := js.FuncOf(func(this js.Value, args []js.Value) any {
			in := make([]any, len(args))
			for i, v := range args {
				in[i] = v
			}
			if len(args) > 0 && args[0].Type() == js.TypeString {
				u := win.Get("URL").New(args[0], base.Get("href"))
				f(u.Get("href").String())
			}
			return target.Call("apply", this, in)
		})
		win.Set("goappNav", nav)
	}()
}

// Href returns the page's address.
func Href() string {
	return js.Global().Get("location").Get("href").String()
}

// GoTo navigates the app to path through goappNav, as a link would, so
// OnNavigate's f sees it (go-app's Context.Navigate bypasses it).
func GoTo(path string) {
	js.Global().Call("goappNav", path)
}
