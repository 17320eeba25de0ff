//go:build !(js && wasm)

package browser

// Online reports true outside a browser.
func Online() bool { return true }

// OnOnline does nothing outside a browser.
func OnOnline(f func(online bool)) (stop func()) { return func() {} }

// Visible reports true outside a browser.
func Visible() bool { return true }

// OnVisibility does nothing outside a browser.
func OnVisibility(f func(visible bool)) (stop func()) { return func() {} }
