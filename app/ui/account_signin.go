package ui

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

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

func (a *Account) setMode(mode string) app.EventHandler {
	return func(ctx app.Context, e app.Event) {
		if a.mode != mode {
			a.mode, a.err, a.done = mode, "", ""
		}
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
