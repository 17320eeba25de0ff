package ui

import (
	"context"
	"errors"
	"strconv"
	"strings"
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

// renderSignedOut is the sign-in and sign-up forms.
func (a *Account) renderSignedOut() app.UI {
	signup := a.mode == "signup"
	submit, busyText, pwAuto := "Sign in", "Signing in…", "current-password"
	if signup {
		submit, busyText, pwAuto = "Create account", "Creating your account…", "new-password"
	}
	if a.busy != "" {
		submit = busyText
	}
	wait := a.waitSeconds()
	if wait > 0 {
		submit = "Try again in " + strconv.Itoa(wait) + " s"
	}
	return app.Div().Class("account-body").Body(
		app.If(a.done != "", func() app.UI { return app.P().Class("account-done").Attr("role", "status").Text(a.done) }),
		app.P().Class("account-intro").Text(a.intro()),
		app.Div().Class("segmented account-tabs").Attr("role", "tablist").Body(
			app.Button().Class("choice").ID("tab-signin").Attr("role", "tab").Attr("aria-selected", !signup).
				Attr("aria-pressed", !signup).OnClick(a.setMode("signin")).Text("Sign in"),
			app.Button().Class("choice").ID("tab-signup").Attr("role", "tab").Attr("aria-selected", signup).
				Attr("aria-pressed", signup).OnClick(a.setMode("signup")).Text("Create account"),
		),
		app.Form().Class("account-form").ID("account-form").Attr("novalidate", true).OnSubmit(a.submitCredentials).Body(
			field("account-name", "Name", app.Input().Type("text").ID("account-name").Name("username").
				Attr("autocomplete", "username").Attr("autocapitalize", "none").Attr("spellcheck", "false").
				Attr("maxlength", 64).Required(true).Value(a.name).OnInput(a.ValueTo(&a.name))),
			field("account-password", "Password", app.Input().Type("password").ID("account-password").Name("password").
				Attr("autocomplete", pwAuto).Required(true).Value(a.password).OnInput(a.ValueTo(&a.password)).
				Attr("aria-describedby", "account-password-hint")),
			app.P().Class("field-hint").ID("account-password-hint").Text(a.passwordHint()),
			a.renderError("credentials"),
			app.Button().Class("button").ID("account-submit").Type("submit").
				Disabled(a.busy != "" || wait > 0).Text(submit),
		),
	)
}

// intro says what an account is for, and what happens to the guest's
// highlights; or, when the session ended, why to sign in again.
func (a *Account) intro() string {
	if a.signedIn {
		s := "Your session as " + a.user.Name + " has ended: you signed out on another device, or the password changed. Sign in again to go on syncing."
		if n := a.status.Pending; n > 0 {
			s += " " + plural(n, "change waits", "changes wait") + " on this device."
		}
		return s
	}
	s := "Sign in to keep your highlights, notes and reading places on every device you use."
	switch {
	case a.guestCount == 1:
		s += " The highlight you made on this device moves into your account."
	case a.guestCount > 1:
		s += " The " + strconv.Itoa(a.guestCount) + " highlights you made on this device move into your account."
	default:
		s += " Without an account, Margin keeps them on this device only."
	}
	return s
}

func (a *Account) passwordHint() string {
	if a.mode == "signup" {
		return "At least " + strconv.Itoa(minPassword) + " characters. A name holds letters a–z, digits, '.', '_' and '-'."
	}
	return ""
}

// renderSignedIn is the account of the signed-in reader.
func (a *Account) renderSignedIn() app.UI {
	return app.Div().Class("account-body").Body(
		app.If(a.done != "", func() app.UI { return app.P().Class("account-done").Attr("role", "status").Text(a.done) }),
		app.Section().Class("account-card").Attr("aria-labelledby", "account-who").Body(
			app.P().Class("account-who").ID("account-who").Body(
				app.Text("Signed in as "), app.Strong().ID("account-user").Text(a.user.Name),
			),
			app.P().Class("account-sync").ID("account-sync").Attr("data-state", a.status.State.name()).Body(
				app.If(a.status.State != StateUnknown, func() app.UI { return app.Raw(syncIcon(a.status.State)) }),
				app.Span().Text(a.syncSentence()),
			),
		),
		app.Section().Class("account-section").Attr("aria-labelledby", "password-title").Body(
			app.H2().ID("password-title").Text("Change password"),
			app.P().Class("section-hint").Text("Your other devices are signed out and need the new password."),
			app.Form().Class("account-form").ID("password-form").Attr("novalidate", true).OnSubmit(a.submitPassword).Body(
				// Password managers file the new password under this name.
				app.Input().Type("text").Class("visually-hidden").Attr("autocomplete", "username").
					Attr("readonly", true).Attr("tabindex", "-1").Attr("aria-hidden", true).Value(a.user.Name),
				field("current-password", "Current password", app.Input().Type("password").ID("current-password").
					Attr("autocomplete", "current-password").Value(a.password).OnInput(a.ValueTo(&a.password))),
				field("new-password", "New password", app.Input().Type("password").ID("new-password").
					Attr("autocomplete", "new-password").Value(a.newPassword).OnInput(a.ValueTo(&a.newPassword))),
				a.renderError("password"),
				app.Button().Class("button").ID("password-submit").Type("submit").Disabled(a.busy != "").
					Text(busyLabel(a.busy == "password", "Change password", "Changing…")),
			),
		),
		app.Section().Class("account-section").Attr("aria-labelledby", "signout-title").Body(
			app.H2().ID("signout-title").Text("Sign out"),
			app.P().Class("section-hint").Text("Signing out keeps your highlights in this browser for when you sign in again. On a shared device, erase them."),
			a.renderError("signout"),
			app.Div().Class("account-actions").Body(
				app.Button().Class("button").ID("signout").Disabled(a.busy != "").OnClick(a.signOut(false)).
					Text(busyLabel(a.busy == "signout", "Sign out", "Signing out…")),
				app.Button().Class("button quiet").ID("signout-erase").Disabled(a.busy != "").
					OnClick(a.ask("erase")).Text("Sign out and erase this device's data"),
			),
			app.If(a.confirm == "erase", a.renderConfirmErase),
		),
		app.Section().Class("account-section danger").Attr("aria-labelledby", "delete-title").Body(
			app.H2().ID("delete-title").Text("Delete account"),
			app.P().Class("section-hint").Text("Deletes your account and everything in it, on the server and in this browser. This cannot be undone."),
			app.If(a.confirm != "delete", func() app.UI {
				return app.Button().Class("button danger-button").ID("delete-start").Disabled(a.busy != "").
					OnClick(a.ask("delete")).Text("Delete account…")
			}).Else(a.renderConfirmDelete),
		),
	)
}

func (a *Account) renderConfirmErase() app.UI {
	warn := "This erases the highlights, notes, articles and settings Margin keeps in this browser."
	if n := a.status.Pending; n > 0 {
		warn += " " + plural(n, "change is", "changes are") + " not synced yet and will be lost."
	} else {
		warn += " Your account keeps its copy."
	}
	return app.Div().Class("confirm").ID("confirm-erase").Attr("role", "alertdialog").Attr("aria-labelledby", "confirm-erase-text").Body(
		app.P().ID("confirm-erase-text").Text(warn),
		app.Div().Class("account-actions").Body(
			app.Button().Class("button danger-button").ID("signout-erase-confirm").Disabled(a.busy != "").
				OnClick(a.signOut(true)).Text(busyLabel(a.busy == "erase", "Erase and sign out", "Erasing…")),
			app.Button().Class("button quiet").ID("confirm-cancel").OnClick(a.ask("")).Text("Cancel"),
		),
	)
}

func (a *Account) renderConfirmDelete() app.UI {
	return app.Form().Class("account-form confirm").ID("delete-form").Attr("novalidate", true).OnSubmit(a.submitDelete).Body(
		field("delete-password", "Your password, to confirm", app.Input().Type("password").ID("delete-password").
			Attr("autocomplete", "current-password").Value(a.password).OnInput(a.ValueTo(&a.password))),
		a.renderError("delete"),
		app.Div().Class("account-actions").Body(
			app.Button().Class("button danger-button").ID("delete-confirm").Type("submit").Disabled(a.busy != "").
				Text(busyLabel(a.busy == "delete", "Delete my account", "Deleting…")),
			app.Button().Class("button quiet").ID("delete-cancel").Type("button").OnClick(a.ask("")).Text("Cancel"),
		),
	)
}

// renderError shows the last problem of the form named for.
func (a *Account) renderError(form string) app.UI {
	if a.err == "" || a.errFor != form {
		return nil
	}
	return app.P().Class("form-error").ID(form+"-error").Attr("role", "alert").Text(a.err)
}

// field is a labelled input.
func field(id, label string, input app.UI) app.UI {
	return app.Div().Class("field").Body(
		app.Label().For(id).Text(label),
		input,
	)
}

func busyLabel(busy bool, idle, working string) string {
	if busy {
		return working
	}
	return idle
}

// syncSentence is the status on the account page.
func (a *Account) syncSentence() string {
	if a.status.State == StateUnknown {
		return "Checking sync…"
	}
	return a.status.Label()
}

func (a *Account) setMode(mode string) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		if a.mode != mode {
			a.mode, a.err, a.done = mode, "", ""
		}
	}
}

