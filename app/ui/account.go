package ui

import (
	"context"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"margin/app/browser"
	"margin/app/client"
)

// accountPath is the address of the account page.
const accountPath = "/account"

// minPassword is the shortest password the server takes; checked here too
// so the reader hears of it before a round trip.
const minPassword = 8

// Account is the page at /account: sign in or create an account, and once
// signed in, the sync status, a new password, signing out (and erasing
// this device's data), and deleting the account. The server prerenders
// it without knowing who asks; the browser draws it for the reader.
type Account struct {
	app.Compo

	dev *Device // nil on the server
	// mounted is the page's own context: results of requests are handed
	// back through it, not through the clicked button's, which the
	// answer may have taken off the page already (go-app drops a
	// dispatch whose element is gone).
	mounted app.Context

	user     client.User
	signedIn bool
	known    bool // whether signedIn is known (not on the server)
	status   SyncStatus
	stop     func()

	// The forms. mode is "signin" or "signup".
	mode        string
	name        string
	password    string
	newPassword string
	busy        string // the action under way, "" when none
	err         string // the last problem, a sentence
	errFor      string // the form it belongs to
	done        string // the last success, a sentence
	retryAt     time.Time
	confirm     string // "erase" or "delete" while confirming it
	guestCount  int    // the guest's highlights, which move into an account
}

func (a *Account) OnNav(ctx app.Context) {
	ctx.Page().SetTitle("%s", pageTitle("Account"))
	ctx.Page().SetDescription("%s", "Sign in to keep your highlights on every device.")
	if app.IsClient {
		browser.SetTitle(ctx.Page().Title())
	}
	if a.dev == nil {
		return
	}
	a.user, a.signedIn = a.dev.User()
	a.known = true
	if a.mode == "" {
		a.mode = "signin"
	}
	if ctx.Page().URL().Query().Get("erased") != "" {
		a.done = "Everything Margin kept in this browser is erased, and you are signed out."
	}
}

func (a *Account) OnMount(ctx app.Context) {
	browser.Mark("margin-mounted")
	a.mounted = ctx
	if a.dev == nil {
		return
	}
	a.stop = a.dev.Subscribe(func(s SyncStatus) {
		ctx.Dispatch(func(ctx app.Context) {
			if s.State == StateSignInAgain && a.status.State != StateSignInAgain && a.name == "" {
				a.name, a.mode = a.user.Name, "signin"
			}
			a.status = s
			u, in := a.dev.User()
			if in != a.signedIn || u != a.user {
				a.user, a.signedIn = u, in
				a.countGuest(ctx)
			}
		})
	})
	a.countGuest(ctx)
}

func (a *Account) OnDismount() {
	if a.stop != nil {
		a.stop()
		a.stop = nil
	}
}

// countGuest counts the guest's highlights, which signing in moves into
// the account.
func (a *Account) countGuest(ctx app.Context) {
	if a.signedIn || a.dev == nil {
		return
	}
	dev := a.dev
	ctx.Async(func() {
		c, cancel := context.WithTimeout(ctx, loadTimeout)
		defer cancel()
		list, err := dev.AllAnnotations(c)
		if err != nil {
			return
		}
		ctx.Dispatch(func(app.Context) { a.guestCount = len(list) })
	})
}

func (a *Account) Render() app.UI {
	return app.Div().Class("page page-account").Body(
		&topBar{Back: true, dev: a.dev},
		app.Main().Class("account").ID("main").Body(
			app.H1().Class("library-title").Text("Account"),
			a.renderBody(),
		),
	)
}

func (a *Account) renderBody() app.UI {
	switch {
	case !a.known:
		return app.P().Class("loading").Attr("aria-busy", true).Text("Loading your account…")
	case a.signedIn && a.status.State == StateSignInAgain:
		// The session ended elsewhere: the same account signs in again.
		return a.renderSignedOut()
	case a.signedIn:
		return a.renderSignedIn()
	default:
		return a.renderSignedOut()
	}
}
