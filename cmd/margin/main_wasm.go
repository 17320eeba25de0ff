//go:build js && wasm

package main

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"margin/app/browser"
	"margin/app/client"
	"margin/app/local"
	"margin/app/ui"
)

// main starts the app in the browser: the same pages as the server's,
// reading articles from the server's API and annotations from the device.
func main() {
	// Package initialization is over: benchmarks read start-up cost here.
	browser.Mark("margin-main")
	ui.Register(client.New(""), local.Browser(app.Logf))
	app.RunWhenOnBrowser()
}
