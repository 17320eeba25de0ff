package ui

import (
	"context"
	"errors"
	"strings"

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

// load fetches the article at the page's address unless it is already
// shown or on its way.
func (r *Reader) load(ctx app.Context) {
	path := r.at
	if path == "" {
		path = ctx.Page().URL().Path
	}
	if path == r.path && r.status != failed {
		r.describe(ctx)
		return
	}
	id, ok := ArticleID(path)
	if !ok {
		return
	}
	r.path, r.id, r.status, r.err = path, id, loading, nil
	r.art, r.blocks, r.whole, r.lazy = nil, nil, "", false
	r.resetAnnotations()
	r.hashDone = false
	if r.Mounted() {
		r.loadAnnotations(ctx)
	}
	if app.IsServer {
		// The server's own address for the page may name whose library
		// it is drawn from (library.ScopeParam).
		a, err := r.fetch(library.WithScope(ctx, ctx.Page().URL()), id)
		r.settle(ctx, path, a, err)
		return
	}
	ctx.Async(func() {
		if a, ok := r.madeHere(ctx, id); ok {
			ctx.Dispatch(func(ctx app.Context) {
				r.settle(ctx, path, a, nil)
				ctx.Defer(func(ctx app.Context) { r.arrive(ctx, false) })
			})
			return
		}
		if hs, ok := r.src.(htmlSource); ok {
			c, cancel := context.WithTimeout(ctx, loadTimeout)
			h, err := hs.ArticleHTML(c, id)
			cancel()
			ctx.Dispatch(func(ctx app.Context) { r.paint(ctx, path, h, err) })
			return
		}
		a, err := r.fetch(ctx, id)
		ctx.Dispatch(func(ctx app.Context) {
			r.settle(ctx, path, a, err)
			ctx.Defer(func(ctx app.Context) { r.arrive(ctx, false) })
		})
	})
}

// fetch gets the article's model from the library, or, when the network
// fails or the server has no such article, from the copy kept on this
// device: an article made here (pasted, or from a file) is on the server
// only once it has synced, and never for a guest.
func (r *Reader) fetch(ctx context.Context, id string) (*article.Article, error) {
	c, cancel := context.WithTimeout(ctx, loadTimeout)
	defer cancel()
	a, err := r.src.Article(c, id)
	if err != nil && r.notes != nil && keptMayHave(err) {
		if kept, kerr := r.notes.Article(c, id); kerr == nil {
			return kept, nil
		}
	}
	return a, err
}

// madeHere returns the copy on this device of an article pasted or
// opened from a file (its id starts with "p"), on this device or on
// another that synced it here: that copy is the article itself, and the
// server, asked first, would answer 404 until it syncs.
func (r *Reader) madeHere(ctx context.Context, id string) (*article.Article, bool) {
	if r.notes == nil || !strings.HasPrefix(id, "p") {
		return nil, false
	}
	c, cancel := context.WithTimeout(ctx, loadTimeout)
	defer cancel()
	a, err := r.notes.Article(c, id)
	return a, err == nil
}

// keptMayHave reports whether the copy kept on this device may stand in
// for the server's answer err.
func keptMayHave(err error) bool {
	return errors.Is(err, client.ErrUnreachable) || errors.Is(err, library.ErrNotFound)
}

// paint shows the article at path from its HTML, or the error that kept it.
func (r *Reader) paint(ctx app.Context, path, h string, err error) {
	if path != r.path {
		return // the reader moved on
	}
	if err != nil {
		if r.notes != nil && keptMayHave(err) {
			// Offline, or an article made here: the copy kept on this
			// device, if there is one.
			id := r.id
			ctx.Async(func() {
				a, err := r.fetch(ctx, id)
				ctx.Dispatch(func(ctx app.Context) {
					r.settle(ctx, path, a, err)
					ctx.Defer(func(ctx app.Context) { r.arrive(ctx, false) })
				})
			})
			return
		}
		r.settle(ctx, path, nil, err)
		return
	}
	r.status, r.whole, r.lazy = loaded, h, true
	ctx.Defer(func(ctx app.Context) { r.arrive(ctx, false) })
}

// settle records the outcome of loading the model of the article at path,
// unless the reader has moved on to another article meanwhile.
func (r *Reader) settle(ctx app.Context, path string, a *article.Article, err error) {
	if path != r.path {
		return
	}
	switch {
	case errors.Is(err, library.ErrNotFound):
		r.status, r.err = notFound, err
	case err != nil:
		app.Logf("ui: reader %s: %v", path, err)
		r.status, r.err = failed, err
	default:
		r.show(a)
	}
	r.describe(ctx)
}

// show takes a as the article to display. The article stays on the page
// as the piece of HTML it was painted from, which is also what a renders
// to; from now on each block is drawn again on its own when its marks
// change (drawBlocks), without go-app rendering the article again.
func (r *Reader) show(a *article.Article) {
	r.art, r.status, r.err = a, loaded, nil
	r.blocks = make([]string, len(a.Blocks))
	for i := range a.Blocks {
		r.blocks[i] = a.BlockHTML(i)
	}
	r.modelReady()
	if r.whole == "" {
		r.whole, r.lazy = articleHTML(a, r.blocks), app.IsClient
	}
}

// describe sets the page's title, description and preview image.
func (r *Reader) describe(ctx app.Context) {
	page := ctx.Page()
	switch {
	case r.status == loaded && r.art == nil:
		return // painted from HTML; described once the model is there
	case r.status == loaded:
		m := r.art.Meta
		page.SetTitle("%s", pageTitle(m.Title))
		page.SetDescription("%s", m.Excerpt)
		if m.Lang != "" {
			page.SetLang(m.Lang)
		}
		if m.Image != "" {
			page.SetImage(m.Image)
		}
	case r.status == notFound:
		page.SetTitle("%s", pageTitle("Article not found"))
	}
	if app.IsClient {
		browser.SetTitle(page.Title())
	}
}

// arrive runs in the browser once an article is on screen: back to where
// the reader left it, then follow the reading. On the page's first load
// (pageLoad) the prerendered article may already have been scrolled, by
// the reader or by the browser restoring a reload; that is left alone.
// An article shown from HTML gets its model after this paint.
func (r *Reader) arrive(ctx app.Context, pageLoad bool) {
	if r.status != loaded || !r.Mounted() {
		return
	}
	if r.stopTracking != nil {
		r.stopTracking()
	}
	switch {
	case pageLoad && browser.ScrollY() > 0:
	case browser.RestorePosition(r.id, articleSel):
	case !pageLoad:
		browser.ScrollToTop()
	}
	if r.notes != nil {
		r.startMargin(ctx)
	}
	record, flush := positionRecorder(r.dev, r.id)
	stop := browser.TrackReading(r.id, articleSel, record)
	r.stopTracking = func() {
		stop()
		flush()
	}
	browser.MarkAfterPaint("margin-article-painted")
	if r.knownTags == nil {
		// Only for suggestions: read once the article is on screen.
		browser.AfterPaint(func() { r.loadKnownTags(ctx) })
	}
	if r.art == nil {
		path, id := r.path, r.id
		browser.AfterPaint(func() {
			a, err := r.fetch(ctx, id)
			ctx.Dispatch(func(ctx app.Context) { r.ready(ctx, path, a, err) })
		})
	}
}

// ready replaces the article shown as one piece by its model's blocks.
// Failing that, the article stays as it is shown: readable, if not yet
// ready for anything more.
func (r *Reader) ready(ctx app.Context, path string, a *article.Article, err error) {
	if path != r.path || r.art != nil {
		return
	}
	if err != nil {
		app.Logf("ui: reader %s: the article's model is unavailable: %v", path, err)
		return
	}
	r.show(a)
	r.describe(ctx)
	browser.Mark("margin-article-ready")
	r.keep(ctx, a)
}

// keep stores a copy of the article on the device, so that it opens, and
// its highlights show, without the network.
func (r *Reader) keep(ctx app.Context, a *article.Article) {
	if r.notes == nil {
		return
	}
	browser.AfterPaint(func() {
		c, cancel := context.WithTimeout(ctx, loadTimeout)
		defer cancel()
		if err := r.notes.PutArticle(c, a); err != nil {
			app.Logf("ui: keeping a copy of article %s: %v", a.ID, err)
		}
	})
}

// loadKnownTags reads the tags used on every article, for suggestions.
func (r *Reader) loadKnownTags(ctx app.Context) {
	if r.notes == nil {
		return
	}
	ctx.Async(func() {
		c, cancel := context.WithTimeout(ctx, loadTimeout)
		defer cancel()
		all, err := r.notes.AllAnnotations(c)
		if err != nil {
			return
		}
		var tags []string
		for _, a := range all {
			tags = addTags(tags, a.Tags...)
		}
		if tags == nil {
			tags = []string{} // read, and there are none
		}
		ctx.Dispatch(func(app.Context) { r.knownTags = tags })
	})
}

func (r *Reader) retry(ctx app.Context, e app.Event) {
	r.path = ""
	r.load(ctx)
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
