//go:build js && wasm

package browser

import "syscall/js"

// HoldLock asks the browser for the exclusive Web Lock called name and,
// once it is granted, holds it until release is called or the page goes
// away: of all the site's tabs, one holds it at a time, and when that tab
// closes the next one waiting gets it. acquired runs in a new goroutine
// when the lock is granted. Release before the grant withdraws the
// request. A browser without Web Locks grants the lock at once.
func HoldLock(name string, acquired func()) (release func()) {
	locks := js.Global().Get("navigator").Get("locks")
	if !locks.Truthy() {
		go acquired()
		return func() {}
	}
	var (
		resolve  js.Value // ends the hold: set once granted
		released bool
		onGrant  js.Func
		onDone   js.Func
		executor js.Func
	)
	abort := js.Global().Get("AbortController").New()
	// The callback's promise holds the lock until it settles.
	executor = js.FuncOf(func(_ js.Value, args []js.Value) any {
		resolve = args[0]
		if released {
			resolve.Invoke()
		}
		return nil
	})
	onGrant = js.FuncOf(func(js.Value, []js.Value) any {
		p := js.Global().Get("Promise").New(executor)
		if !released {
			go acquired()
		}
		return p
	})
	// The request's own promise settles when the hold ends, or rejects
	// when it is withdrawn before the grant: either way it is over.
	onDone = js.FuncOf(func(js.Value, []js.Value) any {
		onGrant.Release()
		executor.Release()
		onDone.Release()
		return nil
	})
	locks.Call("request", name, map[string]any{"mode": "exclusive", "signal": abort.Get("signal")}, onGrant).
		Call("then", onDone, onDone)
	return func() {
		if released {
			return
		}
		released = true
		if resolve.Truthy() {
			resolve.Invoke()
		} else {
			abort.Call("abort")
		}
	}
}
