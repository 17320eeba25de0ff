//go:build js && wasm

package browser

import (
	"sync"
	"syscall/js"
)

// BeforeNavigation calls f once, before the app first navigates on its own
// (a click on a link, the history's back or forward, or a call of
// goappNav), or once the page is idle, whichever comes first. Call it
// before the app starts: it must see these events before go-app does.
//
// go-app routes a navigation in a dispatch it queues from its own handlers
// of these events; f runs synchronously inside the event, so what f sets
// up is there when the navigation is routed.
func BeforeNavigation(f func()) {
	var once sync.Once
	var click, pop, idle js.Func
	win := js.Global()
	capture := map[string]any{"capture": true}
	run := func() {
		once.Do(func() {
			win.Call("removeEventListener", "click", click, capture)
			win.Call("removeEventListener", "popstate", pop)
			f()
		})
	}
	hook := func(js.Value, []js.Value) any { run(); return nil }
	click, pop, idle = js.FuncOf(hook), js.FuncOf(hook), js.FuncOf(hook)
	// A capturing listener on the window runs before any other listener
	// of the click; the popstate one is added before go-app's.
	win.Call("addEventListener", "click", click, capture)
	win.Call("addEventListener", "popstate", pop)
	// go-app replaces app.js's goappNav when it starts, before it first
	// waits; this goroutine runs once the app waits, and wraps it so a call
	// runs f first.
	go func() {
		target := win.Get("goappNav")
		nav := js.FuncOf(func(this js.Value, args []js.Value) any {
			run()
			in := make([]any, len(args))
			for i, v := range args {
				in[i] = v
			}
			return target.Call("apply", this, in)
		})
		win.Set("goappNav", nav)
	}()
	if win.Get("requestIdleCallback").Truthy() {
		win.Call("requestIdleCallback", idle, map[string]any{"timeout": 2000})
	} else {
		win.Call("setTimeout", idle, 500)
	}
}
