//go:build !(js && wasm)

package browser

// TrackReading does nothing outside a browser.
func TrackReading(articleID, articleSel string, saved func(p Position, leaving bool)) (stop func()) {
	return func() {}
}

// RestorePosition reports false outside a browser.
func RestorePosition(articleID, articleSel string) bool { return false }
