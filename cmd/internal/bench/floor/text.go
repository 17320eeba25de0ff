package main

import "github.com/maxence-charriere/go-app/v10/pkg/app"

// The page's text, the same in the server's prerender and in the app.
const (
	heading   = "Hello from the floor"
	paragraph = "The smallest go-app app, served the way Margin is served, so Margin's figures have a reference."
)

// hello is the whole app: a heading and a paragraph. The server renders it
// too, so "/" is prerendered as Margin's pages are; only its OnMount
// (main_wasm.go) is browser code.
type hello struct{ app.Compo }

func (h *hello) Render() app.UI {
	return app.Main().Body(
		app.H1().Text(heading),
		app.P().Text(paragraph),
	)
}
