package ui

import (
	"context"
	"errors"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"margin/app/browser"
	"margin/app/client"
	"margin/app/library"
	"margin/app/local"
)

// loadTimeout bounds how long a page waits for its data.
const loadTimeout = 20 * time.Second

// Library is the home page: every article with its site, date, reading
// time and the start of its text.
type Library struct {
	app.Compo

	src    library.Source
	dev    *Device // nil on the server
	status status
	items  []library.Summary // the server's list
	// kept are the articles this device keeps, which the list shows
	// beside the server's (see mergeLibrary); read once the page is
	// mounted, as the server cannot know them.
	kept    []local.Kept
	stopNet func()
	retries int // of importing the waiting links, since the page opened
}

func (l *Library) OnInit() {
	if raw, ok := embeddedJSON("/"); ok {
		d, err := decodeData(raw)
		if err != nil {
			app.Logf("%v", err)
			return
		}
		l.items, l.status = d.Summaries, loaded
	}
}

func (l *Library) OnPreRender(ctx app.Context) { l.load(ctx) }

func (l *Library) OnNav(ctx app.Context) {
	ctx.Page().SetTitle("%s", "Library · Margin")
	ctx.Page().SetDescription("%s", "Your articles, ready to read and mark up.")
	l.load(ctx)
}

func (l *Library) OnMount(ctx app.Context) {
	browser.Mark("margin-mounted")
	browser.MarkAfterPaint("margin-painted")
	l.loadKept(ctx)
	l.importQueued(ctx)
	l.stopNet = browser.OnOnline(func(online bool) {
		if online {
			ctx.Dispatch(l.importQueued)
		}
	})
}

func (l *Library) OnDismount() {
	if l.stopNet != nil {
		l.stopNet()
		l.stopNet = nil
	}
}

// waiting returns the addresses waiting to be imported, for the import
// box: passed down, so the box draws again when they change.
func (l *Library) waiting() []string {
	if l.dev == nil {
		return nil
	}
	return l.dev.Queued()
}

// loadKept reads the articles kept on this device into the list.
func (l *Library) loadKept(ctx app.Context) {
	if l.dev == nil {
		return
	}
	dev := l.dev
	ctx.Async(func() {
		c, cancel := context.WithTimeout(ctx, loadTimeout)
		defer cancel()
		kept, err := dev.Kept(c)
		if err != nil {
			app.Logf("ui: library: the articles on this device: %v", err)
			return
		}
		ctx.Dispatch(func(app.Context) { l.kept = kept })
	})
}

// importQueued imports the addresses kept while offline, then shows the
// list again with them.
func (l *Library) importQueued(ctx app.Context) {
	if l.dev == nil || len(l.dev.Queued()) == 0 || !browser.Online() {
		return
	}
	dev := l.dev
	ctx.Async(func() {
		c, cancel := context.WithTimeout(ctx, 4*importTimeout)
		defer cancel()
		n, err := dev.ImportQueued(c)
		if errors.Is(err, client.ErrUnreachable) {
			// Just back online, the network may not carry requests yet.
			ctx.Dispatch(func(ctx app.Context) {
				if l.retries < 5 {
					l.retries++
					ctx.After(time.Duration(l.retries)*2*time.Second, l.importQueued)
				}
			})
		} else if err != nil {
			app.Logf("ui: library: importing the waiting links: %v", err)
		}
		if n == 0 {
			ctx.Dispatch(func(app.Context) {}) // the box shows the queue as it is now
			return
		}
		ctx.Dispatch(func(ctx app.Context) {
			l.status = neverLoaded
			l.load(ctx)
		})
	})
}

// load reads the summaries once: directly on the server, which waits for
// it before writing the page; in a goroutine in the browser.
func (l *Library) load(ctx app.Context) {
	if l.status == loaded || l.status == loading {
		return
	}
	l.status = loading
	fetch := func() ([]library.Summary, error) {
		var base context.Context = ctx
		if app.IsServer {
			// The server's own address for the page may name whose
			// library it is drawn from (library.ScopeParam).
			base = library.WithScope(ctx, ctx.Page().URL())
		}
		c, cancel := context.WithTimeout(base, loadTimeout)
		defer cancel()
		return l.src.Summaries(c)
	}
	if app.IsServer {
		l.items, l.status = l.settle(fetch())
		return
	}
	ctx.Async(func() {
		items, err := fetch()
		ctx.Dispatch(func(ctx app.Context) { l.items, l.status = l.settle(items, err) })
	})
}

func (l *Library) settle(items []library.Summary, err error) ([]library.Summary, status) {
	if err != nil {
		if !errors.Is(err, client.ErrUnreachable) {
			// Offline is no error: the list shows what the device keeps.
			app.Logf("ui: library: %v", err)
		}
		return nil, failed
	}
	return items, loaded
}

func (l *Library) Render() app.UI {
	return app.Div().Class("page page-library").Body(
		&topBar{dev: l.dev},
		app.Main().Class("library").ID("main").Body(
			app.H1().Class("library-title").Text("Library"),
			&importBox{dev: l.dev, Waiting: l.waiting()},
			l.renderList(),
		),
		app.If(l.status == loaded, func() app.UI {
			return dataScript(pageData{Path: "/", Summaries: l.items})
		}),
	)
}

func (l *Library) renderList() app.UI {
	var items []library.Summary
	if l.status == loaded || l.status == failed {
		items = mergeLibrary(l.items, l.kept)
	}
	switch {
	case l.status == failed && len(items) == 0:
		return notice("The library could not be loaded.",
			"Check your connection; it loads again when you come back to this page.")
	case l.status == loaded && len(items) == 0:
		return notice("Your library is empty.", "Articles you add show up here.")
	case l.status == loaded || l.status == failed:
		return app.Div().Body(
			app.If(l.status == failed, func() app.UI {
				return app.P().Class("library-offline").ID("library-offline").
					Text("The server could not be reached: these are the articles saved on this device.")
			}),
			app.Ol().Class("cards").Body(
				app.Range(items).Slice(func(i int) app.UI { return card(items[i]) }),
			),
		)
	default:
		return app.P().Class("loading").Attr("aria-busy", true).Text("Loading your library…")
	}
}

// card is one article in the library list.
func card(s library.Summary) app.UI {
	title := s.Meta.Title
	if title == "" {
		title = "Untitled article"
	}
	return app.Li().Class("card").Body(
		app.A().Class("card-link").Href(articleHref(s.ID)).Body(
			app.P().Class("card-meta").Text(byline(s.Meta)),
			app.H2().Class("card-title").Text(title),
			app.If(s.Meta.Excerpt != "", func() app.UI {
				return app.P().Class("card-excerpt").Text(s.Meta.Excerpt)
			}),
		),
	)
}

// notice is a short message in place of content, with what to do next.
func notice(title, hint string) app.UI {
	return app.Div().Class("notice").Body(
		app.P().Class("notice-title").Text(title),
		app.P().Class("notice-hint").Text(hint),
	)
}