func (a *Account) ask(what string) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		a.confirm, a.err, a.done = what, "", ""
		a.password = ""
	}
}

// waitSeconds is how long the server asked to wait before signing in again.
func (a *Account) waitSeconds() int {
	if a.retryAt.IsZero() {
		return 0
	}
	d := time.Until(a.retryAt)
	if d <= 0 {
		return 0
	}
	return int((d + time.Second - 1) / time.Second)
}

// tick redraws the countdown every second while it runs.
func (a *Account) tick(ctx app.Context) {
	if a.waitSeconds() <= 0 {
		a.retryAt = time.Time{}
		return
	}
	ctx.After(time.Second, a.tick)
}

func (a *Account) submitCredentials(ctx app.Context, e app.Event) {
	e.PreventDefault()
	if a.waitSeconds() > 0 {
		return
	}
	name, password, signup := strings.TrimSpace(a.name), a.password, a.mode == "signup"
	x := action{form: "credentials", focus: "#account-password"}
	switch {
	case name == "":
		x.problem = "Enter your name."
	case password == "":
		x.problem = "Enter your password."
	case signup && len([]rune(password)) < minPassword:
		x.problem = "A password has at least " + strconv.Itoa(minPassword) + " characters."
	}
	x.run = func(c context.Context, dev *Device) error {
		if signup {
			return dev.SignUp(c, name, password)
		}
		return dev.SignIn(c, name, password)
	}
	x.ok = func() {
		a.password, a.name = "", ""
		a.user, a.signedIn = a.dev.User()
		if signup {
			a.done = "Welcome, " + a.user.Name + ". Your account is ready."
		} else {
			a.done = "Signed in. Welcome back, " + a.user.Name + "."
		}
		if a.guestCount > 0 {
			a.done += " Your highlights from this device are syncing to it."
		}
	}
	a.act(x)
}

