//go:build js && wasm

package main

import (
	"syscall/js"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// OnMount puts the mark Margin's pages put, so the bench reads both apps'
// mount time the same way.
func (h *hello) OnMount(app.Context) {
	js.Global().Get("performance").Call("mark", "margin-mounted")
}

func main() {
	js.Global().Get("performance").Call("mark", "margin-main")
	app.Route("/", app.NewZeroComponentFactory(&hello{}))
	app.RunWhenOnBrowser()
}
