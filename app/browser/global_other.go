//go:build !(js && wasm)

package browser

// Publish does nothing: outside a browser there is no window to publish on.
func Publish(name, value string) {}
