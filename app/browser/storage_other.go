//go:build !(js && wasm)

package browser

import "context"

// ClearCaches does nothing outside a browser.
func ClearCaches(ctx context.Context) error { return nil }

// ClearPrefs does nothing outside a browser.
func ClearPrefs(prefix string) {}
