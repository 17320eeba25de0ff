package ui

import (
	"context"
	"errors"
	"html"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"margin/app/article"
	"margin/app/browser"
	"margin/app/client"
	"margin/app/library"
)

// articleSel finds the reader's article element in the document.
const articleSel = "article.reader-article"

// Reader shows one article at /a/{id}.
type Reader struct {
	app.Compo

	src library.Source
	// at overrides the page address; tests set it.
	at string

	path   string
	status status
	err    error
	art    *article.Article
	head   string   // the article header's HTML
	blocks []string // each top-level block's HTML, built once per article

	stopTracking func()
}

func (r *Reader) OnInit() {
	path := r.at
	if path == "" {
		path = browser.Path()
	}
	if d, ok := embedded(path); ok && d.Article != nil {
		r.path = path
		r.show(d.Article)
	}
}

func (r *Reader) OnPreRender(ctx app.Context) { r.load(ctx) }

func (r *Reader) OnNav(ctx app.Context) { r.load(ctx) }

func (r *Reader) OnMount(ctx app.Context) {
	browser.Mark("margin-mounted")
	ctx.Defer(func(ctx app.Context) {
		browser.MarkAfterPaint("margin-painted")
		r.arrive(true)
	})
}

func (r *Reader) OnDismount() {
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
	r.path, r.status, r.art, r.head, r.blocks = path, loading, nil, "", nil
	fetch := func() (*article.Article, error) {
		c, cancel := context.WithTimeout(ctx, loadTimeout)
		defer cancel()
		return r.src.Article(c, id)
	}
	if app.IsServer {
		r.settle(ctx, path)(fetch())
		return
	}
	ctx.Async(func() {
		a, err := fetch()
		ctx.Dispatch(func(ctx app.Context) {
			r.settle(ctx, path)(a, err)
			ctx.Defer(func(ctx app.Context) { r.arrive(false) })
		})
	})
}

// settle records the outcome of loading path, unless the reader has moved
// on to another article meanwhile.
func (r *Reader) settle(ctx app.Context, path string) func(*article.Article, error) {
	return func(a *article.Article, err error) {
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
}

// show takes a as the article to display and renders its HTML once.
func (r *Reader) show(a *article.Article) {
	r.art, r.status, r.err = a, loaded, nil
	r.head = headHTML(a)
	r.blocks = make([]string, len(a.Blocks))
	for i := range a.Blocks {
		r.blocks[i] = a.BlockHTML(i)
	}
}

// describe sets the page's title, description and preview image.
func (r *Reader) describe(ctx app.Context) {
	page := ctx.Page()
	switch r.status {
	case loaded:
		m := r.art.Meta
		page.SetTitle("%s", pageTitle(m.Title))
		page.SetDescription("%s", m.Excerpt)
		if m.Lang != "" {
			page.SetLang(m.Lang)
		}
		if m.Image != "" {
			page.SetImage(m.Image)
		}
	case notFound:
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
func (r *Reader) arrive(pageLoad bool) {
	if r.status != loaded || !r.Mounted() {
		return
	}
	if r.stopTracking != nil {
		r.stopTracking()
	}
	switch {
	case pageLoad && browser.ScrollY() > 0:
	case browser.RestorePosition(r.art.ID, articleSel):
	case !pageLoad:
		browser.ScrollToTop()
	}
	r.stopTracking = browser.TrackReading(r.art.ID, articleSel)
	browser.MarkAfterPaint("margin-article-painted")
}

func (r *Reader) retry(ctx app.Context, e app.Event) {
	r.path = ""
	r.load(ctx)
}

func (r *Reader) Render() app.UI {
	return app.Div().Class("page page-reader").Body(
		&topBar{Back: true},
		app.Div().Class("progress").Aria("hidden", true).Body(app.Div().Class("progress-bar")),
		app.Main().Class("reader").ID("main").Body(r.renderContent()),
		app.If(r.status == loaded, func() app.UI {
			return dataScript(pageData{Path: r.path, Article: r.art})
		}),
	)
}

func (r *Reader) renderContent() app.UI {
	switch r.status {
	case loaded:
		if app.IsServer {
			// go-app's encoder indents nested elements, which would put
			// white space into the article's text that the browser's
			// tree does not have; one raw string keeps both identical.
			return app.Raw(r.articleHTML())
		}
		article := app.Article().Class("reader-article")
		if lang := r.art.Meta.Lang; lang != "" {
			article = article.Lang(lang)
		}
		return article.Body(
			app.Raw(r.head),
			app.Div().Class("article-body").Body(
				// One raw node per block: go-app compares each with the
				// previous render and replaces only those whose HTML
				// changed, so an edit redraws just the blocks it touches.
				app.Range(r.blocks).Slice(func(i int) app.UI { return app.Raw(r.blocks[i]) }),
			),
		)
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
		return app.P().Class("loading").Aria("busy", true).Text("Opening the article…")
	}
}

// articleHTML is the article element as the browser's render builds it.
func (r *Reader) articleHTML() string {
	var b strings.Builder
	b.WriteString(`<article class="reader-article"`)
	if lang := r.art.Meta.Lang; lang != "" {
		b.WriteString(` lang="` + html.EscapeString(lang) + `"`)
	}
	b.WriteString(`>`)
	b.WriteString(r.head)
	b.WriteString(`<div class="article-body">`)
	for _, block := range r.blocks {
		b.WriteString(block)
	}
	b.WriteString(`</div></article>`)
	return b.String()
}

// headHTML writes the article's header. It is raw HTML rather than go-app
// elements so that the prerendered text and the browser's are identical.
func headHTML(a *article.Article) string {
	m := a.Meta
	var b strings.Builder
	b.WriteString(`<header class="article-head">`)
	if line := byline(m); line != "" {
		b.WriteString(`<p class="article-kicker">`)
		b.WriteString(html.EscapeString(line))
		b.WriteString(`</p>`)
	}
	title := m.Title
	if title == "" {
		title = "Untitled article"
	}
	b.WriteString(`<h1 class="article-title">`)
	b.WriteString(html.EscapeString(title))
	b.WriteString(`</h1>`)
	if m.Byline != "" {
		b.WriteString(`<p class="article-byline">`)
		b.WriteString(html.EscapeString(m.Byline))
		b.WriteString(`</p>`)
	}
	if src, ok := article.SafeURL(m.URL, "", false); ok {
		b.WriteString(`<p class="article-source"><a href="`)
		b.WriteString(html.EscapeString(src))
		b.WriteString(`" rel="noopener noreferrer" target="_blank">Original article</a></p>`)
	}
	b.WriteString(`</header>`)
	return b.String()
}
