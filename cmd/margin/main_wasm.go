//go:build js && wasm

package main

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"margin/app/client"
	"margin/app/ui"
)

// main starts the app in the browser: the same pages as the server's,
// reading their data from the server's API.
func main() {
	ui.Register(client.New(""))
	app.RunWhenOnBrowser()
}
