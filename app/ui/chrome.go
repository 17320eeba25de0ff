package ui

import (
	"context"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"margin/app/browser"
	"margin/app/local"
)

// topBar is the bar above every page: the way home, the sync status, the
// reading settings and the theme toggle. Everything it shows before the
// WASM runs is the same on the server and in the browser; which theme
// icon shows is decided by the stylesheet from data-theme, not by the
// render. The sync status shows once the page is painted.
type topBar struct {
	app.Compo

	// Back shows a way back to the library instead of the brand alone.
	Back bool
	// Panel shows the button that opens the reader's list of highlights,
	// which holds Count of them.
	Panel bool
	Count int

	dev *Device // nil on the server

	open    bool
	prefs   prefs
	overlap string // "merge" or "" (keep both), see prefOverlap
	margin  string // "off" or "" (on), see prefMarginOff

	status    SyncStatus
	announced string // the settled status, for screen readers
	lost      []local.Rejection
	stops     []func()
}

func (b *topBar) OnMount(ctx app.Context) {
	b.prefs = currentPrefs()
	// A page from the offline cache was written with the preferences of
	// its day; the cookie has today's.
	b.prefs.apply()
	if b.dev == nil {
		return
	}
	// The status, and the device's work with the server, wait for the
	// page to be painted.
	dev := b.dev
	browser.AfterPaint(func() {
		ctx.Dispatch(func(ctx app.Context) {
			if !b.Mounted() || b.stops != nil {
				return
			}
			b.stops = append(b.stops,
				dev.Subscribe(func(s SyncStatus) {
					ctx.Dispatch(func(app.Context) { b.showStatus(s) })
				}),
				dev.SubscribeLost(func(lost []local.Rejection) {
					ctx.Dispatch(func(app.Context) { b.lost = lost })
				}),
			)
		})
		dev.Start()
	})
}

func (b *topBar) OnDismount() {
	for _, stop := range b.stops {
		stop()
	}
	b.stops = nil
}

// restore restores (or, with dismiss, lets go) a highlight deleted on
// another device while it was edited here.
func (b *topBar) restore(id string, dismiss bool) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		dev := b.dev
		ctx.Async(func() {
			c, cancel := context.WithTimeout(ctx, loadTimeout)
			defer cancel()
			if err := dev.Restore(c, id, dismiss); err != nil {
				app.Logf("ui: restoring highlight %s: %v", id, err)
			}
		})
	}
}

// showStatus shows s, and announces it when it is worth announcing.
func (b *topBar) showStatus(s SyncStatus) {
	b.status = s
	if s.settled() {
		b.announced = s.Label()
	}
}

func (b *topBar) Render() app.UI {
	return app.Header().Class("topbar").Body(
		app.Nav().Class("topbar-inner").Attr("aria-label", "Margin").Body(
			app.A().Class("brand").Href("/").Title("Library").Body(
				app.If(b.Back, func() app.UI { return app.Raw(iconBack) }),
				app.Raw(iconLogo),
				app.Span().Class("brand-name").Text("Margin"),
			),
			app.Div().Class("topbar-actions").Body(
				renderStatus(b.status, b.announced),
				app.If(b.Panel, func() app.UI {
					label := "Highlights in this article"
					return app.Button().
						Class("icon-button count-button").
						ID("panel-button").
						Title(label).
						Attr("aria-label", label).
						OnClick(func(ctx app.Context, e app.Event) { ctx.NewAction(panelAction) }).
						Body(app.Raw(iconList), app.If(b.Count > 0, func() app.UI {
							return app.Span().Class("count").Text(b.Count)
						}))
				}),
				app.A().
					Class("icon-button").
					ID("highlights-link").
					Href(highlightsPath).
					Title("All highlights").
					Attr("aria-label", "All highlights").
					Body(app.Raw(iconMarker)),
				app.Button().
					Class("icon-button").
					ID("settings-button").
					Title("Reading settings").
					Attr("aria-label", "Reading settings").
					Attr("aria-expanded", b.open).
					OnClick(b.toggleSettings).
					Body(app.Raw(iconType)),
				app.Button().
					Class("icon-button").
					ID("theme-toggle").
					Title("Switch light and dark").
					Attr("aria-label", "Switch light and dark").
					OnClick(b.toggleTheme).
					Body(app.Raw(iconSun), app.Raw(iconMoon)),
			),
		),
		app.If(b.open, b.renderSettings),
		renderLost(b.lost, b.restore),
	)
}

