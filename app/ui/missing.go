package ui

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"margin/app/browser"
)

// Missing is the page for an address Margin has no page for. The server
// sends it with status 404.
type Missing struct {
	app.Compo

	dev *Device // nil on the server
}

func (m *Missing) OnNav(ctx app.Context) {
	ctx.Page().SetTitle("%s", pageTitle("Page not found"))
	if app.IsClient {
		browser.SetTitle(ctx.Page().Title())
	}
}

func (m *Missing) OnMount(ctx app.Context) { browser.Mark("margin-mounted") }

func (m *Missing) Render() app.UI {
	return app.Div().Class("page page-missing").Body(
		&topBar{Back: true, dev: m.dev},
		app.Main().Class("reader").ID("main").Body(
			app.Div().Class("missing").Body(
				app.H1().Text("There is no page at this address."),
				app.P().Text("The link may be mistyped or out of date."),
				app.A().Class("button").Href("/").Text("Go to your library"),
			),
		),
	)
}