func (a *Account) submitPassword(ctx app.Context, e app.Event) {
	e.PreventDefault()
	old, nw := a.password, a.newPassword
	x := action{form: "password"}
	switch {
	case old == "":
		x.problem = "Enter your current password."
	case len([]rune(nw)) < minPassword:
		x.problem = "The new password needs at least " + strconv.Itoa(minPassword) + " characters."
	}
	x.run = func(c context.Context, dev *Device) error { return dev.ChangePassword(c, old, nw) }
	x.ok = func() {
		a.password, a.newPassword = "", ""
		a.done = "Your password is changed. Your other devices need it to sign in again."
	}
	a.act(x)
}

func (a *Account) signOut(erase bool) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		x := action{form: "signout"}
		if erase {
			x.busy = "erase"
		}
		x.run = func(c context.Context, dev *Device) error { return dev.SignOut(c, erase) }
		x.ok = func() {
			a.confirm = ""
			if erase {
				// Start afresh: nothing of the old session stays in
				// memory either.
				browser.Replace(accountPath + "?erased=1")
				return
			}
			a.user, a.signedIn = client.User{}, false
			a.mode = "signin"
			a.done = "You are signed out. Your highlights stay in this browser until you sign in again."
		}
		a.act(x)
	}
}

func (a *Account) submitDelete(ctx app.Context, e app.Event) {
	e.PreventDefault()
	password := a.password
	x := action{form: "delete"}
	if password == "" {
		x.problem = "Enter your password to confirm."
	}
	x.run = func(c context.Context, dev *Device) error { return dev.DeleteAccount(c, password) }
	x.ok = func() {
		a.password, a.confirm = "", ""
		a.user, a.signedIn = client.User{}, false
		a.mode = "signin"
		a.done = "Your account and everything in it are deleted."
	}
	a.act(x)
}

