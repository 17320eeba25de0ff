package ui

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"margin/app/bookmarklet"
	"margin/app/browser"
	"margin/app/client"
)

// defaultTokenName names a token made with the name left empty.
const defaultTokenName = "Bookmarklet"

// tokenSection is the account page's "Save to Margin" section: making
// the bookmarklet, whose API token's secret is shown once, and the list
// of the account's tokens, each of which can be revoked.
type tokenSection struct {
	app.Compo

	dev *Device // nil on the server
	// mounted is the section's own context, through which answers come
	// back (see Account.mounted).
	mounted app.Context

	loaded bool // the list has come
	tokens []client.Token
	now    time.Time // when the list came, for "3 minutes ago"

	name    string      // typed in the form
	fresh   *freshToken // the token just made, shown until dismissed
	copied  string      // what was copied last: "secret" or "bookmarklet"
	confirm string      // the token whose revocation is being confirmed
	busy    string      // "create", "list" or the id of a token being revoked
	err     string      // the last problem, a sentence
	errFor  string      // "create", "list" or a token's id
	clicked bool        // the bookmarklet was clicked here, where it does nothing
}

// freshToken is a token just made, with its secret and its bookmarklet.
type freshToken struct {
	token       client.Token
	secret      string
	bookmarklet string // the javascript: address
}

func (s *tokenSection) OnMount(ctx app.Context) {
	s.mounted = ctx
	s.load()
}

// load fetches the list of tokens.
func (s *tokenSection) load() {
	if s.dev == nil {
		return
	}
	s.busy = "list"
	s.run("list", func(c context.Context, dev *Device) (func(), error) {
		list, err := dev.Tokens(c)
		return func() {
			s.tokens, s.loaded, s.now = list, true, time.Now()
		}, err
	})
}

// run calls f off the UI goroutine and applies its result, or shows its
// error under what, back on the section.
func (s *tokenSection) run(what string, f func(c context.Context, dev *Device) (func(), error)) {
	ctx, dev := s.mounted, s.dev
	s.err, s.errFor = "", ""
	ctx.Async(func() {
		c, cancel := context.WithTimeout(ctx, loadTimeout)
		defer cancel()
		apply, err := f(c, dev)
		ctx.Dispatch(func(app.Context) {
			s.busy = ""
			if err != nil {
				s.err, s.errFor = accountError("tokens", err), what
				return
			}
			apply()
		})
	})
}

func (s *tokenSection) Render() app.UI {
	return app.Section().Class("account-section tokens").ID("save-to-margin").Attr("aria-labelledby", "tokens-title").Body(
		app.H2().ID("tokens-title").Text("Save to Margin"),
		app.P().Class("section-hint").Text("The Save to Margin bookmarklet adds the page you are reading to your library as you see it, pages you are signed in to included. "+
			"Each bookmarklet has a token of its own, which can only import; make one for each browser you read in."),
		app.If(s.fresh == nil, s.renderCreate).Else(s.renderFresh),
		app.H3().Class("tokens-subtitle").Text("Your tokens"),
		s.renderList(),
	)
}

// renderCreate is the form that makes a bookmarklet.
func (s *tokenSection) renderCreate() app.UI {
	return app.Form().Class("account-form token-form").ID("token-form").Attr("novalidate", true).OnSubmit(s.create).Body(
		field("token-name", "A name to tell it by", app.Input().Type("text").ID("token-name").
			Attr("maxlength", 100).Attr("autocomplete", "off").Attr("placeholder", "Laptop, Firefox").
			Value(s.name).OnInput(s.ValueTo(&s.name))),
		s.renderError("create"),
		app.Button().Class("button").ID("token-create").Type("submit").Disabled(s.busy == "create").
			Text(busyLabel(s.busy == "create", "Make a bookmarklet", "Making it…")),
	)
}

