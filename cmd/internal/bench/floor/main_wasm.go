//go:build js && wasm

package main

import (
	"syscall/js"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// hello is the whole app: a heading and a paragraph.
type hello struct{ app.Compo }

func (h *hello) Render() app.UI {
	return app.Main().Body(
		app.H1().Text(heading),
		app.P().Text(paragraph),
	)
}

// OnMount puts the mark Margin's pages put, so the bench reads both apps'
// mount time the same way.
func (h *hello) OnMount(app.Context) {
	js.Global().Get("performance").Call("mark", "margin-mounted")
}

func main() {
	app.Route("/", app.NewZeroComponentFactory(&hello{}))
	app.RunWhenOnBrowser()
}
