package ui

import (
	"strconv"

	"margin/app/browser"
)

// The reading preferences live in localStorage under these keys and show
// on <html> as data-theme, data-font and data-size. web/prefs.js applies
// them before the first paint, so a prerendered page never flashes the
// wrong theme.
const (
	themeKey = "margin.theme"
	fontKey  = "margin.font"
	sizeKey  = "margin.size"

	minSize     = 0
	maxSize     = 6
	defaultSize = 2
)

// prefs are the reader's display preferences.
type prefs struct {
	theme string // "", "light" or "dark"; "" follows the system
	font  string // "serif" or "sans"
	size  int    // minSize to maxSize
}

// currentPrefs reads the preferences as prefs.js applied them.
func currentPrefs() prefs {
	p := prefs{theme: browser.RootData("theme"), font: browser.RootData("font"), size: defaultSize}
	if p.theme != "light" && p.theme != "dark" {
		p.theme = ""
	}
	if p.font != "sans" {
		p.font = "serif"
	}
	if n, err := strconv.Atoi(browser.RootData("size")); err == nil && n >= minSize && n <= maxSize {
		p.size = n
	}
	return p
}

// save stores p and applies it to the page at once.
func (p prefs) save() {
	browser.SetPref(themeKey, p.theme)
	browser.SetRootData("theme", p.theme)
	font := p.font
	if font == "serif" {
		font = "" // the default needs no attribute
	}
	browser.SetPref(fontKey, font)
	browser.SetRootData("font", font)
	size := ""
	if p.size != defaultSize {
		size = strconv.Itoa(p.size)
	}
	browser.SetPref(sizeKey, size)
	browser.SetRootData("size", size)
}

// dark reports whether the page shows the dark theme.
func (p prefs) dark() bool {
	return p.theme == "dark" || (p.theme == "" && browser.PrefersDark())
}
