//go:build !(js && wasm)

package browser

// OnFiles does nothing outside the browser.
func OnFiles(zoneSel, inputSel string, limit int, f func(File)) (stop func()) { return func() {} }
