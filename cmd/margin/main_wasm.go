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
// reading articles from the server's API and the reader's objects from
// this device's replica, which syncs with the server once signed in.
func main() {
	// Package initialization is over: benchmarks read start-up cost here.
	browser.Mark("margin-main")
	api := client.New("")
	dev := ui.NewDevice(api, openReplica, app.Logf)
	ui.Register(api, dev)
	// The first frame comes once the app has mounted: main runs to the
	// mount in one go.
	browser.AfterPaint(browser.StartWorker)
	app.RunWhenOnBrowser()
}

// openReplica opens the replica of a user ("" for the guest) in this
// browser's IndexedDB; the database opens on first use.
func openReplica(user string) *local.Store {
	if user == "" {
		return local.BrowserDB(local.GuestDB, app.Logf)
	}
	return local.BrowserDB(local.UserDB(user), app.Logf)
}
