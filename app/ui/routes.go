package ui

import (
	"regexp"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"margin/app/library"
)

// articlePath matches a reader address, /a/{id}.
var articlePath = regexp.MustCompile(`^/a/([A-Za-z0-9_-]{1,64})$`)

// Register routes Margin's pages, each reading its data from src, and the
// reader's annotations and account from dev (nil on the server, which
// prerenders pages without them). The server and the WASM call it alike:
// go-app answers 404 for paths the server has no route for.
func Register(src library.Source, dev *Device) {
	var notes Notes
	if dev != nil {
		notes = dev
	}
	app.Route("/", func() app.Composer { return &Library{src: src, dev: dev} })
	app.RouteWithRegexp(articlePath.String(), func() app.Composer { return &Reader{src: src, notes: notes, dev: dev} })
	app.Route(highlightsPath, func() app.Composer { return &Highlights{notes: notes, dev: dev} })
	app.Route(accountPath, func() app.Composer { return &Account{dev: dev} })
	// Everything else gets Margin's own not-found page; the server sends it
	// with status 404 (see Known).
	app.RouteWithRegexp(`^/`, func() app.Composer { return &Missing{dev: dev} })
}

// ArticleID returns the article id in a reader address.
func ArticleID(path string) (string, bool) {
	m := articlePath.FindStringSubmatch(path)
	if m == nil {
		return "", false
	}
	return m[1], true
}

// Known reports whether path is one of the app's pages rather than the
// not-found page.
func Known(path string) bool {
	if path == "/" || path == highlightsPath || path == accountPath {
		return true
	}
	_, ok := ArticleID(path)
	return ok
}

// articleHref is the address of an article in the reader.
func articleHref(id string) string { return "/a/" + id }