// renderFresh shows the token just made: its secret, once, and the
// bookmarklet with the ways to keep it.
func (s *tokenSection) renderFresh() app.UI {
	f := s.fresh
	return app.Div().Class("token-fresh").ID("token-fresh").Body(
		app.P().Class("token-fresh-title").Attr("role", "status").Body(
			app.Text("Your bookmarklet "), app.Strong().Text("“"+f.token.Name+"”"), app.Text(" is ready."),
		),
		app.Div().Class("bookmarklet-row").Body(
			app.A().Class("bookmarklet").ID("bookmarklet").Href("%s", f.bookmarklet).Attr("draggable", "true").
				Title("Drag me to your bookmarks bar").OnClick(s.clickBookmarklet).Body(
				app.Raw(`<svg class="icon" viewBox="0 0 24 24" aria-hidden="true"><path d="M7 3h10a1 1 0 0 1 1 1v17l-6-4-6 4V4a1 1 0 0 1 1-1z" fill="currentColor"/></svg>`),
				app.Span().Text("Save to Margin"),
			),
			app.Button().Class("button quiet").ID("bookmarklet-copy").Type("button").OnClick(s.copy("bookmarklet", f.bookmarklet)).
				Text(copyLabel(s.copied == "bookmarklet", "Copy the bookmarklet")),
		),
		app.If(s.clicked, func() app.UI {
			return app.P().Class("field-hint bookmarklet-clicked").Attr("role", "status").
				Text("Clicking it here does nothing: drag it to your bookmarks bar, then click it on a page you want to keep.")
		}),
		app.Div().Class("token-howto").Body(
			app.H3().Text("On a computer"),
			app.Ol().Body(
				app.Li().Text("Show the bookmarks bar: Ctrl+Shift+B, or ⌘+Shift+B on a Mac."),
				app.Li().Text("Drag the Save to Margin button onto it."),
				app.Li().Text("On a page you want to keep, click it in the bar."),
			),
			app.H3().Text("On a phone or tablet"),
			app.Ol().Body(
				app.Li().Text("Tap Copy the bookmarklet."),
				app.Li().Text("Bookmark this page, then edit the bookmark: name it Save to Margin and replace its address with what you copied."),
				app.Li().Text("On a page you want to keep, open your bookmarks and tap it. In Chrome, type Save to Margin in the address bar and pick the bookmark."),
			),
		),
		app.Div().Class("token-secret-box").Body(
			app.P().Class("field-hint").ID("token-secret-hint").Text("For scripts, the token itself, shown only this once:"),
			app.Div().Class("token-secret").Body(
				app.Code().ID("token-secret").Attr("aria-describedby", "token-secret-hint").Text(f.secret),
				app.Button().Class("button quiet").ID("token-copy").Type("button").OnClick(s.copy("secret", f.secret)).
					Text(copyLabel(s.copied == "secret", "Copy")),
			),
		),
		app.Div().Class("account-actions").Body(
			app.Button().Class("button").ID("token-done").Type("button").OnClick(s.dismiss).Text("Done"),
		),
	)
}

// renderList lists the tokens, each with its dates and a way to revoke it.
func (s *tokenSection) renderList() app.UI {
	switch {
	case !s.loaded && s.errFor == "list":
		return app.Div().Body(
			s.renderError("list"),
			app.Button().Class("button quiet").ID("tokens-retry").Type("button").OnClick(s.retry).Text("Try again"),
		)
	case !s.loaded:
		return app.P().Class("tokens-empty").Attr("aria-busy", true).Text("Loading your tokens…")
	case len(s.tokens) == 0:
		return app.P().Class("tokens-empty").ID("tokens-empty").Text("No tokens yet. The bookmarklets you make are listed here.")
	}
	return app.Ul().Class("token-list").ID("token-list").Body(
		app.Range(s.tokens).Slice(func(i int) app.UI {
			t := s.tokens[i]
			return app.Li().Class("token").DataSet("id", t.ID).Body(
				app.Div().Class("token-row").Body(
					app.Div().Class("token-about").Body(
						app.Strong().Class("token-name").Text(t.Name),
						app.Span().Class("token-dates").Text(tokenDates(t, s.now)),
					),
					app.If(s.confirm != t.ID, func() app.UI {
						return app.Button().Class("button quiet token-revoke").Type("button").Disabled(s.busy != "").
							OnClick(s.ask(t.ID), app.EventScope(t.ID)).Text("Revoke")
					}),
				),
				app.If(s.confirm == t.ID, func() app.UI { return s.renderConfirm(t) }),
				s.renderError(t.ID),
			)
		}),
	)
}

