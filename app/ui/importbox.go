package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"margin/app/article"
	"margin/app/browser"
	"margin/app/client"
	"margin/app/paste"
)

// importTimeout bounds an import by address: the server gives up on a
// page after 15 s, and the answer needs a moment more.
const importTimeout = 30 * time.Second

// The import box's element ids, for the file listeners and the tests.
const (
	importBoxID  = "import"
	importFileID = "import-file"
)

// importBox is the library's way to add an article: one field that takes
// an address (the server fetches the page) or an article's text pasted in
// (converted here, without the network), and a file, picked or dropped.
// Pasted and file articles are saved in the device's replica, so they
// work offline and for a guest and sync like everything else.
type importBox struct {
	app.Compo

	// Waiting are the addresses waiting to be imported (Device.Queued),
	// which the library imports.
	Waiting []string

	dev *Device // nil on the server

	text   string
	busy   string // what is under way, "" when nothing is
	cancel context.CancelFunc
	err    string // why the last try failed, a sentence
	// signIn offers to sign in after the error: importing a page needs
	// an account.
	signIn bool
	// had is the article an address led to that the library already
	// holds: the box offers it, or a fresh copy, instead of a second one.
	had *hadArticle
	// own is the box's own context, from its mount: work started from a
	// button the same render removes must not run under the button's,
	// which go-app ends with the button.
	own  app.Context
	stop func()
}

// hadArticle is an article the library already held for an address.
type hadArticle struct {
	url, id, title string
}

func (b *importBox) OnMount(ctx app.Context) {
	b.own = ctx
	if b.dev == nil {
		return
	}
	b.stop = browser.OnFiles("#"+importBoxID, "#"+importFileID, article.MaxInput, func(f browser.File) {
		ctx.Dispatch(func(ctx app.Context) { b.file(ctx, f) })
	})
}

func (b *importBox) OnDismount() {
	if b.stop != nil {
		b.stop()
		b.stop = nil
	}
	if b.cancel != nil {
		b.cancel()
	}
}

// submit adds what the field holds: an address is imported by the
// server, anything else is converted as pasted text.
func (b *importBox) submit(ctx app.Context, e app.Event) {
	e.PreventDefault()
	if b.busy != "" || b.dev == nil {
		return
	}
	if u, ok := webAddress(b.text); ok {
		b.importURL(ctx, u, false)
		return
	}
	src := b.text
	if strings.TrimSpace(src) == "" {
		b.err, b.signIn = "There is nothing to add yet: paste a link or an article’s text.", false
		return
	}
	b.save(ctx, []byte(src), paste.Detect(src), "")
}

// importURL has the server fetch the page at u, showing progress; a guest
// is asked to sign in, and an offline device keeps the address for later.
// Unless fresh, a page already in the library is offered, not copied.
func (b *importBox) importURL(ctx app.Context, u string, fresh bool) {
	b.err, b.signIn, b.had = "", false, nil
	if _, ok := b.dev.User(); !ok {
		if !browser.Online() {
			b.queue(u)
			return
		}
		b.err, b.signIn = "Adding a page by its address needs an account: Margin's server fetches it for you. Pasted text and files work without one.", true
		return
	}
	if !browser.Online() {
		b.queue(u)
		return
	}
	c, cancel := context.WithTimeout(ctx, importTimeout)
	b.busy, b.cancel = "Fetching the page…", cancel
	dev := b.dev
	ctx.Async(func() {
		s, existing, err := dev.Import(c, u, fresh)
		cancelled := c.Err() == context.Canceled
		cancel()
		ctx.Dispatch(func(ctx app.Context) {
			b.busy, b.cancel = "", nil
			switch {
			case cancelled:
				// The reader stopped it; nothing to say.
			case errors.Is(err, client.ErrUnreachable):
				b.queue(u)
			case err != nil:
				app.Logf("ui: %v", err)
				b.err, b.signIn = importProblem(err)
			case existing:
				b.had = &hadArticle{url: u, id: s.ID, title: s.Meta.Title}
			default:
				b.text = ""
				browser.GoTo(articleHref(s.ID))
			}
		})
	})
}

// importFresh imports the page the library already held once more, as a
// copy of its own.
func (b *importBox) importFresh(ctx app.Context, e app.Event) {
	if b.had != nil && b.busy == "" && b.dev != nil {
		b.importURL(b.own, b.had.url, true)
	}
}

// renderHad offers the article the library already holds for the address.
func (b *importBox) renderHad() app.UI {
	h := b.had
	if h == nil {
		return nil
	}
	title := h.title
	if title == "" {
		title = "This page"
	}
	return app.Div().Class("import-had").ID("import-had").Attr("role", "status").Body(
		app.Span().Text("“"+title+"” is already in your library. "),
		app.A().ID("import-open").Href(articleHref(h.id)).Text("Open it"),
		app.Text(" or "),
		app.Button().Class("link-button").ID("import-fresh").Type("button").Text("import a fresh copy").OnClick(b.importFresh),
	)
}

// importProblem is the sentence for a failed import, and whether signing
// in would help.
func importProblem(err error) (string, bool) {
	if errors.Is(err, ErrNeedsAccount) || errors.Is(err, client.ErrSignedOut) {
		return "Adding a page by its address needs an account. Sign in, then try again.", true
	}
	if e, ok := client.AsError(err); ok && e.Message != "" {
		return e.Message, false
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return "The page took too long to fetch. Try again in a moment.", false
	}
	return "The page could not be imported. Try again in a moment.", false
}

// queue keeps u to import when the device is back online.
func (b *importBox) queue(u string) {
	b.dev.Queue(u)
	b.text = ""
}

