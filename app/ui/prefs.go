package ui

import (
	"html"
	"net/url"
	"strconv"
	"strings"

	"margin/app/browser"
)

// The reading preferences live in a cookie, so that the server can write
// them on the <html> element of every page it prerenders (as data-theme,
// data-font and data-size, which the stylesheet follows): the page paints
// in the reader's theme at once, with no script to wait for.
const (
	// PrefsCookie names the cookie that holds the preferences.
	PrefsCookie = "margin-prefs"
	prefsMaxAge = 400 * 24 * 60 * 60 // the most browsers keep a cookie

	minSize     = 0
	maxSize     = 6
	defaultSize = 2
)

// prefs are the reader's display preferences.
type prefs struct {
	theme string // "", "light" or "dark"; "" follows the system
	font  string // "sans" or "serif"
	size  int    // minSize to maxSize
}

// parsePrefs reads the cookie's value; anything unknown or out of range
// falls back to the default, so a tampered cookie changes nothing else.
func parsePrefs(cookie string) prefs {
	p := prefs{font: "sans", size: defaultSize}
	v, err := url.ParseQuery(cookie)
	if err != nil {
		return p
	}
	if t := v.Get("theme"); t == "light" || t == "dark" {
		p.theme = t
	}
	if v.Get("font") == "serif" {
		p.font = "serif"
	}
	if n, err := strconv.Atoi(v.Get("size")); err == nil && n >= minSize && n <= maxSize {
		p.size = n
	}
	return p
}

// cookie is p as the cookie's value.
func (p prefs) cookie() string {
	v := url.Values{}
	if p.theme != "" {
		v.Set("theme", p.theme)
	}
	if p.font == "serif" {
		v.Set("font", "serif")
	}
	if p.size != defaultSize {
		v.Set("size", strconv.Itoa(p.size))
	}
	return v.Encode()
}

// attrs are the root element's data attributes for p, by name.
func (p prefs) attrs() [3][2]string {
	var font, size string
	if p.font == "serif" {
		font = "serif"
	}
	if p.size != defaultSize {
		size = strconv.Itoa(p.size)
	}
	return [3][2]string{{"theme", p.theme}, {"font", font}, {"size", size}}
}

// RootAttributes returns the attributes, each with a leading space, that
// the <html> element of a page gets for the preferences cookie's value.
func RootAttributes(cookie string) string {
	var b strings.Builder
	for _, a := range parsePrefs(cookie).attrs() {
		if a[1] != "" {
			b.WriteString(` data-` + a[0] + `="` + html.EscapeString(a[1]) + `"`)
		}
	}
	return b.String()
}

// currentPrefs reads the preferences from the cookie.
func currentPrefs() prefs {
	return parsePrefs(browser.Cookie(PrefsCookie))
}

// apply shows p on the page.
func (p prefs) apply() {
	for _, a := range p.attrs() {
		browser.SetRootData(a[0], a[1])
	}
}

// save stores p and applies it to the page at once.
func (p prefs) save() {
	browser.SetCookie(PrefsCookie, p.cookie(), prefsMaxAge)
	p.apply()
}

// dark reports whether the page shows the dark theme.
func (p prefs) dark() bool {
	return p.theme == "dark" || (p.theme == "" && browser.PrefersDark())
}