// action is a request of the account page to the server, on behalf of
// one of its forms.
type action struct {
	form    string // the form it is for, under which its error shows
	busy    string // what a.busy says while it runs; form when ""
	problem string // what is wrong with what was typed; then nothing is sent
	focus   string // the field to focus when it fails, if any
	run     func(c context.Context, dev *Device) error
	ok      func() // after it succeeded, on the page
}

// act sends x, unless another request is under way (or there is no
// device, on the server) or x has a problem to show. The answer comes
// back through the page's own context.
func (a *Account) act(x action) {
	if a.busy != "" || a.dev == nil {
		return
	}
	ctx := a.mounted
	a.err, a.errFor, a.done = x.problem, x.form, ""
	if a.err != "" {
		return
	}
	a.busy = x.busy
	if a.busy == "" {
		a.busy = x.form
	}
	dev := a.dev
	ctx.Async(func() {
		c, cancel := context.WithTimeout(ctx, loadTimeout)
		defer cancel()
		err := x.run(c, dev)
		ctx.Dispatch(func(ctx app.Context) {
			a.busy = ""
			if err != nil {
				a.fail(ctx, x.form, err)
				if x.focus != "" {
					ctx.Defer(func(app.Context) { browser.Focus(x.focus) })
				}
				return
			}
			x.ok()
		})
	})
}

// fail shows err as a sentence under the form named form.
func (a *Account) fail(ctx app.Context, form string, err error) {
	a.errFor = form
	a.err = accountError(form, err)
	if e, ok := client.AsError(err); ok && e.Code == "rate_limited" {
		wait := e.RetryAfter
		if wait <= 0 {
			wait = time.Minute
		}
		a.retryAt = time.Now().Add(wait)
		a.tick(ctx)
	}
	if !errors.Is(err, client.ErrUnreachable) {
		if _, ok := client.AsError(err); !ok {
			app.Logf("ui: account: %v", err)
		}
	}
}

// accountError says what went wrong with an account request, for the
// reader.
func accountError(form string, err error) string {
	if errors.Is(err, client.ErrUnreachable) || errors.Is(err, ErrOfflineAccount) {
		return "Margin's server cannot be reached. Check your connection and try again."
	}
	e, ok := client.AsError(err)
	if !ok {
		return "Something went wrong. Try again in a moment."
	}
	switch e.Code {
	case "wrong_password":
		return "That password is not right."
	case "bad_credentials":
		if form != "credentials" {
			return "That password is not right."
		}
		return "That name and password do not match. Check them and try again."
	case "rate_limited":
		s := int(e.RetryAfter / time.Second)
		if s <= 0 {
			return "Too many attempts. Try again in a minute."
		}
		return "Too many attempts. Try again in " + strconv.Itoa(s) + " s."
	case "name_taken":
		return "That name is taken. Choose another, or sign in if it is yours."
	case "signup_closed":
		return "This server does not take new accounts. Ask the person who runs it to make one for you."
	case "signed_out":
		return "Your session has ended. Sign in again."
	}
	if e.Status == 401 && form != "credentials" {
		return "That password is not right."
	}
	if e.Status >= 400 && e.Status < 500 && e.Message != "" {
		return e.Message // the server's own sentence: a bad name, a short password
	}
	return "The server could not do that just now. Try again in a moment."
}