func (b *importBox) stopImport(ctx app.Context, e app.Event) {
	if b.cancel != nil {
		b.cancel()
	}
}

// file converts a picked or dropped file by its name's format.
func (b *importBox) file(ctx app.Context, f browser.File) {
	if b.busy != "" {
		return
	}
	b.err, b.signIn = "", false
	format, ok := paste.FormatOfName(f.Name)
	switch {
	case !ok:
		b.err = fmt.Sprintf("%q is not a file Margin reads. Choose an .html, .md or .txt file.", f.Name)
	case f.Size > article.MaxInput:
		b.err = fmt.Sprintf("%q is %s; Margin takes files up to %d MB.", f.Name, sizeText(f.Size), article.MaxInput>>20)
	case f.Data == nil && f.Size > 0:
		b.err = fmt.Sprintf("%q could not be read. Try choosing it again.", f.Name)
	default:
		b.save(ctx, f.Data, format, f.Name)
	}
}

// save converts src and keeps the article on the device, then opens it.
func (b *importBox) save(ctx app.Context, src []byte, f paste.Format, name string) {
	b.err, b.signIn = "", false
	b.busy = "Saving the article…"
	dev := b.dev
	ctx.Async(func() {
		c, cancel := context.WithTimeout(ctx, loadTimeout)
		defer cancel()
		a, err := convert(c, src, f, name)
		if err == nil {
			err = dev.PutArticle(c, a)
			if err != nil {
				err = fmt.Errorf("ui: save the pasted article: %w", err)
			}
		}
		ctx.Dispatch(func(ctx app.Context) {
			b.busy = ""
			var pe *paste.Error
			switch {
			case errors.As(err, &pe):
				b.err = pe.Message
			case err != nil:
				app.Logf("%v", err)
				b.err = "The article could not be saved on this device. Free some space, then try again."
			default:
				b.text = ""
				browser.GoTo(articleHref(a.ID))
			}
		})
	})
}

func (b *importBox) Render() app.UI {
	busy := b.busy != ""
	label := "Add"
	if _, isURL := webAddress(b.text); !isURL && strings.TrimSpace(b.text) != "" {
		label = "Save text"
	}
	return app.Section().Class("import").ID(importBoxID).Aria("label", "Add an article").Body(
		app.Form().Class("import-form").OnSubmit(b.submit).Body(
			app.Label().Class("import-label").For("import-text").Text("Add an article"),
			app.Div().Class("import-row").Body(
				app.Textarea().Class("import-text").ID("import-text").Name("text").Rows(1).
					Placeholder("Paste a link or an article").
					Attr("autocomplete", "off").Attr("spellcheck", false).
					Disabled(busy).Text(b.text).
					OnInput(func(ctx app.Context, e app.Event) { b.text, b.had = ctx.JSSrc().Get("value").String(), nil }).
					OnKeyDown(func(ctx app.Context, e app.Event) {
						// Enter adds an address; a paste keeps its lines.
						if e.Get("key").String() == "Enter" && !e.Get("shiftKey").Bool() {
							if _, ok := webAddress(b.text); ok {
								b.submit(ctx, e)
							}
						}
					}),
				app.Button().Class("button import-add").ID("import-add").Type("submit").Disabled(busy).Text(label),
			),
		),
		app.P().Class("import-hint").Body(
			app.Text("Or "),
			app.Label().Class("import-pick").For(importFileID).Text("choose a file"),
			app.Text(" or drop one here: .html, .md or .txt, up to 10 MB."),
			app.Input().Type("file").ID(importFileID).Class("import-file").
				Accept(strings.Join(paste.Extensions, ",")+",text/html,text/markdown,text/plain"),
		),
		app.If(busy, func() app.UI {
			return app.Div().Class("import-busy").ID("import-busy").Attr("role", "status").Attr("aria-busy", true).Body(
				app.Span().Class("import-spinner").Attr("aria-hidden", true),
				app.Span().Text(b.busy),
				app.If(b.cancel != nil, func() app.UI {
					return app.Button().Class("link-button").ID("import-cancel").Type("button").Text("Cancel").OnClick(b.stopImport)
				}),
			)
		}),
		app.If(b.err != "", func() app.UI {
			return app.Div().Class("form-error import-error").ID("import-error").Attr("role", "alert").Body(
				app.Span().Text(b.err),
				app.If(b.signIn, func() app.UI {
					return app.Span().Body(app.Text(" "), app.A().Href(accountPath).Text("Sign in"))
				}),
			)
		}),
		b.renderHad(),
		b.renderQueue(),
	)
}

// renderQueue lists the addresses waiting to be imported.
func (b *importBox) renderQueue() app.UI {
	queued := b.Waiting
	if len(queued) == 0 || b.dev == nil {
		return nil
	}
	n, it := "1 link waits", "it"
	if len(queued) > 1 {
		n, it = fmt.Sprintf("%d links wait", len(queued)), "them"
	}
	why := "Margin imports " + it + " when you are back online."
	if _, ok := b.dev.User(); !ok {
		why = "Sign in to import " + it + ": Margin’s server fetches each page."
	}
	return app.Div().Class("import-queue").ID("import-queue").Attr("role", "status").Body(
		app.P().Class("import-queue-title").Text(n+" to be imported. "+why),
		app.Ul().Body(app.Range(queued).Slice(func(i int) app.UI {
			return app.Li().Text(queued[i])
		})),
	)
}

// sizeText writes n bytes for a person, rounded up.
func sizeText(n int) string {
	if n < 1<<20 {
		return fmt.Sprintf("%d KB", (n+1023)>>10)
	}
	return fmt.Sprintf("%.1f MB", float64((n*10+(1<<20)-1)>>20)/10)
}