func (s *tokenSection) renderConfirm(t client.Token) app.UI {
	return app.Div().Class("confirm").Attr("role", "alertdialog").Attr("aria-labelledby", "revoke-text-"+t.ID).Body(
		app.P().ID("revoke-text-"+t.ID).Text("Revoke “"+t.Name+"”? The bookmarklet that uses it stops working, and cannot be made to work again."),
		app.Div().Class("account-actions").Body(
			app.Button().Class("button danger-button token-revoke-confirm").Type("button").Disabled(s.busy != "").
				OnClick(s.revoke(t.ID), app.EventScope(t.ID)).Text(busyLabel(s.busy == t.ID, "Revoke", "Revoking…")),
			app.Button().Class("button quiet").Type("button").OnClick(s.ask(""), app.EventScope(t.ID)).Text("Cancel"),
		),
	)
}

func (s *tokenSection) renderError(what string) app.UI {
	if s.err == "" || s.errFor != what {
		return nil
	}
	return app.P().Class("form-error").Attr("role", "alert").Text(s.err)
}

func (s *tokenSection) create(ctx app.Context, e app.Event) {
	e.PreventDefault()
	if s.busy != "" || s.dev == nil {
		return
	}
	name := strings.TrimSpace(s.name)
	if name == "" {
		name = defaultTokenName
	}
	origin := browser.Origin()
	s.busy = "create"
	s.run("create", func(c context.Context, dev *Device) (func(), error) {
		tok, secret, err := dev.CreateToken(c, name)
		return func() {
			s.fresh = &freshToken{token: tok, secret: secret, bookmarklet: bookmarklet.URL(origin, secret)}
			s.name, s.copied, s.clicked = "", "", false
			s.tokens = append([]client.Token{tok}, s.tokens...)
			s.now = time.Now()
		}, err
	})
}

func (s *tokenSection) revoke(id string) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		if s.busy != "" {
			return
		}
		s.busy = id
		s.run(id, func(c context.Context, dev *Device) (func(), error) {
			err := dev.RevokeToken(c, id)
			if e, ok := client.AsError(err); ok && e.Status == 404 {
				err = nil // revoked already, elsewhere
			}
			return func() {
				s.confirm = ""
				for i, t := range s.tokens {
					if t.ID == id {
						s.tokens = append(s.tokens[:i:i], s.tokens[i+1:]...)
						break
					}
				}
				if s.fresh != nil && s.fresh.token.ID == id {
					s.fresh = nil
				}
			}, err
		})
	}
}

func (s *tokenSection) ask(id string) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		s.confirm, s.err, s.errFor = id, "", ""
	}
}

func (s *tokenSection) retry(ctx app.Context, e app.Event) { s.load() }

// dismiss puts the fresh token away: its secret is never shown again.
func (s *tokenSection) dismiss(ctx app.Context, e app.Event) {
	s.fresh, s.copied, s.clicked = nil, "", false
	// Through the section's context: the clicked button is gone by then.
	s.mounted.Defer(func(app.Context) { browser.Focus("#token-name") })
}

func (s *tokenSection) copy(what, text string) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		browser.CopyText(text)
		s.copied = what
	}
}

// clickBookmarklet keeps a click on the bookmarklet from doing anything
// on Margin's own page (go-app would take it for a navigation), and says
// what to do with it instead.
func (s *tokenSection) clickBookmarklet(ctx app.Context, e app.Event) {
	e.PreventDefault()
	e.StopImmediatePropagation()
	s.clicked = true
}

func copyLabel(copied bool, label string) string {
	if copied {
		return "Copied"
	}
	return label
}

// tokenDates says when a token was made and last used.
func tokenDates(t client.Token, now time.Time) string {
	s := "Made " + date(t.Created.Local())
	if t.LastUsed == nil {
		return s + " · never used"
	}
	return s + " · last used " + ago(*t.LastUsed, now)
}

// ago says how long before now t was, to the minute (the server keeps
// last uses to the minute), then in hours, then as a day.
func ago(t, now time.Time) string {
	d := now.Sub(t)
	switch {
	case d < 2*time.Minute:
		return "just now"
	case d < time.Hour:
		return strconv.Itoa(int(d/time.Minute)) + " minutes ago"
	case d < 2*time.Hour:
		return "an hour ago"
	case d < 24*time.Hour:
		return strconv.Itoa(int(d/time.Hour)) + " hours ago"
	}
	return "on " + date(t.Local())
}