func (b *topBar) renderSettings() app.UI {
	p := b.prefs
	return app.Div().Class("settings-layer").Body(
		app.Div().Class("settings-backdrop").OnClick(b.toggleSettings),
		app.Section().Class("settings").ID("settings").Attr("aria-label", "Reading settings").OnKeyDown(b.onSettingsKey).Body(
			app.H2().Class("settings-title").Text("Reading settings"),
			settingRow("Theme",
				choice("System", p.theme == "", b.setTheme("")),
				choice("Light", p.theme == "light", b.setTheme("light")),
				choice("Dark", p.theme == "dark", b.setTheme("dark")),
			),
			settingRow("Font",
				choice("Sans", p.font == "sans", b.setFont("sans")).Class("font-sans"),
				choice("Serif", p.font == "serif", b.setFont("serif")).Class("font-serif"),
			),
			settingRow("Text size",
				app.Button().Class("choice").ID("size-down").Attr("aria-label", "Smaller text").
					Disabled(p.size <= minSize).OnClick(b.resize(-1)).Text("A−"),
				app.Span().Class("size-value").Attr("aria-live", "polite").Text(sizeLabel(p.size)),
				app.Button().Class("choice choice-large").ID("size-up").Attr("aria-label", "Larger text").
					Disabled(p.size >= maxSize).OnClick(b.resize(+1)).Text("A+"),
			),
			settingRow("Notes in the margin",
				choice("On", b.margin != "off", b.setMargin("")).ID("margin-on"),
				choice("Off", b.margin == "off", b.setMargin("off")).ID("margin-off"),
			),
			settingRow("Overlapping highlights",
				choice("Keep both", b.overlap != "merge", b.setOverlap("")).ID("overlap-both"),
				choice("Merge", b.overlap == "merge", b.setOverlap("merge")).ID("overlap-merge"),
			),
		),
	)
}

func settingRow(label string, controls ...app.UI) app.UI {
	return app.Div().Class("setting").Body(
		app.Span().Class("setting-label").Text(label),
		app.Div().Class("segmented").Body(controls...),
	)
}

func choice(label string, on bool, h app.EventHandler) app.HTMLButton {
	return app.Button().Class("choice").Attr("aria-pressed", on).OnClick(h).Text(label)
}

// sizeLabel shows a text size step as a percentage of the default.
func sizeLabel(step int) string {
	return [...]string{"85%", "92%", "100%", "110%", "120%", "132%", "145%"}[step]
}

func (b *topBar) toggleSettings(ctx app.Context, e app.Event) {
	b.open = !b.open
	b.prefs = currentPrefs()
	b.overlap = browser.Pref(prefOverlap)
	b.margin = browser.Pref(prefMarginOff)
}

// setMargin turns the notes in the margin on ("") or off ("off").
func (b *topBar) setMargin(mode string) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		b.margin = mode
		browser.SetPref(prefMarginOff, mode)
		ctx.NewAction(marginAction)
		saveSetting(ctx, b.dev, settingMargin, mode)
	}
}

func (b *topBar) setOverlap(mode string) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		b.overlap = mode
		browser.SetPref(prefOverlap, mode)
	}
}

func (b *topBar) onSettingsKey(ctx app.Context, e app.Event) {
	if e.Get("key").String() == "Escape" {
		b.open = false
	}
}

// toggleTheme flips between light and dark and remembers the choice;
// "System" in the settings goes back to following the system.
func (b *topBar) toggleTheme(ctx app.Context, e app.Event) {
	b.prefs = currentPrefs()
	if b.prefs.dark() {
		b.prefs.theme = "light"
	} else {
		b.prefs.theme = "dark"
	}
	b.save(ctx, settingTheme)
}

func (b *topBar) setTheme(theme string) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		b.prefs.theme = theme
		b.save(ctx, settingTheme)
	}
}

func (b *topBar) setFont(font string) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		b.prefs.font = font
		b.save(ctx, settingFont)
	}
}

func (b *topBar) resize(delta int) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		b.prefs.size = max(minSize, min(maxSize, b.prefs.size+delta))
		b.save(ctx, settingSize)
	}
}

// save keeps the preferences and records the one named changed, so it
// syncs to the reader's other devices.
func (b *topBar) save(ctx app.Context, changed string) {
	b.prefs.save()
	saveSetting(ctx, b.dev, changed, b.prefs.setting(changed))
}
