//go:build js && wasm

package browser

import "syscall/js"

// Publish sets the window property name to value, then dispatches an event
// of type name on the window, so a page script or a test harness can wait
// for the value without polling.
func Publish(name, value string) {
	win := js.Global()
	win.Set(name, value)
	win.Call("dispatchEvent", js.Global().Get("Event").New(name))
}
