//go:build !(js && wasm)

package browser

// HoldLock grants the lock at once outside a browser, where there is only
// one of everything: acquired runs in a new goroutine.
func HoldLock(name string, acquired func()) (release func()) {
	go acquired()
	return func() {}
}
