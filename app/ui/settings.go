package ui

import (
	"context"
	"strconv"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"margin/app/annotation"
	"margin/app/browser"
)

// The reading settings that sync between the reader's devices, by the
// name their objects carry (kind setting).
const (
	settingTheme = "theme" // "", "light" or "dark"
	settingFont  = "font"  // "sans" or "serif"
	settingSize  = "size"  // "0" to "6"
	settingColor = "color" // the colour new highlights get
	// settingMargin is "off" to keep notes out of the margin, "" otherwise.
	settingMargin = "notes-margin"
)

// setting returns the value of the preference called name.
func (p prefs) setting(name string) string {
	switch name {
	case settingTheme:
		return p.theme
	case settingFont:
		return p.font
	case settingSize:
		return strconv.Itoa(p.size)
	}
	return ""
}

// saveSetting records a changed setting through the device, so that it
// syncs; without a device (a guest's page on the server) it does nothing.
func saveSetting(ctx app.Context, dev *Device, name, value string) {
	if dev == nil {
		return
	}
	ctx.Async(func() {
		c, cancel := context.WithTimeout(ctx, loadTimeout)
		defer cancel()
		if err := dev.PutSetting(c, name, value); err != nil {
			app.Logf("ui: saving the setting %s: %v", name, err)
		}
	})
}

// applySetting takes a setting pulled from another device: it is kept as
// if chosen here and shown at once. Values this version does not know
// are ignored. It reports whether anything changed.
func applySetting(name, value string) bool {
	p := currentPrefs()
	before := p
	switch name {
	case settingTheme:
		if value == "" || value == "light" || value == "dark" {
			p.theme = value
		}
	case settingFont:
		if value == "sans" || value == "serif" {
			p.font = value
		}
	case settingSize:
		if n, err := strconv.Atoi(value); err == nil && n >= minSize && n <= maxSize {
			p.size = n
		}
	case settingMargin:
		if (value == "" || value == "off") && browser.Pref(prefMarginOff) != value {
			browser.SetPref(prefMarginOff, value)
			return true
		}
		return false
	case settingColor:
		for _, c := range annotation.Colors {
			if string(c) == value && browser.Pref(prefColor) != value {
				browser.SetPref(prefColor, value)
				return true
			}
		}
		return false
	default:
		return false
	}
	if p == before {
		return false
	}
	p.save()
	return true
}
