package ui

import (
	"net/url"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"margin/app/browser"
	"margin/app/library"
)

// articlePattern matches a reader address, /a/{id}, for go-app's router;
// ArticleID says the same without a regular expression.
const articlePattern = `^/a/[A-Za-z0-9_-]{1,64}$`

// Register routes Margin's pages, each reading its data from src, and the
// reader's annotations and account from dev (nil on the server, which
// prerenders pages without them). The server and the WASM call it alike:
// go-app answers 404 for paths the server has no route for.
//
// In the browser the reader and the not-found page are routed by exact
// address, each added just before go-app routes a navigation to it
// (browser.OnNavigate): go-app's routes by pattern are regular
// expressions, and compiling and first running one costs the start of a
// page, or its first navigation, tens of milliseconds of compiled
// WebAssembly.
func Register(src library.Source, dev *Device) {
	var notes Notes
	if dev != nil {
		notes = dev
	}
	reader := func() app.Composer { return &Reader{src: src, notes: notes, dev: dev} }
	missing := func() app.Composer { return &Missing{dev: dev} }
	app.Route("/", func() app.Composer { return &Library{src: src, dev: dev} })
	app.Route(highlightsPath, func() app.Composer { return &Highlights{notes: notes, dev: dev} })
	app.Route(accountPath, func() app.Composer { return &Account{dev: dev} })
	app.Route(importPath, func() app.Composer { return &ImportPage{dev: dev} })
	if app.IsServer {
		app.RouteWithRegexp(articlePattern, reader)
		// Everything else gets Margin's own not-found page; the server
		// sends it with status 404 (see Known).
		app.RouteWithRegexp(`^/`, missing)
		return
	}
	routePath := func(p string) {
		if _, ok := ArticleID(p); ok {
			app.Route(p, reader)
		} else if !Known(p) {
			app.Route(p, missing)
		}
	}
	here, err := url.Parse(browser.Href())
	if err != nil {
		here = &url.URL{Path: "/"}
	}
	routePath(here.Path)
	browser.OnNavigate(func(address string) {
		// go-app routes the path as net/url decodes it; other sites'
		// addresses are not the app's to route.
		if u, err := url.Parse(address); err == nil && u.Host == here.Host {
			routePath(u.Path)
		}
	})
}

// ArticleID returns the article id in a reader address.
func ArticleID(path string) (string, bool) {
	id, ok := strings.CutPrefix(path, "/a/")
	if !ok || id == "" || len(id) > 64 {
		return "", false
	}
	for i := 0; i < len(id); i++ {
		switch c := id[i]; {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '_', c == '-':
		default:
			return "", false
		}
	}
	return id, true
}

// Known reports whether path is one of the app's pages rather than the
// not-found page.
func Known(path string) bool {
	if path == "/" || path == highlightsPath || path == accountPath || path == importPath {
		return true
	}
	_, ok := ArticleID(path)
	return ok
}

// articleHref is the address of an article in the reader.
func articleHref(id string) string { return "/a/" + id }
