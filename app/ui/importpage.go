package ui

import (
	"context"
	"errors"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"margin/app/browser"
	"margin/app/client"
	"margin/app/paste"
)

// importPath is the import page: the share sheet's target (the manifest's
// share_target sends title, text and url) and where the bookmarklet sends
// a page it could not post.
const importPath = "/import"

// ImportPage imports what its address carries, /import?url=…&text=…&title=…:
// the address in url, or the first one in text (phones often put it
// there), or, with no address at all, the text itself as an article. It
// shows the progress, then opens the article. With no network, or no one
// signed in, the address waits in the device's queue, which the library
// shows and imports once it can.
type ImportPage struct {
	app.Compo

	dev *Device // nil on the server

	started bool
	busy    string
	cancel  context.CancelFunc
	title   string // what the page says happened
	hint    string
	signIn  bool
}

func (p *ImportPage) OnNav(ctx app.Context) {
	ctx.Page().SetTitle("%s", pageTitle("Add an article"))
	if app.IsClient {
		browser.SetTitle(ctx.Page().Title())
	}
	if app.IsServer || p.started || p.dev == nil {
		return
	}
	p.started = true
	q := ctx.Page().URL().Query()
	u, ok := webAddress(q.Get("url"))
	if !ok {
		u, ok = findAddress(q.Get("text"))
	}
	if !ok {
		u, ok = findAddress(q.Get("title"))
	}
	if ok {
		p.importURL(ctx, u)
		return
	}
	text := strings.TrimSpace(q.Get("text"))
	if text == "" {
		p.title, p.hint = "There is nothing to add.", "Share a page’s address, or some text, with Margin."
		return
	}
	if t := strings.TrimSpace(q.Get("title")); t != "" {
		text = t + "\n\n" + text
	}
	p.saveText(ctx, text)
}

func (p *ImportPage) OnMount(ctx app.Context) { browser.Mark("margin-mounted") }

func (p *ImportPage) OnDismount() {
	if p.cancel != nil {
		p.cancel()
	}
}

// importURL imports u, or queues it when that cannot be done now.
func (p *ImportPage) importURL(ctx app.Context, u string) {
	_, signedIn := p.dev.User()
	switch {
	case !browser.Online():
		p.dev.Queue(u)
		p.title, p.hint = "Saved for later.", "You are offline: "+u+" is imported when you are back online."
		return
	case !signedIn:
		p.dev.Queue(u)
		p.title = "Sign in to add this page."
		p.hint, p.signIn = "Margin’s server fetches the page into your account: "+u+" waits on this device until you sign in.", true
		return
	}
	c, cancel := context.WithTimeout(ctx, importTimeout)
	p.busy, p.cancel = "Fetching the page…", cancel
	p.hint = u
	dev := p.dev
	ctx.Async(func() {
		s, _, err := dev.Import(c, u, false)
		cancelled := c.Err() == context.Canceled
		cancel()
		ctx.Dispatch(func(ctx app.Context) {
			p.busy, p.cancel = "", nil
			switch {
			case cancelled:
				p.title, p.hint = "Stopped.", "Nothing was added."
			case errors.Is(err, client.ErrUnreachable):
				dev.Queue(u)
				p.title, p.hint = "Saved for later.", "The server could not be reached: "+u+" is imported when you are back online."
			case err != nil:
				app.Logf("ui: %v", err)
				msg, signIn := importProblem(err)
				p.title, p.hint, p.signIn = "The page could not be added.", msg, signIn
			default:
				browser.GoTo(articleHref(s.ID))
			}
		})
	})
}

// saveText keeps shared text with no address in it as an article.
func (p *ImportPage) saveText(ctx app.Context, text string) {
	p.busy = "Saving the article…"
	dev := p.dev
	ctx.Async(func() {
		c, cancel := context.WithTimeout(ctx, loadTimeout)
		defer cancel()
		a, err := convert(c, []byte(text), paste.Detect(text), "")
		if err == nil {
			err = dev.PutArticle(c, a)
		}
		ctx.Dispatch(func(ctx app.Context) {
			p.busy = ""
			if err != nil {
				app.Logf("ui: import page: %v", err)
				p.title, p.hint = "The text could not be saved.", paste.Message(err)
				return
			}
			browser.GoTo(articleHref(a.ID))
		})
	})
}

func (p *ImportPage) stop(ctx app.Context, e app.Event) {
	if p.cancel != nil {
		p.cancel()
	}
}

func (p *ImportPage) Render() app.UI {
	return app.Div().Class("page page-import").Body(
		&topBar{Back: true, dev: p.dev},
		app.Main().Class("reader").ID("main").Body(
			app.Div().Class("missing import-page").ID("import-page").Body(
				app.If(p.busy != "" || (p.title == "" && app.IsServer), func() app.UI {
					label := p.busy
					if label == "" {
						label = "Adding the article…"
					}
					return app.Div().Body(
						app.H1().Class("import-busy-title").Body(
							app.Span().Class("import-spinner").Attr("aria-hidden", true),
							app.Span().ID("import-page-busy").Attr("role", "status").Text(label),
						),
						app.If(p.hint != "", func() app.UI { return app.P().Class("import-page-address").Text(p.hint) }),
						app.If(p.cancel != nil, func() app.UI {
							return app.Button().Class("button button-quiet").ID("import-page-cancel").Type("button").Text("Cancel").OnClick(p.stop)
						}),
					)
				}),
				app.If(p.busy == "" && p.title != "", func() app.UI {
					return app.Div().Body(
						app.H1().ID("import-page-title").Text(p.title),
						app.P().ID("import-page-hint").Text(p.hint),
						app.Div().Class("import-page-actions").Body(
							app.If(p.signIn, func() app.UI {
								return app.A().Class("button").ID("import-page-signin").Href(accountPath).Text("Sign in")
							}),
							app.A().Class("button button-quiet").Href("/").Text("Go to your library"),
						),
					)
				}),
			),
		),
	)
}
