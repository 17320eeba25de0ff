//go:build !(js && wasm)

package browser

// OnKey does nothing outside a browser.
func OnKey(f func(Key) bool) (stop func()) { return func() {} }

// OnSelectionChange does nothing outside a browser.
func OnSelectionChange(f func()) (stop func()) { return func() {} }

// OnMarkClick does nothing outside a browser.
func OnMarkClick(root string, f func(ids []string, at Rect)) (stop func()) { return func() {} }

// FlashMark reports false outside a browser.
func FlashMark(id string, smooth bool) bool { return false }

// MarkRect reports false outside a browser.
func MarkRect(id string) (Rect, bool) { return Rect{}, false }

// MarksInView returns nothing outside a browser.
func MarksInView() (ids []string, first int) { return nil, 0 }

// ReducedMotion reports false outside a browser.
func ReducedMotion() bool { return false }

// Coarse reports false outside a browser.
func Coarse() bool { return false }

// ViewportWidth returns 0 outside a browser.
func ViewportWidth() float64 { return 0 }

// CopyText does nothing outside a browser.
func CopyText(text string) {}

// PersistStorage does nothing outside a browser.
func PersistStorage() {}

// Origin returns "" outside a browser.
func Origin() string { return "" }

// Hash returns "" outside a browser.
func Hash() string { return "" }

// Sentences treats text as one sentence outside a browser.
func Sentences(text, lang string) []int { return []int{0} }

// Channel is a stand-in outside a browser.
type Channel struct{}

// Listen returns a channel that posts nowhere outside a browser.
func Listen(name string, f func(msg string)) *Channel { return &Channel{} }

// Post does nothing outside a browser.
func (c *Channel) Post(msg string) {}

// Close does nothing outside a browser.
func (c *Channel) Close() {}

// Warn does nothing outside a browser.
func Warn(msg string) {}

// ArticleSelection reports nothing selected outside a browser.
func ArticleSelection(root string) (Selection, bool) { return Selection{}, false }

// ArticleRange reports nothing selected outside a browser.
func ArticleRange(root string) (start, end int, ok bool) { return 0, 0, false }

// Select reports false outside a browser.
func Select(root string, startBlock, start, endBlock, end int) bool { return false }

// ClearSelection does nothing outside a browser.
func ClearSelection() {}

// FirstVisibleBlock returns 0 outside a browser.
func FirstVisibleBlock(root string) int { return 0 }

// Place does nothing outside a browser.
func Place(sel string, top, left float64) {}

// PlaceNear does nothing outside a browser.
func PlaceNear(sel string, at Rect, left float64) {}

// SetValue does nothing outside a browser.
func SetValue(sel, value string) {}

// SetBlockHTML reports false outside a browser.
func SetBlockHTML(root string, i int, h string) bool { return false }

// SetInnerHTML reports false outside a browser.
func SetInnerHTML(sel, h string) bool { return false }
