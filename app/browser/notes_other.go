//go:build !(js && wasm)

package browser

// MarginRoom reports no room outside a browser.
func MarginRoom(articleSel, panelSel string, rtl bool, minWidth, maxWidth, gap float64) Room {
	return Room{}
}

// PlaceSheet does nothing outside a browser.
func PlaceSheet(sel, markID string) {}

// FocusText does nothing outside a browser.
func FocusText(sel string) {}

// KeepFocus does nothing outside a browser.
func KeepFocus(sel string) {}

// FocusQuietly does nothing outside a browser.
func FocusQuietly(sel string) {}

// MeasureNotes finds nothing outside a browser.
func MeasureNotes(containerSel string, room Room, ids []string) []NoteBox { return nil }

// PlaceNotes does nothing outside a browser.
func PlaceNotes(containerSel string, tops []float64) {}

// LinkNotes does nothing outside a browser.
func LinkNotes(articleSel, containerSel string) (stop func()) { return func() {} }

// OnNoteMarker does nothing outside a browser.
func OnNoteMarker(root string, f func(id string)) (stop func()) { return func() {} }

// ObserveLayout does nothing outside a browser.
func ObserveLayout(sel, containerSel string, f func()) (stop func()) { return func() {} }
