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
