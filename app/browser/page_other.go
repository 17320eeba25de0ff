//go:build !(js && wasm)

package browser

// Pref returns "": outside a browser there is no storage.
func Pref(key string) string { return "" }

// SetPref reports false: outside a browser there is no storage.
func SetPref(key, value string) bool { return false }

// SetRootData does nothing outside a browser.
func SetRootData(name, value string) {}

// PrefersDark reports false outside a browser.
func PrefersDark() bool { return false }

// Mark does nothing outside a browser.
func Mark(name string) {}

// AfterPaint does nothing outside a browser: nothing is painted.
func AfterPaint(f func()) {}

// MarkAfterPaint does nothing outside a browser.
func MarkAfterPaint(name string) {}

// EmbeddedData returns nothing outside a browser.
func EmbeddedData(id string) (text, path string) { return "", "" }

// OuterHTML returns "" outside a browser.
func OuterHTML(sel string) string { return "" }

// SetTitle does nothing outside a browser.
func SetTitle(title string) {}

// ScrollToTop does nothing outside a browser.
func ScrollToTop() {}

// Path returns "/" outside a browser.
func Path() string { return "/" }

// ScrollY returns 0 outside a browser.
func ScrollY() float64 { return 0 }

// Cookie returns "" outside a browser.
func Cookie(name string) string { return "" }

// SetCookie does nothing outside a browser.
func SetCookie(name, value string, maxAge int) {}

// Focus does nothing outside a browser.
func Focus(sel string) {}

// Reload does nothing outside a browser.
func Reload() {}

// Replace does nothing outside a browser.
func Replace(url string) {}

// OnNavigate does nothing outside a browser: nothing navigates.
func OnNavigate(f func(url string)) {}

// Href returns "/" outside a browser.
func Href() string { return "/" }

// StartWorker does nothing outside a browser.
func StartWorker() {}

// GoTo does nothing outside the browser.
func GoTo(path string) {}
