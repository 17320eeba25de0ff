package ui

import (
	"context"
	"strconv"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"margin/app/browser"
	"margin/app/client"
)

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
		&tokenSection{dev: a.dev},
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

// syncSentence is the status on the account page.
func (a *Account) syncSentence() string {
	if a.status.State == StateUnknown {
		return "Checking sync…"
	}
	return a.status.Label()
}

func (a *Account) ask(what string) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		a.confirm, a.err, a.done = what, "", ""
		a.password = ""
	}
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
