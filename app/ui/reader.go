package ui

import (
	"context"
	"errors"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"margin/app/article"
	"margin/app/browser"
	"margin/app/client"
	"margin/app/library"
)

// articleSel finds the reader's article element in the document.
const articleSel = "article.reader-article"

// htmlSource is a source that can also send an article as the HTML of its
// article element (see ArticleHTML). The browser paints that first: the
// browser parses it in one go, while decoding the model takes longer.
type htmlSource interface {
	ArticleHTML(ctx context.Context, id string) (string, error)
}

// Reader shows one article at /a/{id}.
//
// In the browser an article is first painted from one piece of HTML: the
// prerendered article element when the app starts on a reader page, or
// the HTML the API sends when an article is opened inside the app. After
// that paint the article's model is fetched, and from then on every block
// renders on its own, so a change redraws only the blocks it touches. The
// prerendered page does not carry the model: it would double the page's
// weight before the first paint for data needed only after it.
type Reader struct {
	app.Compo

	src   library.Source
	notes Notes   // nil on the server, which prerenders no annotations
	dev   *Device // the same, with the account; nil on the server
	// at overrides the page address; tests set it.
	at string

	path   string
	id     string
	status status
	err    error
	art    *article.Article // nil while the article is shown as one piece
	blocks []string         // each top-level block's HTML, built once per article

	whole string // the article element as one piece of HTML, shown until the model is ready
	// lazy is set when the article's elements were made in the app, not
	// prerendered: then blocks out of view wait to be laid out (see
	// .lazy-blocks in margin.css). A prerendered article is not: the app
	// replaces its elements when it starts, and blocks the reader had
	// scrolled past would fall back to their stand-in height.
	lazy bool

	stopTracking func()
	stopMargin   func()
	// mountCtx is the reader's own context: work deferred through it runs
	// even when the element whose event started it (a toolbar button)
	// is gone by then, which go-app's event contexts do not.
	mountCtx app.Context

	ann       annotations
	knownTags []string // tags used on every article, for suggestions
	hashDone  bool     // the #h= mark in the address was shown
}

func (r *Reader) OnInit() {
	path := r.at
	if path == "" {
		path = browser.Path()
	}
	id, ok := ArticleID(path)
	if !ok {
		return
	}
	// The id is letters, digits, - and _ only: safe in a selector.
	if el := browser.OuterHTML(articleSel + `[data-id="` + id + `"]`); el != "" {
		r.path, r.id, r.status, r.whole = path, id, loaded, el
	}
}

func (r *Reader) OnPreRender(ctx app.Context) { r.load(ctx) }

func (r *Reader) OnNav(ctx app.Context) { r.load(ctx) }

func (r *Reader) OnMount(ctx app.Context) {
	browser.Mark("margin-mounted")
	r.mountCtx = ctx
	ctx.Handle(panelAction, r.togglePanel)
	ctx.Handle(marginAction, r.toggleMargin)
	r.startAnnotating(ctx)
	r.loadAnnotations(ctx)
	ctx.Defer(func(ctx app.Context) {
		browser.MarkAfterPaint("margin-painted")
		r.arrive(ctx, true)
	})
}

func (r *Reader) OnDismount() {
	r.stopAnnotating()
	if r.stopMargin != nil {
		r.stopMargin()
		r.stopMargin = nil
	}
	if r.stopTracking != nil {
		r.stopTracking()
		r.stopTracking = nil
	}
}

func (r *Reader) Render() app.UI {
	page := "page page-reader"
	if r.ann.panel {
		page += " with-panel"
	}
	if r.inMargin() {
		page += " notes-in-margin"
	}
	main := "reader"
	if r.lazy {
		main += " lazy-blocks"
	}
	return app.Div().Class(page).Body(
		&topBar{Back: true, Panel: r.notes != nil, Count: len(r.ann.list), dev: r.dev},
		app.Div().Class("progress").Attr("aria-hidden", true).Body(app.Div().Class("progress-bar")),
		app.Main().Class(main).ID("main").Body(r.renderContent()),
		r.renderMargin(),
		app.If(r.ann.edit != "" && !r.ann.room.OK, func() app.UI {
			if p := r.ann.byID[r.ann.edit]; p != nil {
				return r.renderEditor(p, true)
			}
			return nil
		}),
		app.If(r.ann.sheet != "" && r.ann.edit == "", r.renderSheet),
		app.If(r.ann.selOn && r.ann.pop == "", r.renderToolbar),
		app.If(r.ann.pop != "", r.renderPopover),
		app.If(r.ann.panel, r.renderPanel),
		app.If(r.ann.toast != "" || r.ann.warn != "", r.renderToast),
	)
}

// renderToast is the message line at the bottom: a short notice, maybe
// with an undo, and any lasting warning.
func (r *Reader) renderToast() app.UI {
	return app.Div().Class("toasts").Attr("role", "status").Attr("aria-live", "polite").Body(
		app.If(r.ann.warn != "", func() app.UI {
			return app.Div().Class("toast warn").ID("warn").Text(r.ann.warn)
		}),
		app.If(r.ann.toast != "", func() app.UI {
			return app.Div().Class("toast").ID("toast").Body(
				app.Span().Text(r.ann.toast),
				app.If(len(r.ann.undo) > 0, func() app.UI {
					return app.Button().Class("link-button").ID("undo").Text("Undo").OnClick(r.restore)
				}),
			)
		}),
	)
}

func (r *Reader) renderContent() app.UI {
	switch r.status {
	case loaded:
		// One raw string, also on the server: go-app's encoder would
		// indent nested elements, putting white space into the article's
		// text that the browser's tree does not have. go-app leaves the
		// article's tree alone while the string stays the same, so the
		// blocks drawn again inside it (drawBlocks) stay as drawn.
		return app.Raw(r.whole)
	case notFound:
		return app.Div().Class("missing").Body(
			app.H1().Text("This article is not in your library."),
			app.P().Text("It may have been removed, or the link is incomplete."),
			app.A().Class("button").Href("/").Text("Go to your library"),
		)
	case failed:
		msg := "This article could not be loaded."
		hint := "Something went wrong on the server. Try again in a moment."
		if errors.Is(r.err, client.ErrUnreachable) {
			msg = "You are offline, and this article is not saved on this device yet."
			hint = "It opens as soon as you are back online."
		}
		return app.Div().Class("missing").Body(
			app.H1().Text(msg),
			app.P().Text(hint),
			app.Button().Class("button").OnClick(r.retry).Text("Try again"),
		)
	default:
		return app.P().Class("loading").Attr("aria-busy", true).Text("Opening the article…")
	}
}
